//! Authenticator apps (TOTP) and backup codes through the API: enrolment with a real code
//! computed here from the secret Cognito returned (RFC 6238: HMAC-SHA1, 30 s, 6 digits), the
//! two-step sign-in, backup codes (each works once; a new set replaces the old), removal, the
//! front desk's reset, and a staff sign-in without MFA told to enrol.
//!
//! moto (the local Cognito) accepts any 6-digit code, at enrolment and at sign-in: the codes
//! sent here are real ones all the same, so the tests hold against Cognito itself. Backup codes
//! are checked by the portal's own code, so wrong and reused ones are tested for real.

use portal_local::identity::{self, DEMO_PASSWORD};
use portal_local::totp;
use portal_tests::{
    Actor, Method, Patient, Reply, TestApp, assert_problem, fresh_client_address, spawn_app,
    token_claims,
};
use serde_json::{Value, json};

/// Tokens of one sign-in through the API.
struct SignedIn {
    id_token: String,
    access_token: String,
}

fn tokens_of(reply: &Reply) -> SignedIn {
    assert_eq!(reply.status, 200, "{reply:#?}");
    SignedIn {
        id_token: reply.body["idToken"].as_str().expect("idToken").to_owned(),
        access_token: reply.body["accessToken"]
            .as_str()
            .expect("accessToken")
            .to_owned(),
    }
}

/// Signs in with the password alone (the account has no authenticator app).
async fn sign_in(app: &TestApp, email: &str) -> SignedIn {
    tokens_of(&app.sign_in_through_api(email, DEMO_PASSWORD).await)
}

/// The actor of a sign-in (its ID token as the bearer).
fn actor(email: &str, signed_in: &SignedIn) -> Actor {
    Actor {
        email: email.to_owned(),
        sub: token_claims(&signed_in.id_token)["sub"]
            .as_str()
            .expect("sub")
            .to_owned(),
        token: signed_in.id_token.clone(),
    }
}

