//! `POST /staff/patients`: the front desk registers a patient.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, Authorizer, StaffAccess};

use crate::Deps;
use crate::model::{Profile, ProfileView};
use crate::requests::Registration;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::RegisterPatient).await?;
    let idempotency = Idempotency::from_call(call)?;
    let registration: Registration = call.json_body()?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return replay(&authorizer, call, &access, first).await;
    }

    let profile = Profile::register(registration, Timestamp::now())
        .map_err(|(field, message)| ApiError::invalid(field, message))?;

    // Audited before the write, so no patient exists without the event of their registration.
    authorizer
        .record_staff_access(
            call,
            &access,
            &[(profile.patient_id, AuditResource::Profile)],
        )
        .await?;
    let body =
        serde_json::to_string(&ProfileView::new(&profile, &[])).map_err(ApiError::internal)?;
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body,
        location: Some(call.link(&format!("/patients/{}/profile", profile.patient_id))),
        etag: Some(Version(profile.version).etag()),
        patient_id: Some(profile.patient_id),
    };
    let create = deps.profiles().create(&access, &profile)?;
    match create_once(dynamo, table, idempotency.as_ref(), create, response).await? {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => replay(&authorizer, call, &access, first).await,
    }
}

/// A retry gets the first response; it shows the patient's data again, so it is audited.
async fn replay(
    authorizer: &Authorizer<'_>,
    call: &Call,
    access: &StaffAccess,
    first: StoredResponse,
) -> Result<Response<Body>, ApiError> {
    if let Some(patient) = first.patient_id {
        authorizer
            .record_staff_access(call, access, &[(patient, AuditResource::Profile)])
            .await?;
    }
    first.render(true)
}
