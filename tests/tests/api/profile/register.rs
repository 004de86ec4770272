//! `POST /staff/patients`.

use futures::future::join_all;
use portal_tests::{Method, assert_problem, registration, spawn_app, unique_family_name};
use serde_json::json;

#[tokio::test]
async fn front_desk_registers_a_patient() {
    let app = spawn_app().await;
    let family = unique_family_name();
    let response = app
        .send(
            Method::POST,
            "/staff/patients",
            Some(&app.front_desk),
            Some(registration(&family)),
        )
        .await;
    assert_eq!(response.status, 201, "{response:?}");
    let id = response.body["patientId"]
        .as_str()
        .expect("patientId")
        .to_owned();
    assert_eq!(
        response.header("location"),
        Some(format!("/patients/{id}/profile"))
    );
    assert_eq!(response.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(response.body["legalName"]["family"], family.as_str());
    assert_eq!(response.body["contact"]["phone"], "+15555550101");
    assert_eq!(response.body["communication"]["preferredChannel"], "portal");
    assert_eq!(response.body["changeRequests"], json!([]));

    let read = app
        .get(&format!("/patients/{id}/profile"), &app.front_desk)
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["legalName"], response.body["legalName"]);
    assert_eq!(read.body["dateOfBirth"], "1984-03-12");

    let events = app.audit_events(&id).await;
    assert!(
        events.iter().any(|e| e["action"] == "patient.register"
            && e["outcome"] == "allowed"
            && e["actorSub"] == app.front_desk.sub.as_str()),
        "{events:?}"
    );
    assert_eq!(app.count_profiles_named(&family).await, 1);
}

#[tokio::test]
async fn invalid_registrations_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let family = unique_family_name();
    let with = |patch: serde_json::Value| {
        let mut body = registration(&family);
        json_patch(&mut body, patch);
        body
    };
    let cases = [
        (
            with(json!({"contact": {"email": "not-an-email"}})),
            "contact.email",
        ),
        (with(json!({"contact": {"phone": "555"}})), "contact.phone"),
        (with(json!({"dateOfBirth": "2999-01-01"})), "dateOfBirth"),
        (with(json!({"dateOfBirth": "12/03/1984"})), "dateOfBirth"),
        (with(json!({"sex": "robot"})), "sex"),
        (
            with(json!({"legalName": {"given": "", "family": "X"}})),
            "legalName.given",
        ),
        (with(json!({"isAdmin": true})), "isAdmin"),
        (
            with(json!({"contact": {"fax": "+15555550101"}})),
            "contact.fax",
        ),
        (
            with(
                json!({"communication": {"preferredChannel": "email", "appointmentReminders": true, "healthReminders": false}, "contact": {"email": null}}),
            ),
            "communication.preferredChannel",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .send(
                Method::POST,
                "/staff/patients",
                Some(&app.front_desk),
                Some(body),
            )
            .await;
        assert_problem(&response, 422, Some(field));
    }
    let mut missing = registration(&family);
    missing.as_object_mut().expect("object").remove("legalName");
    let response = app
        .send(
            Method::POST,
            "/staff/patients",
            Some(&app.front_desk),
            Some(missing),
        )
        .await;
    assert_problem(&response, 422, Some("legalName"));

    let response = app
        .send_raw(
            Method::POST,
            "/staff/patients",
            &app.front_desk,
            "application/json",
            "{not json",
        )
        .await;
    assert_problem(&response, 400, None);
    let response = app
        .send_raw(
            Method::POST,
            "/staff/patients",
            &app.front_desk,
            "text/plain",
            "hello",
        )
        .await;
    assert_problem(&response, 415, None);

    assert_eq!(
        app.count_profiles_named(&family).await,
        0,
        "nothing may be written"
    );
}

