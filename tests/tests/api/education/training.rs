//! Staff training: the caller's plan, a module with its quiz (never its answers), attempts that
//! are scored, counted and, at the pass mark, complete the module for good.
//!
//! Every test works with staff members it creates, so their plans are its own.

use portal_tests::{Method, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

#[tokio::test]
async fn a_member_s_plan_lists_their_roles_modules() {
    let app = spawn_app().await;
    let (member, plan) = new_trainee(app, "plan").await;
    assert_eq!(plan["staffId"], member.sub.as_str());
    assert_eq!(plan["name"], "Test plan");
    assert_eq!(plan["roles"], json!(["clinicians"]));
    assert_eq!(plan["cleared"], false, "{plan:#?}");
    let basics = module_in(&plan, "portal-basics");
    assert_eq!(basics["status"], "assigned");
    assert!(basics["capability"].is_null(), "{basics:#?}");
    assert_eq!(basics["attempts"], 0);
    assert!(basics["assignedAt"].is_string());
    let inbox = module_in(&plan, "message-inbox");
    assert_eq!(inbox["status"], "assigned");
    assert_eq!(inbox["capability"], "message-inbox");
    assert!(inbox["title"].is_string());
    // Clinicians neither review identities nor run the rollout.
    let modules: Vec<&str> = plan["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .map(|m| m["moduleId"].as_str().expect("moduleId"))
        .collect();
    assert!(!modules.contains(&"identity-review"), "{plan:#?}");
    assert!(!modules.contains(&"portal-rollout"), "{plan:#?}");

    // The member reads the same plan.
    let own = app.get("/staff/training", &member).await;
    assert_eq!(own.status, 200, "{own:#?}");
    assert_eq!(own.body["modules"], plan["modules"]);
    assert_eq!(own.body["cleared"], false);

    // Assigning again adds nothing and keeps the progress.
    let again = give_plan(app, &member).await;
    assert_eq!(again["modules"], plan["modules"]);
}

#[tokio::test]
async fn staff_without_a_plan_see_their_roles_modules_not_assigned() {
    let app = spawn_app().await;
    let member = app.new_staff("noplan", &["front-desk"]).await;
    let own = app.get("/staff/training", &member).await;
    assert_eq!(own.status, 200, "{own:#?}");
    assert_eq!(own.body["cleared"], true, "{own:#?}");
    for module in ["portal-basics", "message-inbox", "identity-review"] {
        assert_eq!(
            module_in(&own.body, module)["status"],
            "not-assigned",
            "{own:#?}"
        );
    }
    // A portal lead gets the rollout module; an administrator does not.
    let lead = app.get("/staff/training", &app.portal_lead).await;
    assert_eq!(lead.status, 200, "{lead:#?}");
    module_in(&lead.body, "portal-rollout");
    let admin = app.get("/staff/training", &app.admin).await;
    assert_eq!(admin.status, 200, "{admin:#?}");
    assert!(
        !admin.body["modules"]
            .as_array()
            .expect("modules")
            .iter()
            .any(|m| m["moduleId"] == "portal-rollout"),
        "{admin:#?}"
    );
}

#[tokio::test]
async fn a_module_comes_with_its_quiz_but_never_the_answers() {
    let app = spawn_app().await;
    let (member, _) = new_trainee(app, "reader").await;
    for module in [
        "portal-basics",
        "message-inbox",
        "identity-review",
        "portal-rollout",
    ] {
        let shipped = training_module(module);
        let reply = app.get(&module_path(module), &member).await;
        assert_eq!(reply.status, 200, "{module}: {reply:#?}");
        let body = &reply.body;
        assert_eq!(body["moduleId"], module);
        assert_eq!(body["title"], shipped["title"]);
        assert_eq!(body["minutes"], shipped["minutes"]);
        assert_eq!(body["sections"], shipped["sections"]);
        assert_eq!(body["quiz"]["passMark"], 80);
        let questions = body["quiz"]["questions"].as_array().expect("questions");
        assert_eq!(questions.len(), 5, "{module}");
        for question in questions {
            assert!(question.get("answer").is_none(), "{question:#?}");
            assert!(question.get("explanation").is_none(), "{question:#?}");
            assert!(question["choices"].as_array().is_some_and(|c| c.len() >= 2));
        }
        assert!(
            !body.to_string().contains("\"answer\""),
            "{module}: no answer anywhere"
        );
        // Progress: the member's, where the plan holds the module.
        if module == "message-inbox" {
            assert_eq!(body["progress"]["status"], "assigned", "{body:#?}");
            assert_eq!(body["capability"], "message-inbox");
        }
        if module == "portal-rollout" {
            assert!(body["progress"].is_null(), "{body:#?}");
        }
    }
    let unknown = app.get(&module_path("no-such-module"), &member).await;
    assert_type(&unknown, 404, "not-found");
}

#[tokio::test]
async fn a_failed_attempt_is_scored_and_counted_a_pass_completes_the_module_for_good() {
    let app = spawn_app().await;
    let (member, _) = new_trainee(app, "quiz").await;
    let module = "portal-basics";

    let failed = attempt(app, &member, module, wrong_answers(module)).await;
    assert_eq!(failed.status, 200, "{failed:#?}");
    assert_eq!(failed.body["passed"], false);
    assert_eq!(failed.body["score"], 0);
    assert_eq!(failed.body["correct"], 0);
    assert_eq!(failed.body["total"], 5);
    let review = failed.body["review"].as_array().expect("review");
    assert_eq!(review.len(), 5);
    assert!(review.iter().all(|r| r["correct"] == false));
    assert!(review.iter().all(|r| r["explanation"].is_string()));
    assert_eq!(failed.body["progress"]["status"], "assigned");
    assert_eq!(failed.body["progress"]["attempts"], 1);
    assert_eq!(failed.body["progress"]["score"], 0);

    // Four of five right: 80, the pass mark.
    let mut four = right_answers(module);
    let first = &question_ids(module)[0];
    four["answers"][first] = wrong_answers(module)["answers"][first].clone();
    let passed = attempt(app, &member, module, four).await;
    assert_eq!(passed.status, 200, "{passed:#?}");
    assert_eq!(passed.body["score"], 80);
    assert_eq!(passed.body["correct"], 4);
    assert_eq!(passed.body["passed"], true);
    assert_eq!(passed.body["progress"]["status"], "completed");
    assert_eq!(passed.body["progress"]["attempts"], 2);
    assert!(passed.body["progress"]["completedAt"].is_string());
    let completed_at = passed.body["progress"]["completedAt"].clone();

    // A later fail does not undo it.
    let later = attempt(app, &member, module, wrong_answers(module)).await;
    assert_eq!(later.status, 200, "{later:#?}");
    assert_eq!(later.body["passed"], false);
    assert_eq!(later.body["progress"]["status"], "completed");
    assert_eq!(later.body["progress"]["completedAt"], completed_at);
    let plan = app.get("/staff/training", &member).await;
    let entry = module_in(&plan.body, module);
    assert_eq!(entry["status"], "completed");
    assert_eq!(entry["completedAt"], completed_at);
    // Portal basics gates nothing: the member is not cleared until the inbox module is done.
    assert_eq!(plan.body["cleared"], false);
}

#[tokio::test]
async fn concurrent_passes_both_answer_and_the_module_is_completed_once() {
    let app = spawn_app().await;
    let (member, _) = new_trainee(app, "racer").await;
    let module = "portal-basics";
    let (a, b) = tokio::join!(
        attempt(app, &member, module, right_answers(module)),
        attempt(app, &member, module, right_answers(module))
    );
    for reply in [&a, &b] {
        assert_eq!(reply.status, 200, "{reply:#?}");
        assert_eq!(reply.body["passed"], true);
        assert_eq!(reply.body["progress"]["status"], "completed");
    }
    let plan = app.get("/staff/training", &member).await;
    let entry = module_in(&plan.body, module);
    assert_eq!(entry["status"], "completed");
    // Both attempts counted (no lost update), completed at the first pass.
    assert_eq!(entry["attempts"], 2, "{entry:#?}");
    assert!(
        entry["completedAt"] == a.body["progress"]["completedAt"]
            || entry["completedAt"] == b.body["progress"]["completedAt"],
        "{entry:#?}"
    );
}

#[tokio::test]
async fn a_member_without_a_plan_who_passes_stays_ungated() {
    let app = spawn_app().await;
    // A front-desk member from before onboarding: reviews identities, works the inbox.
    let member = app.new_staff("grandfathered", &["front-desk"]).await;
    // A failed attempt records nothing for a member with no plan (no plan is made, nothing
    // is assigned that would start holding their work back).
    let failed = attempt(
        app,
        &member,
        "message-inbox",
        wrong_answers("message-inbox"),
    )
    .await;
    assert_eq!(failed.status, 200, "{failed:#?}");
    assert_eq!(failed.body["passed"], false);
    assert!(failed.body["progress"].is_null(), "{failed:#?}");
    let plan = app.get("/staff/training", &member).await;
    assert_eq!(plan.body["cleared"], true, "{plan:#?}");
    assert_eq!(
        module_in(&plan.body, "message-inbox")["status"],
        "not-assigned",
        "{plan:#?}"
    );
    let progress = app.get("/admin/training", &app.admin).await;
    assert!(
        !progress.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|p| p["staffId"] == member.sub.as_str()),
        "no plan was made: {progress:#?}"
    );
    let passed = attempt(
        app,
        &member,
        "portal-basics",
        right_answers("portal-basics"),
    )
    .await;
    assert_eq!(passed.status, 200, "{passed:#?}");
    assert_eq!(passed.body["passed"], true);
    assert_eq!(passed.body["progress"]["status"], "completed");
    let plan = app.get("/staff/training", &member).await;
    assert_eq!(plan.body["cleared"], true, "{plan:#?}");
    assert_eq!(
        module_in(&plan.body, "portal-basics")["status"],
        "completed"
    );
    // Taking one module never gates the rest of their work.
    let inbox = app.get("/staff/inbox/counts", &member).await;
    assert_eq!(inbox.status, 200, "{inbox:#?}");
    let reviews = app.get("/staff/profile-changes", &member).await;
    assert_eq!(reviews.status, 200, "{reviews:#?}");
}

#[tokio::test]
async fn bad_attempts_are_named_and_nothing_is_counted() {
    let app = spawn_app().await;
    let (member, _) = new_trainee(app, "badquiz").await;
    let module = "message-inbox";
    let ids = question_ids(module);
    let mut missing = right_answers(module);
    missing["answers"]
        .as_object_mut()
        .expect("answers")
        .remove(&ids[1]);
    let mut unknown_choice = right_answers(module);
    unknown_choice["answers"][&ids[2]] = json!("zz");
    let mut unknown_question = right_answers(module);
    unknown_question["answers"]["no-such-question"] = json!("a");
    let cases: Vec<(Value, String)> = vec![
        (missing, format!("answers.{}", ids[1])),
        (unknown_choice, format!("answers.{}", ids[2])),
        (unknown_question, "answers.no-such-question".to_owned()),
        (json!({}), "answers".to_owned()),
        (json!({"answers": ["a", "b"]}), "answers".to_owned()),
    ];
    for (body, field) in cases {
        let reply = attempt(app, &member, module, body).await;
        assert_invalid(&reply, &field);
    }
    let unknown = attempt(app, &member, "no-such-module", json!({"answers": {}})).await;
    assert_type(&unknown, 404, "not-found");
    let plan = app.get("/staff/training", &member).await;
    let entry = module_in(&plan.body, module);
    assert_eq!(entry["attempts"], 0, "{entry:#?}");
    assert_eq!(entry["status"], "assigned");
}

#[tokio::test]
async fn training_is_for_staff() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for who in [&patient.actor, &app.caregiver] {
        assert_problem(&app.get("/staff/training", who).await, 403, None);
        assert_problem(
            &app.get(&module_path("portal-basics"), who).await,
            403,
            None,
        );
        let tried = attempt(app, who, "portal-basics", right_answers("portal-basics")).await;
        assert_problem(&tried, 403, None);
    }
    for path in ["/staff/training".to_owned(), module_path("portal-basics")] {
        let anonymous = app.send(Method::GET, &path, None, None).await;
        assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    }
    // Every staff role takes training.
    for who in [
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.admin,
        &app.portal_lead,
    ] {
        let reply = app.get(&module_path("portal-basics"), who).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
    }
}
