//! Feature switches: the portal lead's routes (list, change, kill, history), explain, and what
//! the app asks for a patient.
//!
//! A switch is practice-wide and the test stack reads switches on every request: a feature
//! switched off (or killed) here would answer `feature-off` to every test using it meanwhile.
//! So on the shared stack these tests only read switches and send changes that are refused
//! (bad input, stale or missing If-Match, wrong role: nothing is written). Changes, kills and
//! the explanations they lead to run on the switchboard stack (`spawn_switchboard`), where no
//! suite relies on a feature being on, each on a feature held alone for the test's length
//! (part `feature-switch:<feature>`), and every test puts its feature back to `everyone`.

use portal_shared::domain::ids::PatientId;
use portal_shared::features::switches::{Feature, bucket};
use portal_tests::{Actor, Method, Reply, TestApp, assert_problem, spawn_app, spawn_switchboard};

use super::agreements::put_in_new_cohort;
use serde_json::{Value, json};

const FEATURES: [&str; 11] = [
    "record-import",
    "messaging",
    "online-booking",
    "waitlist",
    "check-in",
    "care-circle",
    "feedback",
    "problem-reports",
    "announcements",
    "refills",
    "education",
];

fn rules(mode: &str, cohorts: &[&str], percentage: u8, reason: &str) -> Value {
    json!({
        "mode": mode,
        "cohorts": cohorts,
        "percentage": percentage,
        "staffRoles": [],
        "killed": false,
        "reason": reason,
    })
}

async fn list(app: &TestApp) -> Vec<Value> {
    let listed = app.get("/rollout/features", &app.portal_lead).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    listed.body["items"].as_array().expect("items").clone()
}

/// The feature's switch as listed.
async fn switch_of(app: &TestApp, feature: &str) -> Value {
    list(app)
        .await
        .into_iter()
        .find(|item| item["feature"] == feature)
        .expect("every feature is listed")
}

async fn put_switch(app: &TestApp, feature: &str, if_match: &str, body: Value) -> Reply {
    app.send_with_headers(
        Method::PUT,
        &format!("/rollout/features/{feature}"),
        &app.portal_lead,
        body,
        &[("If-Match", if_match)],
    )
    .await
}

async fn explain(app: &TestApp, feature: &str, patient_id: &str, who: &Actor) -> Reply {
    app.get(
        &format!("/rollout/features/{feature}/explain?patientId={patient_id}"),
        who,
    )
    .await
}

fn bucket_of(feature: &str, patient_id: &str) -> u64 {
    let feature = Feature::parse(feature).expect("feature");
    let patient = PatientId::parse(patient_id).expect("patient id");
    u64::from(bucket(feature, patient))
}

#[tokio::test]
async fn the_portal_lead_lists_every_feature_with_its_version() {
    let app = spawn_app().await;
    let items = list(app).await;
    let names: Vec<&str> = items.iter().filter_map(|i| i["feature"].as_str()).collect();
    assert_eq!(names, FEATURES);
    for item in &items {
        assert!(item["version"].as_u64().is_some(), "{item}");
        assert!(
            ["everyone", "off", "rules"].contains(&item["mode"].as_str().expect("mode")),
            "{item}"
        );
        for field in ["cohorts", "staffRoles"] {
            assert!(item[field].is_array(), "{item}");
        }
        assert!(
            item["percentage"].is_u64() && item["killed"].is_boolean(),
            "{item}"
        );
        // The shared stack keeps every feature on for everyone (see the module's documentation).
        assert_eq!(item["killed"], false, "{item}");
        assert_ne!(item["mode"], "off", "{item}");
    }
}

