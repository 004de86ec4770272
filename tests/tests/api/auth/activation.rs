//! Activation codes (front desk) and activation (public): a registered patient gets a code,
//! turns it into a portal account, signs in and reaches their own record.

use futures::future::join_all;
use portal_tests::{
    IssuedCode, Method, Reply, TestApp, assert_problem, fresh_client_address, spawn_app,
};
use serde_json::{Value, json};

const PASSWORD: &str = "Portal-Activation-2026!";
const DATE_OF_BIRTH: &str = "1984-03-12";

fn codes_path(patient: &str) -> String {
    format!("/staff/patients/{patient}/activation-codes")
}

fn email_for(family: &str, n: u32) -> String {
    format!("{}.{n}@activate.portal.test", family.to_lowercase())
}

/// `POST /auth/activate` from the client address `from`.
async fn activate(app: &TestApp, from: std::net::IpAddr, body: Value) -> Reply {
    app.send_public(from, "/auth/activate", body, None).await
}

fn activation(code: &str, email: &str) -> Value {
    json!({"code": code, "dateOfBirth": DATE_OF_BIRTH, "email": email, "password": PASSWORD})
}

async fn list_codes(app: &TestApp, patient: &str) -> Vec<Value> {
    let reply = app.get(&codes_path(patient), &app.front_desk).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

async fn code_status(app: &TestApp, patient: &str, code: &IssuedCode) -> Value {
    list_codes(app, patient)
        .await
        .into_iter()
        .find(|c| c["codeId"] == code.code_id.as_str())
        .expect("the code is listed")
}

/// Exactly one of concurrent activations (one per email in `emails`) won, the others got one of
/// `allowed`, and only the winner's email signs in.
async fn only_one_activated(app: &TestApp, replies: &[Reply], emails: &[String], allowed: &[u16]) {
    let winners: Vec<usize> = (0..replies.len())
        .filter(|i| replies[*i].status == 201)
        .collect();
    assert_eq!(winners.len(), 1, "{replies:#?}");
    assert!(
        replies.iter().all(|r| allowed.contains(&r.status)),
        "{replies:#?}"
    );
    let from = fresh_client_address();
    for (i, email) in emails.iter().enumerate() {
        let reply = app
            .send_public(
                from,
                "/auth/sign-in",
                json!({"email": email, "password": PASSWORD}),
                None,
            )
            .await;
        let expected = if i == winners[0] { 200 } else { 401 };
        assert_eq!(reply.status, expected, "{email}: {reply:#?}");
    }
}

#[tokio::test]
async fn a_patient_activates_with_a_code_signs_in_and_reads_their_profile() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let issued = app
        .send(
            Method::POST,
            &codes_path(&patient),
            Some(&app.front_desk),
            Some(json!({"expiresInDays": 14})),
        )
        .await;
    assert_eq!(issued.status, 201, "{issued:#?}");
    assert_eq!(issued.header("cache-control").as_deref(), Some("no-store"));
    let code = issued.body["code"].as_str().expect("code").to_owned();
    let shape_ok = code.len() == 11
        && code.chars().enumerate().all(|(i, c)| {
            if i == 5 {
                c == '-'
            } else {
                c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c))
            }
        });
    assert!(shape_ok, "XXXXX-XXXXX from Crockford's alphabet: {code}");
    let code_id = issued.body["codeId"].as_str().expect("codeId").to_owned();

    // The list shows the code's state, never the code.
    let listed = list_codes(app, &patient).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["codeId"], code_id.as_str());
    assert_eq!(listed[0]["status"], "issued");
    assert!(listed[0]["expires"].is_string());
    assert!(!listed.iter().any(|c| c.to_string().contains(&code[..5])));

    // Typed loosely: lower case, without the dash.
    let email = email_for(&family, 1);
    let typed = code.replace('-', "").to_lowercase();
    let from = fresh_client_address();
    let reply = activate(app, from, activation(&typed, &email)).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body, json!({"patientId": patient, "email": email}));

    // Sign in with the new password, through the API; the ID token opens the record.
    let signed_in = app
        .send_public(
            from,
            "/auth/sign-in",
            json!({"email": email, "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:#?}");
    let id_token = signed_in.body["idToken"].as_str().expect("idToken");
    let profile = app
        .send_with_token(
            Method::GET,
            "/patients/me/profile",
            &format!("Bearer {id_token}"),
        )
        .await;
    assert_eq!(profile.status, 200, "{profile:#?}");
    assert_eq!(profile.body["patientId"], patient.as_str());
    assert_eq!(profile.body["portalAccount"]["status"], "active");
    assert!(profile.body["portalAccount"]["activatedAt"].is_string());

    let used = code_status(app, &patient, &IssuedCode { code_id, code }).await;
    assert_eq!(used["status"], "used");
    assert!(used["usedAt"].is_string());

    let events = app.audit_events(&patient).await;
    let activated = events
        .iter()
        .find(|e| e["action"] == "account.activate")
        .expect("the activation is audited");
    assert_eq!(activated["actorRoles"], json!(["patients"]));
    assert_eq!(activated["outcome"], "allowed");
    assert_eq!(activated["relationship"], "own");
    assert!(
        activated["actorSub"]
            .as_str()
            .is_some_and(|sub| !sub.is_empty())
    );
}

#[tokio::test]
async fn a_code_works_once_and_an_activated_patient_gets_no_new_code() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let from = fresh_client_address();
    let first = activate(app, from, activation(&code.code, &email_for(&family, 1))).await;
    assert_eq!(first.status, 201, "{first:#?}");
    let again = activate(app, from, activation(&code.code, &email_for(&family, 2))).await;
    assert_problem(&again, 422, Some("code"));

    let another = app
        .send(
            Method::POST,
            &codes_path(&patient),
            Some(&app.front_desk),
            Some(json!({})),
        )
        .await;
    assert_problem(&another, 409, None);
}

