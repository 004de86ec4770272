//! Agreements: the portal lead publishes versions of the terms of use and the beta terms; each
//! account sees what applies to it at sign-in and accepts the current version.
//!
//! The published versions are practice-wide: every test here that publishes, or asserts what
//! is current, holds the part `rollout:agreements` alone. No other suite reads agreements on
//! this stack (the authorisation matrix publishes on its own stack).

use futures::future::join_all;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::{CohortName, PatientCohort};
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item};
use portal_tests::{
    Actor, Method, Patient, Reply, TestApp, assert_problem, single_winner, spawn_app,
};
use serde_json::{Value, json};

const PART: &str = "rollout:agreements";

fn terms(title: &str) -> Value {
    json!({"title": title, "body": "Use the portal for your own care.\nKeep your password to yourself."})
}

async fn publish(app: &TestApp, kind: &str, body: Value) -> Reply {
    app.send(
        Method::PUT,
        &format!("/rollout/agreements/{kind}"),
        Some(&app.portal_lead),
        Some(body),
    )
    .await
}

/// The current version of `kind` as the portal lead lists it (0: none yet).
async fn current_version(app: &TestApp, kind: &str) -> u64 {
    let listed = app.get("/rollout/agreements", &app.portal_lead).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    let items = listed.body["items"].as_array().expect("items");
    let kinds: Vec<&str> = items.iter().filter_map(|i| i["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["terms-of-use", "beta-terms"],
        "every kind, in order"
    );
    let item = items
        .iter()
        .find(|i| i["kind"] == kind)
        .expect("kind listed");
    item["current"]["version"].as_u64().unwrap_or(0)
}

/// Publishes a new version of `kind`; its number.
async fn publish_new(app: &TestApp, kind: &str, title: &str) -> u64 {
    let before = current_version(app, kind).await;
    let published = publish(app, kind, terms(title)).await;
    assert_eq!(published.status, 200, "{published:#?}");
    assert_eq!(published.body["version"], before + 1, "{published:#?}");
    assert_eq!(
        published.header("etag").as_deref(),
        Some(format!("\"{}\"", before + 1).as_str())
    );
    before + 1
}

async fn mine(app: &TestApp, who: &Actor) -> Vec<Value> {
    let reply = app.get("/account/agreements", who).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

fn of_kind<'a>(items: &'a [Value], kind: &str) -> Option<&'a Value> {
    items.iter().find(|item| item["kind"] == kind)
}

async fn accept(app: &TestApp, who: &Actor, kind: &str, version: Value) -> Reply {
    app.send(
        Method::POST,
        &format!("/account/agreements/{kind}/acceptance"),
        Some(who),
        Some(json!({ "version": version })),
    )
    .await
}

fn item(key: keys::Key, attributes: Value) -> Item {
    store::to_item(&key, &attributes).expect("item")
}

/// Puts `patient` in a new cohort (beta or not), as the cohorts feature writes a membership:
/// the definition, the member item in the cohort's partition and the patient's own item.
/// Written directly so these suites do not depend on the cohort routes. The cohort's name.
pub(super) async fn put_in_new_cohort(app: &TestApp, patient: &Patient, beta: bool) -> String {
    let name = format!("t-{}", ulid::Ulid::generate()).to_lowercase();
    let cohort = CohortName::parse(&name).expect("cohort name");
    let id = PatientId::parse(&patient.id).expect("patient id");
    let now = Timestamp::now();
    app.put_app_item(item(
        keys::cohort(&cohort),
        json!({
            "name": name, "description": "Test cohort", "beta": beta, "memberCount": 1,
            "createdAt": now.to_string(), "createdBy": app.portal_lead.sub, "version": 2,
        }),
    ))
    .await;
    app.put_app_item(item(
        keys::cohort_member(&cohort, id),
        json!({
            "patientId": patient.id, "addedAt": now.to_string(), "addedBy": app.portal_lead.sub,
            "familyName": patient.family, "givenName": "Test", "birthDate": "1980-01-01",
        }),
    ))
    .await;
    let own = PatientCohort {
        cohort,
        beta,
        added_at: now,
    };
    app.put_app_item(item(
        keys::patient_cohort(id, &own.cohort),
        serde_json::to_value(&own).expect("json"),
    ))
    .await;
    name
}

