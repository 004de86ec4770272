//! `GET /patients/{patientId}/summary` — one call for a home screen: active problems, current
//! medications, allergies, the latest vital signs, recent results and counts per source.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::view::summarise;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadRecords, AuditResource::RecordSummary)
        .await?;
    let store = deps.records();
    store.require_patient(&access).await?;
    let all = store.all_summaries(&access).await?;
    json(StatusCode::OK, &summarise(&all))
}
