//! A provisioned local stack: where the emulated AWS is, what was created in it, and each
//! function's resolved environment.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::{Context, Result};
use aws_config::SdkConfig;

use crate::resolve::Names;
use crate::secret::CreatedSecret;
use crate::template::{Function, Template};
use portal_shared::platform::config::Settings;

/// Everything a gateway, a seeder or a test needs to use a provisioned stack. Cheap to clone.
#[derive(Clone)]
pub struct Stack {
    /// The emulated AWS endpoint, e.g. `http://127.0.0.1:41234`.
    pub endpoint: String,
    pub region: String,
    /// Prefix of every physical name, so several test runs can share one endpoint.
    pub prefix: String,
    /// The API's stage (`StageName`), as API Gateway reports it in `requestContext.stage`.
    pub stage: String,
    /// Physical table names by logical id (`AppTable` → `<prefix>-AppTable`).
    pub tables: BTreeMap<String, String>,
    /// SQS queue URLs by logical id.
    pub queues: BTreeMap<String, String>,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    /// Cognito group names, as created.
    pub groups: Vec<String>,
    pub template: Arc<Template>,
    /// SDK configuration for the endpoint (static test credentials); shared by every client.
    pub sdk: SdkConfig,
    environments: Arc<BTreeMap<String, HashMap<String, String>>>,
}

/// What provisioning created, before environments are resolved.
pub struct Provisioned {
    pub endpoint: String,
    pub region: String,
    pub prefix: String,
    pub tables: BTreeMap<String, String>,
    pub queues: BTreeMap<String, String>,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    pub groups: Vec<String>,
    /// The template's secrets as created in the emulator, by logical id.
    pub secrets: BTreeMap<String, CreatedSecret>,
    pub template: Arc<Template>,
    pub sdk: SdkConfig,
}

impl Stack {
    /// Resolves every function's environment against what was provisioned (the secrets were
    /// created in the emulator); a value that cannot be resolved locally fails here, at start-up.
    pub fn assemble(p: Provisioned) -> Result<Stack> {
        let secrets: BTreeMap<String, String> = p
            .secrets
            .iter()
            .map(|(id, secret)| (id.clone(), secret.value.clone()))
            .collect();
        let secret_arns: BTreeMap<String, String> = p
            .secrets
            .iter()
            .map(|(id, secret)| (id.clone(), secret.arn.clone()))
            .collect();
        let names = Names {
            template: &p.template,
            region: &p.region,
            prefix: &p.prefix,
            tables: &p.tables,
            user_pool_id: &p.user_pool_id,
            user_pool_client_id: &p.user_pool_client_id,
            secrets: &secrets,
            secret_arns: &secret_arns,
        };
        let mut environments = BTreeMap::new();
        for function in &p.template.functions {
            let mut env = HashMap::new();
            for (name, value) in &function.environment {
                let resolved = names.resolve(value).with_context(|| {
                    format!("environment variable {name} of {}", function.logical_id)
                })?;
                env.insert(name.clone(), resolved);
            }
            environments.insert(function.logical_id.clone(), env);
        }
        let stage = p.template.resolve_plain(&p.template.api.stage_name)?;
        Ok(Stack {
            endpoint: p.endpoint,
            region: p.region,
            prefix: p.prefix,
            stage,
            tables: p.tables,
            queues: p.queues,
            user_pool_id: p.user_pool_id,
            user_pool_client_id: p.user_pool_client_id,
            groups: p.groups,
            template: p.template,
            sdk: p.sdk,
            environments: Arc::new(environments),
        })
    }

    /// The environment a deployed function would get, resolved locally: `!Ref <Table>` is the
    /// physical table name, a `{{resolve:secretsmanager:...}}` reference the stack's generated
    /// secret, plain strings as they are.
    pub fn env_for(&self, function_logical_id: &str) -> Result<HashMap<String, String>> {
        self.environments
            .get(function_logical_id)
            .cloned()
            .with_context(|| format!("the template has no function {function_logical_id}"))
    }

    /// What running one of the template's functions locally starts from: its binary (which
    /// names its Rust handler, job or consumer), its resolved environment and its shared
    /// settings; a missing binary or a setting the function refuses fails here, naming it.
    pub fn function_config(&self, function: &Function) -> Result<FunctionConfig> {
        let id = &function.logical_id;
        let binary = function
            .binary
            .clone()
            .with_context(|| format!("function {id} has no Metadata.BuildProperties.Binary"))?;
        let env = self.env_for(id)?;
        let settings = Settings::from_lookup(|name| env.get(name).cloned())
            .with_context(|| format!("function {id}"))?;
        crate::registry::check_config(&binary, &env).with_context(|| format!("function {id}"))?;
        Ok(FunctionConfig {
            binary,
            env,
            settings,
        })
    }

    /// The physical name of a table, by logical id.
    pub fn table(&self, logical_id: &str) -> Option<&str> {
        self.tables.get(logical_id).map(String::as_str)
    }

    /// The `iss` of the pool's tokens (moto uses the real Cognito form).
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region, self.user_pool_id
        )
    }

    /// Where moto serves the pool's signing keys.
    pub fn jwks_url(&self) -> String {
        format!(
            "{}/{}/.well-known/jwks.json",
            self.endpoint, self.user_pool_id
        )
    }

    pub fn cognito(&self) -> aws_sdk_cognitoidentityprovider::Client {
        aws_sdk_cognitoidentityprovider::Client::new(&self.sdk)
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk)
    }
}

/// A function's binary, environment and settings (see [`Stack::function_config`]).
pub struct FunctionConfig {
    pub binary: String,
    pub env: HashMap<String, String>,
    pub settings: Settings,
}

/// Leaves out the environments: they hold the generated secrets.
impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stack")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .field("stage", &self.stage)
            .field("tables", &self.tables)
            .field("user_pool_id", &self.user_pool_id)
            .field("user_pool_client_id", &self.user_pool_client_id)
            .field("groups", &self.groups)
            .finish_non_exhaustive()
    }
}
