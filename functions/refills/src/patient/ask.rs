//! `POST /patients/{patientId}/refills` (Idempotency-Key honoured) `{recordId, pharmacy,
//! note?}` → 201 `RefillRequest` + Location + ETag.
//!
//! `pharmacy` is either `{pharmacyId}` (one of the directory, not retired) or an entered one
//! `{name, address: {line, city, state, postalCode}, phone, ncpdpId?, npi?}` (at least one id).
//! 422 names `recordId` (not a medication record of this patient), `pharmacy.*` and `note`
//! (≤ 1000 characters); 409 `refill-not-eligible` with `reasons` when the medication may not
//! be renewed online; 409 `refill-already-open` when a request for the record is open (the
//! guard item is created in the request's transaction: of concurrent asks one wins).
//! The request is due at the end of the `refill` response target counted from now.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PharmacyId, RecordId, RefillId};
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::day_range;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, StoredResponse};
use portal_shared::platform::keys;
use portal_shared::platform::response_targets::TargetName;
use portal_shared::platform::store;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess};
use serde::Deserialize;

use crate::Deps;
use crate::eligibility::{Circumstances, Reason, assess};
use crate::model::{
    Actor, ActorRole, HistoryEntry, PharmacyAddress, PharmacySnapshot, RefillRequest, RefillStatus,
    patient_link,
};
use crate::patient::store;
use crate::pharmacy_input::{AddressInput, Ids, PharmacyInput};
use crate::repo::Created;
use crate::{medications, visits};

pub const MAX_NOTE_CHARS: usize = 1000;

/// The body as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AskBody {
    record_id: String,
    pharmacy: PharmacyChoice,
    #[serde(default)]
    note: Option<String>,
}

/// A pharmacy of the directory by its id, or one entered (every field of
/// [`PharmacyInput`]); read loosely, then checked field by field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PharmacyChoice {
    #[serde(default)]
    pharmacy_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    address: Option<AddressInput>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    ncpdp_id: Option<String>,
    #[serde(default)]
    npi: Option<String>,
}

/// Which pharmacy, once the body is valid.
#[derive(Debug)]
enum Pharmacy {
    Directory(PharmacyId),
    Entered(Box<PharmacySnapshot>),
}

/// A valid body.
#[derive(Debug)]
struct Ask {
    record_id: RecordId,
    pharmacy: Pharmacy,
    note: Option<String>,
}

impl AskBody {
    /// Every problem named by its field (422).
    fn validate(self) -> Result<Ask, ApiError> {
        let mut errors = FieldErrors::new();
        let record_id = errors.check(
            "recordId",
            RecordId::parse(self.record_id.trim()).ok_or_else(|| "is not a record id".to_owned()),
        );
        let pharmacy = self.pharmacy.check(&mut errors);
        let note = match self.note.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors
                .check("note", plain_text(raw, MAX_NOTE_CHARS, true))
                .map(Some),
        };
        errors.finish()?;
        match (record_id, pharmacy, note) {
            (Some(record_id), Some(pharmacy), Some(note)) => Ok(Ask {
                record_id,
                pharmacy,
                note,
            }),
            _ => Err(ApiError::internal("validated fields missing")),
        }
    }
}

