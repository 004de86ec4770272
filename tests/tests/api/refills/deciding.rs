//! Deciding: the clinicians' queue (oldest due first), review, approve (the renewed
//! prescription in the record, from the practice's source, and in a valid R4 export), deny,
//! ask for a visit, mark sent; who may do which; one decision wins; the patient is told.

use futures::future::join_all;
use portal_tests::fhir::validate_r4_bundle;
use portal_tests::{Method, assert_problem, single_winner, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

/// The queue for `state` as `who` (one page is enough: tests look for their own requests).
async fn queue(app: &portal_tests::TestApp, state: &str, who: &portal_tests::Actor) -> Vec<Value> {
    let reply = app.get(&format!("{QUEUE}?state={state}"), who).await;
    assert_eq!(reply.status, 200, "the queue ({state}): {reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

fn find<'a>(items: &'a [Value], refill: &str) -> Option<&'a Value> {
    items.iter().find(|item| item["refillId"] == refill)
}

#[tokio::test]
async fn a_clinician_reviews_and_approves_and_the_record_and_export_hold_the_renewal() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    let original = record_of(app, &patient, METFORMIN).await;

    // In the open queue, for clinicians and front desk, with the patient and when it is due.
    for who in [&app.clinician, &app.front_desk] {
        let open = queue(app, "open", who).await;
        let item = find(&open, &refill).unwrap_or_else(|| panic!("in the queue: {open:#?}"));
        assert_eq!(
            item["patient"]["patientId"],
            patient.id.as_str(),
            "{item:#?}"
        );
        assert!(item["patient"]["name"].is_string(), "{item:#?}");
        assert_eq!(item["patient"]["birthDate"], "1984-03-12", "{item:#?}");
        assert!(item["dueAt"].is_string(), "{item:#?}");
        assert_eq!(item["overdue"], false, "{item:#?}");
        assert_eq!(item["status"], "requested");
        // Oldest due first.
        let due: Vec<&str> = open.iter().filter_map(|i| i["dueAt"].as_str()).collect();
        assert!(due.windows(2).all(|w| w[0] <= w[1]), "{due:?}");
    }
    // The default is the open queue.
    let default = app.get(QUEUE, &app.clinician).await;
    assert_eq!(default.status, 200, "{default:#?}");
    assert!(find(default.body["items"].as_array().expect("items"), &refill).is_some());
    let detail = app.get(&staff_path(&refill), &app.clinician).await;
    assert_eq!(detail.status, 200, "{detail:#?}");
    assert_eq!(detail.body["patient"]["patientId"], patient.id.as_str());

    // Review: the clinician claims it.
    let reviewed = review(app, &refill, &app.clinician).await;
    assert_eq!(reviewed.status, 200, "{reviewed:#?}");
    assert_eq!(reviewed.body["status"], "in-review");
    assert_eq!(history(&reviewed.body), ["requested", "in-review"]);

    // Approve with a quantity, refills and a note.
    let decided = decide(app, &refill, &app.clinician, approval()).await;
    assert_eq!(decided.status, 200, "{decided:#?}");
    let request = &decided.body;
    assert_eq!(request["status"], "approved");
    assert_eq!(history(request), ["requested", "in-review", "approved"]);
    let last = request["history"]
        .as_array()
        .and_then(|h| h.last())
        .expect("entry");
    assert_eq!(last["by"]["role"], "clinician", "{last:#?}");
    assert!(last["at"].is_string(), "{last:#?}");
    let decision = &request["decision"];
    assert_eq!(decision["outcome"], "approve", "{decision:#?}");
    assert_eq!(
        decision["quantity"]["value"].as_f64(),
        Some(90.0),
        "{decision:#?}"
    );
    assert_eq!(decision["quantity"]["unit"], "tablet");
    assert_eq!(decision["refills"], 3);
    assert!(decision["decidedBy"].is_object(), "{decision:#?}");
    assert!(decision["decidedAt"].is_string(), "{decision:#?}");
    let prescription = id_of(decision, "prescriptionRecordId");
    assert_ne!(prescription, original);

    // The patient sees it approved.
    let seen = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(seen.body["status"], "approved", "{seen:#?}");
    assert_eq!(seen.body["decision"]["outcome"], "approve");

    // The record: the renewed prescription, from the practice's source.
    let record = app
        .get(
            &format!("/patients/{}/records/{prescription}", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(record.status, 200, "{record:#?}");
    assert_eq!(record.body["category"], "medications");
    assert_eq!(record.body["source"]["name"], PRACTICE_NAME, "{record:#?}");
    let resource = &record.body["resource"];
    assert_renewal(resource, &refill);
    // The medications list shows it (the newest of the metformin line), from the practice.
    let listed = app
        .all_records(&patient.id, &patient.actor, "?category=medications")
        .await;
    let line = listed
        .iter()
        .find(|item| {
            item["recordId"] == prescription.as_str()
                || item["sources"].as_array().is_some_and(|sources| {
                    sources
                        .iter()
                        .any(|s| s["recordId"] == prescription.as_str())
                })
        })
        .unwrap_or_else(|| panic!("the renewal in the medications: {listed:#?}"));
    assert_eq!(
        line["recordId"],
        prescription.as_str(),
        "the newest: {line:#?}"
    );
    assert!(
        line["sources"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["name"] == PRACTICE_NAME)),
        "{line:#?}"
    );
    // The same source as the practice's imported records.
    let sources = app
        .get(&format!("/patients/{}/sources", patient.id), &patient.actor)
        .await;
    let practice_sources = sources.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|s| s["name"] == PRACTICE_NAME)
        .count();
    assert_eq!(practice_sources, 1, "{sources:#?}");

    // The export holds it and stays valid R4.
    let export = app
        .get(&format!("/patients/{}/export", patient.id), &patient.actor)
        .await;
    assert_eq!(export.status, 200, "{export:#?}");
    if let Err(complaint) = validate_r4_bundle(&export.body) {
        panic!("the export is not valid FHIR R4: {complaint}");
    }
    let renewal = export.body["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .find(|r| {
            r["resourceType"] == "MedicationRequest"
                && r["identifier"].as_array().is_some_and(|ids| {
                    ids.iter().any(|i| {
                        i["system"] == "https://patient-portal.dev/fhir/refill-requests"
                            && i["value"] == refill.as_str()
                    })
                })
        })
        .unwrap_or_else(|| panic!("the renewal in the export: {:#?}", export.body));
    assert_renewal(renewal, &refill);
    // Under the practice's Organization, and its subject the patient of the export.
    let organization = export.body["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| {
            e["resource"]["resourceType"] == "Organization"
                && e["resource"]["name"] == PRACTICE_NAME
        })
        .expect("the practice in the export");
    assert_eq!(
        renewal["meta"]["source"],
        format!(
            "https://patient-portal.dev/fhir/sources/{}",
            organization["resource"]["id"].as_str().expect("id")
        )
    );
    let patient_url = export.body["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .expect("the patient")["fullUrl"]
        .clone();
    assert_eq!(renewal["subject"]["reference"], patient_url);

    // Decided: out of the open queue, in the decided one.
    assert!(find(&queue(app, "open", &app.clinician).await, &refill).is_none());
    let decided_queue = queue(app, "decided", &app.front_desk).await;
    assert!(
        find(&decided_queue, &refill).is_some(),
        "{decided_queue:#?}"
    );
    assert!(find(&queue(app, "all", &app.clinician).await, &refill).is_some());

    // The patient is told (ids and status only).
    let records = told(app, &refill).await;
    let to_patient: Vec<&Value> = records
        .iter()
        .filter(|r| r["recipient"]["kind"] == "patient")
        .collect();
    assert_eq!(to_patient.len(), 1, "{records:#?}");
    assert_eq!(to_patient[0]["refillStatus"], "approved");
    assert_eq!(to_patient[0]["patientId"], patient.id.as_str());
    let text = to_patient[0].to_string();
    assert!(
        !text.contains("metformin") && !text.contains("evening meal"),
        "no medication or message in the outbox: {text}"
    );

    // The front desk may not decide, but sends it to the pharmacy.
    let (other, _) = new_request(app).await;
    let refused = decide(app, &other, &app.front_desk, approval()).await;
    assert_problem(&refused, 403, None);
    let sent = mark_sent(app, &refill, &app.front_desk).await;
    assert_eq!(sent.status, 200, "{sent:#?}");
    assert_eq!(sent.body["status"], "sent");
    assert_eq!(
        history(&sent.body),
        ["requested", "in-review", "approved", "sent"]
    );
    let again = mark_sent(app, &refill, &app.clinician).await;
    assert_eq!(again.status, 409, "{again:#?}");
    let told_now = told(app, &refill).await;
    assert!(
        told_now
            .iter()
            .any(|r| r["recipient"]["kind"] == "patient" && r["refillStatus"] == "sent"),
        "{told_now:#?}"
    );

    // Deciding a decided request: closed.
    let late = decide(app, &refill, &app.clinician, denial()).await;
    assert_conflict(&late, "refill-closed");
    let still = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(still.body["status"], "sent");
}

