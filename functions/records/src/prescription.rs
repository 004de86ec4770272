//! A prescription a clinician of the practice renews (an approved refill request) as the record
//! it becomes: a FHIR R4 MedicationRequest from the practice's own source, built from the
//! medication record renewed. It is taken apart exactly as an imported resource is (`extract`):
//! listed under medications as the same thing as the original (the newest shown first),
//! exported like any other record. Pure: no I/O; the write is `RecordStore::create_record`.

use portal_shared::ApiError;
use portal_shared::domain::ids::{ImportId, RecordId, RefillId};
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use serde_json::{Value, json};

use crate::fhir::Bundle;
use crate::model::{
    Category, Source, StoredRecord, day_of, extract, index_group, merge_identity, merge_key,
};

/// The identifier system naming the refill request a renewed prescription answers.
pub const REFILL_REQUEST_SYSTEM: &str = "https://patient-portal.dev/fhir/refill-requests";

/// An amount to dispense (a FHIR SimpleQuantity): a positive value and its unit, as checked
/// by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub value: f64,
    pub unit: String,
}

/// What the clinician decided, for the renewal of `original`.
#[derive(Debug)]
pub struct Renewal<'a> {
    /// The refill request approved (the prescription's identifier).
    pub refill: RefillId,
    /// The medication record renewed, read with its resource (`RecordStore::get`).
    pub original: &'a StoredRecord,
    /// The approving clinician's name, as the prescription's requester.
    pub prescriber: &'a str,
    pub quantity: Option<Amount>,
    /// Refills allowed after the first dispense (`numberOfRepeatsAllowed`).
    pub repeats: Option<u32>,
    /// The clinician's message, kept as the prescription's note.
    pub message: Option<&'a str>,
}

/// The record of the prescription that renews `renewal.original`, for its patient, from the
/// practice's `source`, authored at `now`. Its id follows from the refill request's, so a second
/// write of the same renewal finds it there (the write is conditional).
pub fn prescription_record(
    renewal: Renewal<'_>,
    source: Source,
    now: Timestamp,
) -> Result<StoredRecord, ApiError> {
    let Renewal {
        refill,
        original,
        prescriber,
        quantity,
        repeats,
        message,
    } = renewal;
    if original.category != Category::Medications {
        return Err(ApiError::internal(
            "a renewal of a record that is no medication",
        ));
    }
    let patient = original.patient_id;
    let resource_id = format!("refill-{}", refill.to_string().to_lowercase());
    let mut resource = json!({
        "resourceType": "MedicationRequest",
        "id": resource_id,
        "identifier": [{"system": REFILL_REQUEST_SYSTEM, "value": refill.to_string()}],
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": medication_of(original),
        "subject": {"reference": format!("Patient/{patient}")},
        "authoredOn": now.to_string(),
        "requester": {"display": prescriber},
        "priorPrescription": prior_prescription(original, &source),
    });
    if let Some(dosage) = dosage_of(original) {
        resource["dosageInstruction"] = dosage;
    }
    let mut dispense = serde_json::Map::new();
    if let Some(repeats) = repeats {
        dispense.insert("numberOfRepeatsAllowed".into(), json!(repeats));
    }
    if let Some(Amount { value, unit }) = quantity {
        dispense.insert("quantity".into(), json!({"value": value, "unit": unit}));
    }
    if !dispense.is_empty() {
        resource["dispenseRequest"] = Value::Object(dispense);
    }
    if let Some(message) = message.map(str::trim).filter(|m| !m.is_empty()) {
        resource["note"] = json!([{"text": message}]);
    }

    // Taken apart as an import takes apart a bundle's entry (title, status, date, code, what
    // makes it the same thing as the original): a bundle of one, which also checks the
    // elements R4 requires.
    let bundle = Bundle::parse(json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource.clone()}],
    }))
    .map_err(|_| ApiError::internal("a renewed prescription that is not a valid resource"))?;
    let entry = bundle
        .entries
        .first()
        .ok_or_else(|| ApiError::internal("a bundle of one without its entry"))?;
    let facts = extract(entry, &bundle);
    let record_id = RecordId::derive(&source.source_id, "MedicationRequest", &resource_id);
    let day = facts.date.as_deref().map(day_of);
    let identity = merge_identity(
        facts.category,
        "MedicationRequest",
        facts.same_thing.as_deref(),
        facts.date.as_deref(),
        None,
    );
    Ok(StoredRecord {
        record_id: record_id.clone(),
        patient_id: patient,
        category: facts.category,
        resource_type: "MedicationRequest".into(),
        resource_id,
        title: facts.title,
        status: facts.status,
        index_group: index_group(identity.as_deref(), day.as_deref()),
        merge_key: merge_key(facts.category, identity.as_deref(), &record_id),
        date: facts.date,
        day,
        code: facts.code,
        loinc: None,
        measured: None,
        source,
        resource: Sensitive(serde_json::to_string(&resource).map_err(ApiError::internal)?),
        full_url: None,
        patient_references: vec![format!("Patient/{patient}")],
        organization_references: Vec::new(),
        import_id: ImportId::generate(),
        updated_at: now,
        explanation: None,
        directory: None,
    })
}

