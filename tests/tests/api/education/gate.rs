//! The onboarding gate: a member whose plan holds the message-inbox module, still assigned, is
//! refused the inbox (`training-required`) and cannot be given a conversation; passing the
//! module (or an administrator's waiver) clears them. Members with no plan (accounts from
//! before onboarding) are never gated.

use portal_tests::{Actor, Method, Patient, TestApp, assert_problem, spawn_app};
use serde_json::json;

use super::fixtures::*;

/// A conversation the patient starts in the clinicians' category; its path and ETag.
async fn conversation(app: &TestApp, patient: &Patient) -> (String, String) {
    let started = app
        .send(
            Method::POST,
            &format!("/patients/{}/conversations", patient.id),
            Some(&patient.actor),
            Some(json!({
                "category": "medical-question",
                "subject": "My sugar readings",
                "message": "They are higher in the mornings."
            })),
        )
        .await;
    assert_eq!(started.status, 201, "{started:#?}");
    let id = started.body["conversation"]["conversationId"]
        .as_str()
        .expect("conversationId")
        .to_owned();
    let path = format!("/patients/{}/conversations/{id}", patient.id);
    let read = app.get(&format!("{path}/messages"), &app.clinician).await;
    assert_eq!(read.status, 200, "{read:#?}");
    (path, read.header("etag").expect("etag"))
}

async fn assign_to(app: &TestApp, path: &str, etag: &str, member: &Actor) -> portal_tests::Reply {
    app.patch(path, &app.clinician, etag, json!({"assignee": member.sub}))
        .await
}

#[tokio::test]
async fn a_new_clinician_works_the_inbox_once_trained() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (member, plan) = new_trainee(app, "newdoc").await;
    assert_eq!(plan["cleared"], false);

    // Refused the inbox, naming the module; the refusal is audited.
    let refused = inbox(app, &member).await;
    assert_training_required(&refused, "message-inbox");
    assert!(
        refused.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("message-inbox") || d.contains("message inbox")),
        "{refused:#?}"
    );
    let denied = app.actor_audit_events(&member).await;
    assert!(
        denied.iter().any(|e| e["outcome"] == "denied"),
        "{denied:#?}"
    );
    // Nobody can give them a conversation: 422 naming the assignee, nothing written.
    let (path, etag) = conversation(app, &patient).await;
    let unassignable = assign_to(app, &path, &etag, &member).await;
    assert_invalid(&unassignable, "assignee");
    let after = app.get(&format!("{path}/messages"), &app.clinician).await;
    assert_eq!(after.header("etag").as_deref(), Some(etag.as_str()));
    assert!(
        after.body["conversation"]["assignee"].is_null(),
        "{after:#?}"
    );
    // Work that no module gates goes on: the library, their training.
    assert_eq!(app.get(LIBRARY, &member).await.status, 200);

    // The module, read and failed: scored, still gated.
    let module = app.get(&module_path("message-inbox"), &member).await;
    assert_eq!(module.status, 200, "{module:#?}");
    let failed = attempt(
        app,
        &member,
        "message-inbox",
        wrong_answers("message-inbox"),
    )
    .await;
    assert_eq!(failed.status, 200, "{failed:#?}");
    assert_eq!(failed.body["passed"], false);
    assert!(failed.body["score"].as_u64().is_some_and(|s| s < 80));
    assert_training_required(&inbox(app, &member).await, "message-inbox");

    // Passed: the inbox opens and they may be given the conversation.
    let passed = attempt(
        app,
        &member,
        "message-inbox",
        right_answers("message-inbox"),
    )
    .await;
    assert_eq!(passed.status, 200, "{passed:#?}");
    assert_eq!(passed.body["passed"], true);
    assert_eq!(passed.body["score"], 100);
    let open = inbox(app, &member).await;
    assert_eq!(open.status, 200, "{open:#?}");
    let assigned = assign_to(app, &path, &etag, &member).await;
    assert_eq!(assigned.status, 200, "{assigned:#?}");
    assert_eq!(assigned.body["assignee"]["sub"], member.sub.as_str());
    // Portal basics gates nothing, so the plan is cleared with it still to do.
    let plan = app.get("/staff/training", &member).await;
    assert_eq!(plan.body["cleared"], true, "{plan:#?}");
    assert_eq!(module_in(&plan.body, "portal-basics")["status"], "assigned");
}