/// The renewed prescription as the design has it.
#[track_caller]
fn assert_renewal(resource: &Value, refill: &str) {
    assert_eq!(
        resource["resourceType"], "MedicationRequest",
        "{resource:#?}"
    );
    assert_eq!(resource["status"], "active");
    assert_eq!(resource["intent"], "order");
    assert!(
        resource["medicationCodeableConcept"]["coding"]
            .as_array()
            .is_some_and(|c| c
                .iter()
                .any(|c| c["code"] == METFORMIN && c["system"] == RXNORM)),
        "{resource:#?}"
    );
    assert_eq!(resource["dispenseRequest"]["numberOfRepeatsAllowed"], 3);
    assert_eq!(
        resource["dispenseRequest"]["quantity"]["value"].as_f64(),
        Some(90.0),
        "{resource:#?}"
    );
    assert!(resource["authoredOn"].is_string());
    assert!(resource["requester"].is_object(), "{resource:#?}");
    assert!(
        resource["note"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("evening meal")),
        "{resource:#?}"
    );
    assert!(
        resource["priorPrescription"]["display"]
            .as_str()
            .is_some_and(|t| t.contains("metformin")),
        "{resource:#?}"
    );
    assert!(
        resource["identifier"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|i| i["system"]
                == "https://patient-portal.dev/fhir/refill-requests"
                && i["value"] == refill)),
        "{resource:#?}"
    );
}

