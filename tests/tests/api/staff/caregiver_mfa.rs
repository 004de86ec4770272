//! The front desk resets a caregiver's authenticator app (`POST
//! /staff/caregivers/{caregiverSub}/mfa/reset`): a caregiver who lost their phone and their
//! backup codes signs in with the password alone afterwards, is told at their own address
//! (`mfa-changed`, `reset-by-practice`), and each patient they act for sees it in their access
//! log. Front desk only; a sub without a grant is 404; a repeat is 204 and tells no one again.
//! Every test resets caregivers it made itself.

use portal_local::identity::DEMO_PASSWORD;
use portal_tests::{
    Actor, Method, Patient, Reply, TestApp, assert_problem, fresh_client_address, spawn_app,
};
use serde_json::{Value, json};

fn reset_path(sub: &str) -> String {
    format!("/staff/caregivers/{sub}/mfa/reset")
}

async fn reset(app: &TestApp, sub: &str, who: Option<&Actor>) -> Reply {
    app.send(Method::POST, &reset_path(sub), who, None).await
}

/// A new caregiver of `patient` (their own account, through a real invitation), signed in.
async fn caregiver_of(app: &TestApp, patient: &Patient) -> Actor {
    let invitation = app.invite_caregiver(&patient.id, &app.front_desk).await;
    app.accept_as_new_caregiver(&invitation).await
}

/// `carer` enrols an authenticator app (as the harness enrols) and gets a set of backup codes
/// with that fresh sign-in; the caregiver signed in with the app.
async fn enrolled(app: &TestApp, carer: &Actor) -> Actor {
    let (signed_in, _secret) = app.enrol_mfa(carer, DEMO_PASSWORD).await;
    let codes = app
        .send(
            Method::POST,
            "/auth/mfa/backup-codes",
            Some(&signed_in),
            None,
        )
        .await;
    assert_eq!(codes.status, 200, "{codes:#?}");
    assert_eq!(
        mfa_status(app, &signed_in).await,
        json!({"enabled": true, "backupCodesLeft": 10, "requiredForRole": false})
    );
    signed_in
}

async fn mfa_status(app: &TestApp, who: &Actor) -> Value {
    let reply = app.get("/auth/mfa", who).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

/// `/auth/sign-in` with the demo password, answered as it is (no code sent).
async fn password_sign_in(app: &TestApp, email: &str) -> Reply {
    app.send_public(
        fresh_client_address(),
        "/auth/sign-in",
        json!({"email": email, "password": DEMO_PASSWORD}),
        None,
    )
    .await
}

/// The `mfa-changed` notices to the account `sub`, as their `change`s, oldest first.
async fn account_notices(app: &TestApp, sub: &str) -> Vec<String> {
    app.outbox_where("template", "mfa-changed")
        .await
        .into_iter()
        .filter(|record| record["recipient"]["sub"] == sub)
        .map(|record| record["change"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_front_desk_resets_a_caregivers_app_and_they_sign_in_with_the_password() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let carer = caregiver_of(app, &patient).await;
    enrolled(app, &carer).await;
    assert_eq!(
        password_sign_in(app, &carer.email).await.body["challenge"],
        "SOFTWARE_TOKEN_MFA"
    );

    let reply = reset(app, &carer.sub, Some(&app.front_desk)).await;
    assert_eq!(reply.status, 204, "{reply:#?}");
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));

    // The password alone signs in now; the new token says nothing of MFA, no codes are left.
    let plain = password_sign_in(app, &carer.email).await;
    assert_eq!(plain.status, 200, "{plain:#?}");
    assert!(plain.body.get("challenge").is_none(), "{plain:#?}");
    let token = plain.body["idToken"].as_str().expect("idToken").to_owned();
    let me = Actor {
        email: carer.email.clone(),
        sub: carer.sub.clone(),
        token,
    };
    assert_eq!(
        mfa_status(app, &me).await,
        json!({"enabled": false, "backupCodesLeft": 0, "requiredForRole": false})
    );
    // Their work for the patient goes on.
    assert_eq!(
        app.get(&format!("/patients/{}/profile", patient.id), &me)
            .await
            .status,
        200
    );

    // Told at their own address, once.
    assert_eq!(
        account_notices(app, &carer.sub).await,
        ["reset-by-practice"]
    );
    // Audited on the patient they act for, and shown in the patient's access log as theirs.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "mfa.reset"
            && e["outcome"] == "allowed"
            && e["actorSub"] == app.front_desk.sub.as_str()
            && e["resource"] == format!("caregiver-mfa/{}", carer.sub)),
        "{events:#?}"
    );
    let log = app
        .get(
            &format!("/patients/{}/access-log", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(log.status, 200, "{log:#?}");
    assert!(
        log.body
            .to_string()
            .contains("Turned off the authenticator app of a caregiver who acts for you"),
        "{log:#?}"
    );
}

#[tokio::test]
async fn a_repeat_changes_nothing_and_tells_no_one_again() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let carer = caregiver_of(app, &patient).await;
    enrolled(app, &carer).await;
    for _ in 0..2 {
        let reply = reset(app, &carer.sub, Some(&app.front_desk)).await;
        assert_eq!(reply.status, 204, "{reply:#?}");
    }
    assert_eq!(
        account_notices(app, &carer.sub).await,
        ["reset-by-practice"]
    );
    // A caregiver who never enrolled: 204 all the same, and no notice.
    let never = caregiver_of(app, &patient).await;
    let reply = reset(app, &never.sub, Some(&app.front_desk)).await;
    assert_eq!(reply.status, 204, "{reply:#?}");
    assert!(account_notices(app, &never.sub).await.is_empty());
    assert_eq!(password_sign_in(app, &never.email).await.status, 200);
}

