//! Asking: `POST /patients/{patientId}/refills` (one open request per medication, guarded by a
//! condition, and the Idempotency-Key), the patient's list and detail, and withdrawing.

use futures::future::join_all;
use portal_shared::policy::authz::Scope;
use portal_tests::{
    GrantState, Method, Patient, TestApp, assert_problem, single_winner, spawn_app,
};
use serde_json::{Value, json};

use super::fixtures::*;

#[tokio::test]
async fn a_patient_asks_to_renew_a_medication_and_follows_the_request() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let record = record_of(app, &patient, METFORMIN).await;
    let reply = ask_with(app, &patient.id, &patient.actor, ask_body(&record)).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let request = &reply.body;
    let refill = id_of(request, "refillId");
    assert_eq!(
        reply.header("location"),
        Some(refill_path(&patient.id, &refill)),
        "{reply:#?}"
    );
    assert_eq!(request["patientId"], patient.id.as_str());
    assert_eq!(request["recordId"], record.as_str());
    assert_eq!(request["status"], "requested");
    assert!(
        request["medication"]["title"]
            .as_str()
            .is_some_and(|t| t.contains("metformin")),
        "{request:#?}"
    );
    assert!(
        request["medication"]["codes"]
            .as_array()
            .is_some_and(|codes| codes.iter().any(|c| c["code"] == METFORMIN)),
        "{request:#?}"
    );
    // The pharmacy is kept as entered.
    let pharmacy = &request["pharmacy"];
    assert_eq!(pharmacy["name"], "Corner Pharmacy");
    assert_eq!(pharmacy["npi"], "1234567893");
    assert_eq!(pharmacy["address"], address());
    assert_eq!(pharmacy["phone"], "+15555550123");
    assert_eq!(request["note"], "Running out at the end of the week.");
    assert_eq!(request["requestedBy"]["role"], "patient", "{request:#?}");
    for field in ["createdAt", "updatedAt", "dueAt"] {
        assert!(request[field].is_string(), "{field}: {request:#?}");
    }
    assert!(request["dueAt"].as_str() > request["createdAt"].as_str());
    assert!(request["version"].is_u64(), "{request:#?}");
    assert!(request.get("decision").is_none_or(Value::is_null));
    assert_eq!(history(request), ["requested"]);
    assert_eq!(request["history"][0]["taskStatus"], "requested");

    // The detail and the list show it.
    let detail = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(detail.status, 200, "{detail:#?}");
    assert_eq!(detail.body["refillId"], refill.as_str());
    assert_eq!(detail.body["status"], "requested");
    let listed = requests_of(app, &patient).await;
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["refillId"], refill.as_str());

    // Newest first.
    let second = asked(app, &patient, ATORVASTATIN).await;
    let listed = requests_of(app, &patient).await;
    let ids: Vec<&str> = listed
        .iter()
        .filter_map(|r| r["refillId"].as_str())
        .collect();
    assert_eq!(ids, [id_of(&second, "refillId").as_str(), refill.as_str()]);

    // The ask is audited against the patient.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "refill.request"
            && e["actorSub"] == patient.actor.sub.as_str()),
        "{events:#?}"
    );
}

#[tokio::test]
async fn a_pharmacy_from_the_directory_is_kept_as_it_was_when_asked() {
    let app = spawn_app().await;
    let name = unique("Directory Pharmacy");
    let listed = new_pharmacy(app, &name).await;
    let pharmacy = id_of(&listed, "pharmacyId");
    let patient = eligible_patient(app).await;
    let record = record_of(app, &patient, METFORMIN).await;
    let reply = ask_with(
        app,
        &patient.id,
        &patient.actor,
        json!({"recordId": record, "pharmacy": {"pharmacyId": pharmacy}}),
    )
    .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let kept = &reply.body["pharmacy"];
    assert_eq!(kept["pharmacyId"], pharmacy.as_str());
    assert_eq!(kept["name"], name.as_str());
    assert_eq!(kept["ncpdpId"], "1234567");
    // No note is fine.
    assert!(reply.body.get("note").is_none_or(Value::is_null));

    // A pharmacy that is not in the directory, or retired, cannot be named by its id.
    let other = eligible_patient(app).await;
    let other_record = record_of(app, &other, METFORMIN).await;
    let retired = app
        .send(
            Method::DELETE,
            &format!("{STAFF_PHARMACIES}/{pharmacy}"),
            Some(&app.front_desk),
            None,
        )
        .await;
    assert!(
        [200, 204].contains(&retired.status),
        "retiring: {retired:#?}"
    );
    for id in [pharmacy.clone(), ulid::Ulid::generate().to_string()] {
        let refused = ask_with(
            app,
            &other.id,
            &other.actor,
            json!({"recordId": other_record, "pharmacy": {"pharmacyId": id}}),
        )
        .await;
        assert_invalid(&refused, "pharmacy");
    }
    assert!(requests_of(app, &other).await.is_empty());
    // The request made before keeps its snapshot.
    let refill = id_of(&reply.body, "refillId");
    let detail = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(detail.body["pharmacy"]["name"], name.as_str());
}