async fn status(app: &TestApp, who: &Actor) -> Value {
    let reply = app.get("/auth/mfa", who).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

async fn backup_sign_in(app: &TestApp, email: &str, code: &str) -> Reply {
    app.send_public(
        fresh_client_address(),
        "/auth/sign-in/backup-code",
        json!({"email": email, "password": DEMO_PASSWORD, "backupCode": code}),
        None,
    )
    .await
}

/// The `mfa-changed` notices to this patient, as their `change`s, oldest first.
async fn patient_notices(app: &TestApp, patient: &Patient) -> Vec<String> {
    app.outbox_where("template", "mfa-changed")
        .await
        .into_iter()
        .filter(|record| record["recipient"]["patientId"] == patient.id.as_str())
        .map(|record| record["change"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn is_backup_code(code: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    code.len() == 9
        && code.chars().enumerate().all(|(i, c)| {
            if i == 4 {
                c == '-'
            } else {
                ALPHABET.contains(c)
            }
        })
}

#[tokio::test]
async fn a_patient_enrols_with_a_real_code_and_then_signs_in_with_the_app() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let before = status(app, &patient.actor).await;
    assert_eq!(
        before,
        json!({"enabled": false, "backupCodesLeft": 0, "requiredForRole": false})
    );

    let signed_in = sign_in(app, &patient.email).await;
    let me = actor(&patient.email, &signed_in);
    let started = app
        .send(
            Method::POST,
            "/auth/mfa/totp",
            Some(&me),
            Some(json!({"accessToken": signed_in.access_token})),
        )
        .await;
    assert_eq!(started.status, 200, "{started:#?}");
    assert_eq!(started.header("cache-control").as_deref(), Some("no-store"));
    let secret = started.body["secret"].as_str().expect("secret").to_owned();
    let uri = started.body["otpauthUri"].as_str().expect("otpauthUri");
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}&")), "{uri}");
    assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"), "{uri}");
    assert!(
        uri.contains(&patient.email.to_lowercase().replace('@', "%40")),
        "the account's email labels it: {uri}"
    );

    // A wrong-format code is refused before Cognito sees it.
    let malformed = app
        .send(
            Method::POST,
            "/auth/mfa/totp/verify",
            Some(&me),
            Some(json!({"accessToken": signed_in.access_token, "code": "12ab"})),
        )
        .await;
    assert_problem(&malformed, 422, Some("code"));

    let verified = app
        .send(
            Method::POST,
            "/auth/mfa/totp/verify",
            Some(&me),
            Some(json!({
                "accessToken": signed_in.access_token,
                "code": totp::code_now(&secret).expect("a TOTP"),
            })),
        )
        .await;
    assert_eq!(verified.status, 200, "{verified:#?}");
    let codes = verified.body["backupCodes"].as_array().expect("codes");
    assert_eq!(codes.len(), 10);
    assert!(
        codes
            .iter()
            .all(|code| code.as_str().is_some_and(is_backup_code)),
        "{codes:#?}"
    );
    assert_eq!(
        status(app, &me).await,
        json!({"enabled": true, "backupCodesLeft": 10, "requiredForRole": false})
    );
    // A second enrolment must wait for the first to be removed.
    let again = app
        .send(
            Method::POST,
            "/auth/mfa/totp",
            Some(&me),
            Some(json!({"accessToken": signed_in.access_token})),
        )
        .await;
    assert_problem(&again, 409, None);

    // The next sign-in asks for the app's code; a fresh one completes it.
    let challenged = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_eq!(challenged.status, 200, "{challenged:#?}");
    assert_eq!(challenged.body["challenge"], "SOFTWARE_TOKEN_MFA");
    let answered = app
        .send_public(
            fresh_client_address(),
            "/auth/mfa",
            json!({
                "email": patient.email,
                "session": challenged.body["session"],
                "code": totp::code_now(&secret).expect("a TOTP"),
            }),
            None,
        )
        .await;
    let tokens = tokens_of(&answered);
    assert_eq!(token_claims(&tokens.id_token)["custom:mfa"], "totp");
    assert!(answered.body.get("mfaSetupRequired").is_none());
    assert_eq!(patient_notices(app, &patient).await, ["turned-on"]);
}

#[tokio::test]
async fn a_backup_code_signs_in_once_and_turns_mfa_off() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let enrolled = app
        .enrol_mfa_through_api(&patient.actor, DEMO_PASSWORD)
        .await;
    let codes = &enrolled.backup_codes;

    // A wrong code (well formed) is a wrong answer, and changes nothing.
    let wrong = backup_sign_in(app, &patient.email, "ZZZZ-ZZZZ").await;
    assert_problem(&wrong, 401, None);
    assert_eq!(
        wrong.body["type"],
        "https://patient-portal.dev/problems/invalid-credentials"
    );
    assert_eq!(status(app, &enrolled.actor).await["backupCodesLeft"], 10);

    // The same code twice at once: exactly one sign-in gets through.
    let code = codes[0].to_lowercase().replace('-', "");
    let (first, second) = tokio::join!(
        backup_sign_in(app, &patient.email, &code),
        backup_sign_in(app, &patient.email, &codes[0]),
    );
    let (won, lost) = if first.status == 200 {
        (first, second)
    } else {
        (second, first)
    };
    assert_eq!(won.status, 200, "{won:#?}");
    assert_problem(&lost, 401, None);
    assert_eq!(won.body["mfaTurnedOff"], true);
    let tokens = tokens_of(&won);
    assert!(token_claims(&tokens.id_token).get("custom:mfa").is_none());

    // Used: never again (MFA is off, and the set is gone).
    let reused = backup_sign_in(app, &patient.email, &codes[0]).await;
    assert_problem(&reused, 401, None);
    let unused = backup_sign_in(app, &patient.email, &codes[1]).await;
    assert_problem(&unused, 401, None);

    let me = actor(&patient.email, &tokens);
    assert_eq!(
        status(app, &me).await,
        json!({"enabled": false, "backupCodesLeft": 0, "requiredForRole": false})
    );
    // The password alone signs in now.
    let plain = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert!(plain.body["idToken"].is_string(), "{plain:#?}");
    assert_eq!(
        patient_notices(app, &patient).await,
        ["turned-on", "backup-code-used"]
    );
    // Nothing of the codes or the secret is in the notice.
    let records = app.outbox_where("template", "mfa-changed").await;
    let text = serde_json::to_string(&records).expect("json");
    assert!(!text.contains(&codes[0]) && !text.contains(&enrolled.secret));

    // A wrong password with a valid-looking code is the same 401.
    let wrong_password = app
        .send_public(
            fresh_client_address(),
            "/auth/sign-in/backup-code",
            json!({"email": patient.email, "password": "Wrong-Password-2026!", "backupCode": codes[2]}),
            None,
        )
        .await;
    assert_problem(&wrong_password, 401, None);
}

#[tokio::test]
async fn a_new_set_of_backup_codes_replaces_the_old_one() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let enrolled = app
        .enrol_mfa_through_api(&patient.actor, DEMO_PASSWORD)
        .await;
    let renewed = app
        .send(
            Method::POST,
            "/auth/mfa/backup-codes",
            Some(&enrolled.actor),
            None,
        )
        .await;
    assert_eq!(renewed.status, 200, "{renewed:#?}");
    let new_codes: Vec<String> = renewed.body["backupCodes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    assert_eq!(new_codes.len(), 10);
    assert!(new_codes.iter().all(|c| !enrolled.backup_codes.contains(c)));

    let old = backup_sign_in(app, &patient.email, &enrolled.backup_codes[0]).await;
    assert_problem(&old, 401, None);
    let new = backup_sign_in(app, &patient.email, &new_codes[0]).await;
    assert_eq!(new.status, 200, "{new:#?}");

    // With MFA off there is nothing for backup codes to stand in for.
    let me = actor(&patient.email, &tokens_of(&new));
    let none = app
        .send(Method::POST, "/auth/mfa/backup-codes", Some(&me), None)
        .await;
    assert_problem(&none, 409, None);
}

#[tokio::test]
async fn the_holder_removes_the_app_and_staff_cannot() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let enrolled = app
        .enrol_mfa_through_api(&patient.actor, DEMO_PASSWORD)
        .await;
    // The sign-in after the enrolment is a fresh one (the password was typed just now); an
    // old one is refused `fresh-sign-in-required` (unit-tested in the auth function: moto cannot
    // issue a token with an old `auth_time`).
    let removed = app
        .send(
            Method::DELETE,
            "/auth/mfa/totp",
            Some(&enrolled.actor),
            None,
        )
        .await;
    assert_eq!(removed.status, 204, "{removed:#?}");
    assert_eq!(status(app, &enrolled.actor).await["enabled"], false);
    let plain = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert!(plain.body["idToken"].is_string(), "{plain:#?}");
    // Done already: done again.
    let again = app
        .send(
            Method::DELETE,
            "/auth/mfa/totp",
            Some(&enrolled.actor),
            None,
        )
        .await;
    assert_eq!(again.status, 204, "{again:#?}");
    assert_eq!(
        patient_notices(app, &patient).await,
        ["turned-on", "turned-off"]
    );

    // Staff keep theirs: an administrator resets it.
    let clinician = app.new_staff("mfaremove", &["clinicians"]).await;
    let refused = app
        .send(Method::DELETE, "/auth/mfa/totp", Some(&clinician), None)
        .await;
    assert_problem(&refused, 403, None);
    assert_eq!(
        refused.body["type"],
        "https://patient-portal.dev/problems/forbidden"
    );
    let staff_status = status(app, &clinician).await;
    assert_eq!(staff_status["requiredForRole"], true);
}