#[tokio::test]
async fn concurrent_resets_both_succeed_and_leave_it_off() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let carer = caregiver_of(app, &patient).await;
    enrolled(app, &carer).await;
    let (first, second) = tokio::join!(
        reset(app, &carer.sub, Some(&app.front_desk)),
        reset(app, &carer.sub, Some(&app.front_desk)),
    );
    assert_eq!(first.status, 204, "{first:#?}");
    assert_eq!(second.status, 204, "{second:#?}");
    let plain = password_sign_in(app, &carer.email).await;
    assert_eq!(plain.status, 200, "{plain:#?}");
    assert!(plain.body.get("challenge").is_none(), "{plain:#?}");
    // Both may have found it on; at least one told the caregiver.
    let notices = account_notices(app, &carer.sub).await;
    assert!(
        (1..=2).contains(&notices.len())
            && notices.iter().all(|change| change == "reset-by-practice"),
        "{notices:?}"
    );
}

#[tokio::test]
async fn unknown_or_malformed_caregivers_are_not_found() {
    let app = spawn_app().await;
    // Nobody's sub, a malformed one, and an account with no grant (the shared caregiver, whose
    // grants are not listed).
    for sub in ["nobody-at-all", "not%20a%20sub", app.caregiver.sub.as_str()] {
        assert_problem(&reset(app, sub, Some(&app.front_desk)).await, 404, None);
    }
    // Refused, and audited as refused in the front desk's own log.
    let events = app.actor_audit_events(&app.front_desk).await;
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "mfa.reset" && e["outcome"] == "denied"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn only_the_front_desk_resets_and_a_token_is_needed() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let carer = caregiver_of(app, &patient).await;
    enrolled(app, &carer).await;
    for who in [
        &app.clinician,
        &app.admin,
        &app.response_team,
        &app.portal_lead,
        &patient.actor,
        &carer,
    ] {
        assert_problem(&reset(app, &carer.sub, Some(who)).await, 403, None);
    }
    assert_problem(&reset(app, &carer.sub, None).await, 401, None);
    // Still on after every refusal, and nobody was told anything.
    assert_eq!(
        password_sign_in(app, &carer.email).await.body["challenge"],
        "SOFTWARE_TOKEN_MFA"
    );
    assert!(
        !account_notices(app, &carer.sub)
            .await
            .iter()
            .any(|change| change == "reset-by-practice")
    );
}

/// The authorisation matrix's request for the route: a new caregiver of `patient` (the front
/// desk's reset of them succeeds, 204, enrolled or not).
pub async fn matrix_request(app: &TestApp, patient: &Patient) -> (Method, String, Option<Value>) {
    let carer = caregiver_of(app, patient).await;
    (Method::POST, reset_path(&carer.sub), None)
}
