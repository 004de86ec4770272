//! `POST /support/incidents`: the team opens an incident (`{title, features, status?, text}`;
//! `status` defaults to `investigating` and may not be `resolved`), its text the first update,
//! at version 1 (Idempotency-Key; 201 with Location and ETag).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::IncidentId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::incidents::model::{self, Incident, IncidentStatus, Opening};
use crate::incidents::{audit_resource, incident_link, store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewIncident {
    title: String,
    features: Vec<Feature>,
    #[serde(default)]
    status: Option<IncidentStatus>,
    text: String,
}

impl NewIncident {
    fn checked(self) -> Result<Opening, ApiError> {
        let mut errors = FieldErrors::new();
        let title = model::title(&mut errors, &self.title);
        let features = model::features(&mut errors, self.features);
        let status = model::opening_status(&mut errors, self.status);
        let text = model::text(&mut errors, &self.text);
        errors.finish()?;
        match (title, features, status, text) {
            (Some(title), Some(features), Some(status), Some(text)) => Ok(Opening {
                title,
                features,
                status,
                text,
            }),
            _ => Err(ApiError::internal("validated fields missing")),
        }
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageIncidents).await?;
    let idempotency = Idempotency::from_call(call)?;
    let opening = call.json_body::<NewIncident>()?.checked()?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }

    let incident = Incident::open(
        IncidentId::generate(),
        opening,
        call.caller().sub.clone(),
        Timestamp::now(),
    );
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&incident).map_err(ApiError::internal)?,
        location: Some(incident_link(call, incident.incident_id)),
        etag: Some(Version(incident.version).etag()),
        patient_id: None,
    };
    let writes = vec![store(deps).creation(&incident)?];
    let created = match create_once(dynamo, table, idempotency.as_ref(), writes, response).await? {
        Outcome::Created(response) => response,
        Outcome::Replayed(first) => return first.render(true),
    };
    authorizer
        .record_staff_action(
            call,
            &access,
            &audit_resource(incident.incident_id),
            audit::Outcome::Allowed,
        )
        .await?;
    created.render(false)
}

#[cfg(test)]
mod tests {
    use portal_shared::platform::http::parse_json;

    use super::*;

    fn checked(body: &str) -> Result<Opening, ApiError> {
        parse_json::<NewIncident>(body.as_bytes())?.checked()
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn an_opening_is_validated_and_starts_investigating() {
        let opening = checked(
            r#"{"title":" Messaging is down ","features":["messaging","check-in"],
                "text":"We are looking into it."}"#,
        )
        .expect("valid");
        assert_eq!(
            opening,
            Opening {
                title: "Messaging is down".into(),
                features: vec![Feature::Messaging, Feature::CheckIn],
                status: IncidentStatus::Investigating,
                text: "We are looking into it.".into(),
            }
        );
        let opening =
            checked(r#"{"title":"t","features":["waitlist"],"status":"identified","text":"x"}"#)
                .expect("valid");
        assert_eq!(opening.status, IncidentStatus::Identified);
    }

    #[test]
    fn every_bad_field_is_named() {
        let error = checked(
            r#"{"title":"","features":["messaging","messaging"],"status":"resolved","text":" "}"#,
        )
        .expect_err("invalid");
        assert_eq!(fields(error), ["title", "features", "status", "text"]);

        let unknown_status =
            checked(r#"{"title":"t","features":["messaging"],"status":"fixed","text":"x"}"#)
                .expect_err("invalid");
        assert_eq!(fields(unknown_status), ["status"]);
        let unknown_field =
            checked(r#"{"title":"t","features":["messaging"],"text":"x","createdBy":"me"}"#)
                .expect_err("invalid");
        assert_eq!(fields(unknown_field), ["createdBy"]);
        let missing = checked(r#"{"title":"t","text":"x"}"#).expect_err("invalid");
        assert_eq!(fields(missing), ["features"]);
    }
}