impl PharmacyChoice {
    fn check(self, errors: &mut FieldErrors) -> Option<Pharmacy> {
        let entered_any = self.name.is_some()
            || self.address.is_some()
            || self.phone.is_some()
            || self.ncpdp_id.is_some()
            || self.npi.is_some();
        if let Some(raw) = self.pharmacy_id {
            if entered_any {
                errors.add(
                    "pharmacy",
                    "name a pharmacy of the directory (pharmacyId) or enter one, not both",
                );
                return None;
            }
            return errors
                .check(
                    "pharmacy.pharmacyId",
                    PharmacyId::parse(raw.trim()).ok_or_else(|| "is not a pharmacy id".to_owned()),
                )
                .map(Pharmacy::Directory);
        }
        if !entered_any {
            errors.add(
                "pharmacy.pharmacyId",
                "is required (or enter a pharmacy: name, address, phone and an id)",
            );
            return None;
        }
        for (field, absent) in [
            ("name", self.name.is_none()),
            ("address", self.address.is_none()),
            ("phone", self.phone.is_none()),
        ] {
            if absent {
                errors.add(format!("pharmacy.{field}"), "is required");
            }
        }
        let (Some(name), Some(address), Some(phone)) = (self.name, self.address, self.phone) else {
            return None;
        };
        PharmacyInput {
            name,
            address,
            phone,
            ncpdp_id: self.ncpdp_id,
            npi: self.npi,
        }
        .check("pharmacy.", Ids::Optional, errors)
        .map(|snapshot| Pharmacy::Entered(Box::new(snapshot)))
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::RequestRefill, AuditResource::Refills)
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let ask = call.json_body::<AskBody>()?.validate()?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let record = medications::one(deps, &access, &ask.record_id)
        .await?
        .ok_or_else(|| ApiError::invalid("recordId", "is not a medication of this record"))?;
    let pharmacy = match ask.pharmacy {
        Pharmacy::Directory(id) => directory_pharmacy(deps, id).await?,
        Pharmacy::Entered(snapshot) => *snapshot,
    };
    let now = Timestamp::now();
    let facts = medications::facts(&record);
    let from = day_range::months_before(now.date(), deps.visit_months);
    let (last_visit, open) = futures::try_join!(
        visits::last_visit(deps, &access, from, now),
        open_guard(deps, &access, &ask.record_id),
    )?;
    let assessment = assess(
        &facts,
        &Circumstances {
            last_visit,
            window_start: from,
            open_request: open,
        },
    );
    // An open request alone is the guard's answer (refill-already-open); any other reason
    // is the medication's.
    if assessment.reasons.iter().any(|r| *r != Reason::RequestOpen) {
        return Err(ApiError::RefillNotEligible(
            assessment
                .reasons
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
        ));
    }
    let by = Actor::new(ActorRole::of(access.relationship()), call.caller());
    let refill = RefillRequest {
        refill_id: RefillId::generate(),
        patient_id: access.patient(),
        record_id: record.record_id.clone(),
        medication: medications::reference(&record, &facts),
        pharmacy,
        note: ask.note,
        status: RefillStatus::Requested,
        requested_by: by.clone(),
        reviewer: None,
        created_at: now,
        updated_at: now,
        due_at: deps.targets.due(TargetName::Refill, now),
        decision: None,
        history: vec![HistoryEntry::new(RefillStatus::Requested, now, by, None)],
        version: Version::FIRST.0,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&refill).map_err(ApiError::internal)?,
        location: Some(call.link(&patient_link(refill.patient_id, refill.refill_id))),
        etag: Some(Version(refill.version).etag()),
        patient_id: Some(refill.patient_id),
    };
    match store(deps)
        .create(&access, &refill, idempotency.as_ref(), response)
        .await?
    {
        Created::Created(response) => response.render(false),
        Created::Replayed(first) => first.render(true),
    }
}

/// Whether the record has an open request (its guard exists).
async fn open_guard(
    deps: &Deps,
    access: &PatientAccess,
    record: &RecordId,
) -> Result<bool, ApiError> {
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    Ok(store::get_item(
        dynamo,
        table,
        &keys::open_refill(access.patient(), record),
        Some("PK"),
    )
    .await?
    .is_some())
}