#[tokio::test]
async fn a_change_needs_the_current_version_and_a_valid_body_and_nothing_is_written_otherwise() {
    let app = spawn_app().await;
    let feature = "messaging";
    let before = switch_of(app, feature).await;
    let version = before["version"].as_u64().expect("version");
    let valid = rules("everyone", &[], 0, "Checking the refusals");

    let path = format!("/rollout/features/{feature}");
    let missing = app
        .send(
            Method::PUT,
            &path,
            Some(&app.portal_lead),
            Some(valid.clone()),
        )
        .await;
    assert_problem(&missing, 428, None);
    for stale in [
        format!("\"{}\"", version + 1000),
        format!("W/\"{version}\""),
        "*".to_owned(),
        "7".to_owned(),
    ] {
        let reply = put_switch(app, feature, &stale, valid.clone()).await;
        assert_problem(&reply, 412, None);
    }

    let current = format!("\"{version}\"");
    let unknown_cohort = format!("no-such-{}", ulid::Ulid::generate()).to_lowercase();
    for (body, field) in [
        (rules("everyone", &[], 101, "Too many"), "percentage"),
        (rules("sometimes", &[], 0, "Odd mode"), "mode"),
        (
            rules("rules", &["Beta 1"], 0, "Bad cohort name"),
            "cohorts[0]",
        ),
        (
            rules("rules", &[&unknown_cohort], 0, "Unknown cohort"),
            "cohorts[0]",
        ),
        (rules("rules", &[], 0, "ok"), "reason"),
        (rules("rules", &[], 0, &"x".repeat(501)), "reason"),
        (
            json!({"mode": "everyone", "cohorts": [], "percentage": 0, "staffRoles": ["patients"],
                   "killed": false, "reason": "Patients are not staff"}),
            "staffRoles[0]",
        ),
        (
            json!({"mode": "everyone", "cohorts": [], "percentage": 0, "staffRoles": [],
                   "reason": "Killed left out"}),
            "killed",
        ),
        (
            json!({"mode": "everyone", "cohorts": [], "percentage": 0, "staffRoles": [],
                   "killed": false}),
            "reason",
        ),
        (
            json!({"mode": "everyone", "cohorts": [], "percentage": 0, "staffRoles": [],
                   "killed": false, "reason": "Extra field", "version": 3}),
            "version",
        ),
    ] {
        let reply = put_switch(app, feature, &current, body).await;
        assert_problem(&reply, 422, Some(field));
    }
    let malformed = app
        .send_raw_with_headers(
            Method::PUT,
            &path,
            &app.portal_lead,
            "application/json",
            "{\"mode\": ",
            &[("If-Match", &current)],
        )
        .await;
    assert_problem(&malformed, 400, None);
    let unknown = put_switch(app, "teleportation", "\"0\"", valid).await;
    assert_problem(&unknown, 404, None);

    for (body, field) in [
        (json!({}), "reason"),
        (json!({"reason": "no"}), "reason"),
        (json!({"reason": "Emergency", "killed": true}), "killed"),
    ] {
        let reply = app
            .send(
                Method::POST,
                &format!("/rollout/features/{feature}/kill"),
                Some(&app.portal_lead),
                Some(body),
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let unknown = app
        .send(
            Method::POST,
            "/rollout/features/teleportation/kill",
            Some(&app.portal_lead),
            Some(json!({"reason": "Emergency"})),
        )
        .await;
    assert_problem(&unknown, 404, None);

    let after = switch_of(app, feature).await;
    assert_eq!(after, before, "nothing was written");
}

#[tokio::test]
async fn only_the_portal_lead_manages_switches_and_every_route_needs_a_sign_in() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for path in [
        "/rollout/features".to_owned(),
        "/rollout/features/messaging/history".to_owned(),
        format!(
            "/rollout/features/messaging/explain?patientId={}",
            patient.id
        ),
        format!("/patients/{}/features", patient.id),
    ] {
        let reply = app.send(Method::GET, &path, None, None).await;
        assert_problem(&reply, 401, None);
    }
    for (method, path) in [
        (Method::PUT, "/rollout/features/messaging"),
        (Method::POST, "/rollout/features/messaging/kill"),
    ] {
        let reply = app
            .send(method, path, None, Some(json!({"reason": "No token"})))
            .await;
        assert_problem(&reply, 401, None);
    }
    let before = switch_of(app, "messaging").await;
    let version = format!("\"{}\"", before["version"]);
    for who in [
        &patient.actor,
        &app.caregiver,
        &app.front_desk,
        &app.clinician,
        &app.response_team,
        &app.admin,
    ] {
        for path in ["/rollout/features", "/rollout/features/messaging/history"] {
            let reply = app.get(path, who).await;
            assert_problem(&reply, 403, None);
        }
        let changed = app
            .send_with_headers(
                Method::PUT,
                "/rollout/features/messaging",
                who,
                rules("off", &[], 0, "Not mine to change"),
                &[("If-Match", &version)],
            )
            .await;
        assert_problem(&changed, 403, None);
        let killed = app
            .send(
                Method::POST,
                "/rollout/features/messaging/kill",
                Some(who),
                Some(json!({"reason": "Not mine to kill"})),
            )
            .await;
        assert_problem(&killed, 403, None);
    }
    assert_eq!(
        switch_of(app, "messaging").await,
        before,
        "nothing was written"
    );
    // Refusals are audited in the caller's own log.
    let events = app.actor_audit_events(&app.clinician).await;
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "feature-switch.manage" && e["outcome"] == "denied"),
        "{events:#?}"
    );
    // Explaining is for the portal lead and the response team.
    for who in [&app.front_desk, &app.clinician, &app.admin] {
        let reply = explain(app, "messaging", &patient.id, who).await;
        assert_problem(&reply, 403, None);
    }
    let own = explain(app, "messaging", &patient.id, &patient.actor).await;
    assert_problem(&own, 403, None);
    let other = app.new_patient().await;
    let foreign = explain(app, "messaging", &patient.id, &other.actor).await;
    assert_problem(&foreign, 404, None);
}