/// The original's resource, when it was read with it.
fn original_resource(original: &StoredRecord) -> Option<Value> {
    serde_json::from_str::<Value>(&original.resource)
        .ok()
        .filter(Value::is_object)
}

/// The medication as the original names it: its `medicationCodeableConcept`, or (an original
/// that refers to a Medication resource, or read without its resource) its code and title.
fn medication_of(original: &StoredRecord) -> Value {
    if let Some(concept) = original_resource(original)
        .and_then(|r| r.get("medicationCodeableConcept").cloned())
        .filter(Value::is_object)
    {
        return concept;
    }
    let mut concept = json!({"text": original.title});
    if let Some(code) = original.code.as_ref().filter(|c| c.code.is_some()) {
        let coding = serde_json::to_value(code).unwrap_or_else(|_| json!({}));
        concept["coding"] = json!([coding]);
    }
    concept
}

/// How to take it, as the original says (`dosageInstruction` of a MedicationRequest, `dosage`
/// of a MedicationStatement: both R4 Dosage): a renewal keeps the dose.
fn dosage_of(original: &StoredRecord) -> Option<Value> {
    let resource = original_resource(original)?;
    let element = match original.resource_type.as_str() {
        "MedicationRequest" => "dosageInstruction",
        "MedicationStatement" => "dosage",
        _ => return None,
    };
    resource
        .get(element)
        .filter(|d| d.as_array().is_some_and(|d| !d.is_empty()))
        .cloned()
}

