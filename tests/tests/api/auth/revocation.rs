//! Prompt revocation and the "Not you? Lock your account" link.
//!
//! - The revocation feed: a sign-out with the access token refuses that sign-in's tokens (its
//!   session, `SESSION#<origin_jti>`), while a new sign-in works at once and the account's other
//!   sign-ins go on; a disabled staff member and a locked patient refuse every token already out
//!   (401). Within the feed's refresh interval (1 s on the test stack); nobody else is touched.
//! - New sign-in and password-reset notices carry a signed link; `POST /auth/lock-account`
//!   locks the account it names (204, again 204), and refuses a bad, altered or lapsed token
//!   (400 `invalid-token`) writing nothing.

use std::time::Duration;

use portal_local::identity::DEMO_PASSWORD;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::lock_token::{self, LockToken};
use portal_shared::platform::keys;
use portal_shared::platform::revocation::{RevokedSubject, revocation_item};
use portal_shared::policy::caller::UserSub;
use portal_tests::{Method, Reply, TestApp, assert_problem, fresh_client_address, spawn_app};
use serde_json::{Value, json};

/// How long a test waits for a revocation to be seen (the stack refreshes every second).
const WINDOW: Duration = Duration::from_secs(6);

/// Tokens of one sign-in through the API.
struct Session {
    id_token: String,
    access_token: String,
    refresh_token: String,
}

async fn session(app: &TestApp, email: &str) -> Session {
    let reply = app.sign_in_through_api(email, DEMO_PASSWORD).await;
    assert_eq!(reply.status, 200, "signing in: {reply:#?}");
    let text = |name: &str| reply.body[name].as_str().expect(name).to_owned();
    Session {
        id_token: text("idToken"),
        access_token: text("accessToken"),
        refresh_token: text("refreshToken"),
    }
}

async fn status_with(app: &TestApp, path: &str, id_token: &str) -> u16 {
    app.send_with_token(Method::GET, path, &format!("Bearer {id_token}"))
        .await
        .status
}