#[tokio::test]
async fn only_front_desk_may_register() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let family = unique_family_name();
    for actor in [
        &app.clinician,
        &app.response_team,
        &app.admin,
        &app.caregiver,
        &patient.actor,
    ] {
        let response = app
            .send(
                Method::POST,
                "/staff/patients",
                Some(actor),
                Some(registration(&family)),
            )
            .await;
        assert_problem(&response, 403, None);
    }
    let response = app
        .send(
            Method::POST,
            "/staff/patients",
            None,
            Some(registration(&family)),
        )
        .await;
    assert_eq!(response.status, 401);
    assert_eq!(app.count_profiles_named(&family).await, 0);
}

#[tokio::test]
async fn an_idempotency_key_creates_one_patient_however_often_it_is_sent() {
    let app = spawn_app().await;
    let family = unique_family_name();
    let key = format!("register-{family}");
    let key_header = [("Idempotency-Key", key.as_str())];
    let first = app
        .send_with_headers(
            Method::POST,
            "/staff/patients",
            &app.front_desk,
            registration(&family),
            &key_header,
        )
        .await;
    assert_eq!(first.status, 201, "{first:?}");
    // Sequential retry, then a burst of concurrent retries.
    let retry = app
        .send_with_headers(
            Method::POST,
            "/staff/patients",
            &app.front_desk,
            registration(&family),
            &key_header,
        )
        .await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.body["patientId"], first.body["patientId"]);
    let burst = join_all((0..8).map(|_| {
        app.send_with_headers(
            Method::POST,
            "/staff/patients",
            &app.front_desk,
            registration(&family),
            &key_header,
        )
    }))
    .await;
    for response in &burst {
        assert_eq!(response.status, 201, "{response:?}");
        assert_eq!(response.body["patientId"], first.body["patientId"]);
    }
    assert_eq!(app.count_profiles_named(&family).await, 1);

    // The same key with another body is refused, and creates nothing.
    let mut other = registration(&family);
    other["sex"] = json!("male");
    let reused = app
        .send_with_headers(
            Method::POST,
            "/staff/patients",
            &app.front_desk,
            other,
            &key_header,
        )
        .await;
    assert_problem(&reused, 422, None);
    assert_eq!(
        reused.body["type"],
        "https://patient-portal.dev/problems/idempotency-key-reused"
    );
    assert_eq!(app.count_profiles_named(&family).await, 1);
}

#[tokio::test]
async fn concurrent_first_requests_with_one_key_create_one_patient() {
    let app = spawn_app().await;
    let family = unique_family_name();
    let key = format!("burst-{family}");
    let key_header = [("Idempotency-Key", key.as_str())];
    let responses = join_all((0..10).map(|_| {
        app.send_with_headers(
            Method::POST,
            "/staff/patients",
            &app.front_desk,
            registration(&family),
            &key_header,
        )
    }))
    .await;
    let ids: std::collections::BTreeSet<String> = responses
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.body["patientId"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "{responses:?}");
    // Losers of the race either replay the winner's response or are told to retry.
    assert!(
        responses.iter().all(|r| r.status == 201 || r.status == 409),
        "{responses:?}"
    );
    assert_eq!(app.count_profiles_named(&family).await, 1);
}

/// Merges `patch` into `target` (RFC 7396).
fn json_patch(target: &mut serde_json::Value, patch: serde_json::Value) {
    match patch {
        serde_json::Value::Object(fields) => {
            if !target.is_object() {
                *target = json!({});
            }
            let object = target.as_object_mut().expect("object");
            for (key, value) in fields {
                if value.is_null() {
                    object.remove(&key);
                } else {
                    json_patch(object.entry(key).or_insert(serde_json::Value::Null), value);
                }
            }
        }
        other => *target = other,
    }
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_named() {
    let app = spawn_app().await;
    let family = unique_family_name();
    let too_long = "k".repeat(256);
    for key in [too_long.as_str(), "has space", "naïve"] {
        let response = app
            .send_with_headers(
                Method::POST,
                "/staff/patients",
                &app.front_desk,
                registration(&family),
                &[("Idempotency-Key", key)],
            )
            .await;
        assert_problem(&response, 422, Some("Idempotency-Key"));
    }
    assert_eq!(app.count_profiles_named(&family).await, 0);
}
