//! The parts of `template.yaml` the local stack needs, as typed values.
//!
//! The template is the single source of truth: tables, the user pool and the API's routes are
//! never described a second time in Rust. Property structs mirror CloudFormation's names and
//! nesting so that a reader can hold them next to the template. Properties the local stack has no
//! use for (KMS keys, point-in-time recovery, alarms) are ignored; a shape it cannot handle is an
//! error at load time rather than a silent difference from the cloud.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::cfn;

mod cognito;
mod dynamodb;
mod serverless;

pub use cognito::*;
pub use dynamodb::*;
pub use serverless::*;

/// Everything the local stack provisions and serves, read from one template.
#[derive(Debug, Clone)]
pub struct Template {
    /// Parameters with their default values (`!Ref StageName` resolves to the default).
    pub parameters: BTreeMap<String, Parameter>,
    /// Every resource's type by logical id, so a `!Ref` can be resolved by kind.
    pub resource_types: BTreeMap<String, String>,
    /// `AWS::DynamoDB::Table` resources.
    pub tables: Vec<Table>,
    /// The one `AWS::Cognito::UserPool`.
    pub user_pool: UserPool,
    /// The one `AWS::Cognito::UserPoolClient`.
    pub user_pool_client: UserPoolClient,
    /// `AWS::Cognito::UserPoolGroup` resources.
    pub groups: Vec<Group>,
    /// The one `AWS::Serverless::Api`.
    pub api: Api,
    /// `AWS::Serverless::Function` resources, with globals merged in.
    pub functions: Vec<Function>,
    /// `AWS::SecretsManager::Secret` resources, which dynamic references in the functions'
    /// environment read.
    pub secrets: Vec<Secret>,
    /// `AWS::SQS::Queue` logical ids (failure destinations the local stream reader writes to).
    pub queues: Vec<String>,
    /// `AWS::SES::ConfigurationSet` names, unresolved (`Name`).
    pub configuration_sets: Vec<Json>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(default)]
    pub default: Option<Json>,
}

// ---- Secrets Manager ----------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    #[serde(skip)]
    pub logical_id: String,
    /// A fixed value, when the template gives one.
    #[serde(default)]
    pub secret_string: Option<String>,
    #[serde(default)]
    pub generate_secret_string: Option<GenerateSecretString>,
}

impl Secret {
    /// How long a generated value is: the template's `PasswordLength`, else Secrets Manager's 32.
    pub fn generated_length(&self) -> usize {
        self.generate_secret_string
            .as_ref()
            .and_then(|g| g.password_length)
            .unwrap_or(32)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateSecretString {
    #[serde(default)]
    pub password_length: Option<usize>,
}

// ---- Loading --------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawTemplate {
    #[serde(default)]
    parameters: BTreeMap<String, Parameter>,
    #[serde(default)]
    globals: Option<Json>,
    resources: BTreeMap<String, RawResource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawResource {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(default)]
    properties: Json,
    #[serde(default)]
    metadata: Json,
}

impl Template {
    /// Reads and parses a template file.
    pub fn load(path: &Path) -> Result<Template> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Template::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses template text.
    pub fn parse(text: &str) -> Result<Template> {
        let raw: RawTemplate = serde_json::from_value(cfn::parse(text)?)
            .context("the template has no Resources or a malformed section")?;
        let resource_types = raw
            .resources
            .iter()
            .map(|(id, r)| (id.clone(), r.kind.clone()))
            .collect();

        let mut tables = Vec::new();
        let mut pools = Vec::new();
        let mut clients = Vec::new();
        let mut groups = Vec::new();
        let mut apis = Vec::new();
        let mut secrets = Vec::new();
        let mut queues = Vec::new();
        let mut configuration_sets = Vec::new();
        let mut function_resources = Vec::new();
        for (id, resource) in &raw.resources {
            let properties = || resource.properties.clone();
            let context = || format!("resource {id} ({})", resource.kind);
            match resource.kind.as_str() {
                "AWS::DynamoDB::Table" => {
                    let mut table: Table =
                        serde_json::from_value(properties()).with_context(context)?;
                    table.logical_id = id.clone();
                    tables.push(table);
                }
                "AWS::Cognito::UserPool" => {
                    let mut pool: UserPool =
                        serde_json::from_value(properties()).with_context(context)?;
                    pool.logical_id = id.clone();
                    pools.push(pool);
                }
                "AWS::Cognito::UserPoolClient" => {
                    let mut client: UserPoolClient =
                        serde_json::from_value(properties()).with_context(context)?;
                    client.logical_id = id.clone();
                    clients.push(client);
                }
                "AWS::Cognito::UserPoolGroup" => {
                    let mut group: Group =
                        serde_json::from_value(properties()).with_context(context)?;
                    group.logical_id = id.clone();
                    groups.push(group);
                }
                "AWS::SecretsManager::Secret" => {
                    let mut secret: Secret =
                        serde_json::from_value(properties()).with_context(context)?;
                    secret.logical_id = id.clone();
                    secrets.push(secret);
                }
                "AWS::Serverless::Api" => {
                    apis.push(parse_api(id, &resource.properties).with_context(context)?)
                }
                "AWS::Serverless::Function" => function_resources.push((id, resource)),
                "AWS::SQS::Queue" => queues.push(id.clone()),
                "AWS::SES::ConfigurationSet" => {
                    configuration_sets.push(resource.properties.get("Name").cloned().with_context(
                        || format!("{}: a configuration set needs a Name", context()),
                    )?)
                }
                _ => {}
            }
        }

        let user_pool = exactly_one(pools, "AWS::Cognito::UserPool")?;
        let user_pool_client = exactly_one(clients, "AWS::Cognito::UserPoolClient")?;
        let api = exactly_one(apis, "AWS::Serverless::Api")?;
        let globals = raw
            .globals
            .as_ref()
            .and_then(|g| g.get("Function"))
            .cloned()
            .unwrap_or(Json::Null);
        let functions = function_resources
            .into_iter()
            .map(|(id, resource)| {
                parse_function(id, &resource.properties, &resource.metadata, &globals, &api)
                    .with_context(|| format!("resource {id} (AWS::Serverless::Function)"))
            })
            .collect::<Result<Vec<_>>>()?;
        for (trigger, function) in &user_pool.lambda_config {
            if !functions.iter().any(|f| &f.logical_id == function) {
                bail!(
                    "resource {} (AWS::Cognito::UserPool): LambdaConfig.{trigger} names \
                     {function}, which is not an AWS::Serverless::Function",
                    user_pool.logical_id
                );
            }
        }

        Ok(Template {
            parameters: raw.parameters,
            resource_types,
            tables,
            user_pool,
            user_pool_client,
            groups,
            api,
            functions,
            secrets,
            queues,
            configuration_sets,
        })
    }