#[tokio::test]
async fn an_idempotency_key_asks_once_however_often_it_is_sent() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let record = record_of(app, &patient, METFORMIN).await;
    let key = format!("refill-{}", ulid::Ulid::generate());
    let headers = [("Idempotency-Key", key.as_str())];
    let path = refills_path(&patient.id);
    let first = app
        .send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            ask_body(&record),
            &headers,
        )
        .await;
    assert_eq!(first.status, 201, "{first:#?}");
    let again = app
        .send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            ask_body(&record),
            &headers,
        )
        .await;
    assert_eq!(again.status, 201, "{again:#?}");
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body["refillId"], first.body["refillId"]);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(requests_of(app, &patient).await.len(), 1);

    // The same key with another body is refused and writes nothing.
    let mut other = ask_body(&record);
    other["note"] = json!("Something else");
    let reused = app
        .send_with_headers(Method::POST, &path, &patient.actor, other, &headers)
        .await;
    assert_problem(&reused, 422, None);
    assert_eq!(
        reused.body["type"],
        "https://patient-portal.dev/problems/idempotency-key-reused"
    );
    assert_eq!(requests_of(app, &patient).await.len(), 1);
}

#[tokio::test]
async fn of_ten_concurrent_asks_for_one_medication_exactly_one_opens_a_request() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let record = record_of(app, &patient, METFORMIN).await;
    let replies =
        join_all((0..10).map(|_| ask_with(app, &patient.id, &patient.actor, ask_body(&record))))
            .await;
    let winner = single_winner(&replies, 409);
    assert_eq!(winner.status, 201, "{winner:#?}");
    for loser in replies.iter().filter(|r| r.status == 409) {
        assert_conflict(loser, "refill-already-open");
    }
    let listed = requests_of(app, &patient).await;
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["refillId"], winner.body["refillId"]);

    // Asked again later: the same answer, nothing written.
    let again = ask_with(app, &patient.id, &patient.actor, ask_body(&record)).await;
    assert_conflict(&again, "refill-already-open");
    assert_eq!(requests_of(app, &patient).await.len(), 1);
}

#[tokio::test]
async fn what_may_not_be_renewed_is_refused_with_the_reasons() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    for (code, reason) in [
        (OXYCODONE, "controlled-substance"),
        (LISINOPRIL, "inactive"),
    ] {
        let record = record_of(app, &patient, code).await;
        let refused = ask_with(app, &patient.id, &patient.actor, ask_body(&record)).await;
        assert_conflict(&refused, "refill-not-eligible");
        assert!(
            names(&refused, reason),
            "{code}: the reasons name {reason}: {refused:#?}"
        );
    }
    // No visit with the practice within the window.
    let unseen = patient_with_visit(app, Some(400)).await;
    let record = record_of(app, &unseen, METFORMIN).await;
    let refused = ask_with(app, &unseen.id, &unseen.actor, ask_body(&record)).await;
    assert_conflict(&refused, "refill-not-eligible");
    assert!(names(&refused, "no-recent-visit"), "{refused:#?}");
    assert!(requests_of(app, &patient).await.is_empty());
    assert!(requests_of(app, &unseen).await.is_empty());
}

/// The `refill-not-eligible` problem lists `reason` among its `reasons`.
fn names(reply: &portal_tests::Reply, reason: &str) -> bool {
    reply.body["reasons"]
        .as_array()
        .is_some_and(|reasons| reasons.iter().any(|r| r == reason))
}

