//! `portal-local event events/<name>.json`: an example event with its placeholders swapped for
//! the running demo stack's values, so `cargo lambda invoke` reaches real data (`make invoke`).
//!
//! The files in `events/` use fixed placeholders (a clone of the repository has no stack):
//! - [`PATIENT_ID`] becomes demo patient1's id; without a seeded patient that is an error;
//! - [`PATIENT_SUB`], [`FRONT_DESK_SUB`] and [`CAREGIVER_SUB`] (the claims' `sub`) become the
//!   Cognito subs of demo patient1, the front-desk user and patient1's caregiver when the stack
//!   file records them, and are left (with a warning) when it does not;
//! - [`CHANGE_ID`] stays: the demo has no pending change, so the event gets a 404.
//!
//! The swap is textual, so the file keeps its layout; a replacement is only ever a plain id
//! (letters, digits, `-`, `_`), which needs no escaping anywhere in JSON.

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::stack_file::StackFile;

pub const PATIENT_ID: &str = "01KAZ0DEM0PAT1ENT000000001";
pub const CHANGE_ID: &str = "01KAZ0DEM0CHANGE0000000001";
pub const PATIENT_SUB: &str = "demo-patient-sub";
pub const FRONT_DESK_SUB: &str = "demo-frontdesk-sub";
pub const CAREGIVER_SUB: &str = "demo-caregiver-sub";

/// The event with the placeholders swapped, and what could not be swapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swapped {
    pub event: String,
    pub warnings: Vec<String>,
}

/// Swaps the placeholders in the JSON text `event` for the values of the stack in `file`.
pub fn swap_placeholders(event: &str, file: &StackFile) -> Result<Swapped> {
    serde_json::from_str::<Value>(event).context("the event is not JSON")?;
    let mut text = event.to_owned();
    let mut warnings = Vec::new();

    if text.contains(PATIENT_ID) {
        let patient_id = file
            .find_user("patient1")
            .and_then(|u| u.patient_id.as_deref())
            .context(
                "the running stack has no demo patient1 to stand in for the event's patient; \
                 start it with demo data (`make dev`, or `portal-local up --seed demo`)",
            )?;
        text = replace(&text, PATIENT_ID, patient_id)?;
    }
    for (placeholder, role) in [
        (PATIENT_SUB, "patient1"),
        (FRONT_DESK_SUB, "frontdesk"),
        (CAREGIVER_SUB, "caregiver"),
    ] {
        if !text.contains(placeholder) {
            continue;
        }
        match file.find_user(role).and_then(|u| u.sub.as_deref()) {
            Some(sub) => text = replace(&text, placeholder, sub)?,
            None => warnings.push(format!(
                "the stack file records no sub for demo {role}: the event keeps `sub` \
                 {placeholder:?}"
            )),
        }
    }

    serde_json::from_str::<Value>(&text).context("the swapped event is not JSON")?;
    Ok(Swapped {
        event: text,
        warnings,
    })
}

fn replace(text: &str, placeholder: &str, value: &str) -> Result<String> {
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!("{value:?} (for {placeholder}) is not a plain id; is the stack file damaged?");
    }
    Ok(text.replace(placeholder, value))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::seed::DemoUser;

    fn user(role: &str, patient_id: Option<&str>, sub: Option<&str>) -> DemoUser {
        DemoUser {
            role: role.into(),
            email: format!("{role}@demo.portal.test"),
            password: "pw".into(),
            groups: vec![],
            patient_id: patient_id.map(Into::into),
            sub: sub.map(Into::into),
            totp_secret: None,
        }
    }

    fn stack_file(users: Vec<DemoUser>) -> StackFile {
        StackFile {
            api_url: "http://127.0.0.1:3000".into(),
            aws_endpoint: "http://127.0.0.1:5000".into(),
            region: "us-east-1".into(),
            prefix: "portal".into(),
            user_pool_id: "us-east-1_x".into(),
            user_pool_client_id: "c".into(),
            tables: BTreeMap::new(),
            users,
        }
    }

    const EVENT: &str = r#"{
  "path": "/patients/01KAZ0DEM0PAT1ENT000000001/profile",
  "pathParameters": {"patientId": "01KAZ0DEM0PAT1ENT000000001", "changeId": "01KAZ0DEM0CHANGE0000000001"},
  "requestContext": {"authorizer": {"claims": {"sub": "demo-patient-sub", "custom:patient_id": "01KAZ0DEM0PAT1ENT000000001"}}},
  "other": {"sub": "demo-frontdesk-sub"},
  "body": "{\"patientId\": \"01KAZ0DEM0PAT1ENT000000001\"}"
}"#;

    const PATIENT: &str = "01KB00000000000000000000AA";

    #[test]
    fn swaps_ids_and_subs_everywhere_and_keeps_the_change_id() -> Result<()> {
        let file = stack_file(vec![
            user("frontdesk", None, Some("fd-sub-1")),
            user("patient1", Some(PATIENT), Some("p1-sub-1")),
        ]);
        let swapped = swap_placeholders(EVENT, &file)?;
        assert!(swapped.warnings.is_empty(), "{:?}", swapped.warnings);
        assert!(!swapped.event.contains(PATIENT_ID));
        assert_eq!(swapped.event.matches(PATIENT).count(), 4);
        assert!(swapped.event.contains(CHANGE_ID));

        let event: Value = serde_json::from_str(&swapped.event)?;
        assert_eq!(
            event.pointer("/requestContext/authorizer/claims/sub"),
            Some(&Value::from("p1-sub-1"))
        );
        assert_eq!(event.pointer("/other/sub"), Some(&Value::from("fd-sub-1")));
        let body: Value = serde_json::from_str(event["body"].as_str().context("body")?)?;
        assert_eq!(body["patientId"], PATIENT);
        Ok(())
    }

    #[test]
    fn unknown_subs_stay_with_a_warning_and_a_missing_patient_is_an_error() -> Result<()> {
        let file = stack_file(vec![user("patient1", Some(PATIENT), None)]);
        let swapped = swap_placeholders(EVENT, &file)?;
        assert_eq!(swapped.warnings.len(), 2, "{:?}", swapped.warnings);
        assert!(swapped.event.contains(PATIENT_SUB) && swapped.event.contains(FRONT_DESK_SUB));

        assert!(swap_placeholders(EVENT, &stack_file(vec![])).is_err());
        // An event without the patient placeholder needs no patient.
        let staff_only = r#"{"sub": "demo-frontdesk-sub"}"#;
        assert!(swap_placeholders(staff_only, &stack_file(vec![])).is_ok());
        Ok(())
    }

    #[test]
    fn refuses_values_that_would_break_the_json() {
        let file = stack_file(vec![user("patient1", Some("bad\"id"), None)]);
        assert!(swap_placeholders(EVENT, &file).is_err());
        assert!(swap_placeholders("not json", &stack_file(vec![])).is_err());
    }
}
