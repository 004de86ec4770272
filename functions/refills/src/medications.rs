//! The patient's medication records, read from the health record the records function keeps:
//! the category `medications` of the record's index (GSI1 `health_record_index`, sort keys
//! `medications#...`), each item a `portal_records::model::StoredRecord` with the FHIR
//! resource as JSON text and its source. Read only; the records function owns them.

use portal_records::RecordStore;
use portal_records::model::{Category, StoredRecord};
use portal_shared::ApiError;
use portal_shared::domain::ids::RecordId;
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::authz::PatientAccess;
use serde_json::Value;

use crate::Deps;
use crate::eligibility::MedicationFacts;
use crate::model::{MedicationCode, MedicationRef};

/// Every medication record of the patient, in the index's order (the same medication from
/// several sources side by side).
pub async fn all(deps: &Deps, access: &PatientAccess) -> Result<Vec<StoredRecord>, ApiError> {
    RecordStore::new(&deps.platform.dynamo, &deps.platform.app_table)
        .all_in_category(access, Category::Medications)
        .await
}

/// One medication as the patient sees it: the records that say the same coded thing (the same
/// merge key: an imported prescription and the practice's renewals of it) are one medication,
/// shown by its newest record (a renewal supersedes what it renewed). Each group keeps its
/// records' ids, so an open request on any of them is the medication's.
pub struct Current<'a> {
    pub shown: &'a StoredRecord,
    pub record_ids: Vec<&'a RecordId>,
}

/// The patient's medications, one per merge key, in the index's order of their first record.
pub fn current(records: &[StoredRecord]) -> Vec<Current<'_>> {
    let mut groups: Vec<Current<'_>> = Vec::new();
    for record in records {
        match groups
            .iter_mut()
            .find(|group| group.shown.merge_key == record.merge_key)
        {
            Some(group) => {
                group.record_ids.push(&record.record_id);
                if newer(record, group.shown) {
                    group.shown = record;
                }
            }
            None => groups.push(Current {
                shown: record,
                record_ids: vec![&record.record_id],
            }),
        }
    }
    groups
}

/// Whether `a` was written after `b`: by the date the source gave (ISO dates sort as text),
/// then by when the portal stored it.
fn newer(a: &StoredRecord, b: &StoredRecord) -> bool {
    (a.date.as_deref(), a.updated_at) > (b.date.as_deref(), b.updated_at)
}

/// One record of the patient when it is a medication; `None` when there is no such record
/// or it is of another category.
pub async fn one(
    deps: &Deps,
    access: &PatientAccess,
    record: &RecordId,
) -> Result<Option<StoredRecord>, ApiError> {
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    let item = store::get_item(
        dynamo,
        table,
        &keys::health_record(access.patient(), record),
        None,
    )
    .await?;
    Ok(item
        .map(store::from_item::<StoredRecord>)
        .transpose()?
        .filter(|stored| stored.category == Category::Medications))
}

/// What eligibility reads of a record: its FHIR resource; when the resource cannot be read
/// (or names its medication only by a reference the import resolved), the record's own
/// status and code fill in.
pub fn facts(record: &StoredRecord) -> MedicationFacts {
    let resource = serde_json::from_str::<Value>(&record.resource.0).ok();
    let mut facts = resource
        .as_ref()
        .map(MedicationFacts::of_resource)
        .unwrap_or_default();
    if resource.is_none() && facts.status.is_none() {
        facts.status.clone_from(&record.status);
    }
    if facts.codes.is_empty()
        && let Some(code) = &record.code
        && (code.code.is_some() || code.display.is_some())
    {
        facts.codes.push(MedicationCode {
            system: code.system.clone(),
            code: code.code.clone(),
            display: code.display.clone(),
        });
    }
    facts
}

/// The medication as a request keeps it: the record's title and codes.
pub fn reference(record: &StoredRecord, facts: &MedicationFacts) -> MedicationRef {
    MedicationRef {
        title: record.title.clone(),
        codes: facts.codes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_records::model::Coded;
    use serde_json::json;

    fn record(resource: Value, code: Option<Coded>) -> StoredRecord {
        serde_json::from_value(json!({
            "recordId": "0123456789abcdef0123456789abcdef",
            "patientId": portal_shared::domain::ids::PatientId::generate().to_string(),
            "category": "medications",
            "resourceType": "MedicationRequest",
            "resourceId": "med-1",
            "title": "Metformin 500 mg",
            "status": "active",
            "code": code,
            "source": {"sourceId": "practice", "name": "Maple Street Family Practice"},
            "mergeKey": "medications#x",
            "indexGroup": "x",
            "resource": if resource.is_null() { String::new() } else { resource.to_string() },
            "importId": portal_shared::domain::ids::ImportId::generate().to_string(),
            "updatedAt": "2026-01-01T00:00:00Z",
        }))
        .expect("a stored record")
    }

    #[test]
    fn the_resource_decides_and_the_record_fills_in() {
        // The resource says stopped: the record's summary does not override it.
        let stopped = record(
            json!({"resourceType": "MedicationRequest", "status": "stopped",
                   "medicationCodeableConcept": {"text": "Metformin"}}),
            None,
        );
        assert_eq!(facts(&stopped).status.as_deref(), Some("stopped"));
        // A reference the import resolved: the record's code stands in.
        let referenced = record(
            json!({"resourceType": "MedicationRequest", "status": "active",
                   "medicationReference": {"reference": "Medication/med-1"}}),
            Some(Coded {
                system: Some(crate::controlled::RXNORM.into()),
                code: Some("860975".into()),
                display: None,
            }),
        );
        let read = facts(&referenced);
        assert_eq!(read.codes.len(), 1);
        assert!(read.is_prescribable());
        // No resource at all: the record's status and code.
        let bare = record(
            Value::Null,
            Some(Coded {
                system: None,
                code: None,
                display: Some("Metformin".into()),
            }),
        );
        let read = facts(&bare);
        assert_eq!(read.status.as_deref(), Some("active"));
        assert_eq!(reference(&bare, &read).title, "Metformin 500 mg");
    }

    #[test]
    fn a_renewal_is_the_medication_it_renewed_shown_by_the_newest() {
        let with = |id: &str, merge: &str, date: &str| {
            let mut stored = record(Value::Null, None);
            stored.record_id = RecordId::parse(id).expect("a record id");
            stored.merge_key = merge.into();
            stored.date = Some(date.into());
            stored
        };
        let original = with(
            "0123456789abcdef0123456789abcde1",
            "medications#metformin",
            "2025-02-10",
        );
        let other = with(
            "0123456789abcdef0123456789abcde2",
            "medications#lisinopril",
            "2025-02-10",
        );
        let renewal = with(
            "0123456789abcdef0123456789abcde3",
            "medications#metformin",
            "2026-12-07",
        );
        let records = vec![original, other, renewal];
        let current = current(&records);
        assert_eq!(current.len(), 2);
        assert_eq!(current[0].shown.record_id, records[2].record_id);
        assert_eq!(current[0].record_ids.len(), 2);
        assert_eq!(current[1].shown.record_id, records[1].record_id);
    }
}
