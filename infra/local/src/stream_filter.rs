//! Event filtering of a stream event source mapping (`FilterCriteria`), for the subset of the
//! pattern language the template uses: objects nest, and a list holds the values that match
//! (strings, numbers, `{"prefix": "..."}`, `{"exists": bool}`). A pattern using anything else
//! is refused at start-up rather than matched differently from Lambda.

use anyhow::{Result, bail};
use serde_json::Value as Json;

/// Checks that `pattern` only uses what [`matches`] understands.
pub fn check(pattern: &Json) -> Result<()> {
    match pattern {
        Json::Object(fields) => fields.values().try_for_each(check),
        Json::Array(values) => values.iter().try_for_each(|value| match value {
            Json::String(_) | Json::Number(_) | Json::Bool(_) | Json::Null => Ok(()),
            Json::Object(rule)
                if rule.len() == 1 && rule.get("prefix").is_some_and(Json::is_string) =>
            {
                Ok(())
            }
            Json::Object(rule)
                if rule.len() == 1 && rule.get("exists").is_some_and(Json::is_boolean) =>
            {
                Ok(())
            }
            other => bail!("the local stack cannot match the filter rule {other}"),
        }),
        other => bail!("a filter pattern's leaves must be lists, found {other}"),
    }
}

/// Whether the stream record (in the JSON form Lambda gives the function) passes `pattern`.
pub fn matches(pattern: &Json, record: &Json) -> bool {
    match pattern {
        Json::Object(fields) => fields.iter().all(|(name, inner)| {
            let value = record.get(name);
            match inner {
                Json::Array(rules) => rules.iter().any(|rule| rule_matches(rule, value)),
                _ => value.is_some_and(|value| matches(inner, value)),
            }
        }),
        _ => false,
    }
}

fn rule_matches(rule: &Json, value: Option<&Json>) -> bool {
    match rule {
        Json::Object(rule) => {
            if let Some(Json::String(prefix)) = rule.get("prefix") {
                return value
                    .and_then(Json::as_str)
                    .is_some_and(|s| s.starts_with(prefix.as_str()));
            }
            if let Some(Json::Bool(exists)) = rule.get("exists") {
                return value.is_some() == *exists;
            }
            false
        }
        literal => value == Some(literal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn outbox_pattern() -> Json {
        json!({"eventName": ["INSERT"], "dynamodb": {"Keys": {"PK": {"S": [{"prefix": "NOTIFICATIONS#"}]}}}})
    }

    fn record(event: &str, pk: &str) -> Json {
        json!({"eventName": event, "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": "x"}}}})
    }

    #[test]
    fn outbox_inserts_pass_and_nothing_else_does() {
        let pattern = outbox_pattern();
        check(&pattern).expect("supported");
        assert!(matches(&pattern, &record("INSERT", "NOTIFICATIONS#2")));
        assert!(!matches(&pattern, &record("MODIFY", "NOTIFICATIONS#2")));
        assert!(!matches(&pattern, &record("INSERT", "PATIENT#01J")));
        assert!(!matches(&pattern, &json!({"eventName": "INSERT"})));
    }

    #[test]
    fn exists_and_literals() {
        let pattern = json!({"a": [{"exists": false}], "b": [1, "two"]});
        check(&pattern).expect("supported");
        assert!(matches(&pattern, &json!({"b": "two"})));
        assert!(!matches(&pattern, &json!({"a": 1, "b": 1})));
        assert!(!matches(&pattern, &json!({"b": 3})));
    }

    #[test]
    fn refuses_what_it_cannot_match() {
        assert!(check(&json!({"a": [{"numeric": [">", 1]}]})).is_err());
        assert!(check(&json!({"a": "bare"})).is_err());
    }
}
