//! Sign-in, refresh and sign-out through the API (public routes over Cognito's app client).

use portal_local::identity::DEMO_PASSWORD;
use portal_tests::{Method, assert_problem, fresh_client_address, spawn_app};
use serde_json::{Value, json};

/// The problem without what differs per request.
fn comparable(body: &Value) -> Value {
    let mut body = body.clone();
    body.as_object_mut().expect("object").remove("requestId");
    body
}

#[tokio::test]
async fn signing_in_gives_tokens_that_open_the_record() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // The email is not case-sensitive.
    let reply = app
        .sign_in_through_api(&patient.email.to_uppercase(), DEMO_PASSWORD)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
    for field in ["idToken", "accessToken", "refreshToken"] {
        assert!(reply.body[field].is_string(), "{field}: {reply:#?}");
    }
    assert!(reply.body["expiresIn"].as_i64().is_some_and(|s| s > 0));
    let token = format!("Bearer {}", reply.body["idToken"].as_str().unwrap_or(""));
    let profile = app
        .send_with_token(Method::GET, "/patients/me/profile", &token)
        .await;
    assert_eq!(profile.status, 200, "{profile:#?}");
    assert_eq!(profile.body["patientId"], patient.id.as_str());
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let wrong_password = app
        .sign_in_through_api(&patient.email, "Wrong-Password-2026!")
        .await;
    let unknown = format!("nobody-{}@patients.portal.test", ulid::Ulid::generate()).to_lowercase();
    let unknown_email = app.sign_in_through_api(&unknown, DEMO_PASSWORD).await;
    assert_problem(&wrong_password, 401, None);
    assert_problem(&unknown_email, 401, None);
    assert_eq!(
        comparable(&wrong_password.body),
        comparable(&unknown_email.body)
    );

    let reply = app
        .send_public(
            fresh_client_address(),
            "/auth/sign-in",
            json!({"email": patient.email, "password": DEMO_PASSWORD, "remember": true}),
            None,
        )
        .await;
    assert_problem(&reply, 422, Some("remember"));
    let reply = app.sign_in_through_api("not-an-email", DEMO_PASSWORD).await;
    assert_problem(&reply, 422, Some("email"));
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_email_and_per_client() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // Per email, from anywhere: 5 failures, then even the right password waits.
    for _ in 0..5 {
        let reply = app
            .sign_in_through_api(&patient.email, "Wrong-Password-2026!")
            .await;
        assert_problem(&reply, 401, None);
    }
    let reply = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_problem(&reply, 429, None);
    assert_eq!(reply.body["limit"], 5);
    assert!(reply.header("retry-after").is_some(), "{reply:#?}");

    // Per client: 30 failures over any emails, then that client waits.
    let from = fresh_client_address();
    for n in 0..30 {
        let reply = app
            .send_public(
                from,
                "/auth/sign-in",
                json!({"email": format!("guess-{n}-{}@portal.test", ulid::Ulid::generate()).to_lowercase(), "password": "Wrong-Password-2026!"}),
                None,
            )
            .await;
        assert_problem(&reply, 401, None);
    }
    let other = app.new_patient().await;
    let reply = app
        .send_public(
            from,
            "/auth/sign-in",
            json!({"email": other.email, "password": DEMO_PASSWORD}),
            None,
        )
        .await;
    assert_problem(&reply, 429, None);
    assert_eq!(reply.body["limit"], 30);
    // Elsewhere that patient signs in.
    let reply = app.sign_in_through_api(&other.email, DEMO_PASSWORD).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

fn retry_after(reply: &portal_tests::Reply) -> i64 {
    reply
        .header("retry-after")
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or_else(|| panic!("Retry-After in seconds: {reply:#?}"))
}

