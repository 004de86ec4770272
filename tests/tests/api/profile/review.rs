//! `GET /staff/profile-changes` and `POST /staff/profile-changes/{changeId}/decision`.

use futures::future::join_all;
use portal_tests::{Method, Patient, TestApp, assert_problem, single_winner, spawn_app};
use serde_json::{Value, json};

/// The patient asks to change their family name; returns the change id.
async fn request_name_change(app: &TestApp, patient: &Patient, family: &str) -> String {
    let etag = app
        .get("/patients/me/profile", &patient.actor)
        .await
        .header("etag")
        .expect("etag");
    let response = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            &etag,
            json!({"legalName": {"given": "Ana", "family": family}}),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    response.body["changeRequests"][0]["changeId"]
        .as_str()
        .expect("change id")
        .to_owned()
}

/// Every pending change visible to front desk, following cursors to the end.
async fn whole_queue(app: &TestApp, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("/staff/profile-changes?limit={limit}"),
            Some(c) => format!("/staff/profile-changes?limit={limit}&cursor={c}"),
        };
        let page = app.get(&path, &app.front_desk).await;
        assert_eq!(page.status, 200, "{page:?}");
        items.extend(
            page.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .cloned(),
        );
        match page.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

#[tokio::test]
async fn staff_see_pending_changes_oldest_first_across_pages() {
    let app = spawn_app().await;
    let first = app.new_patient().await;
    let second = app.new_patient().await;
    let first_change = request_name_change(app, &first, "Earlier").await;
    let second_change = request_name_change(app, &second, "Later").await;

    let queue = whole_queue(app, 1).await;
    let position = |id: &str| queue.iter().position(|c| c["changeId"] == id);
    let (a, b) = (position(&first_change), position(&second_change));
    assert!(a.is_some() && b.is_some() && a < b, "{queue:?}");
    let entry = &queue[a.expect("listed")];
    assert_eq!(entry["patientId"], first.id.as_str());
    assert_eq!(entry["status"], "pending");
    assert_eq!(entry["requested"]["legalName"]["family"], "Earlier");
    assert_eq!(
        entry["previous"]["legalName"]["family"],
        first.family.as_str()
    );

    // Listing a patient's pending change is an access to their data.
    let events = app.audit_events(&first.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "profile-change.review"
            && e["actorSub"] == app.front_desk.sub.as_str())
    );
}

#[tokio::test]
async fn the_queue_refuses_bad_paging_and_other_roles() {
    let app = spawn_app().await;
    for query in [
        "limit=0",
        "limit=101",
        "limit=ten",
        "cursor=forged",
        "cursor=e30.AAAA",
    ] {
        let response = app
            .get(&format!("/staff/profile-changes?{query}"), &app.front_desk)
            .await;
        let field = if query.starts_with("limit") {
            "limit"
        } else {
            "cursor"
        };
        assert_problem(&response, 422, Some(field));
    }
    let patient = app.new_patient().await;
    for actor in [
        &app.clinician,
        &app.response_team,
        &app.admin,
        &app.caregiver,
        &patient.actor,
    ] {
        let response = app.get("/staff/profile-changes", actor).await;
        assert_problem(&response, 403, None);
    }
    let response = app
        .send(Method::GET, "/staff/profile-changes", None, None)
        .await;
    assert_eq!(response.status, 401);
}

#[tokio::test]
async fn approving_applies_the_change_and_the_patient_sees_it() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let change = request_name_change(app, &patient, "Married").await;
    let path = format!("/staff/profile-changes/{change}/decision");
    let response = app
        .send(
            Method::POST,
            &path,
            Some(&app.front_desk),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body["status"], "approved");

    let profile = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(profile.body["legalName"]["family"], "Married");
    assert_eq!(profile.body["changeRequests"][0]["status"], "approved");
    assert_eq!(profile.header("etag").as_deref(), Some("\"3\""));
    assert!(
        whole_queue(app, 100)
            .await
            .iter()
            .all(|c| c["changeId"] != change.as_str())
    );

    // Decided once: a second decision is a conflict and changes nothing.
    let again = app
        .send(
            Method::POST,
            &path,
            Some(&app.front_desk),
            Some(json!({"decision": "reject", "reason": "no"})),
        )
        .await;
    assert_problem(&again, 409, None);
    // The patient may ask for another change now.
    request_name_change(app, &patient, "Again").await;
}

