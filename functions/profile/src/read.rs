//! `GET /patients/{patientId}/profile`.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::model::ProfileView;

/// How many of the patient's change requests the profile shows.
pub const RECENT_CHANGES: i32 = 10;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadProfile, AuditResource::Profile)
        .await?;
    let store = deps.profiles();
    let profile = store.load(&access).await?.ok_or(ApiError::NotFound)?;
    let changes = store.recent_changes(&access, RECENT_CHANGES).await?;
    json_with_headers(
        StatusCode::OK,
        &ProfileView::new(&profile, &changes),
        &[(header::ETAG, Version(profile.version).etag())],
    )
}
