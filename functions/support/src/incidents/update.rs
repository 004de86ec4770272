//! `POST /support/incidents/{incidentId}/updates`: the team posts an update (`{status,
//! text}`) under If-Match (428 without, 412 when stale). It is appended, sets the incident's
//! status (`resolvedAt` when it becomes resolved, cleared when it moves back) and its next
//! version; 409 once the incident is full (200 updates, or the most text an item holds).
//! Answers 200 with the incident and its new ETag (an update has no address of its own).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::required_if_match;
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::incidents::model::{self, IncidentStatus};
use crate::incidents::{audit_resource, incident_in_path, incident_response, store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewUpdate {
    status: IncidentStatus,
    text: String,
}

impl NewUpdate {
    fn checked(self) -> Result<(IncidentStatus, String), ApiError> {
        let mut errors = FieldErrors::new();
        let text = model::text(&mut errors, &self.text);
        errors.finish()?;
        let text = text.ok_or_else(|| ApiError::internal("validated text missing"))?;
        Ok((self.status, text))
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageIncidents).await?;
    let id = incident_in_path(call)?;
    let expected = required_if_match(call)?;
    let (status, text) = call.json_body::<NewUpdate>()?.checked()?;
    let store = store(deps);
    let current = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
    if expected.0 != current.version {
        return Err(ApiError::PreconditionFailed);
    }
    let next = current
        .with_update(status, text, Timestamp::now())
        .map_err(|full| ApiError::Conflict(full.explanation()))?;
    match store.save_update(&access, current.version, &next).await? {
        Ok(()) => {}
        Err(LostWrite::Changed | LostWrite::Contention) => {
            return Err(ApiError::PreconditionFailed);
        }
    }
    authorizer
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    incident_response(StatusCode::OK, &next)
}

#[cfg(test)]
mod tests {
    use portal_shared::platform::http::parse_json;

    use super::*;

    fn checked(body: &str) -> Result<(IncidentStatus, String), ApiError> {
        parse_json::<NewUpdate>(body.as_bytes())?.checked()
    }

    fn field(error: ApiError) -> String {
        match error {
            ApiError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn an_update_needs_a_known_status_and_plain_text() {
        assert_eq!(
            checked(r#"{"status":"resolved","text":" Fixed.\r\nThanks. "}"#).ok(),
            Some((IncidentStatus::Resolved, "Fixed.\nThanks.".to_owned()))
        );
        assert_eq!(
            field(checked(r#"{"status":"done","text":"x"}"#).expect_err("bad")),
            "status"
        );
        assert_eq!(
            field(checked(r#"{"text":"x"}"#).expect_err("bad")),
            "status"
        );
        assert_eq!(
            field(checked(r#"{"status":"monitoring","text":""}"#).expect_err("bad")),
            "text"
        );
        assert_eq!(
            field(checked(r#"{"status":"monitoring","text":"x","at":"now"}"#).expect_err("bad")),
            "at"
        );
    }
}
