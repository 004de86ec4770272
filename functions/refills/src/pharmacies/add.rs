//! `POST /staff/pharmacies` (admin and front desk: `Action::ManagePharmacies`), once per
//! Idempotency-Key: `{name, address: {line, city, state, postalCode}, phone, ncpdpId?, npi?}`
//! (at least one id; the same checks as a pharmacy a patient enters) → 201 `{pharmacyId, name,
//! address, phone, ncpdpId?, npi?}`. 422 names every bad field. Audited as an action about no
//! patient.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse};
use portal_shared::policy::audit;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::pharmacies::model::Pharmacy;
use crate::pharmacies::{audit_resource, store};
use crate::pharmacy_input::{Ids, PharmacyInput};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManagePharmacies).await?;
    let idempotency = Idempotency::from_call(call)?;
    let store = store(deps);
    if let Some(first) = store.earlier_response(idempotency.as_ref()).await? {
        return first.render(true);
    }
    let checked = call
        .json_body::<PharmacyInput>()?
        .validate("", Ids::Required)?;
    let pharmacy = Pharmacy::new(checked, Timestamp::now());
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&pharmacy.view()).map_err(ApiError::internal)?,
        location: None,
        etag: None,
        patient_id: None,
    };
    let created = match store
        .create(&pharmacy, idempotency.as_ref(), response)
        .await?
    {
        Outcome::Created(response) => response,
        Outcome::Replayed(first) => return first.render(true),
    };
    authorizer
        .record_staff_action(
            call,
            &access,
            &audit_resource(pharmacy.pharmacy_id),
            audit::Outcome::Allowed,
        )
        .await?;
    created.render(false)
}