/// Polls `path` with `id_token` until it answers `expected`, for up to [`WINDOW`]; the last
/// status.
async fn until_status(app: &TestApp, path: &str, id_token: &str, expected: u16) -> u16 {
    let deadline = tokio::time::Instant::now() + WINDOW;
    loop {
        let status = status_with(app, path, id_token).await;
        if status == expected || tokio::time::Instant::now() > deadline {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A revocation at `iat` seconds refuses tokens issued in that second: a sign-in meant to work
/// after one waits for the next second.
async fn next_second() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

async fn sign_out(app: &TestApp, body: Value) -> Reply {
    app.send_public(fresh_client_address(), "/auth/sign-out", body, None)
        .await
}

/// A claim of a JWT (read, not verified: the gateway and Cognito verify).
fn claim(token: &str, name: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("base64url payload");
    let claims: Value = serde_json::from_slice(&bytes).expect("JSON claims");
    claims[name].as_str().expect(name).to_owned()
}

#[tokio::test]
async fn sign_out_with_the_access_token_refuses_that_sign_ins_tokens_and_no_other() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let signed_in = session(app, &patient.email).await;
    let profile = "/patients/me/profile";
    assert_eq!(status_with(app, profile, &signed_in.id_token).await, 200);
    let origin = claim(&signed_in.access_token, "origin_jti");
    assert_eq!(
        claim(&signed_in.id_token, "origin_jti"),
        origin,
        "one sign-in"
    );

    let reply = sign_out(
        app,
        json!({"refreshToken": signed_in.refresh_token, "accessToken": signed_in.access_token}),
    )
    .await;
    assert_eq!(reply.status, 204, "{reply:#?}");
    // A sign-in right away (the same second, most often) works: a new session.
    let again = session(app, &patient.email).await;
    assert_ne!(claim(&again.id_token, "origin_jti"), origin);

    // This sign-in's ID token is refused within the window.
    let refused = until_status(app, profile, &signed_in.id_token, 401).await;
    assert_eq!(refused, 401);
    let refused = app
        .send_with_token(
            Method::GET,
            profile,
            &format!("Bearer {}", signed_in.id_token),
        )
        .await;
    assert_eq!(
        refused.body["type"]
            .as_str()
            .map(|t| t.ends_with("unauthenticated")),
        Some(true),
        "{refused:#?}"
    );
    // The new sign-in's token is accepted, and so is the account's other sign-in.
    assert_eq!(status_with(app, profile, &again.id_token).await, 200);
    assert_eq!(app.get(profile, &patient.actor).await.status, 200);
    // Its refresh token is revoked: renewing the signed-out session yields nothing.
    let refreshed = app
        .send_public(
            fresh_client_address(),
            "/auth/refresh",
            json!({"refreshToken": signed_in.refresh_token}),
            None,
        )
        .await;
    assert_problem(&refreshed, 401, None);
    // Nobody else is touched.
    assert_eq!(app.get(profile, &other.actor).await.status, 200);
    // The feed holds the entry, named by the session; the account has none.
    let entries = revocations_of(app, &format!("SESSION#{origin}")).await;
    assert_eq!(entries.len(), 1, "{entries:#?}");
    assert!(
        revocations_of(app, &format!("SUB#{}", patient.actor.sub))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_renewed_token_of_a_signed_out_session_is_refused() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let profile = "/patients/me/profile";
    let signed_in = session(app, &patient.email).await;
    // A renewal before the sign-out: a newer token of the same sign-in.
    let renewed = app
        .send_public(
            fresh_client_address(),
            "/auth/refresh",
            json!({"refreshToken": signed_in.refresh_token}),
            None,
        )
        .await;
    assert_eq!(renewed.status, 200, "{renewed:#?}");
    let renewed_id = renewed.body["idToken"]
        .as_str()
        .expect("idToken")
        .to_owned();
    assert_eq!(
        claim(&renewed_id, "origin_jti"),
        claim(&signed_in.access_token, "origin_jti")
    );
    let reply = sign_out(
        app,
        json!({"refreshToken": signed_in.refresh_token, "accessToken": signed_in.access_token}),
    )
    .await;
    assert_eq!(reply.status, 204, "{reply:#?}");
    assert_eq!(until_status(app, profile, &renewed_id, 401).await, 401);
    assert_eq!(
        until_status(app, profile, &signed_in.id_token, 401).await,
        401
    );
}

#[tokio::test]
async fn sign_out_without_a_usable_access_token_revokes_the_refresh_token_alone() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let profile = "/patients/me/profile";

    let plain = session(app, &patient.email).await;
    let reply = sign_out(app, json!({"refreshToken": plain.refresh_token})).await;
    assert_eq!(reply.status, 204, "{reply:#?}");
    // An access token Cognito does not know is skipped: still 204, nothing revoked.
    let made_up = session(app, &patient.email).await;
    let reply = sign_out(
        app,
        json!({"refreshToken": made_up.refresh_token, "accessToken": "not-a-token"}),
    )
    .await;
    assert_eq!(reply.status, 204, "{reply:#?}");
    // Bad input names the field and changes nothing.
    for (body, field) in [
        (
            json!({"refreshToken": "x", "accessToken": ""}),
            "accessToken",
        ),
        (json!({"accessToken": plain.access_token}), "refreshToken"),
        (json!({"refreshToken": "x", "idToken": "y"}), "idToken"),
    ] {
        assert_problem(&sign_out(app, body).await, 422, Some(field));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(status_with(app, profile, &plain.id_token).await, 200);
    assert_eq!(app.get(profile, &patient.actor).await.status, 200);
    assert!(
        revocations_of(app, &format!("SUB#{}", patient.actor.sub))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_revoked_patients_tokens_are_refused_whatever_sign_in_carries_them() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let profile = "/patients/me/profile";
    // The entry a lock writes (the lock's own tests go through the front desk's route).
    let id = PatientId::parse(&patient.id).expect("patient id");
    let item = revocation_item(Timestamp::now(), &RevokedSubject::Patient(id)).expect("item");
    app.put_app_item(item).await;

    assert_eq!(
        until_status(app, profile, &patient.actor.token, 401).await,
        401
    );
    assert_eq!(app.get(profile, &other.actor).await.status, 200);
    next_second().await;
    let again = session(app, &patient.email).await;
    assert_eq!(status_with(app, profile, &again.id_token).await, 200);
}

#[tokio::test]
async fn a_disabled_staff_members_tokens_are_refused() {
    let app = spawn_app().await;
    let member = app.new_staff("Revoked", &["front-desk"]).await;
    // Any signed-in account's own route: no staff decision in the way.
    let own = "/auth/mfa";
    assert_eq!(app.get(own, &member).await.status, 200);
    let reply = app
        .send(
            Method::POST,
            &format!("/admin/staff/{}/disable", member.sub),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(until_status(app, own, &member.token, 401).await, 401);
    assert_eq!(app.get(own, &app.front_desk).await.status, 200);
}

// ---- the lock link ---------------------------------------------------------------------------

/// The token a notice's lock link carries, as the sender seals it (the stack's current secret).
pub async fn lock_token(app: &TestApp, sub: &str, patient: Option<&str>, at: Timestamp) -> String {
    let key = app.cursor_key().await.derived_key(lock_token::PURPOSE);
    LockToken::new(
        UserSub::parse(sub).expect("sub"),
        patient.map(|id| PatientId::parse(id).expect("patient id")),
        at,
    )
    .seal(&key)
}

/// The matrix's request: a link for an account made up for the case (a lock of its own, so no
/// shared account is locked).
pub async fn matrix_body(app: &TestApp) -> Value {
    let sub = format!("matrix-{}", ulid::Ulid::generate()).to_lowercase();
    let patient = PatientId::generate().to_string();
    json!({"token": lock_token(app, &sub, Some(&patient), Timestamp::now()).await})
}

async fn lock_account(app: &TestApp, body: Value) -> Reply {
    app.send_public(fresh_client_address(), "/auth/lock-account", body, None)
        .await
}

/// The feed's entries for `subject` (`SUB#…`, `PATIENT#…`).
async fn revocations_of(app: &TestApp, subject: &str) -> Vec<Value> {
    let subject = subject.to_owned();
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").expect("app table").to_owned();
        let output = stack
            .dynamodb()
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk")
            .filter_expression("#subject = :subject")
            .expression_attribute_names("#subject", "subject")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(keys::REVOCATION_PARTITION.into()),
            )
            .expression_attribute_values(
                ":subject",
                aws_sdk_dynamodb::types::AttributeValue::S(subject),
            )
            .consistent_read(true)
            .send()
            .await?;
        Ok(output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::from_item(item).expect("an entry"))
            .collect())
    })
    .await
    .expect("the feed")
}

/// The lock link's token in an email's HTML.
fn link_token(body: &str) -> Option<String> {
    let start = body.find("/lock?token=")? + "/lock?token=".len();
    let token: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    (!token.is_empty()).then_some(token)
}

async fn lock_state(app: &TestApp, patient: &str) -> Value {
    let reply = app
        .get(&format!("/staff/patients/{patient}/lock"), &app.front_desk)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

#[tokio::test]
async fn a_password_reset_notice_links_to_locking_the_account_and_the_link_locks_it() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let from = fresh_client_address();
    let new_password = "Brand-New-Portal-2026!";
    // moto accepts any code without its own prefix: the emailed code stands in.
    let reset = app
        .send_public(
            from,
            "/auth/password/reset",
            json!({"email": patient.email, "code": "123456", "newPassword": new_password}),
            None,
        )
        .await;
    assert_eq!(reset.status, 204, "{reset:#?}");

    // The notice: when and whose account, nothing else.
    let records: Vec<Value> = app
        .outbox_where("template", "new-sign-in")
        .await
        .into_iter()
        .filter(|record| record["recipient"]["patientId"] == patient.id.as_str())
        .collect();
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["signInReason"], "password-reset");
    assert_eq!(records[0]["account"], patient.actor.sub);
    let emails = app.wait_for_emails(&patient.email, 1).await;
    let told: Vec<_> = emails
        .iter()
        .filter(|email| email.subject == "Your patient portal password was reset")
        .collect();
    assert_eq!(told.len(), 1, "{emails:#?}");
    let body = &told[0].body;
    assert!(body.contains("Not you? Lock your account"), "{body}");
    assert!(
        !body.contains(&patient.family),
        "no name in the notice: {body}"
    );
    let token = link_token(body).expect("the lock link");

    let locked = lock_account(app, json!({"token": token})).await;
    assert_eq!(locked.status, 204, "{locked:#?}");
    let state = lock_state(app, &patient.id).await;
    assert_eq!(state["locked"], true, "{state:#?}");
    assert_eq!(state["reason"], "owner-request", "{state:#?}");
    // Nobody signs in to it, and the tokens already out are refused.
    assert_problem(
        &app.sign_in_through_api(&patient.email, new_password).await,
        401,
        None,
    );
    assert_eq!(
        until_status(app, "/patients/me/profile", &patient.actor.token, 401).await,
        401
    );
    // The owner's act, in the patient's access log.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events
            .iter()
            .any(|event| event["actorSub"] == patient.actor.sub.as_str()
                && event["action"] == "account.lock"
                && event["relationship"] == "own"
                && event["outcome"] == "allowed"),
        "{events:#?}"
    );
    // The link again: the lock in force, 204.
    let again = lock_account(app, json!({"token": token})).await;
    assert_eq!(again.status, 204, "{again:#?}");
    assert_eq!(lock_state(app, &patient.id).await["locked"], true);
}