#[tokio::test]
async fn a_limit_window_opens_at_its_first_attempt_and_lasts_fifteen_minutes() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let email = patient.email.to_lowercase();

    // A full window opened 14 minutes ago still refuses, for the minute it has left.
    let now = unix_now();
    app.put_attempt_counter("sign-in-email", &email, 5, now - 14 * 60)
        .await;
    let reply = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_problem(&reply, 429, None);
    let left = retry_after(&reply);
    assert!((1..=61).contains(&left), "{left} s left: {reply:#?}");

    // Once 15 minutes have passed since it opened, the window has ended, however the clock's
    // quarter hours fall: the right password signs in.
    app.put_attempt_counter("sign-in-email", &email, 5, unix_now() - 15 * 60 - 1)
        .await;
    let reply = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_eq!(reply.status, 200, "{reply:#?}");

    // A failure after a window ended opens the next one at that failure: five failures, and
    // the wait is the whole window from then.
    app.put_attempt_counter("sign-in-email", &email, 5, unix_now() - 16 * 60)
        .await;
    let opened = unix_now();
    for _ in 0..5 {
        let reply = app
            .sign_in_through_api(&patient.email, "Wrong-Password-2026!")
            .await;
        assert_problem(&reply, 401, None);
    }
    let reply = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_problem(&reply, 429, None);
    let left = retry_after(&reply);
    let elapsed = unix_now() - opened;
    assert!(
        (15 * 60 - elapsed - 1..=15 * 60).contains(&left),
        "{left} s left {elapsed} s after the window opened: {reply:#?}"
    );
}

#[tokio::test]
async fn failures_arriving_together_after_a_window_ended_get_exactly_the_limit() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    app.put_attempt_counter(
        "sign-in-email",
        &patient.email.to_lowercase(),
        5,
        unix_now() - 20 * 60,
    )
    .await;
    // Twelve wrong passwords at once race to open the next window: five are tried, the rest
    // wait, and the right password waits too.
    let replies = futures::future::join_all(
        (0..12).map(|_| app.sign_in_through_api(&patient.email, "Wrong-Password-2026!")),
    )
    .await;
    let tried = replies.iter().filter(|reply| reply.status == 401).count();
    let refused = replies.iter().filter(|reply| reply.status == 429).count();
    assert_eq!((tried, refused), (5, 7), "{replies:#?}");
    let reply = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_problem(&reply, 429, None);
}

#[tokio::test]
async fn refresh_gives_new_tokens_until_sign_out_revokes_it() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let from = fresh_client_address();
    let signed_in = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{signed_in:#?}");
    let refresh_token = signed_in.body["refreshToken"].as_str().expect("refresh");

    let refreshed = app
        .send_public(
            from,
            "/auth/refresh",
            json!({"refreshToken": refresh_token}),
            None,
        )
        .await;
    assert_eq!(refreshed.status, 200, "{refreshed:#?}");
    let token = format!(
        "Bearer {}",
        refreshed.body["idToken"].as_str().unwrap_or("")
    );
    let profile = app
        .send_with_token(Method::GET, "/patients/me/profile", &token)
        .await;
    assert_eq!(profile.status, 200, "{profile:#?}");

    let signed_out = app
        .send_public(
            from,
            "/auth/sign-out",
            json!({"refreshToken": refresh_token}),
            None,
        )
        .await;
    assert_eq!(signed_out.status, 204, "{signed_out:#?}");
    let refused = app
        .send_public(
            from,
            "/auth/refresh",
            json!({"refreshToken": refresh_token}),
            None,
        )
        .await;
    assert_problem(&refused, 401, None);
    // Signing out again is harmless.
    let again = app
        .send_public(
            from,
            "/auth/sign-out",
            json!({"refreshToken": refresh_token}),
            None,
        )
        .await;
    assert_eq!(again.status, 204, "{again:#?}");
    let made_up = app
        .send_public(
            from,
            "/auth/refresh",
            json!({"refreshToken": "made-up"}),
            None,
        )
        .await;
    assert_problem(&made_up, 401, None);
}