#[tokio::test]
async fn bad_requests_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let record = record_of(app, &patient, METFORMIN).await;
    // A record of the patient that is no medication: their visit.
    let visits = app
        .all_records(&patient.id, &patient.actor, "")
        .await
        .into_iter()
        .find(|r| r["resourceType"] == "Encounter")
        .expect("the visit is a record");
    let visit = id_of(&visits, "recordId");
    // A record of another patient (record ids are content hashes: the same bundle gives the
    // same id, so the stranger's is one of another bundle).
    let stranger = app.new_patient().await;
    import(app, &stranger, &other_clinic_bundle(&stranger.family, None)).await;
    let strangers = record_of(app, &stranger, ATORVASTATIN).await;
    let own_atorvastatin = record_of(app, &patient, ATORVASTATIN).await;

    let with_pharmacy = |change: Value| {
        let mut body = ask_body(&record);
        for (key, value) in change.as_object().expect("object") {
            if value.is_null() {
                body["pharmacy"]
                    .as_object_mut()
                    .expect("pharmacy")
                    .remove(key);
            } else {
                body["pharmacy"][key] = value.clone();
            }
        }
        body
    };
    let mut cases = vec![
        (json!({"pharmacy": entered_pharmacy()}), "recordId"),
        (ask_body(&ulid::Ulid::generate().to_string()), "recordId"),
        // Well formed (32 hex digits), but no record of the patient's.
        (ask_body(&"0123456789abcdef".repeat(2)), "recordId"),
        (ask_body("not-a-record"), "recordId"),
        (ask_body(&visit), "recordId"),
        (json!({"recordId": record}), "pharmacy"),
        (json!({"recordId": record, "pharmacy": {}}), "pharmacy"),
        // The NPI's check digit is wrong (1234567893 is right).
        (with_pharmacy(json!({"npi": "1234567890"})), "pharmacy.npi"),
        (with_pharmacy(json!({"npi": "12345"})), "pharmacy.npi"),
        (
            with_pharmacy(json!({"npi": null, "ncpdpId": "12345"})),
            "pharmacy.ncpdpId",
        ),
        (
            with_pharmacy(json!({"npi": null, "ncpdpId": "12345AB"})),
            "pharmacy.ncpdpId",
        ),
        (with_pharmacy(json!({"name": null})), "pharmacy.name"),
        (with_pharmacy(json!({"name": "  "})), "pharmacy.name"),
        (with_pharmacy(json!({"address": null})), "pharmacy.address"),
        (with_pharmacy(json!({"phone": null})), "pharmacy.phone"),
    ];
    let mut long_note = ask_body(&record);
    long_note["note"] = json!("x".repeat(1001));
    cases.push((long_note, "note"));
    if strangers != own_atorvastatin {
        cases.push((ask_body(&strangers), "recordId"));
    }
    for (body, field) in cases {
        let reply = ask_with(app, &patient.id, &patient.actor, body.clone()).await;
        assert_eq!(reply.status, 422, "{body} must name {field}: {reply:#?}");
        assert_invalid(&reply, field);
        assert!(
            !reply.body.to_string().contains("Internal"),
            "{body}: {reply:#?}"
        );
    }
    // Not JSON.
    let garbled = app
        .send_raw(
            Method::POST,
            &refills_path(&patient.id),
            &patient.actor,
            "application/json",
            "{\"recordId\":",
        )
        .await;
    assert!(
        [400, 422].contains(&garbled.status),
        "garbled: {garbled:#?}"
    );
    assert!(requests_of(app, &patient).await.is_empty());
    // A note of exactly 1000 characters is fine, and so is a pharmacy the patient enters
    // without its NCPDP id or NPI (patients rarely know them).
    let mut longest = with_pharmacy(json!({"npi": null}));
    longest["note"] = json!("x".repeat(1000));
    let fine = ask_with(app, &patient.id, &patient.actor, longest).await;
    assert_eq!(fine.status, 201, "{fine:#?}");
    assert!(fine.body["pharmacy"].get("npi").is_none(), "{fine:#?}");
}

#[tokio::test]
async fn caregivers_ask_with_the_records_scope_and_others_are_refused() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let record = record_of(app, &patient, METFORMIN).await;

    // Trusted with messages only: refused, nothing written.
    let messages_only = app.new_staff("carer", &["caregivers"]).await;
    app.grant(
        &patient.id,
        &messages_only,
        &[Scope::Messages],
        GrantState::Active,
    )
    .await;
    let refused = ask_with(app, &patient.id, &messages_only, ask_body(&record)).await;
    assert_problem(&refused, 403, None);
    let read = app.get(&refills_path(&patient.id), &messages_only).await;
    assert_problem(&read, 403, None);
    // Staff never ask for a patient, and a revoked grant reaches nothing.
    for who in [&app.clinician, &app.front_desk, &app.admin] {
        let reply = ask_with(app, &patient.id, who, ask_body(&record)).await;
        assert_problem(&reply, 403, None);
    }
    let revoked = app.new_staff("carer", &["caregivers"]).await;
    app.grant(
        &patient.id,
        &revoked,
        &[Scope::Records],
        GrantState::Revoked,
    )
    .await;
    let gone = ask_with(app, &patient.id, &revoked, ask_body(&record)).await;
    assert_problem(&gone, 404, None);
    assert!(requests_of(app, &patient).await.is_empty());

    // Trusted with the records: asks, and the request says who asked.
    let carer = app.new_staff("carer", &["caregivers"]).await;
    app.grant(&patient.id, &carer, &[Scope::Records], GrantState::Active)
        .await;
    let asked = ask_with(app, &patient.id, &carer, ask_body(&record)).await;
    assert_eq!(asked.status, 201, "{asked:#?}");
    assert_eq!(asked.body["requestedBy"]["role"], "caregiver", "{asked:#?}");
    let refill = id_of(&asked.body, "refillId");
    // The patient sees it, and the caregiver reads it back.
    assert_eq!(requests_of(app, &patient).await.len(), 1);
    let detail = app.get(&refill_path(&patient.id, &refill), &carer).await;
    assert_eq!(detail.status, 200, "{detail:#?}");
}

