//! `PUT /rollout/features/{feature}`: the portal lead sets a switch's rules (with If-Match: the
//! version read; `"0"` for a feature never switched), and says why. The switch and its history
//! entry (before, after, who, when, why) are written in one transaction; then the change is
//! audited. A change that changes nothing writes nothing.

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switch_change::{ChangeKind, ChangeNote};
use portal_shared::platform::etag::required_if_match;
use portal_shared::platform::http::Call;
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use super::model::{SwitchChange, SwitchView};
use crate::Deps;

pub async fn change(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer
        .staff(call, Action::ManageFeatureSwitches)
        .await?;
    let feature = super::feature_in_path(call)?;
    let expected = required_if_match(call)?;
    let (rules, reason) = call.json_body::<SwitchChange>()?.checked()?;
    let store = super::store(deps);
    let missing = store.missing_cohorts(&rules.cohorts).await?;
    if !missing.is_empty() {
        return Err(ApiError::Invalid(
            missing
                .into_iter()
                .map(|index| portal_shared::platform::validation::FieldError {
                    field: format!("cohorts[{index}]"),
                    message: "names no cohort; create it first".into(),
                })
                .collect(),
        ));
    }

    let changes = store.changes();
    let current = changes.load(feature).await?;
    let current_version = current.as_ref().map_or(0, |switch| switch.version);
    if expected.0 != current_version {
        return Err(ApiError::PreconditionFailed);
    }
    let before = current
        .as_ref()
        .map(|switch| switch.rules.clone())
        .unwrap_or_default();
    if current.is_some() && before == rules {
        return super::switch_response(&SwitchView::new(feature, current.as_ref()));
    }
    let note = ChangeNote {
        kind: ChangeKind::Change,
        by: call.caller().sub.clone(),
        reason,
        report: None,
    };
    let (switch, entry) = note.apply(feature, current.as_ref(), rules, Timestamp::now());
    match changes
        .save(&access, current_version, &switch, &entry)
        .await?
    {
        Ok(()) => {}
        Err(LostWrite::Changed) => return Err(ApiError::PreconditionFailed),
        Err(LostWrite::Contention) => {
            return Err(ApiError::Conflict(
                "Another change to this switch was being saved at the same moment; read it \
                 again and retry."
                    .into(),
            ));
        }
    }
    authorizer
        .record_staff_action(
            call,
            &access,
            &super::audit_resource(feature),
            Outcome::Allowed,
        )
        .await?;
    super::switch_response(&SwitchView::new(feature, Some(&switch)))
}
