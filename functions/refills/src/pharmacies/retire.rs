//! `DELETE /staff/pharmacies/{pharmacyId}` (admin and front desk: `Action::ManagePharmacies`):
//! retires a pharmacy: hidden from the list, kept for the requests that name it. 204; again
//! 204 (retiring it again changes nothing); 404 for an id of no pharmacy. Audited as an action
//! about no patient.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PharmacyId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::pharmacies::{audit_resource, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManagePharmacies).await?;
    let raw = call.path_param("pharmacyId").unwrap_or_default();
    let pharmacy = PharmacyId::parse(&raw).ok_or(ApiError::NotFound)?;
    if !store(deps).retire(pharmacy, Timestamp::now()).await? {
        return Err(ApiError::NotFound);
    }
    authorizer
        .record_staff_action(
            call,
            &access,
            &audit_resource(pharmacy),
            audit::Outcome::Allowed,
        )
        .await?;
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}
