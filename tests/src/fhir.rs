//! FHIR bundles for the health-record tests: the demo bundles the project ships
//! (`infra/local/demo/`), made out to a test patient, and the independent R4 validator.

use serde_json::{Value, json};

use crate::{Actor, Method, Reply, TestApp, workspace_root};

/// The demo bundles: the practice (transaction, `urn:uuid:` references), an urgent care
/// (collection, relative references) and a specialist clinic (a document bundle).
pub const DEMO_BUNDLES: [&str; 3] = [
    "maple-street-family-practice",
    "riverside-urgent-care",
    "lakeside-endocrinology",
];

/// A demo bundle as shipped (made out to Ana Lopez, born 1984-03-12).
pub fn demo_bundle(name: &str) -> Value {
    let path = workspace_root().join(format!("infra/local/demo/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).expect("demo bundle is JSON")
}

/// The bundle with every Patient's family name set to `family` (test patients are born on
/// 1984-03-12 like the demo's).
pub fn made_out_to(mut bundle: Value, family: &str) -> Value {
    if let Some(entries) = bundle["entry"].as_array_mut() {
        for entry in entries {
            if entry["resource"]["resourceType"] == "Patient" {
                entry["resource"]["name"] = json!([{"family": family, "given": ["Ana"]}]);
            }
        }
    }
    bundle
}

/// A demo bundle made out to a test patient.
pub fn demo_bundle_for(name: &str, family: &str) -> Value {
    made_out_to(demo_bundle(name), family)
}

/// A small valid bundle: one organisation, the patient and one condition.
pub fn small_bundle(family: &str) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000001",
             "resource": {"resourceType": "Organization", "id": "org", "name": "Small Test Clinic"}},
            {"fullUrl": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000002",
             "resource": {"resourceType": "Patient", "id": "pat",
                          "name": [{"family": family, "given": ["Ana"]}], "birthDate": "1984-03-12"}},
            {"fullUrl": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000003",
             "resource": {"resourceType": "Condition", "id": "cond",
                          "code": {"coding": [{"system": "http://snomed.info/sct", "code": "195967001", "display": "Asthma"}]},
                          "subject": {"reference": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000002"},
                          "asserter": {"reference": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000001"},
                          "recordedDate": "2024-01-05"}},
        ]
    })
}

impl TestApp {
    /// `who` adds [`new_result`] to the patient's record (`POST /patients/{id}/results`).
    pub async fn add_result(&self, patient_id: &str, who: &Actor) -> Reply {
        self.send(
            Method::POST,
            &format!("/patients/{patient_id}/results"),
            Some(who),
            Some(new_result()),
        )
        .await
    }

    /// `POST /patients/{id}/imports` with `bundle` as `application/fhir+json`; `query` is
    /// appended as is (`?source=...`).
    pub async fn import_bundle(
        &self,
        patient_id: &str,
        who: &Actor,
        bundle: &Value,
        query: &str,
    ) -> Reply {
        self.send_raw(
            Method::POST,
            &format!("/patients/{patient_id}/imports{query}"),
            who,
            "application/fhir+json",
            &bundle.to_string(),
        )
        .await
    }

    /// Every record of a patient through the API (following cursors), as `who`.
    pub async fn all_records(&self, patient_id: &str, who: &Actor, query: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let separator = if query.is_empty() { "?" } else { "&" };
            let path = match &cursor {
                Some(c) => format!("/patients/{patient_id}/records{query}{separator}cursor={c}"),
                None => format!("/patients/{patient_id}/records{query}"),
            };
            let reply = self.get(&path, who).await;
            assert_eq!(reply.status, 200, "{reply:#?}");
            items.extend(reply.body["items"].as_array().cloned().unwrap_or_default());
            match reply.body["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }
}

/// Runs the independent FHIR R4 validator (`fhir.resources` 6.4.0 on pydantic 1, installed in
/// `.venv-fhir` by the Makefile) on a document; `Err` carries its complaint.
pub fn validate_r4_bundle(document: &Value) -> Result<(), String> {
    let python = workspace_root().join(".venv-fhir/bin/python");
    assert!(
        python.exists(),
        "{python:?} is missing: run `make venv` (make test does) to install the FHIR validator"
    );
    let path = std::env::temp_dir().join(format!("export-{}.json", ulid::Ulid::generate()));
    std::fs::write(&path, document.to_string()).expect("writing the export");
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(
            "import sys\n\
             from fhir.resources.bundle import Bundle\n\
             bundle = Bundle.parse_file(sys.argv[1])\n\
             print(len(bundle.entry or []))\n",
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

/// A valid `POST /patients/{id}/results` body: an HbA1c with an explanation.
pub fn new_result() -> Value {
    json!({
        "kind": "lab",
        "code": {"system": "http://loinc.org", "code": "4548-4", "display": "Hemoglobin A1c"},
        "value": 6.8,
        "unit": "%",
        "referenceRange": {"high": 5.7},
        "explanation": "Your HbA1c is down from 7.4%: the change in your diet is working.",
    })
}

/// A bundle of `count` observations from one clinic, made out to `family`.
pub fn many_observations(family: &str, count: usize) -> Value {
    let mut entries = vec![
        json!({"fullUrl": "urn:uuid:org", "resource": {"resourceType": "Organization", "name": "Big Lab"}}),
        json!({"fullUrl": "urn:uuid:pat", "resource": {"resourceType": "Patient",
            "name": [{"family": family}], "birthDate": "1984-03-12"}}),
    ];
    for n in 0..count {
        entries.push(json!({"fullUrl": format!("urn:uuid:obs-{n}"), "resource": {
            "resourceType": "Observation", "id": format!("glucose-{n}"), "status": "final",
            "category": [{"coding": [{"code": "laboratory"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7", "display": "Glucose"}]},
            "subject": {"reference": "urn:uuid:pat"},
            "performer": [{"reference": "urn:uuid:org"}],
            "effectiveDateTime": format!("2020-01-01T00:{:02}:{:02}Z", (n / 60) % 60, n % 60),
            "valueQuantity": {"value": 90 + (n % 40), "unit": "mg/dL"}
        }}));
    }
    json!({"resourceType": "Bundle", "type": "batch", "entry": entries})
}
