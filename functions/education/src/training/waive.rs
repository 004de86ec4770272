//! `POST /admin/staff/{staffId}/training/{moduleId}/waiver` (`WaiveTraining`, admins):
//! `{reason}` (plain text, 5–500 characters) marks an assigned module of the member's plan
//! `waived`, with the admin's name and the reason on the plan (never in logs) → 200 the plan
//! view. 404 when the id is no member's plan or the module is not in it; 409 when it is
//! completed or waived already, or the plan kept changing. An admin's own modules are waived by
//! another admin (403). Audited (`training.waive`, resource `staff/<staffId>`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::onboarding::{
    ModuleProgress, ModuleStatus, PlanView, Waiver, change_plan,
};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::UserSub;
use serde::Deserialize;

use crate::Deps;
use crate::training::module_in_path;

pub const MIN_REASON_CHARS: usize = 5;
pub const MAX_REASON_CHARS: usize = 500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverRequest {
    reason: String,
}

/// The reason as stored: plain text (line breaks allowed), 5–500 characters once trimmed.
fn checked_reason(raw: &str) -> Result<String, ApiError> {
    let reason =
        plain_text(raw, MAX_REASON_CHARS, true).map_err(|why| ApiError::invalid("reason", why))?;
    if reason.chars().count() < MIN_REASON_CHARS {
        return Err(ApiError::invalid(
            "reason",
            format!("must be at least {MIN_REASON_CHARS} characters"),
        ));
    }
    Ok(reason)
}

/// The module waived, or why it cannot be.
fn waived(progress: &ModuleProgress, waiver: Waiver) -> Result<ModuleProgress, ApiError> {
    match progress.status {
        ModuleStatus::Assigned => {
            let mut next = progress.clone();
            next.status = ModuleStatus::Waived;
            next.waiver = Some(waiver);
            Ok(next)
        }
        ModuleStatus::Completed => Err(ApiError::Conflict(
            "This module is completed already: there is nothing to waive.".into(),
        )),
        ModuleStatus::Waived | ModuleStatus::NotAssigned => {
            Err(ApiError::Conflict("This module is waived already.".into()))
        }
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::WaiveTraining).await?;
    let staff = call
        .path_param("staffId")
        .and_then(|raw| UserSub::parse(&raw))
        .ok_or(ApiError::NotFound)?;
    let module = module_in_path(call)?;
    let request: WaiverRequest = call.json_body()?;
    let reason = checked_reason(&request.reason)?;
    let caller = call.caller();
    if staff == caller.sub {
        // The gate is the practice's check on its own staff: nobody waives it for themselves.
        return Err(ApiError::Forbidden(
            "Your own training module must be waived by another administrator.",
        ));
    }

    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    let plan = change_plan(dynamo, table, &staff, |read| {
        let mut plan = read.ok_or(ApiError::NotFound)?;
        let current = plan.modules.get(&module).ok_or(ApiError::NotFound)?;
        let now = Timestamp::now();
        let waiver = Waiver {
            by_id: caller.sub.clone(),
            by_name: caller.shown_name(),
            reason: reason.clone(),
            at: now,
        };
        let next = waived(current, waiver)?;
        plan.modules.insert(module, next);
        plan.updated_at = now;
        Ok(Some(plan))
    })
    .await?
    .ok_or_else(|| ApiError::internal("a waiver always writes the plan"))?;
    authorizer
        .record_staff_action(
            call,
            &access,
            &AuditResource::StaffAccount {
                sub: staff.to_string(),
                what: String::new(),
            },
            Outcome::Allowed,
        )
        .await?;
    json(StatusCode::OK, &PlanView::of(&plan))
}

#[cfg(test)]
mod tests {
    use portal_shared::platform::http::parse_json;

    use super::*;

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn reasons_are_plain_text_of_5_to_500_characters() {
        assert_eq!(
            checked_reason("  Ran the inbox at her last practice.\r\nSame portal. ").expect("ok"),
            "Ran the inbox at her last practice.\nSame portal."
        );
        assert_eq!(checked_reason("Ready").expect("ok"), "Ready");
        assert_eq!(
            fields(checked_reason("  ok  ").expect_err("short")),
            ["reason"]
        );
        assert_eq!(fields(checked_reason("").expect_err("empty")), ["reason"]);
        assert_eq!(
            fields(checked_reason(&"x".repeat(501)).expect_err("long")),
            ["reason"]
        );
        assert!(checked_reason(&"x".repeat(500)).is_ok());
        assert_eq!(
            fields(checked_reason("bad \u{202e} text").expect_err("spoof")),
            ["reason"]
        );
        assert!(parse_json::<WaiverRequest>(br#"{"reason":"Ready","by":"x"}"#).is_err());
        assert!(parse_json::<WaiverRequest>(br#"{}"#).is_err());
    }

    #[test]
    fn only_an_assigned_module_is_waived() {
        let now = Timestamp::parse("2026-05-02T10:00:00Z").expect("timestamp");
        let waiver = Waiver {
            by_id: UserSub::parse("admin-1").expect("sub"),
            by_name: "Ada Admin".into(),
            reason: "Trained elsewhere".into(),
            at: now,
        };
        let assigned = ModuleProgress::assigned(now);
        let next = waived(&assigned, waiver.clone()).expect("waived");
        assert_eq!(next.status, ModuleStatus::Waived);
        assert_eq!(next.waiver.as_ref(), Some(&waiver));
        assert_eq!(next.attempts, 0);
        assert!(matches!(
            waived(&next, waiver.clone()),
            Err(ApiError::Conflict(_))
        ));
        let mut completed = ModuleProgress::assigned(now);
        completed.status = ModuleStatus::Completed;
        assert!(matches!(
            waived(&completed, waiver),
            Err(ApiError::Conflict(_))
        ));
    }
}
