//! `POST /patients/{patientId}/imports`: FHIR R4 bundles from other organisations.

use portal_shared::policy::authz::Scope;
use portal_tests::fhir::{demo_bundle_for, many_observations, small_bundle};
use portal_tests::{GrantState, Method, assert_problem, spawn_app};
use serde_json::{Value, json};

fn imports(patient: &str) -> String {
    format!("/patients/{patient}/imports")
}

#[tokio::test]
async fn a_practice_bundle_imports_with_a_report_and_skips_finance() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let bundle = demo_bundle_for("maple-street-family-practice", &patient.family);
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let report = &reply.body;
    assert_eq!(report["bundleType"], "transaction");
    assert_eq!(report["entries"], 22);
    assert_eq!(report["patientCheck"], "matched");
    assert_eq!(report["imported"]["Observation"], 9);
    assert_eq!(report["imported"]["Condition"], 2);
    assert_eq!(report["imported"]["Encounter"], 4);
    assert_eq!(report["importedTotal"], 19);
    let skipped = report["skipped"].as_array().expect("skipped");
    let claim = skipped
        .iter()
        .find(|s| s["resourceType"] == "Claim")
        .expect("the claim is reported as skipped");
    assert_eq!(claim["count"], 1);
    assert!(
        claim["reason"]
            .as_str()
            .is_some_and(|r| r.contains("financial"))
    );
    assert_eq!(report["skippedTotal"], 3, "{report:#}");
    assert_eq!(report["errors"], json!([]));
    assert_eq!(report["sources"][0]["name"], "Maple Street Family Practice");
    assert_eq!(report["sources"][0]["imported"], 19);
    // The import is an access to the patient's record.
    let audited = app.audit_events(&patient.id).await;
    assert!(
        audited
            .iter()
            .any(|e| e["action"] == "records.import" && e["outcome"] == "allowed"),
        "{audited:#?}"
    );
}

#[tokio::test]
async fn importing_the_same_bundle_again_updates_and_never_duplicates() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let bundle = demo_bundle_for("riverside-urgent-care", &patient.family);
    let first = app
        .import_bundle(&patient.id, &app.front_desk, &bundle, "")
        .await;
    assert_eq!(first.status, 201, "{first:#?}");
    let before = app.all_records(&patient.id, &app.clinician, "").await;
    // Changed at the source: the same resource with a new status.
    let mut changed = bundle.clone();
    for entry in changed["entry"].as_array_mut().expect("entries") {
        if entry["resource"]["id"] == "rv-lisinopril" {
            entry["resource"]["status"] = json!("stopped");
        }
    }
    let again = app
        .import_bundle(&patient.id, &app.front_desk, &changed, "")
        .await;
    assert_eq!(again.status, 201, "{again:#?}");
    assert_eq!(again.body["importedTotal"], first.body["importedTotal"]);
    let after = app.all_records(&patient.id, &app.clinician, "").await;
    assert_eq!(after.len(), before.len(), "{after:#?}");
    let lisinopril = after
        .iter()
        .find(|r| r["code"]["code"] == "314076")
        .expect("lisinopril");
    assert_eq!(lisinopril["status"], "stopped");
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_replays_the_report() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let body = small_bundle(&patient.family).to_string();
    let path = imports(&patient.id);
    let send = || {
        app.send_raw_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            "application/fhir+json",
            &body,
            &[("Idempotency-Key", "import-once")],
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{first:#?}");
    let replay = send().await;
    assert_eq!(replay.status, 201, "{replay:#?}");
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replay.body["importId"], first.body["importId"]);
    let other_body = app
        .send_raw_with_headers(
            Method::POST,
            &imports(&patient.id),
            &patient.actor,
            "application/fhir+json",
            &demo_bundle_for("riverside-urgent-care", &patient.family).to_string(),
            &[("Idempotency-Key", "import-once")],
        )
        .await;
    assert_problem(&other_body, 422, None);
    // The same key and body with another source named in the query is another request too.
    let other_source = app
        .send_raw_with_headers(
            Method::POST,
            &format!("{path}?source=Another%20Clinic"),
            &patient.actor,
            "application/fhir+json",
            &body,
            &[("Idempotency-Key", "import-once")],
        )
        .await;
    assert_problem(&other_source, 422, None);
    assert_eq!(
        app.all_records(&patient.id, &patient.actor, "").await.len(),
        1
    );
}