#[tokio::test]
async fn staff_with_no_plan_are_not_gated() {
    let app = spawn_app().await;
    let member = app.new_staff("veteran", &["clinicians"]).await;
    let open = inbox(app, &member).await;
    assert_eq!(open.status, 200, "{open:#?}");
    let patient = app.new_patient().await;
    let (path, etag) = conversation(app, &patient).await;
    let assigned = assign_to(app, &path, &etag, &member).await;
    assert_eq!(assigned.status, 200, "{assigned:#?}");
}

#[tokio::test]
async fn an_administrator_waives_a_module_once_and_it_is_audited() {
    let app = spawn_app().await;
    let (member, _) = new_trainee(app, "waived").await;
    assert_training_required(&inbox(app, &member).await, "message-inbox");
    let reason = "Worked this inbox for years at her last practice.";
    let waived = app
        .send(
            Method::POST,
            &waiver_path(&member.sub, "message-inbox"),
            Some(&app.admin),
            Some(json!({ "reason": reason })),
        )
        .await;
    assert_eq!(waived.status, 200, "{waived:#?}");
    assert_eq!(waived.body["staffId"], member.sub.as_str());
    assert_eq!(waived.body["cleared"], true, "{waived:#?}");
    let entry = module_in(&waived.body, "message-inbox");
    assert_eq!(entry["status"], "waived");
    assert_eq!(entry["waiver"]["reason"], reason);
    assert_eq!(entry["waiver"]["byName"], "Test admin");
    assert!(entry["waiver"]["at"].is_string());
    // Cleared: the inbox opens.
    assert_eq!(inbox(app, &member).await.status, 200);
    // The member sees the waiver on their plan.
    let own = app.get("/staff/training", &member).await;
    assert_eq!(module_in(&own.body, "message-inbox")["status"], "waived");

    // Audited as the administrator's action on the member (the reason is not in the event).
    let events = app.actor_audit_events(&app.admin).await;
    let event = events
        .iter()
        .find(|e| {
            e["outcome"] == "allowed"
                && e["resource"]
                    .as_str()
                    .is_some_and(|r| r.contains(&member.sub))
                && e["action"]
                    .as_str()
                    .is_some_and(|a| a.contains("waive") || a.contains("training"))
        })
        .unwrap_or_else(|| panic!("a waiver event: {events:#?}"));
    assert!(!event.to_string().contains(reason), "{event:#?}");

    // Waived again, or a completed module: 409.
    let twice = app
        .send(
            Method::POST,
            &waiver_path(&member.sub, "message-inbox"),
            Some(&app.admin),
            Some(json!({ "reason": reason })),
        )
        .await;
    assert_type(&twice, 409, "conflict");
    let passed = attempt(
        app,
        &member,
        "portal-basics",
        right_answers("portal-basics"),
    )
    .await;
    assert_eq!(passed.body["passed"], true, "{passed:#?}");
    let done = app
        .send(
            Method::POST,
            &waiver_path(&member.sub, "portal-basics"),
            Some(&app.admin),
            Some(json!({ "reason": reason })),
        )
        .await;
    assert_type(&done, 409, "conflict");
}

