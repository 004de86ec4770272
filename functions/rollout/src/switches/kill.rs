//! `POST /rollout/features/{feature}/kill`: the emergency stop. Turns the feature off for
//! everyone whatever its rules and version (no If-Match: nobody should have to read first),
//! within the switches' refresh window in every function. The rules are kept, so a `PUT` with
//! `killed: false` turns it back on as it was. Killing a killed switch changes nothing (200, no
//! second history entry).

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::platform::write::{LostWrite, retry_on_contention};
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use super::model::{
    ChangeKind, HistoryEntry, KillRequest, SwitchView, checked_reason, killed, next_switch,
};
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

    let store = super::store(deps);
    let by = &call.caller().sub;
    // Whatever the version: a change that lands between the read and the write is read again
    // and killed too (a lost condition is retried like a collision).
    let outcome = retry_on_contention(|| async {
        let current = store.load(feature).await?;
        let Some(after) = killed(current.as_ref()) else {
            return Ok(Ok((current, false)));
        };
        let now = Timestamp::now();
        let switch = next_switch(feature, current.as_ref(), after, now, by);
        let entry = HistoryEntry {
            feature,
            change: ChangeKind::Kill,
            at: now,
            by: by.clone(),
            reason: reason.clone(),
            version: switch.version,
            before: current
                .as_ref()
                .map(|switch| switch.rules.clone())
                .unwrap_or_default(),
            after: switch.rules.clone(),
        };
        let expected = current.as_ref().map_or(0, |switch| switch.version);
        Ok(
            match store.save(&access, expected, &switch, &entry).await? {
                Ok(()) => Ok((Some(switch), true)),
                Err(_) => Err(LostWrite::Contention),
            },
        )
    })
    .await?;
    let Ok((switch, written)) = outcome else {
        return Err(ApiError::Conflict(
            "The switch kept changing while it was being killed; send the kill again.".into(),
        ));
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
