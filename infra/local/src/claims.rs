//! The ID token's claims as API Gateway REST hands them to Lambda: every value a string.
//!
//! What API Gateway's Cognito authorizer does, and the handlers must cope with:
//! - arrays are joined with commas (`cognito:groups: ["a","b"]` → `"a,b"`);
//! - `exp` and `iat` become Java-style dates (`"Tue Apr 04 18:39:39 UTC 2023"`), while other
//!   numbers such as `auth_time` become their decimal text;
//! - booleans become `"true"` / `"false"`.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::macros::format_description;

/// Stringifies every claim.
pub fn stringify(claims: &Map<String, Value>) -> Map<String, Value> {
    claims
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(name, value)| (name.clone(), Value::String(stringify_claim(name, value))))
        .collect()
}

fn stringify_claim(name: &str, value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if name == "exp" || name == "iat" => n
            .as_i64()
            .and_then(java_date)
            .unwrap_or_else(|| n.to_string()),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|item| stringify_claim("", item))
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => value.to_string(),
        Value::Null => String::new(),
    }
}

/// `Date.toString()` in UTC, which is how API Gateway renders `exp` and `iat`.
fn java_date(epoch_seconds: i64) -> Option<String> {
    let format = format_description!(
        "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
    );
    OffsetDateTime::from_unix_timestamp(epoch_seconds)
        .ok()?
        .format(&format)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_claim_becomes_a_string() {
        let claims = json!({
            "sub": "7d8e",
            "cognito:groups": ["clinicians", "admins"],
            "email_verified": true,
            "auth_time": 1680629979,
            "exp": 1680633579,
            "iat": 1680629979,
            "custom:patient_id": "01HZY3V8J9K2M4N6P8Q0R2S4T6",
            "address": {"formatted": "1 Main St"},
            "gone": null,
        });
        let Value::Object(claims) = claims else {
            unreachable!("a JSON object literal")
        };
        assert_eq!(
            Value::Object(stringify(&claims)),
            json!({
                "sub": "7d8e",
                "cognito:groups": "clinicians,admins",
                "email_verified": "true",
                "auth_time": "1680629979",
                "exp": "Tue Apr 04 18:39:39 UTC 2023",
                "iat": "Tue Apr 04 17:39:39 UTC 2023",
                "custom:patient_id": "01HZY3V8J9K2M4N6P8Q0R2S4T6",
                "address": "{\"formatted\":\"1 Main St\"}",
            })
        );
    }

    #[test]
    fn single_group_is_a_plain_string() {
        let Value::Object(claims) = json!({"cognito:groups": ["patients"]}) else {
            unreachable!("a JSON object literal")
        };
        assert_eq!(stringify(&claims)["cognito:groups"], json!("patients"));
    }
}
