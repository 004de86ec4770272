//! `POST /rollout/features/{feature}/kill`: the emergency stop. Turns the feature off for
//! everyone whatever its rules and version (no If-Match: nobody should have to read first),
//! within the switches' refresh window in every function. The rules are kept, so a `PUT` with
//! `killed: false` turns it back on as it was. Killing a killed switch changes nothing (200, no
//! second history entry).

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::switch_change::{
    Applied, ChangeKind, ChangeNote, checked_reason, killed,
};
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use super::model::{KillRequest, SwitchView};
use crate::Deps;

pub async fn kill(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer
        .staff(call, Action::ManageFeatureSwitches)
        .await?;
    let feature = super::feature_in_path(call)?;
    let request: KillRequest = call.json_body()?;
    let mut errors = FieldErrors::new();
    let reason = errors.check("reason", checked_reason(&request.reason));
    errors.finish()?;
    let reason = reason.unwrap_or_default();

    let note = ChangeNote {
        kind: ChangeKind::Kill,
        by: call.caller().sub.clone(),
        reason,
        report: None,
    };
    // Whatever the version: a change that lands between the read and the write is read again
    // and killed too.
    let outcome = super::store(deps)
        .changes()
        .update(&access, feature, &note, |current| Ok(killed(current)))
        .await?;
    let (switch, written) = match outcome {
        Ok(Applied::Changed(switch)) => (Some(switch), true),
        Ok(Applied::Unchanged(current)) => (current, false),
        Err(_) => {
            return Err(ApiError::Conflict(
                "The switch kept changing while it was being killed; send the kill again.".into(),
            ));
        }
    };
    if written {
        authorizer
            .record_staff_action(
                call,
                &access,
                &super::audit_resource(feature),
                Outcome::Allowed,
            )
            .await?;
    }
    super::switch_response(&SwitchView::new(feature, switch.as_ref()))
}
