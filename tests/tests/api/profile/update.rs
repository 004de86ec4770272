//! `PATCH /patients/{patientId}/profile`.

use futures::future::join_all;
use portal_tests::{Method, assert_problem, single_winner, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_patient_updates_contact_details_and_preferences_at_once() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let response = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            "\"1\"",
            json!({
                "preferredName": "Annie",
                "contact": {"phone": "+1 555 555 0199", "address": {
                    "lines": ["1 Main St", "Apt 2"], "city": "Springfield", "region": "IL",
                    "postalCode": "62701", "country": "us"}},
                "language": "es-MX",
                "communication": {"preferredChannel": "sms", "appointmentReminders": true, "healthReminders": false}
            }),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(response.body["preferredName"], "Annie");
    assert_eq!(response.body["contact"]["phone"], "+15555550199");
    assert_eq!(response.body["contact"]["address"]["country"], "US");
    assert_eq!(response.body["language"], "es-MX");
    // Untouched fields stay.
    assert_eq!(response.body["contact"]["email"], patient.email.as_str());

    let read = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(read.body["preferredName"], "Annie");
    assert_eq!(read.header("etag").as_deref(), Some("\"2\""));

    // null clears an optional field (merge patch).
    let cleared = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            "\"2\"",
            json!({"preferredName": null}),
        )
        .await;
    assert_eq!(cleared.status, 200, "{cleared:?}");
    assert!(cleared.body.get("preferredName").is_none());

    let events = app.audit_events(&patient.id).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e["action"] == "profile.update" && e["outcome"] == "allowed")
            .count(),
        2
    );
}

#[tokio::test]
async fn if_match_is_required_and_must_be_current() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let change = json!({"preferredName": "Annie"});
    let missing = app
        .send(
            Method::PATCH,
            "/patients/me/profile",
            Some(&patient.actor),
            Some(change.clone()),
        )
        .await;
    assert_problem(&missing, 428, None);
    for stale in ["\"7\"", "\"0\"", "W/\"1\"", "*", "1", "\"ü\""] {
        let response = app
            .patch(
                "/patients/me/profile",
                &patient.actor,
                stale,
                change.clone(),
            )
            .await;
        assert_problem(&response, 412, None);
    }
    let read = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(read.header("etag").as_deref(), Some("\"1\""));
    assert!(read.body.get("preferredName").is_none());
}

#[tokio::test]
async fn invalid_patches_name_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let cases = [
        (
            json!({"contact": {"phone": "call me"}}),
            Some("contact.phone"),
        ),
        (json!({"contact": {"email": "x@"}}), Some("contact.email")),
        (json!({"language": "klingon!"}), Some("language")),
        (json!({"nickname": "A"}), Some("nickname")),
        (json!({"contact": {"pager": "1"}}), Some("contact.pager")),
        (json!({"legalName": null}), Some("legalName")),
        (json!({"version": 9}), Some("version")),
        (json!({}), Some("body")),
        (
            json!({"communication": {"preferredChannel": "mail", "appointmentReminders": true, "healthReminders": true}}),
            Some("communication.preferredChannel"),
        ),
        (
            json!({"contact": {"address": {"lines": [], "city": "X", "postalCode": "1", "country": "US"}}}),
            Some("contact.address.lines"),
        ),
    ];
    for (body, field) in cases {
        let response = app
            .patch("/patients/me/profile", &patient.actor, "\"1\"", body)
            .await;
        assert_problem(&response, 422, field);
    }
    let response = app
        .send_raw_with_headers(
            Method::PATCH,
            "/patients/me/profile",
            &patient.actor,
            "application/json",
            "[1,",
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_problem(&response, 400, None);
    let read = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(
        read.header("etag").as_deref(),
        Some("\"1\""),
        "nothing may be written"
    );
}