    /// The address mail is sent from (the user pool's `EmailConfiguration.From`), if any.
    pub fn sender_identity(&self) -> Result<Option<String>> {
        self.user_pool
            .email_configuration
            .as_ref()
            .and_then(|config| config.from.as_ref())
            .map(|from| self.resolve_plain(from))
            .transpose()
    }

    /// Finds a function by logical id.
    pub fn function(&self, logical_id: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.logical_id == logical_id)
    }

    /// Resolves a value that may only use literals and `!Ref <Parameter>` (parameter defaults),
    /// such as the API's stage name.
    pub fn resolve_plain(&self, value: &Json) -> Result<String> {
        match value {
            Json::String(s) => Ok(s.clone()),
            Json::Number(n) => Ok(n.to_string()),
            Json::Bool(b) => Ok(b.to_string()),
            Json::Object(o) if o.len() == 1 && o.contains_key("Ref") => {
                let name = o.get("Ref").and_then(Json::as_str).unwrap_or_default();
                self.parameter_default(name)
            }
            other => bail!("cannot resolve {other} locally"),
        }
    }
}

impl Template {
    /// Gives a parameter another value, as `sam deploy --parameter-overrides` would (the local
    /// stack deploys with the defaults otherwise). Only a declared parameter may be overridden.
    pub fn override_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let parameter = self
            .parameters
            .get_mut(name)
            .with_context(|| format!("no parameter {name} to override"))?;
        parameter.default = Some(Json::String(value.to_owned()));
        Ok(())
    }

    /// A parameter's default value (the local stack deploys with defaults only).
    pub fn parameter_default(&self, name: &str) -> Result<String> {
        let default = self
            .parameters
            .get(name)
            .and_then(|p| p.default.as_ref())
            .with_context(|| format!("!Ref {name} is not a parameter with a default"))?;
        self.resolve_plain(default)
    }
}

/// The local stack emulates one pool, one client and one API; more would need a way to choose.
fn exactly_one<T>(mut found: Vec<T>, kind: &str) -> Result<T> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!("the template declares no {kind}"),
        n => bail!(
            "the template declares {n} resources of type {kind}; the local stack supports one"
        ),
    }
}

/// The workspace root: the nearest directory at or above the current one that holds
/// `template.yaml`, else the directory this crate was built in (so a test binary run from any
/// member folder finds the repository's template).
pub fn workspace_root() -> PathBuf {
    let compiled_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::current_dir()
        .ok()
        .and_then(|dir| {
            dir.ancestors()
                .find(|d| d.join("template.yaml").is_file())
                .map(Path::to_path_buf)
        })
        .unwrap_or(compiled_in)
}

/// `template.yaml` in the workspace root.
pub fn default_template_path() -> PathBuf {
    workspace_root().join("template.yaml")
}

#[cfg(test)]
mod tests;
