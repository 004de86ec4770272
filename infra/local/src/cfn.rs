//! CloudFormation YAML to JSON, with every intrinsic function in its long form.
//!
//! Templates mix `!Ref X` and `{ "Ref": "X" }`, `!GetAtt A.B` and `{ "Fn::GetAtt": [A, B] }`.
//! Normalising once here means the rest of the crate handles one shape only.

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value as Json};
use serde_norway::Value as Yaml;

/// Parses a CloudFormation template (YAML or JSON text) into JSON.
pub fn parse(text: &str) -> Result<Json> {
    let yaml: Yaml = serde_norway::from_str(text).context("template.yaml is not valid YAML")?;
    to_json(yaml)
}

/// Converts a YAML value, rewriting short-form tags (`!Ref`, `!Sub`, `!GetAtt`, ...) into the
/// long form CloudFormation defines for them.
pub fn to_json(value: Yaml) -> Result<Json> {
    Ok(match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(b),
        Yaml::Number(n) => number(&n)?,
        Yaml::String(s) => Json::String(s),
        Yaml::Sequence(items) => {
            Json::Array(items.into_iter().map(to_json).collect::<Result<_>>()?)
        }
        Yaml::Mapping(mapping) => {
            let mut object = Map::with_capacity(mapping.len());
            for (key, value) in mapping {
                object.insert(key_string(key)?, to_json(value)?);
            }
            Json::Object(object)
        }
        Yaml::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            long_form(name, to_json(tagged.value)?)?
        }
    })
}

/// `!GetAtt A.B` is the one short form whose argument changes shape in the long form.
fn long_form(name: &str, argument: Json) -> Result<Json> {
    let (key, argument) = match name {
        "Ref" | "Condition" => (name.to_owned(), argument),
        "GetAtt" => {
            let argument = match argument {
                Json::String(dotted) => match dotted.split_once('.') {
                    Some((resource, attribute)) => Json::Array(vec![
                        Json::String(resource.to_owned()),
                        Json::String(attribute.to_owned()),
                    ]),
                    None => bail!("!GetAtt {dotted:?} must be Resource.Attribute"),
                },
                other => other,
            };
            ("Fn::GetAtt".to_owned(), argument)
        }
        other => (format!("Fn::{other}"), argument),
    };
    let mut object = Map::with_capacity(1);
    object.insert(key, argument);
    Ok(Json::Object(object))
}

fn number(n: &serde_norway::Number) -> Result<Json> {
    if let Some(i) = n.as_i64() {
        return Ok(Json::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Json::from(u));
    }
    n.as_f64()
        .and_then(serde_json::Number::from_f64)
        .map(Json::Number)
        .with_context(|| format!("number {n} cannot be represented in JSON"))
}

/// CloudFormation keys are strings; YAML allows `1:` or `true:` as keys, which we spell out.
fn key_string(key: Yaml) -> Result<String> {
    Ok(match key {
        Yaml::String(s) => s,
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        other => bail!("unsupported mapping key {other:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_tags_become_long_form() -> Result<()> {
        let json = parse(
            r#"
a: !Ref AppTable
b: !Sub "{{resolve:secretsmanager:${Secret}:SecretString}}"
c: !GetAtt UserPool.Arn
d: !Join ["", [x, !Ref Y]]
e: !If [IsProd, 1, 2]
f: !Condition IsProd
g: !GetAtt [A, B]
h: { "Fn::GetAtt": [C, D] }
"#,
        )?;
        assert_eq!(
            json,
            json!({
                "a": {"Ref": "AppTable"},
                "b": {"Fn::Sub": "{{resolve:secretsmanager:${Secret}:SecretString}}"},
                "c": {"Fn::GetAtt": ["UserPool", "Arn"]},
                "d": {"Fn::Join": ["", ["x", {"Ref": "Y"}]]},
                "e": {"Fn::If": ["IsProd", 1, 2]},
                "f": {"Condition": "IsProd"},
                "g": {"Fn::GetAtt": ["A", "B"]},
                "h": {"Fn::GetAtt": ["C", "D"]},
            })
        );
        Ok(())
    }

    #[test]
    fn scalars_keep_their_types() -> Result<()> {
        let json = parse("n: 12\nf: 1.5\nb: true\ns: \"26\"\nz: ~\n1: one\n")?;
        assert_eq!(
            json,
            json!({"n": 12, "f": 1.5, "b": true, "s": "26", "z": null, "1": "one"})
        );
        Ok(())
    }

    #[test]
    fn get_att_without_attribute_is_an_error() {
        assert!(parse("a: !GetAtt UserPool").is_err());
    }
}
