//! `GET /patients/{patientId}/refills/medications` → 200 `{items: [{recordId, title, codes:
//! [{system?, code?, display?}], status?, sourceName, lastVisit?, eligible, reasons: [code],
//! openRefillId?}]}`: every medication of the patient (records of the same coded thing are one, shown by the
//! newest: a renewal supersedes what it renewed), with whether it may be renewed
//! online and every reason it may not ([`crate::eligibility`]). `lastVisit` (YYYY-MM-DD) is
//! the patient's last visit with the practice within the window, the same on every item.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{RecordId, RefillId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::day_range;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;
use time::Date;

use crate::Deps;
use crate::eligibility::{Circumstances, Reason, assess};
use crate::medications::{self, Current};
use crate::model::MedicationCode;
use crate::patient::store;
use crate::repo::OpenMarker;
use crate::visits;

#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MedicationItem {
    pub record_id: RecordId,
    pub title: String,
    pub codes: Vec<MedicationCode>,
    pub status: Option<String>,
    pub source_name: String,
    pub last_visit: Option<String>,
    pub eligible: bool,
    pub reasons: Vec<Reason>,
    pub open_refill_id: Option<RefillId>,
}

#[derive(Serialize)]
struct Page {
    items: Vec<MedicationItem>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadRefills, AuditResource::RefillMedications)
        .await?;
    let now = Timestamp::now();
    let from = day_range::months_before(now.date(), deps.visit_months);
    let store = store(deps);
    let (records, markers, last_visit) = futures::try_join!(
        medications::all(deps, &access),
        store.open_markers(&access),
        visits::last_visit(deps, &access, from, now),
    )?;
    let items = medications::current(&records)
        .iter()
        .map(|medication| item(medication, &markers, last_visit, from))
        .collect();
    json(StatusCode::OK, &Page { items })
}

/// One medication (its newest record) with its assessment.
fn item(
    medication: &Current<'_>,
    markers: &[OpenMarker],
    last_visit: Option<Date>,
    window_start: Date,
) -> MedicationItem {
    let record = medication.shown;
    let facts = medications::facts(record);
    let open_refill_id = markers
        .iter()
        .find(|marker| medication.record_ids.contains(&&marker.record_id))
        .map(|marker| marker.refill_id);
    let assessment = assess(
        &facts,
        &Circumstances {
            last_visit,
            window_start,
            open_request: open_refill_id.is_some(),
        },
    );
    MedicationItem {
        record_id: record.record_id.clone(),
        title: record.title.clone(),
        codes: facts.codes,
        status: facts.status,
        source_name: record.source.name.clone(),
        last_visit: last_visit.map(iso_day),
        eligible: assessment.eligible,
        reasons: assessment.reasons,
        open_refill_id,
    }
}

/// A day as `YYYY-MM-DD`.
pub fn iso_day(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}