#[tokio::test]
async fn bad_waivers_are_named_or_not_found_and_only_administrators_waive() {
    let app = spawn_app().await;
    let (member, _) = new_trainee(app, "unwaived").await;
    let path = waiver_path(&member.sub, "message-inbox");
    for body in [
        json!({}),
        json!({"reason": "no"}),
        json!({"reason": "x".repeat(501)}),
        json!({"reason": 5}),
    ] {
        let reply = app
            .send(Method::POST, &path, Some(&app.admin), Some(body))
            .await;
        assert_invalid(&reply, "reason");
    }
    let reason = json!({"reason": "Trained in person on day one."});
    // A module not in the plan, an unknown module, a member with no plan, nobody: 404.
    let veteran = app.new_staff("noplanwaiver", &["clinicians"]).await;
    for path in [
        waiver_path(&member.sub, "portal-rollout"),
        waiver_path(&member.sub, "no-such-module"),
        waiver_path(&veteran.sub, "message-inbox"),
        waiver_path("00000000-0000-4000-8000-000000000000", "message-inbox"),
    ] {
        let reply = app
            .send(Method::POST, &path, Some(&app.admin), Some(reason.clone()))
            .await;
        assert_type(&reply, 404, "not-found");
    }
    // Anyone but an administrator: 403 (the member themselves too); no token: 401.
    let patient = app.new_patient().await;
    for who in [
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.portal_lead,
        &member,
        &patient.actor,
    ] {
        let refused = app
            .send(Method::POST, &path, Some(who), Some(reason.clone()))
            .await;
        assert_problem(&refused, 403, None);
    }
    let anonymous = app
        .send(Method::POST, &path, None, Some(reason.clone()))
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    // Still gated.
    assert_training_required(&inbox(app, &member).await, "message-inbox");

    // Two concurrent waivers: one wins, the other is 409.
    let (a, b) = tokio::join!(
        app.send(Method::POST, &path, Some(&app.admin), Some(reason.clone())),
        app.send(Method::POST, &path, Some(&app.admin), Some(reason.clone()))
    );
    portal_tests::single_winner(&[a, b], 409);
}

#[tokio::test]
async fn administrators_see_everyone_s_progress_and_assign_plans() {
    let app = spawn_app().await;
    let (member, _) = new_trainee(app, "progress").await;
    let passed = attempt(
        app,
        &member,
        "portal-basics",
        right_answers("portal-basics"),
    )
    .await;
    assert_eq!(passed.status, 200, "{passed:#?}");
    let listed = app.get("/admin/training", &app.admin).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    let items = listed.body["items"].as_array().expect("items");
    let theirs = items
        .iter()
        .find(|p| p["staffId"] == member.sub.as_str())
        .unwrap_or_else(|| panic!("the member's plan: {listed:#?}"));
    assert_eq!(module_in(theirs, "portal-basics")["status"], "completed");
    assert_eq!(module_in(theirs, "message-inbox")["status"], "assigned");
    // By name.
    let names: Vec<&str> = items.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
    // A new staff member made by the administrator gets a plan at once.
    let email = format!("onboard-{}@staff.portal.test", ulid::Ulid::generate()).to_lowercase();
    let created = app
        .send(
            Method::POST,
            "/admin/staff",
            Some(&app.admin),
            Some(json!({"email": email, "givenName": "Ona", "familyName": "Board", "roles": ["front-desk"]})),
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let staff_id = id_of(&created.body, "staffId");
    let listed = app.get("/admin/training", &app.admin).await;
    let plan = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["staffId"] == staff_id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("the new member's plan: {listed:#?}"));
    for module in ["portal-basics", "message-inbox", "identity-review"] {
        assert_eq!(module_in(&plan, module)["status"], "assigned");
    }
    // Their roles change: the added role's module is added, the progress kept.
    let roles = app
        .send(
            Method::PUT,
            &format!("/admin/staff/{staff_id}/roles"),
            Some(&app.admin),
            Some(json!({"roles": ["front-desk", "portal-leads"]})),
        )
        .await;
    assert_eq!(roles.status, 200, "{roles:#?}");
    let listed = app.get("/admin/training", &app.admin).await;
    let plan = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["staffId"] == staff_id.as_str())
        .cloned()
        .expect("the plan");
    assert_eq!(module_in(&plan, "portal-rollout")["status"], "assigned");

    // Assigning a plan: a non-staff id is 404; only administrators read or assign.
    let patient = app.new_patient().await;
    let not_staff = app
        .send(
            Method::POST,
            &onboarding_path(&patient.actor.sub),
            Some(&app.admin),
            None,
        )
        .await;
    assert_type(&not_staff, 404, "not-found");
    for who in [&app.clinician, &app.front_desk, &app.portal_lead, &member] {
        assert_problem(&app.get("/admin/training", who).await, 403, None);
        let refused = app
            .send(Method::POST, &onboarding_path(&member.sub), Some(who), None)
            .await;
        assert_problem(&refused, 403, None);
    }
    let anonymous = app.send(Method::GET, "/admin/training", None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}