#[tokio::test]
async fn invalid_fhir_is_refused_naming_the_entries_and_nothing_is_written() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut bundle = demo_bundle_for("maple-street-family-practice", &patient.family);
    let entries = bundle["entry"].as_array_mut().expect("entries");
    // An observation without its code, a resource without a type, an entry without a resource.
    let position = entries
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Observation")
        .expect("an observation");
    entries[position]["resource"]
        .as_object_mut()
        .expect("object")
        .remove("code");
    entries[1]["resource"]
        .as_object_mut()
        .expect("object")
        .remove("resourceType");
    entries.push(json!({"fullUrl": "urn:uuid:nothing-here"}));
    let count = entries.len();
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_problem(
        &reply,
        422,
        Some(&format!("entry[{position}].resource.code")),
    );
    assert_problem(&reply, 422, Some("entry[1].resource.resourceType"));
    assert_problem(&reply, 422, Some(&format!("entry[{}].resource", count - 1)));
    assert!(
        app.all_records(&patient.id, &patient.actor, "")
            .await
            .is_empty()
    );

    for (body, field) in [
        (json!({"resourceType": "Patient"}), "resourceType"),
        (
            json!({"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Basic", "id": "b"}}]}),
            "type",
        ),
        (
            json!({"resourceType": "Bundle", "type": "collection", "entry": []}),
            "entry",
        ),
    ] {
        let reply = app
            .import_bundle(&patient.id, &patient.actor, &body, "")
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let mut too_many = small_bundle(&patient.family);
    let entry = too_many["entry"][2].clone();
    too_many["entry"] = Value::Array(vec![entry; 10_001]);
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &too_many, "")
        .await;
    assert_problem(&reply, 422, Some("entry"));
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &json!({}), "?source=")
        .await;
    assert_problem(&reply, 422, Some("source"));
    let not_json = app
        .send_raw(
            Method::POST,
            &imports(&patient.id),
            &patient.actor,
            "application/fhir+json",
            "{\"resourceType\": \"Bundle\",",
        )
        .await;
    assert_problem(&not_json, 400, None);
    let wrong_type = app
        .send_raw(
            Method::POST,
            &imports(&patient.id),
            &patient.actor,
            "text/plain",
            &small_bundle(&patient.family).to_string(),
        )
        .await;
    assert_problem(&wrong_type, 415, None);
    assert!(
        app.all_records(&patient.id, &patient.actor, "")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_bundle_over_the_limit_gets_413_stating_the_limit() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut bundle = small_bundle(&patient.family);
    bundle["entry"][2]["resource"]["note"] =
        json!([{"text": "x".repeat(portal_records::MAX_IMPORT_BYTES)}]);
    let reply = app
        .import_bundle(&patient.id, &app.front_desk, &bundle, "")
        .await;
    assert_problem(&reply, 413, None);
    let limit = portal_records::MAX_IMPORT_BYTES.to_string();
    assert!(
        reply.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&limit)),
        "{reply:#?}"
    );
}

/// Lambda takes at most 6 MB of event, in which the body is a JSON string: a bundle under our
/// limit that is mostly characters JSON escapes (quotes, backslashes, line breaks) can be over
/// Lambda's. API Gateway answers that with its own 413; nothing is written.
#[tokio::test]
async fn a_bundle_too_large_for_lambda_once_escaped_gets_a_413_and_writes_nothing() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut bundle = small_bundle(&patient.family);
    bundle["entry"][2]["resource"]["note"] = json!([{"text": "\"".repeat(2 * 1024 * 1024)}]);
    let size = serde_json::to_vec(&bundle).expect("json").len();
    assert!(size < portal_records::MAX_IMPORT_BYTES, "{size}");
    let reply = app
        .import_bundle(&patient.id, &app.front_desk, &bundle, "")
        .await;
    assert_eq!(reply.status, 413, "{reply:#?}");
    assert_eq!(reply.body["message"], "Request Too Long", "{reply:#?}");
    let nothing: Vec<Value> = app.all_records(&patient.id, &patient.actor, "").await;
    assert!(nothing.is_empty(), "{nothing:#?}");
}