#[tokio::test]
async fn a_new_sign_in_notice_carries_the_lock_link_too() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let _ = session(app, &patient.email).await;
    let emails = app.wait_for_emails(&patient.email, 1).await;
    let told: Vec<_> = emails
        .iter()
        .filter(|email| email.subject == "New sign-in to your patient portal")
        .collect();
    assert_eq!(told.len(), 1, "{emails:#?}");
    let token = link_token(&told[0].body).expect("the lock link");
    assert_eq!(lock_account(app, json!({"token": token})).await.status, 204);
    assert_eq!(lock_state(app, &patient.id).await["locked"], true);
}

#[tokio::test]
async fn bad_altered_and_lapsed_lock_tokens_are_refused_and_lock_nothing() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let good = lock_token(app, &patient.actor.sub, Some(&patient.id), Timestamp::now()).await;
    let lapsed = lock_token(
        app,
        &patient.actor.sub,
        Some(&patient.id),
        Timestamp::now().minus(lock_token::VALID_FOR + Duration::from_secs(60)),
    )
    .await;
    let (payload, tag) = good.split_once('.').expect("two parts");
    let other_patient = lock_token(
        app,
        &patient.actor.sub,
        Some(&PatientId::generate().to_string()),
        Timestamp::now(),
    )
    .await;
    let (other_payload, _) = other_patient.split_once('.').expect("two parts");
    let unsubscribe = app
        .unsubscribe_token(&patient.id, None, "appointment-reminder")
        .await;
    for token in [
        "garbage".to_owned(),
        lapsed,
        format!("{other_payload}.{tag}"),
        format!("{payload}.{}", &tag[2..]),
        format!("{payload}."),
        unsubscribe,
        "x".repeat(600),
    ] {
        let reply = lock_account(app, json!({"token": token})).await;
        assert_problem(&reply, 400, None);
        assert_eq!(
            reply.body["type"]
                .as_str()
                .map(|t| t.ends_with("invalid-token")),
            Some(true),
            "{reply:#?}"
        );
    }
    for (body, field) in [
        (json!({"token": ""}), "token"),
        (json!({}), "token"),
        (json!({"token": good, "reason": "other"}), "reason"),
    ] {
        assert_problem(&lock_account(app, body).await, 422, Some(field));
    }
    // Nothing was locked or revoked.
    assert_eq!(lock_state(app, &patient.id).await["locked"], false);
    assert!(
        revocations_of(app, &format!("PATIENT#{}", patient.id))
            .await
            .is_empty()
    );
    assert_eq!(
        app.get("/patients/me/profile", &patient.actor).await.status,
        200
    );
    // The good one still works.
    assert_eq!(lock_account(app, json!({"token": good})).await.status, 204);
}

#[tokio::test]
async fn concurrent_uses_of_one_link_lock_once() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let token = lock_token(app, &patient.actor.sub, Some(&patient.id), Timestamp::now()).await;
    let replies = futures::future::join_all(
        (0..3).map(|_| lock_account(app, json!({"token": token.clone()}))),
    )
    .await;
    // 409 only while another request holds the lock item (retry): never two locks.
    for reply in &replies {
        assert!(matches!(reply.status, 204 | 409), "{reply:#?}");
    }
    assert!(replies.iter().any(|reply| reply.status == 204));
    let lock = app
        .app_item(keys::patient_lock(
            PatientId::parse(&patient.id).expect("id"),
        ))
        .await
        .expect("the lock item");
    let version: Value = serde_dynamo::from_item(lock).expect("lock");
    assert_eq!(version["version"], 1, "{version:#?}");
}
