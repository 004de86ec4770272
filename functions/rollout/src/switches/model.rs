//! The switch routes' bodies and views. The rules themselves (modes, cohorts, percentage, staff
//! roles, the kill switch) and their evaluation are the shared crate's
//! (`portal_shared::features::switches`): every function evaluates them. How a change is
//! written (the next switch, its history entry, the reason's rules) is shared too
//! (`portal_shared::features::switch_change`): the support function switches features off
//! from problem reports the same way.

use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::features::switch_change::checked_reason;
use portal_shared::features::switches::{Feature, Mode, Switch, SwitchRules};
use portal_shared::platform::validation::{FieldError, FieldErrors};
use portal_shared::policy::caller::{Role, UserSub};
use serde::{Deserialize, Serialize};

/// A staff role as its Cognito group name (`front-desk`); patients and caregivers are not
/// staff roles and are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct StaffRole(pub Role);

impl TryFrom<String> for StaffRole {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Role::from_group(&raw)
            .filter(|role| role.is_staff())
            .map(StaffRole)
            .ok_or_else(|| {
                let staff: Vec<&str> = Role::ALL
                    .iter()
                    .filter(|role| role.is_staff())
                    .map(|role| role.group())
                    .collect();
                format!("must be a staff role: one of {}", staff.join(", "))
            })
    }
}

/// `PUT /rollout/features/{feature}`: the whole switch (every field is required, so a change
/// cannot clear the kill switch or a rule by leaving it out) and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SwitchChange {
    pub mode: Mode,
    pub cohorts: Vec<CohortName>,
    pub percentage: u8,
    pub staff_roles: Vec<StaffRole>,
    pub killed: bool,
    pub reason: String,
}

/// `POST /rollout/features/{feature}/kill`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KillRequest {
    pub reason: String,
}

impl SwitchChange {
    /// The rules and the reason, with every field's problem named at once (the rules' own
    /// invariants from [`SwitchRules::check`], then the reason). Whether the cohorts exist is
    /// checked against the table afterwards.
    pub fn checked(self) -> Result<(SwitchRules, String), ApiError> {
        let rules = SwitchRules {
            mode: self.mode,
            cohorts: self.cohorts,
            percentage: self.percentage,
            staff_roles: self.staff_roles.into_iter().map(|role| role.0).collect(),
            killed: self.killed,
        };
        let mut errors: Vec<FieldError> = match rules.check() {
            Ok(()) => Vec::new(),
            Err(ApiError::Invalid(errors)) => errors,
            Err(other) => return Err(other),
        };
        let mut more = FieldErrors::new();
        let reason = more.check("reason", checked_reason(&self.reason));
        errors.extend(more.into_vec());
        match reason {
            Some(reason) if errors.is_empty() => Ok((rules, reason)),
            _ => Err(ApiError::Invalid(errors)),
        }
    }
}

/// A switch as the portal lead reads it; `version` is its ETag (0: never set, on for
/// everyone).
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchView {
    pub feature: Feature,
    #[serde(flatten)]
    pub rules: SwitchRules,
    pub version: u64,
    pub updated_at: Option<Timestamp>,
    pub updated_by: Option<UserSub>,
}

impl SwitchView {
    pub fn new(feature: Feature, stored: Option<&Switch>) -> Self {
        match stored {
            Some(switch) => SwitchView {
                feature,
                rules: switch.rules.clone(),
                version: switch.version,
                updated_at: Some(switch.updated_at),
                updated_by: Some(switch.updated_by.clone()),
            },
            None => SwitchView {
                feature,
                rules: SwitchRules::default(),
                version: 0,
                updated_at: None,
                updated_by: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::platform::http::parse_json;

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    fn change(json: serde_json::Value) -> Result<SwitchChange, ApiError> {
        parse_json(json.to_string().as_bytes())
    }

    #[test]
    fn a_change_names_each_bad_field() {
        let good = serde_json::json!({
            "mode": "rules", "cohorts": ["beta-1"], "percentage": 20,
            "staffRoles": ["front-desk"], "killed": false, "reason": "Open to beta-1",
        });
        let (rules, reason) = change(good.clone())
            .expect("parses")
            .checked()
            .expect("valid");
        assert_eq!(rules.mode, Mode::Rules);
        assert_eq!(rules.staff_roles, [Role::FrontDesk]);
        assert_eq!(reason, "Open to beta-1");

        let mut twice = good.clone();
        twice["percentage"] = 101.into();
        twice["cohorts"] = serde_json::json!(["beta-1", "beta-1"]);
        twice["reason"] = "ok".into();
        let error = change(twice).expect("parses").checked().unwrap_err();
        assert_eq!(fields(error), ["percentage", "cohorts", "reason"]);

        for (field, value) in [
            ("percentage", serde_json::json!(300)),
            ("percentage", serde_json::json!(-1)),
            ("mode", serde_json::json!("sometimes")),
            ("cohorts", serde_json::json!(["Beta 1"])),
            ("staffRoles", serde_json::json!(["patients"])),
            ("killed", serde_json::json!("yes")),
        ] {
            let mut body = good.clone();
            body[field] = value;
            let named = fields(change(body).unwrap_err());
            assert!(named[0].starts_with(field), "{field}: {named:?}");
        }
        for missing in [
            "mode",
            "cohorts",
            "percentage",
            "staffRoles",
            "killed",
            "reason",
        ] {
            let mut body = good.clone();
            body.as_object_mut().expect("object").remove(missing);
            assert_eq!(fields(change(body).unwrap_err()), [missing]);
        }
        let mut extra = good;
        extra["version"] = 3.into();
        assert_eq!(fields(change(extra).unwrap_err()), ["version"]);
    }

    #[test]
    fn a_switch_never_set_is_on_for_everyone_at_version_zero() {
        let view = SwitchView::new(Feature::Waitlist, None);
        assert_eq!(view.version, 0);
        assert_eq!(view.rules.mode, Mode::Everyone);
        let json = serde_json::to_value(&view).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "feature": "waitlist", "mode": "everyone", "cohorts": [], "percentage": 0,
                "staffRoles": [], "killed": false, "version": 0,
            })
        );
    }
}