#[tokio::test]
async fn the_front_desk_resets_a_patients_app() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    app.enrol_mfa_through_api(&patient.actor, DEMO_PASSWORD)
        .await;
    let path = format!("/staff/patients/{}/mfa/reset", patient.id);

    let anonymous = app.send(Method::POST, &path, None, None).await;
    assert_problem(&anonymous, 401, None);
    let clinician = app
        .send(Method::POST, &path, Some(&app.clinician), None)
        .await;
    assert_problem(&clinician, 403, None);
    let own = app
        .send(Method::POST, &path, Some(&patient.actor), None)
        .await;
    assert_problem(&own, 403, None);
    let unknown = app
        .send(
            Method::POST,
            &format!("/staff/patients/{}/mfa/reset", ulid::Ulid::generate()),
            Some(&app.front_desk),
            None,
        )
        .await;
    assert_problem(&unknown, 404, None);
    // Still on after the refusals.
    assert_eq!(
        app.sign_in_through_api(&patient.email, DEMO_PASSWORD)
            .await
            .body["challenge"],
        "SOFTWARE_TOKEN_MFA"
    );

    let reset = app
        .send(Method::POST, &path, Some(&app.front_desk), None)
        .await;
    assert_eq!(reset.status, 204, "{reset:#?}");
    let plain = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    let tokens = tokens_of(&plain);
    assert!(token_claims(&tokens.id_token).get("custom:mfa").is_none());
    // Safe to repeat; nothing was on any more, so the patient is told once.
    let again = app
        .send(Method::POST, &path, Some(&app.front_desk), None)
        .await;
    assert_eq!(again.status, 204, "{again:#?}");
    assert_eq!(
        patient_notices(app, &patient).await,
        ["turned-on", "reset-by-practice"]
    );

    // The patient's access log shows who did it.
    let log = app
        .get(
            &format!("/patients/{}/access-log", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(log.status, 200, "{log:#?}");
    let text = log.body.to_string();
    assert!(
        text.contains("Turned off the portal account's authenticator app"),
        "{log:#?}"
    );
    let events = app.audit_events(&patient.id).await;
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "mfa.reset" && e["outcome"] == "allowed"),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "mfa.reset" && e["outcome"] == "denied"),
        "the clinician's refusal is audited too: {events:#?}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let signed_in = sign_in(app, &patient.email).await;
    let theirs = sign_in(app, &other.email).await;
    let me = actor(&patient.email, &signed_in);

    let cases: Vec<(&str, Value, &str)> = vec![
        ("/auth/mfa/totp", json!({}), "accessToken"),
        ("/auth/mfa/totp", json!({"accessToken": ""}), "accessToken"),
        (
            "/auth/mfa/totp",
            json!({"accessToken": theirs.access_token}),
            "accessToken",
        ),
        (
            "/auth/mfa/totp",
            json!({"accessToken": signed_in.id_token}),
            "accessToken",
        ),
        (
            "/auth/mfa/totp",
            json!({"accessToken": signed_in.access_token, "extra": 1}),
            "extra",
        ),
        (
            "/auth/mfa/totp/verify",
            json!({"accessToken": signed_in.access_token}),
            "code",
        ),
        (
            "/auth/mfa/totp/verify",
            json!({"accessToken": signed_in.access_token, "code": "1234567"}),
            "code",
        ),
        (
            "/auth/mfa/totp/verify",
            json!({"accessToken": signed_in.access_token, "code": "123456", "deviceName": "x".repeat(65)}),
            "deviceName",
        ),
        (
            "/auth/mfa/totp/verify",
            json!({"accessToken": theirs.access_token, "code": "123456"}),
            "accessToken",
        ),
    ];
    for (path, body, field) in cases {
        let reply = app
            .send(Method::POST, path, Some(&me), Some(body.clone()))
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    // Nothing was written.
    assert_eq!(status(app, &me).await["enabled"], false);

    let public_cases: Vec<(Value, &str)> = vec![
        (
            json!({"email": patient.email, "password": DEMO_PASSWORD, "backupCode": "nope"}),
            "backupCode",
        ),
        (
            json!({"email": patient.email, "password": DEMO_PASSWORD}),
            "backupCode",
        ),
        (
            json!({"email": "not-an-email", "password": DEMO_PASSWORD, "backupCode": "ABCD-EFGH"}),
            "email",
        ),
        (
            json!({"email": patient.email, "password": "", "backupCode": "ABCD-EFGH"}),
            "password",
        ),
    ];
    for (body, field) in public_cases {
        let reply = app
            .send_public(
                fresh_client_address(),
                "/auth/sign-in/backup-code",
                body,
                None,
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
}

#[tokio::test]
async fn the_account_routes_need_a_token() {
    let app = spawn_app().await;
    for (method, path) in [
        (Method::GET, "/auth/mfa"),
        (Method::POST, "/auth/mfa/totp"),
        (Method::POST, "/auth/mfa/totp/verify"),
        (Method::DELETE, "/auth/mfa/totp"),
        (Method::POST, "/auth/mfa/backup-codes"),
    ] {
        let body = (method == Method::POST).then(|| json!({}));
        let reply = app.send(method.clone(), path, None, body).await;
        assert_problem(&reply, 401, None);
    }
}

#[tokio::test]
async fn a_staff_member_without_mfa_is_told_to_enrol_and_can() {
    let app = spawn_app().await;
    let email = format!("mfa-new-{}@staff.portal.test", ulid::Ulid::generate()).to_lowercase();
    let created = email.clone();
    app.on_stack(move |stack| async move {
        identity::create_staff_user_without_mfa(
            &stack,
            &created,
            "Test",
            "Newcomer",
            &["clinicians"],
            DEMO_PASSWORD,
        )
        .await
    })
    .await
    .expect("a staff member without MFA");

    let first = app.sign_in_through_api(&email, DEMO_PASSWORD).await;
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(first.body["mfaSetupRequired"], true, "{first:#?}");
    let signed_in = tokens_of(&first);
    let me = actor(&email, &signed_in);
    assert_eq!(
        status(app, &me).await,
        json!({"enabled": false, "backupCodesLeft": 0, "requiredForRole": true})
    );

    // The enrolment routes answer staff without MFA (they are how staff enrol).
    app.add_authenticator(&me, &signed_in.access_token).await;

    // The refreshed ID token carries custom:mfa, and the flag is gone.
    let refresh_token = first.body["refreshToken"].as_str().expect("refreshToken");
    let refreshed = app
        .send_public(
            fresh_client_address(),
            "/auth/refresh",
            json!({"refreshToken": refresh_token}),
            None,
        )
        .await;
    assert_eq!(refreshed.status, 200, "{refreshed:#?}");
    assert!(
        refreshed.body.get("mfaSetupRequired").is_none(),
        "{refreshed:#?}"
    );
    let id_token = refreshed.body["idToken"].as_str().expect("idToken");
    assert_eq!(token_claims(id_token)["custom:mfa"], "totp");

    // A patient's sign-in never carries the flag.
    let patient = app.new_patient().await;
    let plain = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert!(plain.body.get("mfaSetupRequired").is_none(), "{plain:#?}");
}

// ---- the authorisation matrix's requests (platform::authz_matrix) ---------------------------

/// The account routes are the caller's own: sent with the caller's token as they are (not
/// through the public routes' per-client path).
pub const ACCOUNT_ROUTES: &[(&str, &str)] = &[
    ("GET", "/auth/mfa"),
    ("POST", "/auth/mfa/totp"),
    ("POST", "/auth/mfa/totp/verify"),
    ("DELETE", "/auth/mfa/totp"),
    ("POST", "/auth/mfa/backup-codes"),
];

/// The account routes whose answer depends on the caller's own app (on or off) and on how
/// recently they typed their password (removing the app, new backup codes): in the matrix,
/// every signed-in caller but the patients is a new account of the column's kind, with an
/// app, signed in just now, so each cell has one answer. (The case's own patient is enrolled
/// by its request and signed in just now; the other patient never enrols.)
pub const FRESH_ENROLLED_CALLER_ROUTES: &[(&str, &str)] = &[
    ("DELETE", "/auth/mfa/totp"),
    ("POST", "/auth/mfa/backup-codes"),
];

/// Every route of this feature, for `request_for`.
pub const MATRIX_ROUTES: &[(&str, &str)] = &[
    ("GET", "/auth/mfa"),
    ("POST", "/auth/mfa/totp"),
    ("POST", "/auth/mfa/totp/verify"),
    ("DELETE", "/auth/mfa/totp"),
    ("POST", "/auth/mfa/backup-codes"),
    ("POST", "/auth/sign-in/backup-code"),
    ("POST", "/staff/patients/{patientId}/mfa/reset"),
];

/// A request to `route` that succeeds for `patient` (the matrix's own patient): method, path
/// and body. The access token in a body is the patient's own (any other caller: 422).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> (Method, String, Option<Value>) {
    match route {
        ("GET", "/auth/mfa") => (Method::GET, "/auth/mfa".into(), None),
        ("POST", "/auth/mfa/totp") => {
            let signed_in = sign_in(app, &patient.email).await;
            (
                Method::POST,
                "/auth/mfa/totp".into(),
                Some(json!({"accessToken": signed_in.access_token})),
            )
        }
        ("POST", "/auth/mfa/totp/verify") => {
            let signed_in = sign_in(app, &patient.email).await;
            let me = actor(&patient.email, &signed_in);
            let secret = app.start_mfa_enrolment(&me, &signed_in.access_token).await;
            (
                Method::POST,
                "/auth/mfa/totp/verify".into(),
                Some(json!({
                    "accessToken": signed_in.access_token,
                    "code": totp::code_now(&secret).expect("a TOTP"),
                })),
            )
        }
        ("DELETE", "/auth/mfa/totp") => {
            app.enrol_mfa_through_api(&patient.actor, DEMO_PASSWORD)
                .await;
            (Method::DELETE, "/auth/mfa/totp".into(), None)
        }
        ("POST", "/auth/mfa/backup-codes") => {
            app.enrol_mfa_through_api(&patient.actor, DEMO_PASSWORD)
                .await;
            (Method::POST, "/auth/mfa/backup-codes".into(), None)
        }
        ("POST", "/auth/sign-in/backup-code") => {
            let enrolled = app
                .enrol_mfa_through_api(&patient.actor, DEMO_PASSWORD)
                .await;
            (
                Method::POST,
                "/auth/sign-in/backup-code".into(),
                Some(json!({
                    "email": patient.email,
                    "password": DEMO_PASSWORD,
                    "backupCode": enrolled.backup_codes[0],
                })),
            )
        }
        ("POST", "/staff/patients/{patientId}/mfa/reset") => (
            Method::POST,
            format!("/staff/patients/{}/mfa/reset", patient.id),
            None,
        ),
        other => panic!("not an MFA route: {other:?}"),
    }
}