#[tokio::test]
async fn revoked_and_expired_codes_are_refused() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let from = fresh_client_address();

    let revoked = app.issue_code(&patient).await;
    let revoke_path = format!("{}/{}/revoke", codes_path(&patient), revoked.code_id);
    let reply = app
        .send(Method::POST, &revoke_path, Some(&app.front_desk), None)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["status"], "revoked");
    assert!(reply.body["revokedAt"].is_string());
    let refused = activate(app, from, activation(&revoked.code, &email_for(&family, 1))).await;
    assert_problem(&refused, 422, Some("code"));
    let twice = app
        .send(Method::POST, &revoke_path, Some(&app.front_desk), None)
        .await;
    assert_problem(&twice, 409, None);

    let expired = app.issue_code(&patient).await;
    app.set_code_attribute(
        &patient,
        &expired.code_id,
        "expires",
        json!("2020-01-01T00:00:00Z"),
    )
    .await;
    assert_eq!(
        code_status(app, &patient, &expired).await["status"],
        "expired"
    );
    let refused = activate(app, from, activation(&expired.code, &email_for(&family, 2))).await;
    assert_problem(&refused, 422, Some("code"));
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired")),
        "{refused:#?}"
    );
    let revoke_expired = format!("{}/{}/revoke", codes_path(&patient), expired.code_id);
    let reply = app
        .send(Method::POST, &revoke_expired, Some(&app.front_desk), None)
        .await;
    assert_problem(&reply, 409, None);
}

#[tokio::test]
async fn wrong_dates_of_birth_count_down_and_lock_the_code() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let from = fresh_client_address();
    let email = email_for(&family, 1);
    for left in (0..5).rev() {
        let mut body = activation(&code.code, &email);
        body["dateOfBirth"] = json!("1990-01-01");
        let reply = activate(app, from, body).await;
        assert_problem(&reply, 422, Some("dateOfBirth"));
        let message = reply.body["errors"][0]["message"].as_str().unwrap_or("");
        if left == 0 {
            assert!(message.contains("locked"), "{message}");
        } else {
            assert!(message.contains(&format!("{left} attempt")), "{message}");
        }
    }
    // Locked: even the right date of birth is refused now.
    let reply = activate(app, from, activation(&code.code, &email)).await;
    assert_problem(&reply, 422, Some("code"));
    let listed = code_status(app, &patient, &code).await;
    assert_eq!(listed["status"], "locked");
    assert_eq!(listed["failedAttempts"], 5);
    // Each wrong date of birth is in the patient's log, as a denied activation.
    let denied = app
        .audit_events(&patient)
        .await
        .into_iter()
        .filter(|e| e["action"] == "account.activate" && e["outcome"] == "denied")
        .count();
    assert_eq!(denied, 5);
}

