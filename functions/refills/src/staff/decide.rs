//! `POST /staff/refills/{refillId}/decision` (clinicians alone: `Action::DecideRefill`; front
//! desk 403): approve, deny or ask for a visit (see `decision` for the body). One transaction
//! writes the request (status, decision, history; only while it is at the version read), the
//! one-open guard's removal, the patient's news (`refill-decided`) and, for an approval, the
//! renewed prescription as a record of the practice's own source (through the records crate:
//! `portal_records::prescription`). 200 the request as staff see it; 409 `refill-closed` when it
//! is no longer open, `conflict` when it changed meanwhile.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_records::RecordStore;
use portal_records::prescription::{Amount, Renewal, prescription_record};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::model::{Actor, ActorRole, Outcome};
use crate::staff::decision::{DecisionInput, decided};
use crate::staff::view::StaffRefill;
use crate::staff::{closed, lost, news_of, request_in_path, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_, access, request) = request_in_path(deps, call, Action::DecideRefill).await?;
    let checked = call.json_body::<DecisionInput>()?.check()?;
    let by = Actor::new(ActorRole::Clinician, call.caller());
    let now = Timestamp::now();
    let mut moved = decided(&request, checked, &by, now).ok_or_else(|| closed(&request))?;
    let table = deps.platform.app_table.as_str();
    let mut also = vec![news_of(table, &moved, now)?];

    if let Some(decision) = moved
        .decision
        .as_mut()
        .filter(|d| d.outcome == Outcome::Approve)
    {
        let records = RecordStore::new(&deps.platform.dynamo, table);
        let original = records
            .get(&access, &request.record_id)
            .await?
            .ok_or_else(|| {
                ApiError::Conflict(
                    "The medication asked about is no longer in the patient's record.".into(),
                )
            })?;
        let fallback = format!("A clinician of {}", deps.practice.name);
        let renewal = Renewal {
            refill: request.refill_id,
            original: &original,
            prescriber: by.name.as_deref().unwrap_or(&fallback),
            quantity: decision.quantity.as_ref().map(|q| Amount {
                value: q.value,
                unit: q.unit.clone(),
            }),
            repeats: decision.refills.map(u32::from),
            message: decision.message.as_deref(),
        };
        let record = prescription_record(renewal, deps.practice.clone(), now)?;
        decision.prescription_record_id = Some(record.record_id.clone());
        also.push(records.create_record(&access, &record)?);
    }

    let store = store(deps);
    store
        .save_move(&access, &request, &moved, also)
        .await?
        .map_err(lost)?;
    let patient = store.summary(&access).await?;
    json(StatusCode::OK, &StaffRefill::new(moved, patient, now))
}
