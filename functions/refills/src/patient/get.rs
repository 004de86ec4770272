//! `GET /patients/{patientId}/refills/{refillId}` → 200 `RefillRequest` (ETag: its version);
//! 404 when it is not this patient's. Audited as a read of the request.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::patient::{refill_in_path, refill_response, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let refill_id = refill_in_path(call)?;
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ReadRefills,
            AuditResource::Refill(refill_id.to_string()),
        )
        .await?;
    let refill = store(deps)
        .get(&access, refill_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    refill_response(StatusCode::OK, &refill)
}