#[tokio::test]
async fn a_denial_needs_a_reason_and_a_message_and_writes_no_prescription() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    let before = app
        .all_records(&patient.id, &patient.actor, "?category=medications")
        .await;
    for (body, fields) in [
        (json!({"outcome": "deny"}), &["reasonCode", "message"][..]),
        (
            json!({"outcome": "deny", "message": "Please come in."}),
            &["reasonCode"][..],
        ),
        (
            json!({"outcome": "deny", "reasonCode": "needs-labs"}),
            &["message"][..],
        ),
        (
            json!({"outcome": "deny", "reasonCode": "needs-labs", "message": "  "}),
            &["message"][..],
        ),
        (
            json!({"outcome": "deny", "reasonCode": "because", "message": "No."}),
            &["reasonCode"][..],
        ),
        (
            json!({"outcome": "deny", "reasonCode": "other", "message": "x".repeat(2001)}),
            &["message"][..],
        ),
        (json!({"outcome": "visit-needed"}), &["message"][..]),
        (
            json!({"outcome": "maybe", "message": "Hm."}),
            &["outcome"][..],
        ),
        (json!({}), &["outcome"][..]),
        (
            json!({"outcome": "approve", "quantity": {"value": 0, "unit": "tablet"}}),
            &["quantity.value"][..],
        ),
        (
            json!({"outcome": "approve", "quantity": {"value": -5, "unit": "tablet"}}),
            &["quantity.value"][..],
        ),
        (
            json!({"outcome": "approve", "quantity": {"value": 30}}),
            &["quantity.unit"][..],
        ),
        (
            json!({"outcome": "approve", "refills": 12}),
            &["refills"][..],
        ),
        (
            json!({"outcome": "approve", "refills": -1}),
            &["refills"][..],
        ),
    ] {
        let reply = decide(app, &refill, &app.clinician, body.clone()).await;
        for field in fields {
            assert_invalid(&reply, field);
        }
    }
    // Nothing changed, nobody was told.
    let unchanged = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(unchanged.body["status"], "requested", "{unchanged:#?}");
    assert!(told(app, &refill).await.is_empty());

    // Denied, without review first.
    let denied = decide(app, &refill, &app.clinician, denial()).await;
    assert_eq!(denied.status, 200, "{denied:#?}");
    assert_eq!(denied.body["status"], "denied");
    assert_eq!(denied.body["decision"]["reasonCode"], "needs-labs");
    assert_eq!(history(&denied.body), ["requested", "denied"]);
    let last = denied.body["history"]
        .as_array()
        .and_then(|h| h.last())
        .expect("entry");
    assert_eq!(last["taskStatus"], "rejected", "{last:#?}");
    assert!(
        denied.body["decision"]
            .get("prescriptionRecordId")
            .is_none_or(Value::is_null)
    );
    let seen = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(
        seen.body["decision"]["message"],
        "We need a new HbA1c before renewing this."
    );
    // No prescription was written.
    let after = app
        .all_records(&patient.id, &patient.actor, "?category=medications")
        .await;
    assert_eq!(after, before);
    let records = told(app, &refill).await;
    assert!(
        records
            .iter()
            .any(|r| r["recipient"]["kind"] == "patient" && r["refillStatus"] == "denied"),
        "{records:#?}"
    );
    // A denied request is not sent.
    let sent = mark_sent(app, &refill, &app.front_desk).await;
    assert_eq!(sent.status, 409, "{sent:#?}");
    // And may be asked for again.
    let again = asked(app, &patient, METFORMIN).await;
    assert_ne!(again["refillId"], refill.as_str());
}