#[tokio::test]
async fn every_account_accepts_the_current_terms_and_is_asked_again_for_a_new_version() {
    let app = spawn_app().await;
    let _alone = app.exclusive(PART).await;
    let version = publish_new(app, "terms-of-use", "Terms of use").await;
    let patient = app.new_patient().await;

    let items = mine(app, &patient.actor).await;
    let terms_item = of_kind(&items, "terms-of-use").expect("terms of use");
    assert_eq!(terms_item["version"], version);
    assert_eq!(terms_item["title"], "Terms of use");
    assert_eq!(
        terms_item["body"],
        "Use the portal for your own care.\nKeep your password to yourself."
    );
    assert_eq!(terms_item["pending"], true);
    assert!(terms_item.get("acceptedVersion").is_none(), "{terms_item}");
    assert!(
        of_kind(&items, "beta-terms").is_none(),
        "not in a beta cohort"
    );

    let accepted = accept(app, &patient.actor, "terms-of-use", json!(version)).await;
    assert_eq!(accepted.status, 201, "{accepted:#?}");
    assert_eq!(accepted.body["kind"], "terms-of-use");
    assert_eq!(accepted.body["version"], version);
    let accepted_at = accepted.body["acceptedAt"].clone();
    assert!(accepted_at.is_string());

    // Again: nothing changes, and the first time stands.
    let again = accept(app, &patient.actor, "terms-of-use", json!(version)).await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["acceptedAt"], accepted_at);

    let items = mine(app, &patient.actor).await;
    let terms_item = of_kind(&items, "terms-of-use").expect("terms of use");
    assert_eq!(terms_item["pending"], false);
    assert_eq!(terms_item["acceptedVersion"], version);
    assert_eq!(terms_item["acceptedAt"], accepted_at);

    // A new version: asked again; the old one can no longer be accepted.
    let next = publish_new(app, "terms-of-use", "Terms of use (revised)").await;
    assert_eq!(next, version + 1);
    let items = mine(app, &patient.actor).await;
    let terms_item = of_kind(&items, "terms-of-use").expect("terms of use");
    assert_eq!(terms_item["pending"], true);
    assert_eq!(terms_item["version"], next);
    assert_eq!(terms_item["title"], "Terms of use (revised)");
    assert_eq!(terms_item["acceptedVersion"], version);
    let stale = accept(app, &patient.actor, "terms-of-use", json!(version)).await;
    assert_problem(&stale, 409, None);
    assert!(
        stale.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("`version`")),
        "{stale:#?}"
    );
    let future = accept(app, &patient.actor, "terms-of-use", json!(next + 1)).await;
    assert_problem(&future, 409, None);
    let accepted = accept(app, &patient.actor, "terms-of-use", json!(next)).await;
    assert_eq!(accepted.status, 201, "{accepted:#?}");
    assert_eq!(
        of_kind(&mine(app, &patient.actor).await, "terms-of-use").expect("terms")["pending"],
        false
    );

    // Both versions are kept, word for word.
    for (kept, title) in [(version, "Terms of use"), (next, "Terms of use (revised)")] {
        let stored = app
            .app_item(keys::agreement_version("terms-of-use", kept))
            .await
            .expect("the version is kept");
        let stored: Value = serde_dynamo::from_item(stored).expect("json");
        assert_eq!(stored["title"], title);
        assert_eq!(stored["publishedBy"], app.portal_lead.sub);
    }
    // Publishing is audited in the portal lead's log (no patient's data).
    let events = app.actor_audit_events(&app.portal_lead).await;
    let published = format!("agreements/terms-of-use/v{next}");
    assert!(
        events.iter().any(|e| e["action"] == "agreement.manage"
            && e["resource"] == published
            && e["outcome"] == "allowed"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn caregivers_and_staff_accept_the_terms_of_use_only() {
    let app = spawn_app().await;
    let _alone = app.exclusive(PART).await;
    let terms_version = publish_new(app, "terms-of-use", "Terms of use").await;
    let beta_version = publish_new(app, "beta-terms", "Beta terms").await;
    let colleague = app.new_staff("agreements", &["front-desk"]).await;
    for who in [&colleague, &app.caregiver, &app.admin] {
        let items = mine(app, who).await;
        let kinds: Vec<&str> = items.iter().filter_map(|i| i["kind"].as_str()).collect();
        assert_eq!(kinds, ["terms-of-use"], "{}", who.email);
        assert_eq!(items[0]["version"], terms_version);
        let beta = accept(app, who, "beta-terms", json!(beta_version)).await;
        assert_problem(&beta, 409, None);
    }
    let accepted = accept(app, &colleague, "terms-of-use", json!(terms_version)).await;
    assert_eq!(accepted.status, 201, "{accepted:#?}");
    // Acceptance is the account's own: nothing in any patient's partition.
    let stored = app
        .app_item(keys::agreement_acceptance(
            &portal_shared::policy::caller::UserSub::parse(&colleague.sub).expect("sub"),
            "terms-of-use",
        ))
        .await
        .expect("stored in the account's partition");
    let stored: Value = serde_dynamo::from_item(stored).expect("json");
    assert_eq!(stored["version"], terms_version);
}

#[tokio::test]
async fn patients_in_a_beta_cohort_accept_the_beta_terms_too() {
    let app = spawn_app().await;
    let _alone = app.exclusive(PART).await;
    let beta_version = publish_new(app, "beta-terms", "Beta terms").await;
    let tester = app.new_patient().await;
    put_in_new_cohort(app, &tester, true).await;
    let outsider = app.new_patient().await;
    put_in_new_cohort(app, &outsider, false).await;
    let nobody = app.new_patient().await;

    let items = mine(app, &tester.actor).await;
    let beta = of_kind(&items, "beta-terms").expect("asked for the beta terms");
    assert_eq!(beta["version"], beta_version);
    assert_eq!(beta["pending"], true);
    assert!(of_kind(&items, "terms-of-use").is_some());
    for who in [&outsider, &nobody] {
        let items = mine(app, &who.actor).await;
        assert!(of_kind(&items, "beta-terms").is_none(), "{items:#?}");
        let refused = accept(app, &who.actor, "beta-terms", json!(beta_version)).await;
        assert_problem(&refused, 409, None);
    }
    let accepted = accept(app, &tester.actor, "beta-terms", json!(beta_version)).await;
    assert_eq!(accepted.status, 201, "{accepted:#?}");
    let items = mine(app, &tester.actor).await;
    let beta = of_kind(&items, "beta-terms").expect("beta terms");
    assert_eq!(beta["pending"], false);
    assert_eq!(beta["acceptedVersion"], beta_version);
}

#[tokio::test]
async fn of_concurrent_publications_one_wins() {
    let app = spawn_app().await;
    let _alone = app.exclusive(PART).await;
    let before = current_version(app, "terms-of-use").await;
    let replies = join_all((0..4).map(|n| {
        publish(
            app,
            "terms-of-use",
            json!({"title": format!("Draft {n}"), "body": "Text", "version": before + 1}),
        )
    }))
    .await;
    let winner = single_winner(&replies, 409);
    assert_eq!(winner.body["version"], before + 1);
    assert_eq!(current_version(app, "terms-of-use").await, before + 1);

    // Without `version`, racing publications are told too (nothing is overwritten).
    let replies = join_all((0..4).map(|n| {
        publish(
            app,
            "terms-of-use",
            json!({"title": format!("Second draft {n}"), "body": "Text"}),
        )
    }))
    .await;
    for reply in &replies {
        assert!(matches!(reply.status, 200 | 409), "{reply:#?}");
    }
    let won = replies.iter().filter(|r| r.status == 200).count() as u64;
    assert!(won >= 1, "{replies:#?}");
    assert_eq!(current_version(app, "terms-of-use").await, before + 1 + won);

    // A stale `version` publishes nothing.
    let stale = publish(
        app,
        "terms-of-use",
        json!({"title": "Late", "body": "Text", "version": before + 1}),
    )
    .await;
    assert_problem(&stale, 409, None);
    assert_eq!(current_version(app, "terms-of-use").await, before + 1 + won);
}

#[tokio::test]
async fn bad_input_is_named_and_nothing_is_published_or_accepted() {
    let app = spawn_app().await;
    let _alone = app.exclusive(PART).await;
    let version = publish_new(app, "terms-of-use", "Terms of use").await;
    for (body, field) in [
        (json!({"title": "", "body": "Text"}), "title"),
        (json!({"title": "Two\nlines", "body": "Text"}), "title"),
        (json!({"title": "x".repeat(201), "body": "Text"}), "title"),
        (json!({"title": "Terms", "body": "   "}), "body"),
        (
            json!({"title": "Terms", "body": "x".repeat(20_001)}),
            "body",
        ),
        (json!({"title": "Terms"}), "body"),
        (json!({"body": "Text"}), "title"),
        (
            json!({"title": "Terms", "body": "Text", "version": 0}),
            "version",
        ),
        (
            json!({"title": "Terms", "body": "Text", "version": "2"}),
            "version",
        ),
        (
            json!({"title": "Terms", "body": "Text", "kind": "beta-terms"}),
            "kind",
        ),
    ] {
        let reply = publish(app, "terms-of-use", body).await;
        assert_problem(&reply, 422, Some(field));
    }
    let malformed = app
        .send_raw(
            Method::PUT,
            "/rollout/agreements/terms-of-use",
            &app.portal_lead,
            "application/json",
            "{\"title\": ",
        )
        .await;
    assert_problem(&malformed, 400, None);
    let unknown = publish(app, "privacy-policy", terms("Privacy")).await;
    assert_problem(&unknown, 404, None);
    assert_eq!(current_version(app, "terms-of-use").await, version);

    let patient = app.new_patient().await;
    for (body, field) in [
        (json!({}), "version"),
        (json!({"version": "1"}), "version"),
        (json!({"version": -1}), "version"),
        (json!({"version": version, "at": "now"}), "at"),
    ] {
        let reply = app
            .send(
                Method::POST,
                "/account/agreements/terms-of-use/acceptance",
                Some(&patient.actor),
                Some(body),
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let unknown = accept(app, &patient.actor, "privacy-policy", json!(1)).await;
    assert_problem(&unknown, 404, None);
    let items = mine(app, &patient.actor).await;
    assert_eq!(
        of_kind(&items, "terms-of-use").expect("terms")["pending"],
        true,
        "nothing was accepted"
    );
}

#[tokio::test]
async fn only_the_portal_lead_publishes_and_every_route_needs_a_sign_in() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for route in ["/rollout/agreements", "/account/agreements"] {
        let reply = app.send(Method::GET, route, None, None).await;
        assert_problem(&reply, 401, None);
    }
    for (method, route) in [
        (Method::PUT, "/rollout/agreements/terms-of-use"),
        (Method::POST, "/account/agreements/terms-of-use/acceptance"),
    ] {
        let reply = app
            .send(method, route, None, Some(json!({"version": 1})))
            .await;
        assert_problem(&reply, 401, None);
    }
    for who in [
        &patient.actor,
        &app.front_desk,
        &app.clinician,
        &app.response_team,
        &app.admin,
        &app.caregiver,
    ] {
        let listed = app.get("/rollout/agreements", who).await;
        assert_problem(&listed, 403, None);
        // Refused before the body is read: even a bad body is 403.
        let refused = app
            .send(
                Method::PUT,
                "/rollout/agreements/terms-of-use",
                Some(who),
                Some(json!({"title": ""})),
            )
            .await;
        assert_problem(&refused, 403, None);
    }
    // A refused publication is audited in the caller's own log.
    let events = app.actor_audit_events(&app.front_desk).await;
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "agreement.manage" && e["outcome"] == "denied"),
        "{events:#?}"
    );
}
