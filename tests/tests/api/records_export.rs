//! `GET /patients/{patientId}/export`: the whole record as a FHIR R4 bundle that an independent
//! validator accepts, with every clinical resource that went in and its source.

use std::collections::{BTreeSet, HashSet};

use portal_tests::fhir::{DEMO_BUNDLES, demo_bundle_for, validate_r4_bundle};
use portal_tests::{Patient, TestApp, spawn_app};
use serde_json::Value;

const NOT_CLINICAL: [&str; 7] = [
    "Patient",
    "Organization",
    "Practitioner",
    "Claim",
    "ExplanationOfBenefit",
    "Coverage",
    "Provenance",
];

/// (resourceType, id) of the clinical resources of a bundle.
pub fn clinical_resources(bundle: &Value) -> BTreeSet<(String, String)> {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| {
            !NOT_CLINICAL.contains(&r["resourceType"].as_str().unwrap_or_default())
                && !["PractitionerRole", "Location"]
                    .contains(&r["resourceType"].as_str().unwrap_or_default())
        })
        .map(|r| {
            (
                r["resourceType"].as_str().expect("type").to_owned(),
                r["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect()
}

/// Exports and checks what every export must be: valid R4, sources on every resource, and
/// references that resolve inside the bundle when they resolved inside the imported one.
pub async fn export_and_check(app: &TestApp, patient: &Patient) -> Value {
    let reply = app
        .get(&format!("/patients/{}/export", patient.id), &patient.actor)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/fhir+json")
    );
    let bundle = reply.body;
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    if let Err(complaint) = validate_r4_bundle(&bundle) {
        panic!("the export is not valid FHIR R4: {complaint}");
    }
    let entries = bundle["entry"].as_array().expect("entries");
    let full_urls: HashSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().expect("fullUrl"))
        .collect();
    assert_eq!(full_urls.len(), entries.len(), "fullUrls are unique");
    let organizations: HashSet<String> = entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Organization")
        .map(|e| {
            format!(
                "https://patient-portal.dev/fhir/sources/{}",
                e["resource"]["id"].as_str().expect("id")
            )
        })
        .collect();
    let patient_resources: Vec<&Value> = entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Patient")
        .collect();
    assert_eq!(patient_resources.len(), 1);
    assert_eq!(patient_resources[0]["resource"]["id"], patient.id);
    for entry in entries {
        let resource = &entry["resource"];
        if ["Patient", "Organization"].contains(&resource["resourceType"].as_str().unwrap_or("")) {
            continue;
        }
        let source = resource["meta"]["source"].as_str().expect("meta.source");
        assert!(organizations.contains(source), "{source}");
    }
    bundle
}

#[tokio::test]
async fn import_then_export_returns_every_clinical_resource_with_its_source() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut went_in = BTreeSet::new();
    for name in DEMO_BUNDLES {
        let bundle = demo_bundle_for(name, &patient.family);
        went_in.extend(clinical_resources(&bundle));
        let reply = app
            .import_bundle(&patient.id, &patient.actor, &bundle, "")
            .await;
        assert_eq!(reply.status, 201, "{name}: {reply:#?}");
    }
    let exported = export_and_check(app, &patient).await;
    let came_out = clinical_resources(&exported);
    assert_eq!(came_out, went_in);
    // The practice's references (urn:uuid) and the urgent care's (relative) now point at
    // entries of the export: to the patient, and to their encounters.
    let entries = exported["entry"].as_array().expect("entries");
    let full_urls: HashSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().expect("fullUrl"))
        .collect();
    for (id, element) in [
        ("maple-htn", "subject"),
        ("maple-htn", "encounter"),
        ("rv-htn", "subject"),
        ("rv-htn", "encounter"),
        ("lk-metformin", "medicationReference"),
    ] {
        let resource = &entries
            .iter()
            .find(|e| e["resource"]["id"] == id)
            .expect("exported")["resource"];
        let reference = resource[element]["reference"].as_str().expect("reference");
        assert!(full_urls.contains(reference), "{id}.{element}: {reference}");
    }
    let patient_url = entries
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .expect("patient")["fullUrl"]
        .clone();
    let condition = entries
        .iter()
        .find(|e| e["resource"]["id"] == "rv-htn")
        .expect("rv-htn");
    assert_eq!(condition["resource"]["subject"]["reference"], patient_url);
}

/// An export imported elsewhere (another portal, another patient here) keeps every source and
/// every record id: nothing is lost or doubled on the way.
#[tokio::test]
async fn an_export_imports_again_with_the_same_sources_and_records() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for name in DEMO_BUNDLES {
        let reply = app
            .import_bundle(
                &patient.id,
                &app.front_desk,
                &demo_bundle_for(name, &patient.family),
                "",
            )
            .await;
        assert_eq!(reply.status, 201, "{reply:#?}");
    }
    let exported = export_and_check(app, &patient).await;
    let before = sources_of(app, &patient).await;
    let elsewhere = app.new_patient().await;
    let reply = app
        .import_bundle(
            &elsewhere.id,
            &app.clinician,
            &exported,
            "?confirmPatientMismatch=true",
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["errors"], serde_json::json!([]));
    assert_eq!(sources_of(app, &elsewhere).await, before);
    let again = export_and_check(app, &elsewhere).await;
    assert_eq!(clinical_resources(&again), clinical_resources(&exported));
}

async fn sources_of(app: &TestApp, who: &Patient) -> Vec<(Value, Value, Value)> {
    let reply = app
        .get(&format!("/patients/{}/sources", who.id), &who.actor)
        .await;
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| {
            (
                s["sourceId"].clone(),
                s["name"].clone(),
                s["records"].clone(),
            )
        })
        .collect()
}
