//! Resolves CloudFormation values (`!Ref`, `!Sub`, `!GetAtt`, `!Join`, `{{resolve:...}}`) the
//! way a deployment would, but against the locally provisioned resources.
//!
//! Only what a function's environment plausibly needs is supported; anything else is an error,
//! so a template that would behave differently locally fails loudly at start-up.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;

use crate::template::Template;

/// What exists locally, by logical id.
pub struct Names<'a> {
    pub template: &'a Template,
    pub region: &'a str,
    /// Stands in for the stack name (`AWS::StackName`) and prefixes every physical name.
    pub prefix: &'a str,
    pub tables: &'a BTreeMap<String, String>,
    pub user_pool_id: &'a str,
    pub user_pool_client_id: &'a str,
    /// Secret values by the secret's logical id.
    pub secrets: &'a BTreeMap<String, String>,
    /// The secrets' ARNs in the emulator (what `!Ref` gives), by logical id.
    pub secret_arns: &'a BTreeMap<String, String>,
}

/// moto's default account; ARNs built here match the ones moto reports.
pub const ACCOUNT_ID: &str = "123456789012";

impl Names<'_> {
    /// Resolves a value to the string a function would see in its environment.
    pub fn resolve(&self, value: &Json) -> Result<String> {
        match value {
            Json::String(s) => self.dynamic_references(s),
            Json::Number(n) => Ok(n.to_string()),
            Json::Bool(b) => Ok(b.to_string()),
            Json::Object(o) if o.len() == 1 => {
                let (function, argument) = o.iter().next().context("empty intrinsic")?;
                match function.as_str() {
                    "Ref" => self.reference(argument.as_str().context("!Ref takes a name")?),
                    "Fn::Sub" => self.dynamic_references(&self.substitute(argument)?),
                    "Fn::GetAtt" => self.attribute_of(argument),
                    "Fn::Join" => self.join(argument),
                    other => bail!("{other} cannot be resolved locally"),
                }
            }
            other => bail!("{other} cannot be resolved locally"),
        }
    }

    fn reference(&self, name: &str) -> Result<String> {
        match name {
            "AWS::Region" => return Ok(self.region.to_owned()),
            "AWS::StackName" => return Ok(self.prefix.to_owned()),
            "AWS::AccountId" => return Ok(ACCOUNT_ID.to_owned()),
            "AWS::Partition" => return Ok("aws".to_owned()),
            "AWS::URLSuffix" => return Ok("amazonaws.com".to_owned()),
            _ => {}
        }
        if self.template.parameters.contains_key(name) {
            return self.template.parameter_default(name);
        }
        let kind = self
            .template
            .resource_types
            .get(name)
            .with_context(|| format!("!Ref {name}: no such parameter or resource"))?;
        Ok(match kind.as_str() {
            "AWS::DynamoDB::Table" => self.table(name)?.to_owned(),
            "AWS::Cognito::UserPool" => self.user_pool_id.to_owned(),
            "AWS::Cognito::UserPoolClient" => self.user_pool_client_id.to_owned(),
            "AWS::SecretsManager::Secret" => match self.secret_arns.get(name) {
                Some(arn) => arn.clone(),
                None => self.secret_arn(name),
            },
            other => bail!("!Ref {name} ({other}) cannot be resolved locally"),
        })
    }

    fn attribute_of(&self, argument: &Json) -> Result<String> {
        let (resource, attribute) = match argument.as_array().map(Vec::as_slice) {
            Some([Json::String(r), Json::String(a)]) => (r.as_str(), a.as_str()),
            _ => bail!("!GetAtt takes [Resource, Attribute], found {argument}"),
        };
        self.get_att(resource, attribute)
    }

    fn get_att(&self, resource: &str, attribute: &str) -> Result<String> {
        let kind = self
            .template
            .resource_types
            .get(resource)
            .map(String::as_str);
        let (region, account) = (self.region, ACCOUNT_ID);
        Ok(match (kind, attribute) {
            (Some("AWS::DynamoDB::Table"), "Arn") => {
                format!(
                    "arn:aws:dynamodb:{region}:{account}:table/{}",
                    self.table(resource)?
                )
            }
            (Some("AWS::Cognito::UserPool"), "Arn") => format!(
                "arn:aws:cognito-idp:{region}:{account}:userpool/{}",
                self.user_pool_id
            ),
            (Some("AWS::Cognito::UserPool"), "ProviderURL") => format!(
                "https://cognito-idp.{region}.amazonaws.com/{}",
                self.user_pool_id
            ),
            _ => bail!("!GetAtt {resource}.{attribute} cannot be resolved locally"),
        })
    }

    fn join(&self, argument: &Json) -> Result<String> {
        let (separator, items) = match argument.as_array().map(Vec::as_slice) {
            Some([Json::String(sep), Json::Array(items)]) => (sep, items),
            _ => bail!("!Join takes [separator, [values]], found {argument}"),
        };
        let parts = items
            .iter()
            .map(|item| self.resolve(item))
            .collect::<Result<Vec<_>>>()?;
        Ok(parts.join(separator))
    }

    /// `${Name}` is a `!Ref`, `${Resource.Attribute}` a `!GetAtt`, `${!Literal}` stays `${Literal}`;
    /// the list form's variables take precedence.
    fn substitute(&self, argument: &Json) -> Result<String> {
        let (text, variables) = match argument {
            Json::String(text) => (text.as_str(), None),
            Json::Array(items) => match items.as_slice() {
                [Json::String(text), Json::Object(vars)] => (text.as_str(), Some(vars)),
                _ => bail!("!Sub takes a string or [string, {{variables}}]"),
            },
            other => bail!("!Sub takes a string, found {other}"),
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .with_context(|| format!("unclosed ${{ in !Sub {text:?}"))?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = variables.and_then(|vars| vars.get(name)) {
                out.push_str(&self.resolve(value)?);
            } else if let Some((resource, attribute)) = name.split_once('.') {
                out.push_str(&self.get_att(resource, attribute)?);
            } else {
                out.push_str(&self.reference(name)?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Replaces `{{resolve:secretsmanager:<id>:SecretString}}` with the secret's local value.
    fn dynamic_references(&self, text: &str) -> Result<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{resolve:") {
            out.push_str(&rest[..start]);
            let after = &rest[start + "{{resolve:".len()..];
            let end = after
                .find("}}")
                .with_context(|| format!("unclosed dynamic reference in {text:?}"))?;
            out.push_str(self.dynamic_reference(&after[..end])?);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn dynamic_reference(&self, reference: &str) -> Result<&str> {
        let Some(secret) = reference.strip_prefix("secretsmanager:") else {
            bail!("{{{{resolve:{reference}}}}} cannot be resolved locally (only secretsmanager)");
        };
        // The secret id may be an ARN, which contains colons itself.
        let (id, options) = secret.split_once(":SecretString").unwrap_or((secret, ""));
        if options.split(':').any(|option| !option.is_empty()) {
            bail!("{{{{resolve:{reference}}}}}: JSON keys and versions are not supported locally");
        }
        self.secrets
            .iter()
            .find(|(logical_id, _)| {
                id == logical_id.as_str()
                    || id == self.secret_name(logical_id)
                    || id == self.secret_arn(logical_id)
            })
            .map(|(_, value)| value.as_str())
            .with_context(|| format!("{{{{resolve:{reference}}}}}: no such secret in the template"))
    }

    fn table(&self, logical_id: &str) -> Result<&str> {
        self.tables
            .get(logical_id)
            .map(String::as_str)
            .with_context(|| format!("table {logical_id} was not provisioned"))
    }

    fn secret_name(&self, logical_id: &str) -> String {
        format!("{}-{logical_id}", self.prefix)
    }

    fn secret_arn(&self, logical_id: &str) -> String {
        format!(
            "arn:aws:secretsmanager:{}:{ACCOUNT_ID}:secret:{}",
            self.region,
            self.secret_name(logical_id)
        )
    }
}

#[cfg(test)]
mod tests;
