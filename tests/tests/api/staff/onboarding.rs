//! `POST /admin/staff/{staffId}/onboarding`: an administrator gives an existing member (an
//! account from before onboarding) the plan of their current roles, or completes it; progress
//! is kept, the plan is made once however often (or however concurrently) it is asked for,
//! and only staff members' ids are reached. (Plans written on creation and on a role change,
//! waivers and the gate itself: `education::gate`.)

use portal_tests::{Actor, Method, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use crate::education::fixtures::{
    assert_training_required, assert_type, attempt, give_plan, module_in, onboarding_path,
    right_answers,
};

/// The module ids of a plan view, in order.
fn module_ids(plan: &Value) -> Vec<&str> {
    plan["modules"]
        .as_array()
        .unwrap_or_else(|| panic!("modules in {plan:#?}"))
        .iter()
        .map(|m| m["moduleId"].as_str().expect("moduleId"))
        .collect()
}

/// The plans `/admin/training` lists for `member`.
async fn listed_plans(app: &TestApp, member: &str) -> Vec<Value> {
    let reply = app.get("/admin/training", &app.admin).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|plan| plan["staffId"] == member)
        .cloned()
        .collect()
}

async fn assign_as(app: &TestApp, who: Option<&Actor>, staff: &str) -> portal_tests::Reply {
    app.send(Method::POST, &onboarding_path(staff), who, None)
        .await
}

#[tokio::test]
async fn an_existing_member_gets_the_plan_of_their_roles_and_keeps_their_progress() {
    let app = spawn_app().await;
    // A front-desk member from before onboarding: nothing is held back.
    let member = app.new_staff("onboarded-desk", &["front-desk"]).await;
    let reviews = app.get("/staff/profile-changes", &member).await;
    assert_eq!(reviews.status, 200, "{reviews:#?}");
    assert!(listed_plans(app, &member.sub).await.is_empty());

    let plan = give_plan(app, &member).await;
    assert_eq!(plan["staffId"], member.sub.as_str());
    assert_eq!(plan["name"], "Test onboarded-desk");
    assert_eq!(plan["roles"], json!(["front-desk"]));
    assert_eq!(plan["cleared"], false, "{plan:#?}");
    let mut modules = module_ids(&plan);
    modules.sort_unstable();
    assert_eq!(
        modules,
        ["identity-review", "message-inbox", "portal-basics"],
        "{plan:#?}"
    );
    for module in ["portal-basics", "message-inbox", "identity-review"] {
        let entry = module_in(&plan, module);
        assert_eq!(entry["status"], "assigned", "{entry:#?}");
        assert_eq!(entry["attempts"], 0, "{entry:#?}");
        assert!(entry["assignedAt"].is_string(), "{entry:#?}");
    }
    // From now on their identity reviews wait for the module.
    let held = app.get("/staff/profile-changes", &member).await;
    assert_training_required(&held, "identity-review");
    // The member reads the same plan; the administrators' list holds it once.
    let own = app.get("/staff/training", &member).await;
    assert_eq!(own.body["modules"], plan["modules"], "{own:#?}");
    assert_eq!(listed_plans(app, &member.sub).await.len(), 1);

    // They pass a module; assigned again, the plan keeps that progress and adds nothing.
    let passed = attempt(
        app,
        &member,
        "portal-basics",
        right_answers("portal-basics"),
    )
    .await;
    assert_eq!(passed.body["passed"], true, "{passed:#?}");
    let completed_at = passed.body["progress"]["completedAt"].clone();
    let again = give_plan(app, &member).await;
    assert_eq!(module_ids(&again), module_ids(&plan), "{again:#?}");
    let basics = module_in(&again, "portal-basics");
    assert_eq!(basics["status"], "completed", "{again:#?}");
    assert_eq!(basics["completedAt"], completed_at, "{again:#?}");
    assert_eq!(basics["attempts"], 1, "{again:#?}");
    assert_eq!(
        module_in(&again, "identity-review")["assignedAt"],
        module_in(&plan, "identity-review")["assignedAt"],
        "an assigned module is not assigned anew"
    );

    // Each assignment is the administrator's action on the member, audited.
    let events = app.actor_audit_events(&app.admin).await;
    let assigned = events
        .iter()
        .filter(|e| {
            e["action"] == "training.assign"
                && e["outcome"] == "allowed"
                && e["resource"] == format!("staff/{}/onboarding", member.sub)
        })
        .count();
    assert_eq!(assigned, 2, "{events:#?}");
}

