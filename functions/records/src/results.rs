//! `POST /patients/{patientId}/results` — a clinician of the practice adds a lab result, a vital
//! sign or a note, with a short explanation for the patient. It is in the record at once: nothing holds
//! results back from the patient (21st Century Cures Act). It is listed, merged into series and
//! exported like any imported record (see `practice`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::practice::result_record;
use crate::requests::NewResult;
use crate::view::RecordView;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::AddResult, AuditResource::RecordResults)
        .await?;
    let store = deps.records();
    let idempotency = Idempotency::from_call(call)?;
    if let Some(first) = store.earlier_response(idempotency.as_ref()).await? {
        return first.render(true);
    }
    let now = Timestamp::now();
    let result = call.json_body::<NewResult>()?.check(now)?;
    // Results go to patients of the practice only (a well-formed id of nobody is 404).
    store.require_patient(&access).await?;

    let author = call.caller().display_name.as_deref().unwrap_or("Clinician");
    let record = result_record(result, access.patient(), deps.practice.clone(), author, now)?;
    let view =
        RecordView::merged(vec![record.clone()]).ok_or_else(|| ApiError::internal("no view"))?;
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&view).map_err(ApiError::internal)?,
        location: Some(call.link(&format!(
            "/patients/{}/records/{}",
            access.patient(),
            record.record_id
        ))),
        etag: None,
        patient_id: Some(access.patient()),
    };
    match store
        .create_result(&access, &record, idempotency.as_ref(), response)
        .await?
    {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}
