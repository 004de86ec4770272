//! The new sign-in notice: a sign-in from a client (user agent and network) the account has not
//! used in 90 days emails the account holder, and no one else; the email says when, never from
//! where or with what.

use std::net::IpAddr;
use std::time::Duration;

use portal_local::identity::DEMO_PASSWORD;
use portal_tests::{Actor, SentEmail, TestApp, fresh_client_address, spawn_app};
use serde_json::{Value, json};

const SUBJECT: &str = "New sign-in to your patient portal";
const BROWSER: &str = "PortalTest/1.0 (X11; Linux x86_64) Firefox/140.0";
const PHONE: &str = "PortalTest/1.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1";

async fn sign_in(app: &TestApp, email: &str, from: IpAddr, user_agent: &str) -> Value {
    let reply = app
        .send_public_as(
            from,
            user_agent,
            "/auth/sign-in",
            json!({"email": email, "password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(reply.status, 200, "signing in: {reply:#?}");
    reply.body
}

/// The sign-in notices in the outbox whose recipient has `field` = `value`.
async fn notices(app: &TestApp, field: &str, value: &str) -> Vec<Value> {
    app.outbox_where("template", "new-sign-in")
        .await
        .into_iter()
        .filter(|record| record["recipient"][field] == value)
        .collect()
}

fn sign_in_emails(emails: &[SentEmail]) -> Vec<&SentEmail> {
    emails
        .iter()
        .filter(|email| email.subject == SUBJECT)
        .collect()
}

/// Another address of the same /24 as `from`.
fn neighbour_of(from: IpAddr) -> IpAddr {
    let IpAddr::V4(v4) = from else {
        panic!("test addresses are IPv4")
    };
    let [a, b, c, d] = v4.octets();
    IpAddr::from([a, b, c, if d == 2 { 3 } else { 2 }])
}

async fn delivered_kinds(app: &TestApp, patient_id: &str) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/staff/patients/{patient_id}/notification-deliveries"),
            &app.front_desk,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|delivery| delivery["kind"].clone())
        .collect()
}

#[tokio::test]
async fn a_patient_is_told_once_per_new_client_and_never_from_where() {
    let app = spawn_app().await;
    // Made with Cognito directly: no sign-in through the API yet.
    let patient = app.new_patient().await;
    let from = fresh_client_address();

    sign_in(app, &patient.email, from, BROWSER).await;
    let emails = app.wait_for_emails(&patient.email, 1).await;
    let told = sign_in_emails(&emails);
    assert_eq!(told.len(), 1, "{emails:#?}");
    let body = &told[0].body;
    let network: String = from
        .to_string()
        .rsplit_once('.')
        .expect("IPv4")
        .0
        .to_owned();
    for shown in [
        from.to_string(),
        network,
        BROWSER.to_owned(),
        "Firefox".into(),
    ] {
        assert!(!body.contains(&shown), "the email shows {shown:?}: {body}");
    }
    // "Not you? Lock your account": the web app's lock page with the signed token.
    assert!(body.contains("/lock?token="), "{body}");
    assert!(body.contains("Lock your account"), "{body}");
    assert!(!body.contains("unsubscribe"), "a security notice: {body}");

    // The same browser again, from another address of the same network: a known client.
    sign_in(app, &patient.email, from, BROWSER).await;
    sign_in(app, &patient.email, neighbour_of(from), BROWSER).await;
    assert_eq!(notices(app, "patientId", &patient.id).await.len(), 1);

    // Another browser on the same network is a new client.
    sign_in(app, &patient.email, from, PHONE).await;
    let records = notices(app, "patientId", &patient.id).await;
    assert_eq!(records.len(), 2, "{records:#?}");
    for record in &records {
        let fields: Vec<&String> = record.as_object().expect("record").keys().collect();
        for field in ["ip", "sourceIp", "userAgent", "device", "location"] {
            assert!(record.get(field).is_none(), "{fields:?}");
        }
    }
    app.wait_for_emails(&patient.email, 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        sign_in_emails(&app.emails_to(&patient.email).await).len(),
        2
    );
}

#[tokio::test]
async fn the_mfa_answer_that_completes_a_sign_in_is_what_tells() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    sign_in(app, &patient.email, fresh_client_address(), BROWSER).await;
    let (_, secret) = app.enrol_mfa(&patient.actor, DEMO_PASSWORD).await;

    let from = fresh_client_address();
    let challenged = sign_in(app, &patient.email, from, PHONE).await;
    assert_eq!(challenged["challenge"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(
        notices(app, "patientId", &patient.id).await.len(),
        1,
        "a password alone has not signed in"
    );
    let answered = app
        .send_public_as(
            from,
            PHONE,
            "/auth/mfa",
            json!({
                "email": patient.email,
                "session": challenged["session"],
                "code": portal_local::totp::code_now(&secret).expect("a TOTP code"),
            }),
        )
        .await;
    assert_eq!(answered.status, 200, "{answered:#?}");
    assert!(answered.body["idToken"].is_string());
    assert_eq!(notices(app, "patientId", &patient.id).await.len(), 2);
    app.wait_for_emails(&patient.email, 2).await;
}

#[tokio::test]
async fn a_caregivers_new_sign_in_emails_the_caregiver_only() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    // Accepting signs the new caregiver in through the API: their first client.
    let carer: Actor = app.accept_as_new_caregiver(&invitation).await;
    sign_in(app, &carer.email, fresh_client_address(), PHONE).await;

    let records = notices(app, "sub", &carer.sub).await;
    assert_eq!(records.len(), 2, "{records:#?}");
    for record in &records {
        assert_eq!(record["recipient"]["kind"], "account", "{record:#?}");
        assert_eq!(record["recipient"]["email"], carer.email);
    }
    // The invitation and two sign-ins.
    let emails = app.wait_for_emails(&carer.email, 3).await;
    assert_eq!(sign_in_emails(&emails).len(), 2, "{emails:#?}");

    // Nothing of it reaches the patient: no notice, no email, no line in their history.
    assert!(notices(app, "patientId", &patient.id).await.is_empty());
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(sign_in_emails(&app.emails_to(&patient.email).await).is_empty());
    let kinds = delivered_kinds(app, &patient.id).await;
    assert!(!kinds.contains(&json!("new-sign-in")), "{kinds:#?}");
}