#[tokio::test]
async fn failures_from_one_client_are_limited_and_say_when_to_retry() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let from = fresh_client_address();
    // Guessing codes, many at once: no more than the limit are even tried.
    let guesses = (0..16).map(|n| {
        let body = activation(&format!("ZZZZZ-{n:05}"), &email_for(&family, 9));
        app.send_public(from, "/auth/activate", body, None)
    });
    let replies = join_all(guesses).await;
    let tried = replies.iter().filter(|r| r.status == 422).count();
    let stopped = replies.iter().filter(|r| r.status == 429).count();
    assert_eq!((tried, stopped), (10, 6), "{replies:#?}");

    // The real code from that client is stopped too, with the limit and when to retry.
    let reply = activate(app, from, activation(&code.code, &email_for(&family, 1))).await;
    assert_problem(&reply, 429, None);
    assert_eq!(reply.body["limit"], 10);
    let retry_after: u64 = reply
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(reply.body["retryAfterSeconds"], retry_after);
    assert!(
        reply.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("10")),
        "{reply:#?}"
    );

    // Another client is not affected, and the code was never touched.
    let reply = activate(
        app,
        fresh_client_address(),
        activation(&code.code, &email_for(&family, 1)),
    )
    .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
}

#[tokio::test]
async fn bad_fields_are_named_and_do_not_spend_the_code() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let from = fresh_client_address();
    let email = email_for(&family, 1);
    let cases = [
        ("password", json!("short")),
        ("password", json!("no-upper-case-2026")),
        ("email", json!("not-an-email")),
        ("dateOfBirth", json!("1984-13-40")),
        ("code", json!("ABC")),
    ];
    for (field, value) in cases {
        let mut body = activation(&code.code, &email);
        body[field] = value;
        let reply = activate(app, from, body).await;
        assert_problem(&reply, 422, Some(field));
    }
    let mut body = activation(&code.code, &email);
    body["patientId"] = json!(patient);
    let reply = activate(app, from, body).await;
    assert_problem(&reply, 422, Some("patientId"));
    let mut body = activation(&code.code, &email);
    body.as_object_mut().expect("object").remove("code");
    let reply = activate(app, from, body).await;
    assert_problem(&reply, 422, Some("code"));

    let reply = activate(app, from, activation(&code.code, &email)).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
}

#[tokio::test]
async fn staff_routes_need_the_front_desk_and_an_existing_patient() {
    let app = spawn_app().await;
    let (patient, _) = app.register_patient().await;
    let (other, _) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let own = app.new_patient().await;

    // No token: the authorizer refuses.
    let reply = app
        .send(Method::POST, &codes_path(&patient), None, Some(json!({})))
        .await;
    assert_eq!(reply.status, 401, "{reply:#?}");
    // Wrong role: 403; a patient on their own record too (codes are the front desk's job).
    for actor in [&app.clinician, &app.admin, &own.actor] {
        let path = codes_path(if actor.sub == own.actor.sub {
            &own.id
        } else {
            &patient
        });
        let reply = app
            .send(Method::POST, &path, Some(actor), Some(json!({})))
            .await;
        assert_problem(&reply, 403, None);
        let reply = app.get(&path, actor).await;
        assert_problem(&reply, 403, None);
    }
    // A patient on someone else's record: 404.
    let reply = app.get(&codes_path(&patient), &own.actor).await;
    assert_problem(&reply, 404, None);
    // Nobody registered under that id: 404.
    let reply = app
        .send(
            Method::POST,
            &codes_path("01KAZ0N0B0DY00000000000000"),
            Some(&app.front_desk),
            Some(json!({})),
        )
        .await;
    assert_problem(&reply, 404, None);
    // A code reached through another patient's path: 404, and it stays issued.
    let foreign = format!("{}/{}/revoke", codes_path(&other), code.code_id);
    let reply = app
        .send(Method::POST, &foreign, Some(&app.front_desk), None)
        .await;
    assert_problem(&reply, 404, None);
    assert_eq!(code_status(app, &patient, &code).await["status"], "issued");
    // Bad input names the field.
    let reply = app
        .send(
            Method::POST,
            &codes_path(&patient),
            Some(&app.front_desk),
            Some(json!({"expiresInDays": 91})),
        )
        .await;
    assert_problem(&reply, 422, Some("expiresInDays"));
    let reply = app
        .send(
            Method::POST,
            &codes_path(&patient),
            Some(&app.front_desk),
            Some(json!({"code": "ABCDE-12345"})),
        )
        .await;
    assert_problem(&reply, 422, Some("code"));
}

