//! Whom a conversation may be assigned to (`GET /staff/colleagues?category=`): the enabled
//! members of the team that works the category, by name; and the assignment to one of them,
//! which still refuses a colleague whose message-inbox training is not finished.

use portal_tests::{Actor, Method, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use crate::education::fixtures::new_trainee;
use crate::messages::support::{conversation_path, read, start};

/// The colleagues listed for `category`, as `who` reads them (asserts 200).
async fn colleagues(app: &TestApp, who: &Actor, category: &str) -> Value {
    let reply = app
        .get(&format!("/staff/colleagues?category={category}"), who)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

fn subs(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["sub"].as_str().expect("sub").to_owned())
        .collect()
}

#[tokio::test]
async fn the_team_of_the_category_by_name_enabled_accounts_only() {
    let app = spawn_app().await;
    let colleague = app.new_staff("colleague-list-a", &["clinicians"]).await;
    let leaver = app.new_staff("colleague-list-b", &["clinicians"]).await;
    let desk = app.new_staff("colleague-list-c", &["front-desk"]).await;
    let reply = app
        .send(
            Method::POST,
            &format!("/admin/staff/{}/disable", leaver.sub),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");

    let body = colleagues(app, &app.clinician, "medical-question").await;
    assert_eq!(body["category"], "medical-question");
    assert_eq!(body["team"], "clinicians");
    let listed = subs(&body);
    assert!(listed.contains(&colleague.sub), "{body:#}");
    // The caller is in the team too.
    assert!(listed.contains(&app.clinician.sub), "{body:#}");
    assert!(
        !listed.contains(&leaver.sub),
        "a disabled account is listed: {body:#}"
    );
    assert!(
        !listed.contains(&desk.sub),
        "another team is listed: {body:#}"
    );
    let item = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["sub"] == colleague.sub.as_str())
        .expect("listed");
    // A name and the id to assign: nothing else (no email).
    assert_eq!(
        item,
        &json!({"sub": colleague.sub, "name": "Test colleague-list-a"})
    );
    assert!(!body.to_string().contains(&colleague.email), "{body:#}");
    // Sorted by name.
    let names: Vec<String> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().expect("name").to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    // Another team's category: its own members; any team that assigns may ask.
    let desks = colleagues(app, &app.clinician, "billing").await;
    assert_eq!(desks["team"], "front-desk");
    assert!(subs(&desks).contains(&desk.sub), "{desks:#}");
    assert!(!subs(&desks).contains(&colleague.sub), "{desks:#}");
    let help = colleagues(app, &app.front_desk, "portal-help").await;
    assert_eq!(help["team"], "response-team");
    assert!(subs(&help).contains(&app.response_team.sub), "{help:#}");
}

#[tokio::test]
async fn a_listed_colleague_still_in_training_is_refused_as_assignee() {
    let app = spawn_app().await;
    let (trainee, _) = new_trainee(app, "colleague-trainee").await;
    let listed = colleagues(app, &app.clinician, "prescription").await;
    assert!(subs(&listed).contains(&trainee.sub), "{listed:#}");

    let patient = app.new_patient().await;
    let (_, id) = start(app, &patient, &patient.actor, "prescription", "Refill", "x").await;
    let etag = read(app, &patient, &id, &app.clinician)
        .await
        .header("etag")
        .expect("etag");
    let refused = app
        .patch(
            &conversation_path(&patient, &id),
            &app.clinician,
            &etag,
            json!({"assignee": trainee.sub}),
        )
        .await;
    assert_problem(&refused, 422, Some("assignee"));
    assert!(
        refused.body.to_string().contains("training"),
        "{refused:#?}"
    );
}

#[tokio::test]
async fn refuses_a_missing_category_other_roles_and_no_token() {
    let app = spawn_app().await;
    for path in [
        "/staff/colleagues",
        "/staff/colleagues?category=",
        "/staff/colleagues?category=gossip",
    ] {
        let refused = app.get(path, &app.clinician).await;
        assert_problem(&refused, 422, Some("category"));
    }
    let patient = app.new_patient().await;
    for who in [&patient.actor, &app.admin, &app.caregiver, &app.portal_lead] {
        let refused = app
            .get("/staff/colleagues?category=medical-question", who)
            .await;
        assert_problem(&refused, 403, None);
    }
    let anonymous = app
        .send(
            Method::GET,
            "/staff/colleagues?category=medical-question",
            None,
            None,
        )
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}