#[tokio::test]
async fn another_patients_requests_are_not_found_and_no_token_is_unauthenticated() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    let stranger = eligible_patient(app).await;
    let record = record_of(app, &patient, METFORMIN).await;

    for (method, path, body) in [
        (Method::GET, refills_path(&patient.id), None),
        (Method::GET, refill_path(&patient.id, &refill), None),
        (Method::GET, medications_path(&patient.id), None),
        (
            Method::POST,
            refills_path(&patient.id),
            Some(ask_body(&record)),
        ),
        (
            Method::POST,
            format!("{}/withdraw", refill_path(&patient.id, &refill)),
            None,
        ),
    ] {
        let foreign = app
            .send(method.clone(), &path, Some(&stranger.actor), body.clone())
            .await;
        assert_problem(&foreign, 404, None);
        let anonymous = app.send(method, &path, None, body).await;
        assert_eq!(anonymous.status, 401, "{path}: {anonymous:#?}");
    }
    // The request under the stranger's own path: not theirs either.
    for path in [
        refill_path(&stranger.id, &refill),
        format!("{}/withdraw", refill_path(&stranger.id, &refill)),
    ] {
        let method = if path.ends_with("withdraw") {
            Method::POST
        } else {
            Method::GET
        };
        let reply = app.send(method, &path, Some(&stranger.actor), None).await;
        assert_problem(&reply, 404, None);
    }
    // Unknown and malformed ids.
    for id in [ulid::Ulid::generate().to_string(), "not-an-id".to_owned()] {
        let reply = app
            .get(&refill_path(&patient.id, &id), &patient.actor)
            .await;
        assert_problem(&reply, 404, None);
    }
    // Nothing changed.
    let detail = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(detail.body["status"], "requested");
}

async fn withdraw(app: &TestApp, patient: &Patient, refill: &str) -> portal_tests::Reply {
    app.send(
        Method::POST,
        &format!("{}/withdraw", refill_path(&patient.id, refill)),
        Some(&patient.actor),
        None,
    )
    .await
}

#[tokio::test]
async fn a_patient_withdraws_an_open_request_once_and_may_ask_again() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    let withdrawn = withdraw(app, &patient, &refill).await;
    assert_eq!(withdrawn.status, 200, "{withdrawn:#?}");
    assert_eq!(withdrawn.body["status"], "withdrawn");
    assert_eq!(history(&withdrawn.body), ["requested", "withdrawn"]);
    let last = withdrawn.body["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .expect("a history entry");
    assert_eq!(last["taskStatus"], "cancelled", "{last:#?}");
    assert_eq!(last["by"]["role"], "patient", "{last:#?}");

    // Once only: it is no longer open.
    let again = withdraw(app, &patient, &refill).await;
    assert_conflict(&again, "refill-closed");
    // Nobody decides a withdrawn request.
    let decided = decide(app, &refill, &app.clinician, approval()).await;
    assert_conflict(&decided, "refill-closed");
    // Nobody is told about a withdrawal they made.
    assert!(told(app, &refill).await.is_empty());

    // The medication may be asked for again: a new request.
    let renewed = asked(app, &patient, METFORMIN).await;
    assert_ne!(renewed["refillId"], refill.as_str());
    let listed = requests_of(app, &patient).await;
    let statuses: Vec<&str> = listed.iter().filter_map(|r| r["status"].as_str()).collect();
    assert_eq!(statuses, ["requested", "withdrawn"]);
}

#[tokio::test]
async fn concurrent_withdrawals_withdraw_once() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    let replies = join_all((0..5).map(|_| withdraw(app, &patient, &refill))).await;
    let winner = single_winner(&replies, 409);
    assert_eq!(winner.body["status"], "withdrawn");
    let detail = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(history(&detail.body), ["requested", "withdrawn"]);
}