#[tokio::test]
async fn issuing_with_an_idempotency_key_creates_one_code() {
    let app = spawn_app().await;
    let (patient, _) = app.register_patient().await;
    let key = format!("issue-{}", ulid::Ulid::generate());
    let path = codes_path(&patient);
    let headers = [("Idempotency-Key", key.as_str())];
    let send = || {
        app.send_with_headers(
            Method::POST,
            &path,
            &app.front_desk,
            json!({"expiresInDays": 7}),
            &headers,
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{first:#?}");
    assert!(first.body["code"].is_string());
    let retry = send().await;
    assert_eq!(retry.status, 201, "{retry:#?}");
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.body["codeId"], first.body["codeId"]);
    assert_eq!(retry.body["expires"], first.body["expires"]);
    // The code is shown once: it is not stored, so a replay cannot show it.
    assert!(retry.body.get("code").is_none(), "{retry:#?}");
    assert_eq!(list_codes(app, &patient).await.len(), 1);

    let reused = app
        .send_with_headers(
            Method::POST,
            &codes_path(&patient),
            &app.front_desk,
            json!({"expiresInDays": 8}),
            &[("Idempotency-Key", key.as_str())],
        )
        .await;
    assert_problem(&reused, 422, None);
}

#[tokio::test]
async fn concurrent_activations_with_one_code_create_exactly_one_account() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let emails: Vec<String> = (1..=5).map(|n| email_for(&family, n)).collect();
    let attempts = emails.iter().map(|email| {
        app.send_public(
            fresh_client_address(),
            "/auth/activate",
            activation(&code.code, email),
            None,
        )
    });
    let replies = join_all(attempts).await;
    only_one_activated(app, &replies, &emails, &[201, 409, 422]).await;
    assert_eq!(code_status(app, &patient, &code).await["status"], "used");
}

#[tokio::test]
async fn two_codes_of_one_patient_used_at_once_create_one_account() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let codes = [
        app.issue_code(&patient).await,
        app.issue_code(&patient).await,
        app.issue_code(&patient).await,
    ];
    let emails: Vec<String> = (1..=3).map(|n| email_for(&family, n)).collect();
    let attempts = codes.iter().zip(&emails).map(|(code, email)| {
        app.send_public(
            fresh_client_address(),
            "/auth/activate",
            activation(&code.code, email),
            None,
        )
    });
    let replies = join_all(attempts).await;
    only_one_activated(app, &replies, &emails, &[201, 409]).await;
    // The losers' codes are still issued (the front desk may revoke them); the claim is gone.
    let profile = app.profile_item(&patient).await;
    assert!(profile.get("activationClaim").is_none(), "{profile:#?}");
}

#[tokio::test]
async fn an_email_that_has_an_account_is_refused_and_the_code_stays_usable() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let from = fresh_client_address();
    let taken = activate(app, from, activation(&code.code, &app.clinician.email)).await;
    assert_problem(&taken, 409, None);
    assert!(
        taken.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("sign in")),
        "{taken:#?}"
    );
    assert_eq!(code_status(app, &patient, &code).await["status"], "issued");
    let reply = activate(app, from, activation(&code.code, &email_for(&family, 1))).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
}

/// An activation that stopped after creating the Cognito user (before its password was set)
/// left a user of this patient without a password: the next activation carries on with it.
#[tokio::test]
async fn an_interrupted_activation_is_completed_by_the_next_one() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    let email = email_for(&family, 1);
    let (half_made, patient_id) = (email.clone(), patient.clone());
    app.on_stack(move |stack| async move {
        use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
        stack
            .cognito()
            .admin_create_user()
            .user_pool_id(&stack.user_pool_id)
            .username(&half_made)
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(&half_made)
                    .build()?,
            )
            .user_attributes(
                AttributeType::builder()
                    .name("custom:patient_id")
                    .value(&patient_id)
                    .build()?,
            )
            .message_action(MessageActionType::Suppress)
            .send()
            .await?;
        Ok(())
    })
    .await
    .expect("a half-made user");
    let from = fresh_client_address();
    let reply = activate(app, from, activation(&code.code, &email)).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let signed_in = app
        .send_public(
            from,
            "/auth/sign-in",
            json!({"email": email, "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:#?}");
    let token = format!(
        "Bearer {}",
        signed_in.body["idToken"].as_str().unwrap_or("")
    );
    let profile = app
        .send_with_token(Method::GET, "/patients/me/profile", &token)
        .await;
    assert_eq!(
        profile.body["portalAccount"]["status"], "active",
        "{profile:#?}"
    );
}
