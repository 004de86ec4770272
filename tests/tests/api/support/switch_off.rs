//! Turning a feature off from a problem report: for a cohort (out of the switch's rules) or
//! for everyone (the kill switch), written as the rollout function writes a change, with a
//! history entry that names the report.
//!
//! A switch is practice-wide: these tests run on the switchboard stack, each holding the
//! `feedback` switch alone (part `feature-switch:feedback`, as the rollout suite holds its
//! features), and put it back on for everyone when done. The route they look at is the
//! patient's rating of a feature (`POST /patients/{patientId}/feedback/ratings`), which the
//! `feedback` switch owns.

use std::collections::BTreeSet;

use portal_tests::{Method, Patient, Reply, TestApp, assert_problem, spawn_switchboard};
use serde_json::{Value, json};

use super::fixtures::*;
use crate::rollout::cohorts::new_cohort_of;

const FEATURE: &str = "feedback";
const PART: &str = "feature-switch:feedback";

async fn switch_of(app: &TestApp, feature: &str) -> Value {
    let listed = app.get("/rollout/features", &app.portal_lead).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["feature"] == feature)
        .cloned()
        .expect("every feature is listed")
}

async fn put_switch(app: &TestApp, feature: &str, body: Value) -> Reply {
    let version = switch_of(app, feature).await["version"].clone();
    app.send_with_headers(
        Method::PUT,
        &format!("/rollout/features/{feature}"),
        &app.portal_lead,
        body,
        &[("If-Match", &format!("\"{version}\""))],
    )
    .await
}

fn rules(mode: &str, cohorts: &[&str], reason: &str) -> Value {
    json!({
        "mode": mode, "cohorts": cohorts, "percentage": 0, "staffRoles": [],
        "killed": false, "reason": reason,
    })
}

async fn back_to_everyone(app: &TestApp) {
    let reply = put_switch(
        app,
        FEATURE,
        rules("everyone", &[], "Back on after the test"),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
}

async fn switch_off(app: &TestApp, report: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/switch-off", team_path(report)),
        Some(&app.response_team),
        Some(body),
    )
    .await
}

async fn rate(app: &TestApp, patient: &Patient) -> Reply {
    app.send(
        Method::POST,
        &format!("/patients/{}/feedback/ratings", patient.id),
        Some(&patient.actor),
        Some(json!({"feature": "messaging", "rating": 4})),
    )
    .await
}

#[track_caller]
fn assert_feature_off(reply: &Reply) {
    assert_problem(reply, 403, None);
    assert_eq!(
        reply.body["type"], "https://patient-portal.dev/problems/feature-off",
        "{reply:#?}"
    );
    assert_eq!(reply.body["feature"], FEATURE, "{reply:#?}");
}

/// A report about the feedback feature, filed by `patient`; its id.
async fn feedback_report(app: &TestApp, patient: &Patient, feature: Option<&str>) -> String {
    let mut body = new_report_body(&unique("Ratings crash"));
    match feature {
        Some(feature) => body["feature"] = json!(feature),
        None => {
            body.as_object_mut().expect("object").remove("feature");
        }
    }
    let reply = file_for(app, &patient.id, &patient.actor, body).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    id_of(&reply.body, "reportId")
}