#[tokio::test]
async fn asking_for_a_visit_closes_the_request_and_tells_the_patient() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    let reply = decide(
        app,
        &refill,
        &app.clinician,
        json!({"outcome": "visit-needed", "message": "Please book a check-up first."}),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["status"], "visit-needed");
    assert_eq!(reply.body["decision"]["outcome"], "visit-needed");
    let records = told(app, &refill).await;
    assert!(
        records
            .iter()
            .any(|r| r["recipient"]["kind"] == "patient" && r["refillStatus"] == "visit-needed"),
        "{records:#?}"
    );
    let withdraw = app
        .send(
            Method::POST,
            &format!("{}/withdraw", refill_path(&patient.id, &refill)),
            Some(&patient.actor),
            None,
        )
        .await;
    assert_conflict(&withdraw, "refill-closed");
}

#[tokio::test]
async fn of_concurrent_decisions_one_wins_and_one_prescription_is_written() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    let colleague = app.new_staff("clinician", &["clinicians"]).await;
    let before = app
        .all_records(&patient.id, &app.clinician, "?category=medications")
        .await;
    let replies = join_all([
        decide(app, &refill, &app.clinician, approval()),
        decide(app, &refill, &colleague, approval()),
        decide(app, &refill, &app.clinician, denial()),
        decide(app, &refill, &colleague, denial()),
    ])
    .await;
    let winner = single_winner(&replies, 409);
    for loser in replies.iter().filter(|r| r.status == 409) {
        let slug = loser.body["type"].as_str().unwrap_or_default();
        assert!(
            slug.ends_with("/refill-closed") || slug.ends_with("/conflict"),
            "{loser:#?}"
        );
    }
    let detail = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(detail.body["status"], winner.body["status"]);
    assert_eq!(history(&detail.body).len(), 2, "{detail:#?}");
    let after = app
        .all_records(&patient.id, &app.clinician, "?category=medications")
        .await;
    let renewals = |records: &[Value]| {
        records
            .iter()
            .flat_map(|r| {
                r["sources"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|s| {
                        let mut ids = vec![s["recordId"].clone()];
                        ids.extend(
                            s["otherRecords"]
                                .as_array()
                                .cloned()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|o| o["recordId"].clone()),
                        );
                        ids
                    })
            })
            .count()
    };
    let written = renewals(&after) - renewals(&before);
    let expected = usize::from(winner.body["status"] == "approved");
    assert_eq!(written, expected, "{after:#?}");
    let records = told(app, &refill).await;
    assert_eq!(
        records
            .iter()
            .filter(|r| r["recipient"]["kind"] == "patient")
            .count(),
        1,
        "{records:#?}"
    );
}