#[tokio::test]
async fn who_may_update() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let path = format!("/patients/{}/profile", patient.id);
    let body = json!({"preferredName": "Annie"});
    let foreign = app.patch(&path, &other.actor, "\"1\"", body.clone()).await;
    assert_problem(&foreign, 404, None);
    for actor in [&app.clinician, &app.response_team, &app.admin] {
        let response = app.patch(&path, actor, "\"1\"", body.clone()).await;
        assert_problem(&response, 403, None);
    }
    let caregiver = app
        .patch(&path, &app.caregiver, "\"1\"", body.clone())
        .await;
    assert_problem(&caregiver, 404, None);
    let anonymous = app
        .send(Method::PATCH, &path, None, Some(body.clone()))
        .await;
    assert_eq!(anonymous.status, 401);
    let read = app.get(&path, &patient.actor).await;
    assert_eq!(read.header("etag").as_deref(), Some("\"1\""));

    // Front desk corrects a legal name directly: staff check documents at the desk.
    let desk = app
        .patch(
            &path,
            &app.front_desk,
            "\"1\"",
            json!({"legalName": {"given": "Ana María", "family": "López"}}),
        )
        .await;
    assert_eq!(desk.status, 200, "{desk:?}");
    assert_eq!(desk.body["legalName"]["family"], "López");
    // Kept as an approved change, so the patient sees what staff corrected.
    assert_eq!(desk.body["changeRequests"][0]["status"], "approved");
    assert_eq!(
        desk.body["changeRequests"][0]["requested"]["legalName"]["family"],
        "López"
    );
}

#[tokio::test]
async fn twenty_concurrent_updates_with_one_etag_let_exactly_one_through() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let responses = join_all((0..20).map(|n| {
        app.patch(
            "/patients/me/profile",
            &patient.actor,
            "\"1\"",
            json!({"preferredName": format!("Name {n}")}),
        )
    }))
    .await;
    let winner = single_winner(&responses, 412);
    let read = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(read.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(read.body["preferredName"], winner.body["preferredName"]);
}

#[tokio::test]
async fn legal_identity_changes_from_a_patient_wait_for_review() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let response = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            "\"1\"",
            json!({"legalName": {"given": "Ana", "family": "Smith"}, "dateOfBirth": "1984-03-13",
                   "contact": {"phone": "+15555550123"}}),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    // The contact change applies now; the identity does not.
    assert_eq!(response.body["contact"]["phone"], "+15555550123");
    assert_eq!(
        response.body["legalName"]["family"],
        patient.family.as_str()
    );
    assert_eq!(response.body["dateOfBirth"], "1984-03-12");
    let changes = response.body["changeRequests"].as_array().expect("changes");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["status"], "pending");
    assert_eq!(changes[0]["requested"]["legalName"]["family"], "Smith");
    assert_eq!(changes[0]["requested"]["dateOfBirth"], "1984-03-13");

    // One pending request at a time.
    let again = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            "\"2\"",
            json!({"sex": "other"}),
        )
        .await;
    assert_problem(&again, 409, None);
    // Asking for what is already recorded is no request at all.
    let same = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            "\"2\"",
            json!({"sex": "female"}),
        )
        .await;
    assert_eq!(same.status, 200, "{same:?}");
    assert_eq!(
        same.body["changeRequests"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn updates_keep_what_other_features_store_on_the_profile() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // The auth feature records the patient's portal account (as activation writes it), and
    // some other feature keeps an attribute of its own.
    let account = json!({"status": "active", "activatedAt": "2026-01-02T03:04:05.600Z"});
    app.set_profile_attribute(&patient.id, "portalAccount", account.clone())
        .await;
    app.set_profile_attribute(&patient.id, "otherFeature", json!("kept"))
        .await;
    let response = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            "\"1\"",
            json!({"preferredName": "Annie", "legalName": {"given": "Ana", "family": "Kept"}}),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    let change = response.body["changeRequests"][0]["changeId"]
        .as_str()
        .expect("change")
        .to_owned();
    let decision = app
        .send(
            Method::POST,
            &format!("/staff/profile-changes/{change}/decision"),
            Some(&app.front_desk),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(decision.status, 200, "{decision:?}");
    let cleared = app
        .patch(
            "/patients/me/profile",
            &patient.actor,
            "\"3\"",
            json!({"preferredName": null}),
        )
        .await;
    assert_eq!(cleared.status, 200, "{cleared:?}");
    let item = app.profile_item(&patient.id).await;
    assert_eq!(item["portalAccount"], account, "{item}");
    assert_eq!(item["otherFeature"], "kept", "{item}");
    // The profile shows the account, and never wrote it.
    let shown = app.get("/patients/me/profile", &patient.actor).await;
    assert_eq!(shown.body["portalAccount"], account, "{shown:?}");
    assert_eq!(item["legalName"]["family"], "Kept");
    assert!(
        item.get("preferredName").is_none(),
        "cleared fields are removed: {item}"
    );
    assert!(item.get("pendingChangeId").is_none(), "{item}");
}