#[tokio::test]
async fn another_patients_bundle_is_refused_unless_staff_confirm() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let bundle = demo_bundle_for("lakeside-endocrinology", "Somebody-Else");
    for who in [&patient.actor, &app.front_desk] {
        let reply = app.import_bundle(&patient.id, who, &bundle, "").await;
        assert_problem(&reply, 409, None);
        assert!(
            reply.body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("family name")),
            "{reply:#?}"
        );
    }
    // Only staff may confirm.
    let reply = app
        .import_bundle(
            &patient.id,
            &patient.actor,
            &bundle,
            "?confirmPatientMismatch=true",
        )
        .await;
    assert_problem(&reply, 403, None);
    let reply = app
        .import_bundle(
            &patient.id,
            &app.front_desk,
            &bundle,
            "?confirmPatientMismatch=maybe",
        )
        .await;
    assert_problem(&reply, 422, Some("confirmPatientMismatch"));
    assert!(
        app.all_records(&patient.id, &patient.actor, "")
            .await
            .is_empty()
    );
    let reply = app
        .import_bundle(
            &patient.id,
            &app.clinician,
            &bundle,
            "?confirmPatientMismatch=true",
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["patientCheck"], "mismatch-confirmed-by-staff");
    // A different birth date is a mismatch too.
    let mut born_later = small_bundle(&patient.family);
    born_later["entry"][1]["resource"]["birthDate"] = json!("1990-01-01");
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &born_later, "")
        .await;
    assert_problem(&reply, 409, None);
}

#[tokio::test]
async fn the_uploader_names_the_source_when_the_bundle_does_not() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut bundle = small_bundle(&patient.family);
    let entries = bundle["entry"].as_array_mut().expect("entries");
    entries.remove(0);
    entries[1]["resource"]
        .as_object_mut()
        .expect("object")
        .remove("asserter");
    let reply = app
        .import_bundle(
            &patient.id,
            &patient.actor,
            &bundle,
            "?source=Dr%20Rivera%27s%20Pain%20Clinic",
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["sources"][0]["name"], "Dr Rivera's Pain Clinic");
    // Without one, the record is still kept, labelled as of an unnamed source.
    bundle["entry"][1]["resource"]["id"] = json!("cond-2");
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert!(
        reply.body["sources"][0]["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("Unnamed source"))
    );
}

#[tokio::test]
async fn numbers_dynamodb_cannot_store_stay_in_the_resource_but_are_no_value() {
    // They were a server error: the record's value and bounds are DynamoDB numbers.
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut bundle = small_bundle(&patient.family);
    bundle["entry"].as_array_mut().expect("entries").push(json!({
        "fullUrl": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000009",
        "resource": {"resourceType": "Observation", "id": "huge", "status": "final",
                     "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7", "display": "Glucose"}]},
                     "subject": {"reference": "urn:uuid:0b5c6f1e-0000-4000-8000-000000000002"},
                     "effectiveDateTime": "2026-01-02T03:04:05Z",
                     "valueQuantity": {"value": 1e200, "unit": "mg/dL"},
                     "referenceRange": [{"low": {"value": 70}, "high": {"value": 1e-300}}]},
    }));
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["imported"]["Observation"], 1, "{reply:#?}");
    let records = app.all_records(&patient.id, &patient.actor, "").await;
    let glucose = records
        .iter()
        .find(|r| r["resourceType"] == "Observation")
        .expect("the observation is in the record");
    assert!(glucose["value"]["value"].is_null(), "{glucose:#}");
    let detail = app
        .get(
            &format!(
                "/patients/{}/records/{}",
                patient.id,
                glucose["recordId"].as_str().expect("id")
            ),
            &patient.actor,
        )
        .await;
    assert_eq!(detail.status, 200, "{detail:#?}");
    assert_eq!(
        detail.body["resource"]["valueQuantity"]["value"],
        json!(1e200)
    );
}

