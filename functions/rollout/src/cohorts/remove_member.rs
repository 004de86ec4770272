//! `DELETE /rollout/cohorts/{cohort}/members/{patientId}`: takes a patient out of a cohort.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::cohorts::{existing_cohort, store};

/// 204 when the patient was a member and is no longer; 404 when the cohort does not exist or
/// the patient is not in it (or the id names nobody).
pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageCohorts).await?;
    let cohort = existing_cohort(deps, call, &access).await?;
    let patient = call.patient_in_path()?;
    // The membership is the patient's data: audited before it is changed.
    authorizer
        .record_staff_access(call, &access, &[(patient, AuditResource::Profile)])
        .await?;
    let removed = store(deps)
        .leave(&access, &cohort.name, patient, &call.caller().sub)
        .await?;
    if !removed {
        return Err(ApiError::NotFound);
    }
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(http::header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}