async fn newest_history(app: &TestApp) -> Value {
    let reply = app
        .get(
            &format!("/rollout/features/{FEATURE}/history?limit=1"),
            &app.portal_lead,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"][0].clone()
}

#[tokio::test]
async fn a_cohort_loses_the_feature_and_the_history_names_the_report() {
    let app = spawn_switchboard().await;
    let _alone = app.exclusive(PART).await;
    let member = app.new_patient().await;
    let stays = app.new_patient().await;
    let cohort = new_cohort_of(app, false, &[member.id.as_str()]).await;
    let other = new_cohort_of(app, false, &[stays.id.as_str()]).await;
    let opened = put_switch(
        app,
        FEATURE,
        rules("rules", &[&cohort, &other], "Beta of ratings"),
    )
    .await;
    assert_eq!(opened.status, 200, "{opened:#?}");
    let v0 = opened.body["version"].as_u64().expect("version");
    assert_eq!(rate(app, &member).await.status, 201, "on for the cohort");

    let report = feedback_report(app, &member, Some(FEATURE)).await;
    // Not a cohort of the switch, no cohort, bad scope, no reason: named, nothing changed.
    let stranger = new_cohort_of(app, false, &[]).await;
    for (body, field) in [
        (
            json!({"scope": "cohort", "cohort": stranger, "reason": "Crashes"}),
            "cohort",
        ),
        (json!({"scope": "cohort", "reason": "Crashes"}), "cohort"),
        (
            json!({"scope": "some", "cohort": cohort, "reason": "Crashes"}),
            "scope",
        ),
        (json!({"scope": "cohort", "cohort": cohort}), "reason"),
        (
            json!({"scope": "cohort", "cohort": cohort, "reason": ""}),
            "reason",
        ),
        (
            json!({"scope": "cohort", "cohort": cohort, "reason": "Crashes", "feature": "teleport"}),
            "feature",
        ),
    ] {
        assert_problem(&switch_off(app, &report, body).await, 422, Some(field));
    }
    assert_eq!(switch_of(app, FEATURE).await["version"], v0);

    let off = switch_off(
        app,
        &report,
        json!({"scope": "cohort", "cohort": cohort, "reason": "The ratings page crashes"}),
    )
    .await;
    assert_eq!(off.status, 200, "{off:#?}");
    assert_eq!(off.body["feature"], FEATURE);
    let switch = &off.body["switch"];
    let keys: BTreeSet<&str> = switch
        .as_object()
        .expect("a switch")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "cohorts",
            "killed",
            "mode",
            "percentage",
            "staffRoles",
            "version"
        ]
        .into(),
        "{off:#?}"
    );
    assert_eq!(switch["mode"], "rules");
    assert_eq!(switch["cohorts"], json!([other]));
    assert_eq!(switch["killed"], false);
    assert_eq!(switch["version"], v0 + 1);

    // The rollout sees the same switch, and its history says why, naming the report.
    let listed = switch_of(app, FEATURE).await;
    assert_eq!(listed["cohorts"], json!([other]));
    assert_eq!(listed["version"], v0 + 1);
    let entry = newest_history(app).await;
    assert_eq!(
        entry["reason"],
        format!("Problem report {report}: The ratings page crashes"),
        "{entry:#?}"
    );
    assert_eq!(entry["reportId"], report.as_str(), "{entry:#?}");
    assert_eq!(entry["version"], v0 + 1);
    assert_eq!(entry["after"]["cohorts"], json!([other]));

    // The cohort's patient no longer has the feature; the other cohort's still does.
    assert_feature_off(&rate(app, &member).await);
    assert_eq!(rate(app, &stays).await.status, 201);

    // On the report's timeline, for the team only.
    let team = team_report(app, &report).await;
    assert_eq!(entries(&team, "switch-off").len(), 1, "{team:#?}");
    assert_eq!(
        entries(&team, "switch-off")[0]["by"],
        app.response_team.sub.as_str()
    );

    // The cohort is gone from the rules now: a second time is 422.
    let again = switch_off(
        app,
        &report,
        json!({"scope": "cohort", "cohort": cohort, "reason": "Again"}),
    )
    .await;
    assert_problem(&again, 422, Some("cohort"));
    assert_eq!(switch_of(app, FEATURE).await["version"], v0 + 1);

    back_to_everyone(app).await;
}

#[tokio::test]
async fn everyone_loses_the_feature_by_the_kill_switch() {
    let app = spawn_switchboard().await;
    let _alone = app.exclusive(PART).await;
    back_to_everyone(app).await;
    let patient = app.new_patient().await;
    let v0 = switch_of(app, FEATURE).await["version"]
        .as_u64()
        .expect("version");

    // A cohort when the switch is not in rules mode; a report naming no feature, and none
    // given: named, nothing changed.
    let cohort = new_cohort_of(app, false, &[patient.id.as_str()]).await;
    let report = feedback_report(app, &patient, Some(FEATURE)).await;
    assert_problem(
        &switch_off(
            app,
            &report,
            json!({"scope": "cohort", "cohort": cohort, "reason": "Crashes"}),
        )
        .await,
        422,
        Some("cohort"),
    );
    let vague = feedback_report(app, &patient, None).await;
    assert_problem(
        &switch_off(
            app,
            &vague,
            json!({"scope": "everyone", "reason": "Crashes"}),
        )
        .await,
        422,
        Some("feature"),
    );
    assert_problem(
        &switch_off(
            app,
            &ulid::Ulid::generate().to_string(),
            json!({"scope": "everyone", "feature": FEATURE, "reason": "Crashes"}),
        )
        .await,
        404,
        None,
    );
    assert_eq!(switch_of(app, FEATURE).await["version"], v0);
    assert_eq!(rate(app, &patient).await.status, 201);

    // The report's feature by default.
    let off = switch_off(
        app,
        &report,
        json!({"scope": "everyone", "reason": "Ratings lose what was typed"}),
    )
    .await;
    assert_eq!(off.status, 200, "{off:#?}");
    assert_eq!(off.body["feature"], FEATURE);
    assert_eq!(off.body["switch"]["killed"], true);
    assert_eq!(off.body["switch"]["version"], v0 + 1);
    assert_eq!(switch_of(app, FEATURE).await["killed"], true);
    let entry = newest_history(app).await;
    assert_eq!(
        entry["reason"],
        format!("Problem report {report}: Ratings lose what was typed")
    );
    assert_eq!(entry["reportId"], report.as_str());
    assert_feature_off(&rate(app, &patient).await);

    // Another report, naming the feature itself.
    let named = switch_off(
        app,
        &vague,
        json!({"scope": "everyone", "feature": FEATURE, "reason": "Same again"}),
    )
    .await;
    assert_eq!(named.status, 200, "{named:#?}");
    assert_eq!(named.body["switch"]["killed"], true);

    back_to_everyone(app).await;
    assert_eq!(rate(app, &patient).await.status, 201, "back on");
}

/// The authorisation matrix's request to switch a feature off from a report: on the
/// switchboard stack, the kill switch of `feature` (the matrix switches it back on).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
    feature: &str,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    if route != ("POST", "/support/reports/{reportId}/switch-off") {
        return None;
    }
    let report = id_of(&filed(app, patient, "Matrix").await, "reportId");
    Some((
        Method::POST,
        format!("{}/switch-off", team_path(&report)),
        Some(json!({"feature": feature, "scope": "everyone", "reason": "Matrix switch-off"})),
        None,
    ))
}
