//! `GET /patients/{patientId}/export`: the whole record as a FHIR R4 bundle that an independent
//! validator accepts, with every clinical resource that went in and its source.

use std::collections::{BTreeSet, HashSet};

use portal_tests::fhir::{DEMO_BUNDLES, demo_bundle_for, small_bundle, validate_r4_bundle};
use portal_tests::{Patient, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

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
/// references that resolve inside the bundle when they resolved inside the imported one, and no
/// reference that resolves nowhere.
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
    let by_url = entries
        .iter()
        .map(|e| {
            (
                e["fullUrl"].as_str().expect("fullUrl").to_owned(),
                e["resource"].clone(),
            )
        })
        .collect();
    let dangling = super::fixtures::dangling_references(&by_url);
    assert!(
        dangling.is_empty(),
        "references resolve nowhere: {dangling:?}"
    );
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

/// Follows an export's `next` links from `first`, checking every page; returns the pages.
async fn every_page(app: &TestApp, patient: &Patient, first: String) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut path = Some(first);
    while let Some(next) = path.take() {
        let reply = app.get(&next, &patient.actor).await;
        assert_eq!(reply.status, 200, "{next}: {reply:#?}");
        let page = reply.body.clone();
        if let Err(complaint) = validate_r4_bundle(&page) {
            panic!("a page is not valid FHIR R4: {complaint}");
        }
        let patients = page["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["resource"]["resourceType"] == "Patient")
            .count();
        assert_eq!(patients, 1, "every page names the patient");
        path = page["link"]
            .as_array()
            .and_then(|links| links.iter().find(|l| l["relation"] == "next"))
            .and_then(|l| l["url"].as_str())
            .map(str::to_owned);
        let header = reply.header("link");
        match &path {
            Some(url) => assert_eq!(header, Some(format!("<{url}>; rel=\"next\""))),
            None => assert_eq!(header, None),
        }
        pages.push(page);
        assert!(pages.len() < 100, "the pages end");
    }
    pages
}

/// A record larger than one response comes in pages (`_count` makes them small here): each
/// page is valid R4, and together they hold every resource of the whole export exactly once.
#[tokio::test]
async fn an_export_in_pages_adds_up_to_the_whole_record() {
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
    let whole = export_and_check(app, &patient).await;
    assert!(whole.get("link").is_none(), "a small record is one page");
    let expected = clinical_resources(&whole);

    let pages = every_page(
        app,
        &patient,
        format!("/patients/{}/export?_count=5", patient.id),
    )
    .await;
    let records = whole["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| {
            !["Patient", "Organization"]
                .contains(&e["resource"]["resourceType"].as_str().unwrap_or(""))
        })
        .count();
    assert_eq!(pages.len(), records.div_ceil(5));
    let mut seen = BTreeSet::new();
    for page in &pages {
        for resource in clinical_resources(page) {
            assert!(seen.insert(resource.clone()), "{resource:?} on two pages");
        }
    }
    assert_eq!(seen, expected);
    // The same entry keeps its fullUrl on whichever page it comes.
    let urls = |bundle: &Value| -> BTreeSet<String> {
        bundle["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["fullUrl"].as_str().expect("fullUrl").to_owned())
            .collect()
    };
    let paged: BTreeSet<String> = pages.iter().flat_map(urls).collect();
    assert_eq!(paged, urls(&whole));
}

#[tokio::test]
async fn bad_export_paging_is_named() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    for (query, field) in [
        ("?_count=0", "_count"),
        ("?_count=1001", "_count"),
        ("?_count=many", "_count"),
        ("?cursor=nonsense", "cursor"),
    ] {
        let reply = app
            .get(
                &format!("/patients/{}/export{query}", patient.id),
                &patient.actor,
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    // A cursor of another patient's export does not move into this one.
    let reply = app
        .import_bundle(&other.id, &other.actor, &small_bundle(&other.family), "")
        .await;
    assert_eq!(reply.status, 201);
    let reply = app
        .import_bundle(
            &other.id,
            &other.actor,
            &demo_bundle_for(DEMO_BUNDLES[0], &other.family),
            "",
        )
        .await;
    assert_eq!(reply.status, 201);
    let theirs = app
        .get(
            &format!("/patients/{}/export?_count=1", other.id),
            &other.actor,
        )
        .await;
    let next = theirs.body["link"][0]["url"].as_str().expect("a next page");
    let cursor = next
        .split("cursor=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("cursor");
    let reply = app
        .get(
            &format!("/patients/{}/export?cursor={cursor}", patient.id),
            &patient.actor,
        )
        .await;
    assert_problem(&reply, 422, Some("cursor"));
}

/// A document whose content is a Binary of the bundle keeps that content: in the record and in
/// the export (the Binary itself is not a record, and the report says where its content went).
#[tokio::test]
async fn a_documents_binary_content_comes_back_in_the_export() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut bundle = small_bundle(&patient.family);
    let entries = bundle["entry"].as_array_mut().expect("entries");
    entries.push(
        json!({"fullUrl": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000010",
        "resource": {"resourceType": "DocumentReference", "id": "letter", "status": "current",
            "type": {"text": "Discharge letter"},
            "subject": {"reference": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000002"},
            "content": [{"attachment": {"url": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000011",
                                        "title": "Discharge letter"}}]}}),
    );
    entries.push(
        json!({"fullUrl": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000011",
        "resource": {"resourceType": "Binary", "id": "letter-pdf", "contentType": "text/plain",
            "data": "WW91IG1heSBnbyBob21lLg=="}}),
    );
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let binary = reply.body["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .find(|s| s["resourceType"] == "Binary")
        .cloned()
        .expect("the Binary is reported");
    assert!(
        binary["reason"]
            .as_str()
            .is_some_and(|r| r.contains("kept in the DocumentReference")),
        "{binary:#?}"
    );
    let export = app
        .get(&format!("/patients/{}/export", patient.id), &patient.actor)
        .await;
    assert_eq!(export.status, 200, "{export:#?}");
    validate_r4_bundle(&export.body).expect("valid R4");
    let letter = export.body["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["resource"]["resourceType"] == "DocumentReference")
        .expect("the letter");
    assert_eq!(
        letter["resource"]["content"][0]["attachment"],
        json!({"title": "Discharge letter", "contentType": "text/plain",
               "data": "WW91IG1heSBnbyBob21lLg=="})
    );
}

/// An element R4 does not define (an extra property of the resource itself, of one of its
/// backbone elements, inside an attachment, a coding, a meta) is dropped on import and named
/// in the report by entry and path; the rest imports, and the export is valid R4.
#[tokio::test]
async fn an_element_r4_does_not_define_is_dropped_named_and_never_exported() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut bundle = small_bundle(&patient.family);
    let entries = bundle["entry"].as_array_mut().expect("entries");
    entries[2]["resource"]["code"]["coding"][0]["colour"] = json!("red");
    entries[2]["resource"]["priorityScore"] = json!(7);
    entries.push(json!({
        "fullUrl": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000004",
        "resource": {"resourceType": "DocumentReference", "id": "letter", "status": "current",
            "meta": {"importedBy": "a script"},
            "subject": {"reference": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000002"},
            "custodian": {"reference": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000001"},
            "content": [{"attachment": {"contentType": "text/plain", "data": "SGk=",
                                         "pages": 1},
                         "checksum": "abc"}]}
    }));
    // The independent validator refuses such a bundle: the test can fail.
    assert!(validate_r4_bundle(&bundle).is_err());
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let warnings: Vec<(u64, String)> = reply.body["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| {
            (
                w["entry"].as_u64().expect("entry"),
                w["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    for (entry, path) in [
        (2, "code.coding[0].colour"),
        (2, "priorityScore"),
        (3, "content[0].attachment.pages"),
        (3, "content[0].checksum"),
        (3, "meta.importedBy"),
    ] {
        assert!(
            warnings
                .iter()
                .any(|(e, m)| *e == entry && m.contains(&format!("`{path}`"))),
            "{path}: {warnings:#?}"
        );
    }
    assert_eq!(reply.body["imported"]["DocumentReference"], 1);
    let exported = export_and_check(app, &patient).await;
    let text = exported.to_string();
    for undefined in ["colour", "priorityScore", "pages", "checksum", "importedBy"] {
        assert!(!text.contains(undefined), "{undefined} exported");
    }
    let letter = exported["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["resource"]["id"] == "letter")
        .expect("the letter");
    assert_eq!(
        letter["resource"]["content"][0]["attachment"],
        json!({"contentType": "text/plain", "data": "SGk="})
    );
}
