//! `POST /patients/{patientId}/results`: a clinician's result with an explanation, in the
//! patient's record at once.

use portal_shared::policy::authz::Scope;
use portal_tests::fhir::{demo_bundle_for, new_result};
use portal_tests::{GrantState, Method, assert_problem, spawn_app};
use serde_json::json;

fn results(patient: &str) -> String {
    format!("/patients/{patient}/results")
}

#[tokio::test]
async fn a_clinicians_result_is_in_the_patients_record_at_once() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let reply = app.add_result(&patient.id, &app.clinician).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let id = reply.body["recordId"]
        .as_str()
        .expect("recordId")
        .to_owned();
    assert_eq!(
        reply.header("location").as_deref(),
        Some(format!("/patients/{}/records/{id}", patient.id).as_str())
    );
    // The local stack is the demo practice (PracticeName and PracticeNpi overridden).
    assert_eq!(reply.body["source"]["name"], "Maple Street Family Practice");
    // The patient sees it straight away: in the list, the detail, the series and the summary.
    let labs = app
        .all_records(&patient.id, &patient.actor, "?category=labs")
        .await;
    assert_eq!(labs.len(), 1);
    assert!(
        labs[0]["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("diet"))
    );
    let detail = app
        .get(
            &format!("/patients/{}/records/{id}", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(detail.body["resource"]["resourceType"], "Observation");
    assert!(detail.body["resource"]["note"][0]["text"].is_string());
    let series = app
        .get(
            &format!("/patients/{}/observations/4548-4/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(series.body["series"][0]["points"][0]["value"], 6.8);
    let summary = app
        .get(&format!("/patients/{}/summary", patient.id), &patient.actor)
        .await;
    assert_eq!(summary.body["recentResults"][0]["recordId"], id.as_str());
    // A retry with the same key adds nothing.
    let path = results(&patient.id);
    let headers = [("Idempotency-Key", "result-once")];
    let first = app
        .send_with_headers(Method::POST, &path, &app.clinician, new_result(), &headers)
        .await;
    let again = app
        .send_with_headers(Method::POST, &path, &app.clinician, new_result(), &headers)
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body["recordId"], first.body["recordId"]);
    assert_eq!(
        app.all_records(&patient.id, &patient.actor, "?category=labs")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn bad_results_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let with = |change: serde_json::Value| {
        let mut body = new_result();
        for (key, value) in change.as_object().expect("object") {
            if value.is_null() {
                body.as_object_mut().expect("object").remove(key);
            } else {
                body[key] = value.clone();
            }
        }
        body
    };
    for (body, field) in [
        (with(json!({"explanation": " "})), "explanation"),
        (with(json!({"explanation": null})), "explanation"),
        (with(json!({"unit": null})), "unit"),
        (with(json!({"value": null})), "value"),
        (with(json!({"kind": "rumour"})), "kind"),
        (
            with(json!({"effective": "2999-01-01T00:00:00Z"})),
            "effective",
        ),
        (
            with(json!({"code": {"system": "", "code": "4548-4"}})),
            "code.system",
        ),
        (with(json!({"secret": true})), "secret"),
        // Numbers DynamoDB cannot store were a server error.
        (with(json!({"value": -5.4e204})), "value"),
        (with(json!({"value": 1e-200})), "value"),
        (
            with(json!({"referenceRange": {"low": 1e130, "high": 2.0}})),
            "referenceRange.low",
        ),
    ] {
        let reply = app
            .send(
                Method::POST,
                &results(&patient.id),
                Some(&app.clinician),
                Some(body),
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    assert!(
        app.all_records(&patient.id, &patient.actor, "")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn only_clinicians_add_results() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    let path = results(&patient.id);
    assert_eq!(
        app.send(Method::POST, &path, None, Some(new_result()))
            .await
            .status,
        401
    );
    assert_problem(
        &app.send(Method::POST, &path, Some(&other.actor), Some(new_result()))
            .await,
        404,
        None,
    );
    let nobody = portal_shared::domain::ids::PatientId::generate();
    assert_problem(
        &app.send(
            Method::POST,
            &results(&nobody.to_string()),
            Some(&app.clinician),
            Some(new_result()),
        )
        .await,
        404,
        None,
    );
    for who in [
        &patient.actor,
        &app.caregiver,
        &app.front_desk,
        &app.response_team,
        &app.admin,
    ] {
        let reply = app
            .send(Method::POST, &path, Some(who), Some(new_result()))
            .await;
        assert_problem(&reply, 403, None);
    }
    assert!(
        app.all_records(&patient.id, &patient.actor, "")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_clinicians_note_is_a_document_and_the_export_stays_valid() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let reply = app
        .send(
            Method::POST,
            &results(&patient.id),
            Some(&app.clinician),
            Some(json!({
                "kind": "note",
                "title": "Follow-up call",
                "text": "Discussed the new diet; the patient feels well.",
                "explanation": "A summary of our call on Tuesday.",
            })),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["category"], "documents");
    assert_eq!(reply.body["resourceType"], "DocumentReference");
    assert_eq!(reply.body["code"]["code"], "11506-3");
    let refused = app
        .send(
            Method::POST,
            &results(&patient.id),
            Some(&app.clinician),
            Some(json!({"kind": "note", "value": 3, "unit": "%", "explanation": "x"})),
        )
        .await;
    assert_problem(&refused, 422, Some("value"));
    let refused = app
        .send(
            Method::POST,
            &results(&patient.id),
            Some(&app.clinician),
            Some(
                json!({"kind": "lab", "value": 3, "unit": "%", "title": "A1c", "explanation": "x"}),
            ),
        )
        .await;
    assert_problem(&refused, 422, Some("code"));
    let added = app.add_result(&patient.id, &app.clinician).await;
    assert_eq!(added.status, 201, "{added:#?}");
    let exported = crate::records::export::export_and_check(app, &patient).await;
    let types: Vec<&str> = exported["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["resource"]["resourceType"].as_str())
        .collect();
    assert!(types.contains(&"DocumentReference") && types.contains(&"Observation"));
}

#[tokio::test]
async fn the_practices_results_join_its_imported_records_as_one_source() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // The practice's own system exported this (its Organization carries the practice's NPI).
    let bundle = demo_bundle_for("maple-street-family-practice", &patient.family);
    let reply = app
        .import_bundle(&patient.id, &app.clinician, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let imported_source = reply.body["sources"][0]["sourceId"].clone();
    let added = app.add_result(&patient.id, &app.clinician).await;
    assert_eq!(added.status, 201, "{added:#?}");
    assert_eq!(added.body["source"]["sourceId"], imported_source);
    let sources = app
        .get(&format!("/patients/{}/sources", patient.id), &patient.actor)
        .await;
    let items = sources.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{sources:#?}");
    assert_eq!(items[0]["sourceId"], imported_source);
    assert_eq!(items[0]["name"], "Maple Street Family Practice");
}
