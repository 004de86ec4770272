//! `GET /patients/{patientId}/refills` → 200 `{items: [RefillRequest]}`, newest first.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::model::RefillRequest;
use crate::patient::store;

#[derive(Serialize)]
struct Page {
    items: Vec<RefillRequest>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadRefills, AuditResource::Refills)
        .await?;
    let items = store(deps).list(&access).await?;
    json(StatusCode::OK, &Page { items })
}