#[tokio::test]
async fn explain_names_the_patient_the_rule_and_the_bucket_and_is_audited() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for (feature, who) in [
        ("online-booking", &app.portal_lead),
        ("waitlist", &app.response_team),
    ] {
        let switch = switch_of(app, feature).await;
        let reply = explain(app, feature, &patient.id, who).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        assert_eq!(reply.body["feature"], feature);
        assert_eq!(reply.body["patientId"], patient.id);
        assert_eq!(reply.body["bucket"], bucket_of(feature, &patient.id));
        assert_eq!(
            reply.body["on"], true,
            "the shared stack keeps every feature on"
        );
        let expected = if switch["mode"] == "everyone" {
            "everyone"
        } else {
            "percentage"
        };
        assert_eq!(reply.body["reason"], expected, "{reply:#?} {switch}");
    }
    let events = app.audit_events(&patient.id).await;
    let explained: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "feature-switch.explain")
        .collect();
    assert_eq!(explained.len(), 2, "{events:#?}");
    assert!(explained.iter().all(|e| e["outcome"] == "allowed"));
    assert!(
        explained
            .iter()
            .any(|e| e["resource"] == "features/online-booking")
    );

    for (query, field) in [
        ("", "patientId"),
        ("?patientId=", "patientId"),
        ("?patientId=not-an-id", "patientId"),
        ("?patientId=01jd3z6t7xk8q2m4n5p6r7s8t9", "patientId"),
    ] {
        let reply = app
            .get(
                &format!("/rollout/features/messaging/explain{query}"),
                &app.portal_lead,
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    // Without a patient, a role that may never explain is refused as such.
    let refused = app
        .get("/rollout/features/messaging/explain", &app.front_desk)
        .await;
    assert_problem(&refused, 403, None);
    let nobody = PatientId::generate().to_string();
    let unregistered = explain(app, "messaging", &nobody, &app.portal_lead).await;
    assert_problem(&unregistered, 404, None);
    let unknown = explain(app, "teleportation", &patient.id, &app.portal_lead).await;
    assert_problem(&unknown, 404, None);
}

#[tokio::test]
async fn the_app_learns_which_features_are_on_for_the_patient() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for (path, who) in [
        ("/patients/me/features".to_owned(), &patient.actor),
        (
            format!("/patients/{}/features", patient.id),
            &app.front_desk,
        ),
        (
            format!("/patients/{}/features", patient.id),
            &app.portal_lead,
        ),
    ] {
        let reply = app.get(&path, who).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        let features = reply.body["features"].as_array().expect("features");
        let names: Vec<&str> = features
            .iter()
            .filter_map(|f| f["feature"].as_str())
            .collect();
        assert_eq!(names, FEATURES);
        for feature in features {
            assert_eq!(
                feature["on"], true,
                "the shared stack keeps every feature on"
            );
            assert_eq!(feature.as_object().map(|o| o.len()), Some(2), "{feature}");
        }
    }
    let events = app.audit_events(&patient.id).await;
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "features.read" && e["resource"] == "features"),
        "{events:#?}"
    );
    let other = app.new_patient().await;
    let foreign = app
        .get(&format!("/patients/{}/features", patient.id), &other.actor)
        .await;
    assert_problem(&foreign, 404, None);
    let admin = app
        .get(&format!("/patients/{}/features", patient.id), &app.admin)
        .await;
    assert_problem(&admin, 403, None);
}