#[tokio::test]
async fn rejecting_needs_a_reason_the_patient_can_read() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let change = request_name_change(app, &patient, "Typo").await;
    let path = format!("/staff/profile-changes/{change}/decision");
    for (body, field) in [
        (json!({"decision": "reject"}), "reason"),
        (json!({"decision": "reject", "reason": "   "}), "reason"),
        (
            json!({"decision": "reject", "reason": "x".repeat(501)}),
            "reason",
        ),
        (json!({"decision": "maybe"}), "decision"),
        (json!({"decision": "approve", "note": "x"}), "note"),
    ] {
        let response = app
            .send(Method::POST, &path, Some(&app.front_desk), Some(body))
            .await;
        assert_problem(&response, 422, Some(field));
    }
    let reason = "Please bring a document showing the new name.";
    let response = app
        .send(
            Method::POST,
            &path,
            Some(&app.front_desk),
            Some(json!({"decision": "reject", "reason": reason})),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    let profile = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(profile.body["legalName"]["family"], patient.family.as_str());
    assert_eq!(profile.body["changeRequests"][0]["status"], "rejected");
    assert_eq!(profile.body["changeRequests"][0]["reason"], reason);
}

#[tokio::test]
async fn who_may_decide_and_on_what() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let change = request_name_change(app, &patient, "Someone").await;
    let path = format!("/staff/profile-changes/{change}/decision");
    let approve = json!({"decision": "approve"});
    for actor in [
        &app.clinician,
        &app.response_team,
        &app.admin,
        &app.caregiver,
        &patient.actor,
    ] {
        let response = app
            .send(Method::POST, &path, Some(actor), Some(approve.clone()))
            .await;
        assert_problem(&response, 403, None);
    }
    let response = app
        .send(Method::POST, &path, None, Some(approve.clone()))
        .await;
    assert_eq!(response.status, 401);
    for unknown in [ulid::Ulid::generate().to_string(), "nope".to_owned()] {
        let response = app
            .send(
                Method::POST,
                &format!("/staff/profile-changes/{unknown}/decision"),
                Some(&app.front_desk),
                Some(approve.clone()),
            )
            .await;
        assert_problem(&response, 404, None);
    }
    let profile = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(profile.body["changeRequests"][0]["status"], "pending");
}

#[tokio::test]
async fn concurrent_decisions_settle_once() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let change = request_name_change(app, &patient, "Raced").await;
    let path = format!("/staff/profile-changes/{change}/decision");
    let responses = join_all((0..6).map(|n| {
        let body = if n % 2 == 0 {
            json!({"decision": "approve"})
        } else {
            json!({"decision": "reject", "reason": "duplicate"})
        };
        app.send(Method::POST, &path, Some(&app.front_desk), Some(body))
    }))
    .await;
    let winner = single_winner(&responses, 409);
    let profile = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(
        profile.body["changeRequests"][0]["status"],
        winner.body["status"]
    );
    let expected_family = if winner.body["status"] == "approved" {
        "Raced"
    } else {
        patient.family.as_str()
    };
    assert_eq!(profile.body["legalName"]["family"], expected_family);
}

#[tokio::test]
async fn staff_cannot_decide_their_own_change() {
    let app = spawn_app().await;
    let receptionist = app.new_patient_also_in(&["front-desk"]).await;
    // As a patient, their own legal-identity change waits for review like anyone's...
    let change = request_name_change(app, &receptionist, "Own").await;
    let path = format!("/staff/profile-changes/{change}/decision");
    // ...and as front desk they may not be the one to approve it.
    let response = app
        .send(
            Method::POST,
            &path,
            Some(&receptionist.actor),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_problem(&response, 403, None);
    let profile = app.get("/patients/me/profile", &receptionist.actor).await;
    assert_eq!(
        profile.body["legalName"]["family"],
        receptionist.family.as_str()
    );
    let colleague = app
        .send(
            Method::POST,
            &path,
            Some(&app.front_desk),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(colleague.status, 200, "{colleague:?}");
}