/// The prescription renewed: a reference when it is a MedicationRequest of the same source (the
/// export resolves it to that record's entry), and always its title.
fn prior_prescription(original: &StoredRecord, source: &Source) -> Value {
    let mut prior = json!({"display": original.title});
    if original.resource_type == "MedicationRequest"
        && original.source.source_id == source.source_id
    {
        prior["reference"] = json!(format!("MedicationRequest/{}", original.resource_id));
    }
    prior
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use portal_shared::domain::ids::PatientId;

    use super::*;
    use crate::fhir_export;
    use crate::model::RXNORM;
    use crate::plan::{PatientCheck, plan};
    use crate::sources::practice_source;

    /// The practice's demo bundle (its own source: the NPI in `PRACTICE_NPI`).
    fn maple_records(patient: PatientId) -> Vec<StoredRecord> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../infra/local/demo/maple-street-family-practice.json");
        let text = std::fs::read_to_string(&path).expect("the demo bundle");
        let bundle = Bundle::parse(serde_json::from_str(&text).expect("JSON")).expect("valid");
        plan(
            &bundle,
            patient,
            None,
            PatientCheck::Matched,
            ImportId::generate(),
            Timestamp::now(),
        )
        .records
    }

    fn maple() -> Source {
        practice_source("Maple Street Family Practice", Some("1234567893"))
    }

    fn renewal<'a>(original: &'a StoredRecord, refill: RefillId) -> Renewal<'a> {
        Renewal {
            refill,
            original,
            prescriber: "Dr Maria Chen",
            quantity: Some(Amount {
                value: 90.0,
                unit: "tablet".into(),
            }),
            repeats: Some(3),
            message: Some("Renewed for three months; labs at your next visit."),
        }
    }

    /// The independent FHIR R4 validator the export tests use (`tests/src/fhir.rs`:
    /// `fhir.resources` in `.venv-fhir`, which `make test` installs first).
    fn validate_r4(document: &Value) -> Result<(), String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let python = root.join(".venv-fhir/bin/python");
        assert!(
            python.exists(),
            "{python:?} is missing: run `make venv` to install the FHIR validator"
        );
        let path = std::env::temp_dir().join(format!("renewal-{}.json", ImportId::generate()));
        std::fs::write(&path, document.to_string()).expect("writing the bundle");
        let output = std::process::Command::new(python)
            .arg("-c")
            .arg(
                "import sys\n\
                 from fhir.resources.bundle import Bundle\n\
                 Bundle.parse_file(sys.argv[1])\n",
            )
            .arg(&path)
            .output()
            .expect("running the validator");
        let _ = std::fs::remove_file(&path);
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    #[test]
    fn a_renewal_is_a_practice_medication_request_listed_with_the_original() {
        let patient = PatientId::generate();
        let records = maple_records(patient);
        let metformin = records
            .iter()
            .find(|r| r.resource_id == "maple-metformin")
            .expect("metformin");
        assert_eq!(metformin.source, maple(), "the demo is the practice's own");
        let refill = RefillId::generate();
        let now = Timestamp::now();
        let record = prescription_record(renewal(metformin, refill), maple(), now).expect("built");

        assert_eq!(record.category, Category::Medications);
        assert_eq!(record.source, maple());
        assert_eq!(record.patient_id, patient);
        assert_eq!(record.resource_type, "MedicationRequest");
        assert_eq!(record.status.as_deref(), Some("active"));
        assert_eq!(record.title, metformin.title);
        assert_eq!(record.code, metformin.code);
        assert_eq!(record.date.as_deref(), Some(now.to_string().as_str()));
        assert_eq!(
            record.merge_key, metformin.merge_key,
            "one item with the original, the renewal first (newest)"
        );
        assert_eq!(record.index_group, metformin.index_group);
        assert_ne!(record.record_id, metformin.record_id);

        let resource: Value = serde_json::from_str(&record.resource).expect("JSON");
        assert_eq!(resource["intent"], "order");
        assert_eq!(
            resource["subject"]["reference"],
            format!("Patient/{patient}")
        );
        assert_eq!(resource["requester"]["display"], "Dr Maria Chen");
        assert_eq!(
            resource["identifier"][0],
            json!({"system": REFILL_REQUEST_SYSTEM, "value": refill.to_string()})
        );
        assert_eq!(
            resource["medicationCodeableConcept"]["coding"][0]["system"],
            RXNORM
        );
        assert_eq!(
            resource["medicationCodeableConcept"]["coding"][0]["code"],
            "860975"
        );
        assert_eq!(
            resource["dispenseRequest"],
            json!({"numberOfRepeatsAllowed": 3, "quantity": {"value": 90.0, "unit": "tablet"}})
        );
        assert_eq!(
            resource["note"][0]["text"],
            "Renewed for three months; labs at your next visit."
        );
        assert_eq!(
            resource["priorPrescription"],
            json!({"display": metformin.title, "reference": "MedicationRequest/maple-metformin"})
        );
        assert_eq!(
            resource["dosageInstruction"],
            serde_json::from_str::<Value>(&metformin.resource).expect("JSON")["dosageInstruction"]
        );

        // The same renewal is the same record (its write is conditional: never twice).
        let again = prescription_record(renewal(metformin, refill), maple(), now).expect("built");
        assert_eq!(again.record_id, record.record_id);
    }

    #[test]
    fn the_export_with_a_renewal_is_valid_r4_and_resolves_the_prior_prescription() {
        let patient = PatientId::generate();
        let mut records = maple_records(patient);
        let metformin = records
            .iter()
            .find(|r| r.resource_id == "maple-metformin")
            .expect("metformin")
            .clone();
        let mut bare = renewal(&metformin, RefillId::generate());
        bare.quantity = None;
        bare.repeats = None;
        bare.message = None;
        let plain = prescription_record(bare, maple(), Timestamp::now()).expect("built");
        let full = prescription_record(
            renewal(&metformin, RefillId::generate()),
            maple(),
            Timestamp::now(),
        )
        .expect("built");
        let resource: Value = serde_json::from_str(&plain.resource).expect("JSON");
        assert!(resource.get("dispenseRequest").is_none());
        assert!(resource.get("note").is_none());
        records.push(plain);
        records.push(full.clone());

        let export = fhir_export::bundle(
            &patient.to_string(),
            None,
            &records,
            &records,
            Timestamp::now(),
            None,
        )
        .expect("an export");
        if let Err(complaint) = validate_r4(&export) {
            panic!("the export is not valid R4: {complaint}");
        }
        let entries = export["entry"].as_array().expect("entries");
        let url_of = |id: &str| {
            entries
                .iter()
                .find(|e| e["resource"]["id"] == id)
                .map(|e| e["fullUrl"].clone())
                .expect("exported")
        };
        let exported = entries
            .iter()
            .find(|e| e["resource"]["id"] == full.resource_id.as_str())
            .expect("the renewal is exported");
        assert_eq!(
            exported["resource"]["priorPrescription"]["reference"],
            url_of("maple-metformin")
        );
        assert_eq!(
            exported["resource"]["subject"]["reference"],
            entries[0]["fullUrl"]
        );
        // And it imports back as what it is.
        Bundle::parse(export).expect("the export imports");
    }

    #[test]
    fn an_original_without_a_concept_is_named_by_its_code_and_title() {
        let patient = PatientId::generate();
        let records = maple_records(patient);
        let mut original = records
            .iter()
            .find(|r| r.resource_id == "maple-metformin")
            .expect("metformin")
            .clone();
        // Read without its resource, and from another source: no reference to it.
        original.resource = Sensitive(String::new());
        original.source = practice_source("Riverside Urgent Care", None);
        let record = prescription_record(
            renewal(&original, RefillId::generate()),
            maple(),
            Timestamp::now(),
        )
        .expect("built");
        let resource: Value = serde_json::from_str(&record.resource).expect("JSON");
        assert_eq!(
            resource["medicationCodeableConcept"],
            json!({"text": original.title, "coding": [serde_json::to_value(&original.code).expect("JSON")]})
        );
        assert_eq!(
            resource["priorPrescription"],
            json!({"display": original.title})
        );
        assert!(resource.get("dosageInstruction").is_none());
        assert_eq!(record.merge_key, original.merge_key);

        let mut condition = original.clone();
        condition.category = Category::Conditions;
        assert!(
            prescription_record(
                renewal(&condition, RefillId::generate()),
                maple(),
                Timestamp::now()
            )
            .is_err()
        );
    }

    #[test]
    fn the_clinicians_message_never_shows_in_debug() {
        let patient = PatientId::generate();
        let records = maple_records(patient);
        let metformin = records
            .iter()
            .find(|r| r.resource_id == "maple-metformin")
            .expect("metformin");
        let record = prescription_record(
            renewal(metformin, RefillId::generate()),
            maple(),
            Timestamp::now(),
        )
        .expect("built");
        let shown = format!("{record:?}");
        assert!(!shown.contains("labs at your next visit"), "{shown}");
    }
}