#[tokio::test]
async fn an_account_with_mfa_signs_in_in_two_steps() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, secret) = app.enrol_mfa(&patient.actor, DEMO_PASSWORD).await;

    let from = fresh_client_address();
    let challenged = app
        .send_public(
            from,
            "/auth/sign-in",
            json!({"email": patient.email, "password": DEMO_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(challenged.status, 200, "{challenged:#?}");
    assert_eq!(challenged.body["challenge"], "SOFTWARE_TOKEN_MFA");
    assert!(challenged.body.get("idToken").is_none());
    let session = challenged.body["session"].as_str().expect("session");

    // A made-up session is the same 401 as a wrong password.
    let refused = app
        .send_public(
            from,
            "/auth/mfa",
            json!({"email": patient.email, "session": "made-up", "code": "123456"}),
            None,
        )
        .await;
    assert_problem(&refused, 401, None);
    assert_eq!(
        refused.body["type"],
        "https://patient-portal.dev/problems/invalid-credentials"
    );
    let missing = app
        .send_public(
            from,
            "/auth/mfa",
            json!({"email": patient.email, "session": session}),
            None,
        )
        .await;
    assert_problem(&missing, 422, Some("code"));

    // The authenticator's current code completes the sign-in.
    let code = portal_local::totp::code_now(&secret).expect("a TOTP code");
    let answered = app
        .send_public(
            from,
            "/auth/mfa",
            json!({"email": patient.email, "session": session, "code": code}),
            None,
        )
        .await;
    assert_eq!(answered.status, 200, "{answered:#?}");
    let token = format!("Bearer {}", answered.body["idToken"].as_str().unwrap_or(""));
    let profile = app
        .send_with_token(Method::GET, "/patients/me/profile", &token)
        .await;
    assert_eq!(profile.status, 200, "{profile:#?}");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_code() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let from = fresh_client_address();
    let forgot = |email: String| {
        app.send_public(from, "/auth/password/forgot", json!({"email": email}), None)
    };
    // The same answer whether or not the email has an account.
    let known = forgot(patient.email.clone()).await;
    let unknown =
        forgot(format!("nobody-{}@portal.test", ulid::Ulid::generate()).to_lowercase()).await;
    assert_eq!(known.status, 202, "{known:#?}");
    assert_eq!((unknown.status, &unknown.body), (202, &known.body));
    assert!(
        known
            .header("x-moto-forgot-password-confirmation-code")
            .is_none()
    );

    let new_password = "Brand-New-Portal-2026!";
    let reset = |code: &str, password: &str| {
        app.send_public(
            from,
            "/auth/password/reset",
            json!({"email": patient.email, "code": code, "newPassword": password}),
            None,
        )
    };
    let weak = reset("123456", "weak").await;
    assert_problem(&weak, 422, Some("newPassword"));
    // moto checks a code only when it has its own prefix; this one is wrong.
    let wrong = reset("moto-confirmation-code:000000", new_password).await;
    assert_problem(&wrong, 422, Some("code"));
    let done = reset("123456", new_password).await;
    assert_eq!(done.status, 204, "{done:#?}");

    let old = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_problem(&old, 401, None);
    let new = app.sign_in_through_api(&patient.email, new_password).await;
    assert_eq!(new.status, 200, "{new:#?}");
}

#[tokio::test]
async fn reset_emails_are_limited_per_address() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for _ in 0..3 {
        let reply = app
            .send_public(
                fresh_client_address(),
                "/auth/password/forgot",
                json!({"email": patient.email}),
                None,
            )
            .await;
        assert_eq!(reply.status, 202, "{reply:#?}");
    }
    let reply = app
        .send_public(
            fresh_client_address(),
            "/auth/password/forgot",
            json!({"email": patient.email}),
            None,
        )
        .await;
    assert_problem(&reply, 429, None);
    assert_eq!(reply.body["limit"], 3);
}