/// The page of `feature`'s history (`query`: `?limit=...`), as the portal lead reads it.
async fn history(app: &TestApp, feature: &str, query: &str) -> Reply {
    let reply = app
        .get(
            &format!("/rollout/features/{feature}/history{query}"),
            &app.portal_lead,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply
}

/// Puts `feature` back on for everyone (what every switchboard test leaves behind).
async fn back_to_everyone(app: &TestApp, feature: &str) {
    let version = switch_of(app, feature).await["version"].clone();
    let reply = put_switch(
        app,
        feature,
        &format!("\"{version}\""),
        rules("everyone", &[], 0, "Back on for everyone after the test"),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["mode"], "everyone");
    assert_eq!(reply.body["killed"], false);
}

#[tokio::test]
async fn a_change_is_versioned_recorded_audited_and_explained() {
    // Practice-wide: on the switchboard stack, with the feature to ourselves.
    let app = spawn_switchboard().await;
    let feature = "waitlist";
    let _alone = app.exclusive("feature-switch:waitlist").await;
    let member = app.new_patient().await;
    let outsider = app.new_patient().await;
    let cohort = put_in_new_cohort(app, &member, false).await;
    let v0 = switch_of(app, feature).await["version"]
        .as_u64()
        .expect("version");

    // Open to the cohort, to front desk, and to everyone by percentage (nobody loses it).
    let body = json!({
        "mode": "rules", "cohorts": [cohort], "percentage": 100,
        "staffRoles": ["front-desk"], "killed": false, "reason": "Beta first, everyone still on",
    });
    let changed = put_switch(app, feature, &format!("\"{v0}\""), body.clone()).await;
    assert_eq!(changed.status, 200, "{changed:#?}");
    assert_eq!(changed.body["version"], v0 + 1);
    assert_eq!(
        changed.header("etag").as_deref(),
        Some(format!("\"{}\"", v0 + 1).as_str())
    );
    assert_eq!(changed.body["mode"], "rules");
    assert_eq!(changed.body["cohorts"], json!([cohort]));
    assert_eq!(changed.body["staffRoles"], json!(["front-desk"]));
    assert_eq!(changed.body["updatedBy"], app.portal_lead.sub);
    assert_eq!(switch_of(app, feature).await, changed.body);

    // The version read before is stale now; without If-Match, 428.
    let stale = put_switch(app, feature, &format!("\"{v0}\""), body.clone()).await;
    assert_problem(&stale, 412, None);

    let explained = explain(app, feature, &member.id, &app.portal_lead).await;
    assert_eq!(explained.status, 200, "{explained:#?}");
    assert_eq!(
        explained.body,
        json!({
            "feature": feature, "patientId": member.id, "on": true, "reason": "cohort",
            "cohort": cohort, "bucket": bucket_of(feature, &member.id), "percentage": 100,
        })
    );
    let explained = explain(app, feature, &outsider.id, &app.response_team).await;
    assert_eq!(explained.status, 200, "{explained:#?}");
    assert_eq!(
        explained.body,
        json!({
            "feature": feature, "patientId": outsider.id, "on": true, "reason": "percentage",
            "bucket": bucket_of(feature, &outsider.id), "percentage": 100,
        })
    );

    // The cohort only: the outsider is out, by their bucket; the member keeps it.
    let narrow = json!({
        "mode": "rules", "cohorts": [cohort], "percentage": 0,
        "staffRoles": [], "killed": false, "reason": "Only the beta cohort for now",
    });
    let changed = put_switch(app, feature, &format!("\"{}\"", v0 + 1), narrow.clone()).await;
    assert_eq!(changed.status, 200, "{changed:#?}");
    assert_eq!(changed.body["version"], v0 + 2);
    let out = explain(app, feature, &outsider.id, &app.portal_lead).await;
    assert_eq!(
        out.body,
        json!({
            "feature": feature, "patientId": outsider.id, "on": false,
            "reason": "not-in-rollout", "bucket": bucket_of(feature, &outsider.id),
            "percentage": 0,
        })
    );
    let on_for = |reply: &Reply| {
        reply.body["features"]
            .as_array()
            .expect("features")
            .iter()
            .find(|f| f["feature"] == feature)
            .map(|f| f["on"].clone())
    };
    let member_view = app.get("/patients/me/features", &member.actor).await;
    assert_eq!(on_for(&member_view), Some(json!(true)), "{member_view:#?}");
    let outsider_view = app.get("/patients/me/features", &outsider.actor).await;
    assert_eq!(
        on_for(&outsider_view),
        Some(json!(false)),
        "{outsider_view:#?}"
    );
    // Evaluated with the caller's roles: front desk is no longer listed.
    let desk_view = app
        .get(
            &format!("/patients/{}/features", outsider.id),
            &app.front_desk,
        )
        .await;
    assert_eq!(on_for(&desk_view), Some(json!(false)), "{desk_view:#?}");

    // The same rules again change nothing.
    let same = put_switch(app, feature, &format!("\"{}\"", v0 + 2), narrow).await;
    assert_eq!(same.status, 200, "{same:#?}");
    assert_eq!(same.body["version"], v0 + 2);

    // The history, newest first, a page at a time.
    let page = history(app, feature, "?limit=1").await;
    let newest = &page.body["items"][0];
    assert_eq!(newest["version"], v0 + 2);
    assert_eq!(newest["change"], "change");
    assert_eq!(newest["reason"], "Only the beta cohort for now");
    assert_eq!(newest["by"], app.portal_lead.sub);
    assert_eq!(newest["before"]["percentage"], 100);
    assert_eq!(newest["after"]["percentage"], 0);
    assert_eq!(newest["after"]["cohorts"], json!([cohort]));
    let cursor = page.body["nextCursor"].as_str().expect("a next page");
    let next = history(app, feature, &format!("?limit=1&cursor={cursor}")).await;
    let older = &next.body["items"][0];
    assert_eq!(older["version"], v0 + 1);
    assert_eq!(older["reason"], "Beta first, everyone still on");
    assert_eq!(older["after"]["staffRoles"], json!(["front-desk"]));
    let foreign = app
        .get(
            &format!("/rollout/features/messaging/history?cursor={cursor}"),
            &app.portal_lead,
        )
        .await;
    assert_problem(&foreign, 422, Some("cursor"));

    // Each change is audited in the portal lead's own log.
    let events = app.actor_audit_events(&app.portal_lead).await;
    let changes = events
        .iter()
        .filter(|e| {
            e["action"] == "feature-switch.manage"
                && e["resource"] == "feature-switches/waitlist"
                && e["outcome"] == "allowed"
        })
        .count();
    assert!(changes >= 2, "{events:#?}");

    back_to_everyone(app, feature).await;
}

#[tokio::test]
async fn the_kill_switch_wins_over_every_rule_and_a_change_turns_the_feature_back_on() {
    let app = spawn_switchboard().await;
    let feature = "record-import";
    let _alone = app.exclusive("feature-switch:record-import").await;
    let patient = app.new_patient().await;
    let cohort = put_in_new_cohort(app, &patient, true).await;
    let v0 = switch_of(app, feature).await["version"]
        .as_u64()
        .expect("version");
    let opened = put_switch(
        app,
        feature,
        &format!("\"{v0}\""),
        rules("rules", &[&cohort], 100, "Open to the beta cohort"),
    )
    .await;
    assert_eq!(opened.status, 200, "{opened:#?}");

    let killed = app
        .send(
            Method::POST,
            &format!("/rollout/features/{feature}/kill"),
            Some(&app.portal_lead),
            Some(json!({"reason": "Imports fail since this morning"})),
        )
        .await;
    assert_eq!(killed.status, 200, "{killed:#?}");
    assert_eq!(killed.body["killed"], true);
    assert_eq!(killed.body["version"], v0 + 2);
    // The rules are kept for when it comes back.
    assert_eq!(killed.body["mode"], "rules");
    assert_eq!(killed.body["cohorts"], json!([cohort]));
    assert_eq!(killed.body["percentage"], 100);

    let explained = explain(app, feature, &patient.id, &app.portal_lead).await;
    assert_eq!(explained.body["on"], false, "{explained:#?}");
    assert_eq!(explained.body["reason"], "killed");
    let view = app.get("/patients/me/features", &patient.actor).await;
    let record_import = view.body["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["feature"] == feature)
        .cloned();
    assert_eq!(
        record_import,
        Some(json!({"feature": feature, "on": false}))
    );

    // A second kill changes nothing and records nothing.
    let again = app
        .send(
            Method::POST,
            &format!("/rollout/features/{feature}/kill"),
            Some(&app.portal_lead),
            Some(json!({"reason": "Pressed twice"})),
        )
        .await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["version"], v0 + 2);
    let page = history(app, feature, "?limit=2").await;
    let entries = page.body["items"].as_array().expect("items");
    assert_eq!(entries[0]["change"], "kill");
    assert_eq!(entries[0]["reason"], "Imports fail since this morning");
    assert_eq!(entries[0]["version"], v0 + 2);
    assert_eq!(entries[0]["before"]["killed"], false);
    assert_eq!(entries[0]["after"]["killed"], true);
    assert_eq!(entries[1]["version"], v0 + 1);

    // Back on, with its rules, by a change that clears the kill switch.
    let cleared = put_switch(
        app,
        feature,
        &format!("\"{}\"", v0 + 2),
        rules("rules", &[&cohort], 100, "Fixed: imports work again"),
    )
    .await;
    assert_eq!(cleared.status, 200, "{cleared:#?}");
    assert_eq!(cleared.body["killed"], false);
    let explained = explain(app, feature, &patient.id, &app.portal_lead).await;
    assert_eq!(explained.body["on"], true, "{explained:#?}");
    assert_eq!(explained.body["reason"], "cohort");

    back_to_everyone(app, feature).await;
}

#[tokio::test]
async fn of_concurrent_changes_from_one_version_one_wins() {
    let app = spawn_switchboard().await;
    let feature = "care-circle";
    let _alone = app.exclusive("feature-switch:care-circle").await;
    let version = switch_of(app, feature).await["version"].clone();
    let tag = format!("\"{version}\"");
    let replies = futures::future::join_all((0..4).map(|n| {
        put_switch(
            app,
            feature,
            &tag,
            rules("rules", &[], 100, &format!("Everyone, attempt {n}")),
        )
    }))
    .await;
    let winners = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(winners, 1, "{replies:#?}");
    assert!(
        replies.iter().all(|r| matches!(r.status, 200 | 409 | 412)),
        "{replies:#?}"
    );
    let page = history(app, feature, "?limit=2").await;
    let newest = &page.body["items"][0];
    assert_eq!(newest["version"], version.as_u64().expect("version") + 1);
    assert_ne!(
        page.body["items"][1]["version"], newest["version"],
        "one entry per version"
    );
    back_to_everyone(app, feature).await;
}