#[tokio::test]
async fn the_plan_follows_the_roles_a_portal_lead_trains_for_the_rollout_an_admin_does_not() {
    let app = spawn_app().await;
    let lead = app.new_staff("onboarded-lead", &["portal-leads"]).await;
    let plan = give_plan(app, &lead).await;
    assert_eq!(
        module_in(&plan, "portal-rollout")["status"],
        "assigned",
        "{plan:#?}"
    );
    assert_eq!(module_in(&plan, "portal-rollout")["capability"], "rollout");
    assert_eq!(plan["cleared"], false, "{plan:#?}");

    let admin = app.new_staff("onboarded-admin", &["admins"]).await;
    let plan = give_plan(app, &admin).await;
    assert!(
        !module_ids(&plan).contains(&"portal-rollout"),
        "administrators set the practice up: {plan:#?}"
    );
    assert_eq!(module_in(&plan, "portal-basics")["status"], "assigned");
}

#[tokio::test]
async fn concurrent_assignments_make_one_plan() {
    let app = spawn_app().await;
    let member = app.new_staff("onboarded-racer", &["clinicians"]).await;
    let (a, b) = tokio::join!(
        assign_as(app, Some(&app.admin), &member.sub),
        assign_as(app, Some(&app.admin), &member.sub)
    );
    for reply in [&a, &b] {
        assert_eq!(reply.status, 200, "{reply:#?}");
        let mut modules = module_ids(&reply.body);
        modules.sort_unstable();
        assert_eq!(modules, ["message-inbox", "portal-basics"], "{reply:#?}");
    }
    let plans = listed_plans(app, &member.sub).await;
    assert_eq!(plans.len(), 1, "{plans:#?}");
    assert_eq!(plans[0]["modules"], a.body["modules"]);
}

#[tokio::test]
async fn only_staff_members_are_reached_and_a_probe_is_audited() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for staff in [
        patient.actor.sub.as_str(),
        app.caregiver.sub.as_str(),
        "00000000-0000-4000-8000-000000000000",
        "not-a-sub!",
    ] {
        let reply = assign_as(app, Some(&app.admin), staff).await;
        assert_type(&reply, 404, "not-found");
        assert!(listed_plans(app, staff).await.is_empty(), "{staff}");
    }
    // Looking for a patient's id among the staff leaves a trace.
    let events = app.actor_audit_events(&app.admin).await;
    assert!(
        events.iter().any(|e| e["outcome"] == "denied"
            && e["resource"]
                .as_str()
                .is_some_and(|r| r.contains(&patient.actor.sub))),
        "{events:#?}"
    );
}

#[tokio::test]
async fn only_administrators_assign_a_plan() {
    let app = spawn_app().await;
    let member = app.new_staff("onboarded-untouched", &["clinicians"]).await;
    let patient = app.new_patient().await;
    for who in [
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.portal_lead,
        &app.caregiver,
        &patient.actor,
        // Not even their own.
        &member,
    ] {
        let refused = assign_as(app, Some(who), &member.sub).await;
        assert_problem(&refused, 403, None);
    }
    let anonymous = assign_as(app, None, &member.sub).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    // Nothing was written: no plan, the inbox still theirs.
    assert!(listed_plans(app, &member.sub).await.is_empty());
    let inbox = app
        .get("/staff/inbox?category=medical-question", &member)
        .await;
    assert_eq!(inbox.status, 200, "{inbox:#?}");
}