#[tokio::test]
async fn who_may_import() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let bundle = small_bundle(&patient.family);
    let anonymous = app
        .send(
            Method::POST,
            &imports(&patient.id),
            None,
            Some(bundle.clone()),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    let foreign = app
        .import_bundle(&patient.id, &other.actor, &bundle, "")
        .await;
    assert_problem(&foreign, 404, None);
    for who in [&app.response_team, &app.admin] {
        let reply = app.import_bundle(&patient.id, who, &bundle, "").await;
        assert_problem(&reply, 403, None);
    }
    // A caregiver trusted with the record may bring records in; with other scopes only, not.
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let carer = app.accept_as_new_caregiver(&invitation).await;
    let reply = app.import_bundle(&patient.id, &carer, &bundle, "").await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let reply = app
        .import_bundle(&patient.id, &carer, &bundle, "?confirmPatientMismatch=true")
        .await;
    assert_problem(&reply, 403, None);
    let unscoped = app.new_patient().await;
    app.grant(
        &unscoped.id,
        &app.caregiver,
        &[Scope::Messages],
        GrantState::Active,
    )
    .await;
    let reply = app
        .import_bundle(
            &unscoped.id,
            &app.caregiver,
            &small_bundle(&unscoped.family),
            "",
        )
        .await;
    assert_problem(&reply, 403, None);
    let nothing: Vec<Value> = app.all_records(&unscoped.id, &unscoped.actor, "").await;
    assert!(nothing.is_empty());
}

async fn lab_count(app: &portal_tests::TestApp, patient: &portal_tests::Patient) -> u64 {
    let sources = app
        .get(&format!("/patients/{}/sources", patient.id), &patient.actor)
        .await;
    sources.body["items"][0]["records"].as_u64().unwrap_or(0)
}

/// How many points the imported lab's series (LOINC 2345-7) has.
async fn series_points(app: &portal_tests::TestApp, patient: &portal_tests::Patient) -> usize {
    let series = app
        .get(
            &format!("/patients/{}/observations/2345-7/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(series.status, 200, "{series:#?}");
    series.body["series"][0]["points"]
        .as_array()
        .map_or(0, Vec::len)
}

/// Many batches of 25, written four at a time; a request that failed part-way (here: only the
/// first 300 entries written) completes when retried, without duplicates.
#[tokio::test]
async fn a_large_bundle_is_written_in_batches_and_a_partial_import_completes_on_retry() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let full = many_observations(&patient.family, 1000);
    let mut partial = full.clone();
    partial["entry"]
        .as_array_mut()
        .expect("entries")
        .truncate(302);
    let first = app
        .import_bundle(&patient.id, &patient.actor, &partial, "")
        .await;
    assert_eq!(first.status, 201, "{first:#?}");
    assert_eq!(lab_count(app, &patient).await, 300);
    let retried = app
        .import_bundle(&patient.id, &patient.actor, &full, "")
        .await;
    assert_eq!(retried.status, 201, "{retried:#?}");
    assert_eq!(retried.body["imported"]["Observation"], 1000);
    assert_eq!(lab_count(app, &patient).await, 1000);
    assert_eq!(series_points(app, &patient).await, 1000);
}

/// DynamoDB leaves writes unprocessed when the table is short of capacity: the import retries
/// them with back-off, and when they stay unprocessed it answers 503 having written part of the
/// bundle; the same request sent again completes it, without duplicates.
#[tokio::test]
async fn a_throttled_import_answers_503_and_the_same_request_again_completes_it() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let bundle = many_observations(&patient.family, 400);
    let partition = format!("PATIENT#{}", patient.id);
    app.leave_writes_unprocessed(&partition, 150).await;
    let throttled = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    app.process_writes(&partition).await;
    assert_problem(&throttled, 503, None);
    assert!(throttled.header("retry-after").is_some(), "{throttled:#?}");
    let written = lab_count(app, &patient).await;
    assert!(
        (1..400).contains(&written),
        "part of the bundle was written: {written}"
    );

    let retried = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(retried.status, 201, "{retried:#?}");
    assert_eq!(retried.body["imported"]["Observation"], 400);
    assert_eq!(lab_count(app, &patient).await, 400);
    assert_eq!(series_points(app, &patient).await, 400);
}

#[tokio::test]
async fn accents_and_case_in_the_bundles_name_are_the_same_patient() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // The profile says "Tester01K...", the other system wrote "TÉSTér01K...".
    let accented = patient.family.replacen("Tester", "TÉSTér", 1);
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &small_bundle(&accented), "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["patientCheck"], "matched");
    // Another letter is another name, accents or not.
    let other = patient.family.replacen("Tester", "Tastér", 1);
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &small_bundle(&other), "")
        .await;
    assert_problem(&reply, 409, None);
}
