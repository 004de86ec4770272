//! `GET /rollout/features/{feature}/explain?patientId=...`: why one patient does or does not
//! see a feature (the rule that decided, the cohort, their bucket and the switch's percentage),
//! as the gate decides it for the patient themself. For the portal lead and the response team
//! (who helps a patient who cannot find a feature); it reaches the patient's cohort
//! memberships, so it is authorised and audited against that patient.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::{keys, store};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;

pub async fn explain(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let patient = match call.query("patientId") {
        Some(raw) => PatientId::parse(&raw),
        None => None,
    };
    let Some(patient) = patient else {
        // No patient to decide against: a role that may never explain is refused first.
        authorizer.staff(call, Action::ExplainFeature).await?;
        return Err(ApiError::invalid(
            "patientId",
            match call.query("patientId") {
                Some(_) => "must be a patient id (a ULID in canonical form)",
                None => "is required: the patient to explain the feature for",
            },
        ));
    };
    let feature = super::feature_in_path(call)?;
    let access = authorizer
        .patient(
            call,
            patient,
            Action::ExplainFeature,
            &AuditResource::Route(format!("features/{feature}")),
        )
        .await?;
    // A patient id nobody is registered under explains nothing.
    let registered = store::get_item(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &keys::profile(access.patient()),
        Some("PK"),
    )
    .await?;
    if registered.is_none() {
        return Err(ApiError::NotFound);
    }
    let explanation = deps.platform.explain(feature, access.patient()).await?;
    json(StatusCode::OK, &explanation)
}