/// What the request keeps of a directory pharmacy; 422 `pharmacy.pharmacyId` when there is
/// none by that id or it was retired.
async fn directory_pharmacy(deps: &Deps, id: PharmacyId) -> Result<PharmacySnapshot, ApiError> {
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    let unknown = || ApiError::invalid("pharmacy.pharmacyId", "is not a pharmacy of the directory");
    let item = store::get_item(dynamo, table, &keys::pharmacy(id), None)
        .await?
        .ok_or_else(unknown)?;
    let entry: DirectoryEntry = store::from_item(item)?;
    if entry.retired || entry.retired_at.is_some() {
        return Err(unknown());
    }
    Ok(PharmacySnapshot {
        pharmacy_id: Some(id),
        name: entry.name,
        address: entry.address,
        phone: entry.phone,
        ncpdp_id: entry.ncpdp_id,
        npi: entry.npi,
    })
}

/// What is read of a directory entry: the snapshot's fields and whether it was retired
/// (`retired: true` or a `retiredAt`); anything else the directory keeps is ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DirectoryEntry {
    name: String,
    address: PharmacyAddress,
    phone: String,
    #[serde(default)]
    ncpdp_id: Option<String>,
    #[serde(default)]
    npi: Option<String>,
    #[serde(default)]
    retired: bool,
    #[serde(default)]
    retired_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RECORD: &str = "0123456789abcdef0123456789abcdef";

    fn validate(body: serde_json::Value) -> Result<Ask, ApiError> {
        portal_shared::platform::http::parse_json::<AskBody>(body.to_string().as_bytes())?
            .validate()
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("not a 422: {other:?}"),
        }
    }

    fn entered() -> serde_json::Value {
        json!({"name": "Maple Pharmacy",
               "address": {"line": "1 Maple Street", "city": "Springfield", "state": "IL",
                           "postalCode": "62701"},
               "phone": "217 555 0100", "npi": "1234567893"})
    }

    #[test]
    fn a_directory_pharmacy_or_an_entered_one() {
        let id = PharmacyId::generate();
        let ask = validate(
            json!({"recordId": RECORD, "pharmacy": {"pharmacyId": id.to_string()},
                                  "note": "  "}),
        )
        .expect("valid");
        assert!(matches!(ask.pharmacy, Pharmacy::Directory(found) if found == id));
        assert_eq!(ask.note, None);
        let ask = validate(json!({"recordId": RECORD, "pharmacy": entered(),
                                  "note": "Running out on Friday\r\nThanks"}))
        .expect("valid");
        assert!(
            matches!(&ask.pharmacy, Pharmacy::Entered(p) if p.npi.as_deref() == Some("1234567893"))
        );
        assert_eq!(ask.note.as_deref(), Some("Running out on Friday\nThanks"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut both = entered();
        both["pharmacyId"] = json!(PharmacyId::generate().to_string());
        let named = fields(
            validate(json!({"recordId": "nope", "pharmacy": both, "note": "x".repeat(1001)}))
                .expect_err("invalid"),
        );
        assert_eq!(named, ["recordId", "pharmacy", "note"]);
        let named =
            fields(validate(json!({"recordId": RECORD, "pharmacy": {}})).expect_err("none"));
        assert_eq!(named, ["pharmacy.pharmacyId"]);
        let named = fields(
            validate(
                json!({"recordId": RECORD, "pharmacy": {"name": "Maple", "npi": "1234567893"}}),
            )
            .expect_err("partial"),
        );
        assert_eq!(named, ["pharmacy.address", "pharmacy.phone"]);
        let named = fields(
            validate(json!({"recordId": RECORD, "pharmacy": {"pharmacyId": "../x"}}))
                .expect_err("bad id"),
        );
        assert_eq!(named, ["pharmacy.pharmacyId"]);
        // Missing and unknown fields are named by the body's reader.
        assert_eq!(
            fields(validate(json!({"pharmacy": entered()})).expect_err("no record")),
            ["recordId"]
        );
        assert_eq!(
            fields(
                validate(json!({"recordId": RECORD, "pharmacy": entered(), "dose": 2}))
                    .expect_err("unknown")
            ),
            ["dose"]
        );
    }
}