#[tokio::test]
async fn concurrent_reviews_claim_once() {
    let app = spawn_app().await;
    let (refill, _patient) = new_request(app).await;
    let colleague = app.new_staff("clinician", &["clinicians"]).await;
    let replies = join_all([
        review(app, &refill, &app.clinician),
        review(app, &refill, &colleague),
    ])
    .await;
    // One claims it; the other finds it claimed (409) or already in review.
    let claimed: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    assert!(!claimed.is_empty(), "{replies:#?}");
    for reply in &replies {
        assert!([200, 409].contains(&reply.status), "{reply:#?}");
    }
    let detail = app.get(&staff_path(&refill), &app.clinician).await;
    assert_eq!(detail.body["status"], "in-review");
    assert_eq!(history(&detail.body), ["requested", "in-review"]);
}

#[tokio::test]
async fn only_clinicians_decide_and_review_and_only_staff_who_work_refills_see_the_queue() {
    let app = spawn_app().await;
    let (refill, patient) = new_request(app).await;
    // The queue and the detail: clinicians and front desk.
    for who in [
        &app.admin,
        &app.response_team,
        &app.portal_lead,
        &patient.actor,
        &app.caregiver,
    ] {
        for path in [QUEUE.to_owned(), staff_path(&refill)] {
            let refused = app.get(&path, who).await;
            assert_problem(&refused, 403, None);
        }
    }
    // Review and decide: clinicians alone.
    for who in [&app.front_desk, &app.admin, &patient.actor] {
        assert_problem(&review(app, &refill, who).await, 403, None);
        assert_problem(&decide(app, &refill, who, approval()).await, 403, None);
    }
    // Sent: clinicians and front desk, never the patient.
    assert_problem(&mark_sent(app, &refill, &patient.actor).await, 403, None);
    // Without a token.
    for (method, path) in [
        (Method::GET, QUEUE.to_owned()),
        (Method::GET, staff_path(&refill)),
        (Method::POST, format!("{}/review", staff_path(&refill))),
        (Method::POST, format!("{}/decision", staff_path(&refill))),
        (Method::POST, format!("{}/sent", staff_path(&refill))),
    ] {
        let reply = app.send(method, &path, None, Some(approval())).await;
        assert_eq!(reply.status, 401, "{path}: {reply:#?}");
    }
    // Unknown and malformed requests.
    for id in [ulid::Ulid::generate().to_string(), "not-an-id".to_owned()] {
        assert_problem(&app.get(&staff_path(&id), &app.clinician).await, 404, None);
        assert_problem(&review(app, &id, &app.clinician).await, 404, None);
        assert_problem(
            &decide(app, &id, &app.clinician, approval()).await,
            404,
            None,
        );
        assert_problem(&mark_sent(app, &id, &app.front_desk).await, 404, None);
    }
    // A bad state.
    let odd = app
        .get(&format!("{QUEUE}?state=sideways"), &app.clinician)
        .await;
    assert_invalid(&odd, "state");
    // Nothing changed; a request still open is not sent.
    let sent = mark_sent(app, &refill, &app.front_desk).await;
    assert_eq!(sent.status, 409, "{sent:#?}");
    let detail = app
        .get(&refill_path(&patient.id, &refill), &patient.actor)
        .await;
    assert_eq!(detail.body["status"], "requested");
    // Each staff read is audited against the patient.
    let read = app.get(&staff_path(&refill), &app.clinician).await;
    assert_eq!(read.status, 200, "{read:#?}");
    let events = app.audit_events(&patient.id).await;
    assert!(
        events
            .iter()
            .any(|e| e["actorSub"] == app.clinician.sub.as_str()
                && e["action"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("refill."))
                && e["resource"] == format!("refills/{refill}")),
        "{events:#?}"
    );
}
