//! The sender, end to end: a change writes an outbox record, the table's stream carries it to
//! the notification sender (run by the local stack as Lambda would), and the emulated SES and
//! SNS hold what was really sent. Nothing in a notification may identify the patient's health:
//! no name, no message text, no subject, no visit reason.

use std::time::Duration;

use portal_tests::{Method, Patient, TestApp, assert_problem, fresh_client_address, spawn_app};
use serde_json::{Value, json};

use crate::appointments::support::{booked, offered};
use crate::notifications::support::{put_preferences, read_preferences, settled_delivery};

fn conversations(patient: &Patient) -> String {
    format!("/patients/{}/conversations", patient.id)
}

/// The patient asks, a clinician answers: the answer is what the patient is told about.
async fn clinician_answers(
    app: &TestApp,
    patient: &Patient,
    question: &str,
    answer: &str,
) -> String {
    let started = app
        .send(
            Method::POST,
            &conversations(patient),
            Some(&patient.actor),
            Some(json!({"category": "medical-question", "subject": format!("About {question}"), "message": question})),
        )
        .await;
    assert_eq!(started.status, 201, "{started:#?}");
    let conversation = started.body["conversation"]["conversationId"]
        .as_str()
        .expect("conversationId")
        .to_owned();
    let replied = app
        .send(
            Method::POST,
            &format!("{}/{conversation}/messages", conversations(patient)),
            Some(&app.clinician),
            Some(json!({"message": answer})),
        )
        .await;
    assert_eq!(replied.status, 201, "{replied:#?}");
    conversation
}

/// Nothing about the patient or what they wrote is in what was sent.
fn assert_no_phi(sent: &str, patient: &Patient, secrets: &[&str]) {
    for secret in [patient.family.as_str(), "Ana"].iter().chain(secrets) {
        assert!(
            !sent.to_lowercase().contains(&secret.to_lowercase()),
            "a notification holds {secret:?}: {sent}"
        );
    }
}

#[tokio::test]
async fn a_clinicians_answer_emails_the_patient_a_link_and_nothing_else() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let question = "Is the rash on my elbow from metformin";
    let answer = "Please stop the metformin and come in on Tuesday";
    let conversation = clinician_answers(app, &patient, question, answer).await;

    let emails = app.wait_for_emails(&patient.email, 1).await;
    assert_eq!(emails.len(), 1, "one answer, one email: {emails:#?}");
    let email = &emails[0];
    assert_eq!(email.source, "portal@example.org");
    let sent = format!("{}\n{}", email.subject, email.body);
    assert_no_phi(
        &sent,
        &patient,
        &[question, answer, "metformin", "rash", "elbow"],
    );
    assert!(
        email.body.contains(&conversation),
        "the email links to the conversation: {}",
        email.body
    );
    assert!(
        email.body.contains("/unsubscribe?token="),
        "a message notice can be unsubscribed from: {}",
        email.body
    );

    let delivery = settled_delivery(app, &patient, "new-portal-message").await;
    assert_eq!(delivery["status"], "sent", "{delivery:#?}");
    assert_eq!(delivery["channel"], "email");
    assert_eq!(delivery["recipient"], "patient");
    assert!(delivery.get("address").is_none() && delivery.get("body").is_none());
}

#[tokio::test]
async fn a_spanish_speaking_patient_is_told_in_spanish() {
    let app = spawn_app().await;
    let english = app.new_patient().await;
    let spanish = app.new_patient().await;
    let profile = app
        .get(&format!("/patients/{}/profile", spanish.id), &spanish.actor)
        .await;
    let etag = profile.header("etag").expect("etag");
    let changed = app
        .patch(
            &format!("/patients/{}/profile", spanish.id),
            &spanish.actor,
            &etag,
            json!({"language": "es"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:#?}");

    clinician_answers(app, &english, "q", "a").await;
    clinician_answers(app, &spanish, "q", "a").await;
    let to_english = app.wait_for_emails(&english.email, 1).await;
    let to_spanish = app.wait_for_emails(&spanish.email, 1).await;
    assert_ne!(
        to_english[0].subject, to_spanish[0].subject,
        "the same notice in another language"
    );
    assert!(
        to_spanish[0].body.contains("lang=\"es\""),
        "{}",
        to_spanish[0].body
    );
}

#[tokio::test]
async fn a_duplicate_stream_delivery_sends_nothing_twice() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let conversation = clinician_answers(app, &patient, "q", "a").await;
    app.wait_for_emails(&patient.email, 1).await;
    settled_delivery(app, &patient, "new-portal-message").await;

    // The stream delivers at least once: the same record again, twice at once.
    let outbox = app.outbox_where("conversationId", &conversation).await;
    let to_patient: Vec<&Value> = outbox
        .iter()
        .filter(|record| record["recipient"]["kind"] == "patient")
        .collect();
    assert_eq!(to_patient.len(), 1, "{outbox:#?}");
    let record = to_patient[0].clone();
    let (first, second) = tokio::join!(app.deliver_again(&record), app.deliver_again(&record));
    assert!(
        first.is_empty() && second.is_empty(),
        "a duplicate is not a failure"
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(app.emails_to(&patient.email).await.len(), 1);
}

#[tokio::test]
async fn a_kind_turned_off_is_not_sent_and_the_history_says_why() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let saved = put_preferences(
        app,
        &patient.id,
        &patient.actor,
        json!({"channels": {"new-portal-message": "none"}}),
    )
    .await;
    assert_eq!(saved.status, 200, "{saved:#?}");
    clinician_answers(app, &patient, "q", "a").await;

    let delivery = settled_delivery(app, &patient, "new-portal-message").await;
    assert_eq!(delivery["status"], "suppressed", "{delivery:#?}");
    assert_eq!(delivery["reason"], "preference");
    assert!(app.emails_to(&patient.email).await.is_empty());
}

#[tokio::test]
async fn a_bounce_suppresses_the_address_and_the_patient_sees_it() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    app.publish_ses_event(permanent_bounce(&patient.email.to_uppercase()))
        .await;

    let preferences = read_preferences(app, &patient.id, &patient.actor).await;
    assert_eq!(preferences.status, 200, "{preferences:#?}");
    assert_eq!(
        preferences.body["contacts"]["email"]["status"],
        "undeliverable"
    );

    clinician_answers(app, &patient, "q", "a").await;
    let delivery = settled_delivery(app, &patient, "new-portal-message").await;
    assert_eq!(delivery["status"], "suppressed", "{delivery:#?}");
    assert_eq!(delivery["reason"], "undeliverable");
    assert!(app.emails_to(&patient.email).await.is_empty());
}

#[tokio::test]
async fn mail_refused_every_attempt_ends_in_the_failure_destination() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let before = app.notification_failures().await.len();
    app.throttle_mail_to(&patient.email).await;
    clinician_answers(app, &patient, "q", "a").await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let failures = loop {
        let failures = app.notification_failures().await;
        if failures.len() > before || tokio::time::Instant::now() > deadline {
            break failures;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    app.accept_mail(&patient.email).await;
    assert!(
        failures.len() > before,
        "nothing reached the failure destination"
    );
    let info = &failures.last().expect("a failure")["DDBStreamBatchInfo"];
    assert!(info["startSequenceNumber"].is_string(), "{info:#?}");
    assert_eq!(
        failures.last().expect("a failure")["requestContext"]["condition"],
        "RetryAttemptsExhausted"
    );
    assert!(app.emails_to(&patient.email).await.is_empty());
}

#[tokio::test]
async fn the_front_desk_emails_an_activation_code_and_the_patient_activates_with_it() {
    let app = spawn_app().await;
    let (patient_id, family) = app.register_patient().await;
    let email = format!("{}@patients.portal.test", family.to_lowercase());
    let issued = app
        .send(
            Method::POST,
            &format!("/staff/patients/{patient_id}/activation-codes"),
            Some(&app.front_desk),
            Some(json!({"deliverBy": "email"})),
        )
        .await;
    assert_eq!(issued.status, 201, "{issued:#?}");
    assert!(issued.body.get("code").is_none(), "{issued:#?}");

    let emails = app.wait_for_emails(&email, 1).await;
    let body = &emails[0].body;
    assert!(!body.contains(&family), "{body}");
    let code = code_in(body).expect("the email holds the code");
    let activated = app
        .send_public(
            fresh_client_address(),
            "/auth/activate",
            json!({"code": code, "dateOfBirth": "1984-03-12", "email": email, "password": "Correct-Horse-9!"}),
            None,
        )
        .await;
    assert!(
        activated.status < 300,
        "activating with the emailed code: {activated:#?}"
    );
}

/// SES reports that mail to `address` bounced for good.
fn permanent_bounce(address: &str) -> Value {
    json!({
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": address}],
            "timestamp": "2026-12-07T10:00:00.000Z",
        },
        "mail": {
            "timestamp": "2026-12-07T09:59:59.000Z",
            "source": "portal@example.org",
            "messageId": "0100018c-bounce",
            "destination": [address],
        },
    })
}

#[tokio::test]
async fn no_activation_code_is_sent_to_an_address_that_bounced() {
    let app = spawn_app().await;
    let (patient_id, family) = app.register_patient().await;
    let email = format!("{}@patients.portal.test", family.to_lowercase());
    app.publish_ses_event(permanent_bounce(&email)).await;
    let refused = app
        .send(
            Method::POST,
            &format!("/staff/patients/{patient_id}/activation-codes"),
            Some(&app.front_desk),
            Some(json!({"deliverBy": "email"})),
        )
        .await;
    assert_problem(&refused, 422, Some("deliverBy"));
    let codes = app
        .get(
            &format!("/staff/patients/{patient_id}/activation-codes"),
            &app.front_desk,
        )
        .await;
    assert_eq!(
        codes.body["items"].as_array().map(Vec::len),
        Some(0),
        "{codes:#?}"
    );
    // The front desk can still show the code, to print.
    let shown = app
        .send(
            Method::POST,
            &format!("/staff/patients/{patient_id}/activation-codes"),
            Some(&app.front_desk),
            Some(json!({})),
        )
        .await;
    assert_eq!(shown.status, 201, "{shown:#?}");
    assert!(shown.body["code"].is_string());
}

#[tokio::test]
async fn a_care_circle_invitation_emails_the_code_to_the_invitee() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let emails = app.wait_for_emails(&invitation.email, 1).await;
    let body = &emails[0].body;
    assert_eq!(
        code_in(body).as_deref(),
        Some(invitation.code.as_str()),
        "{body}"
    );
    assert_no_phi(body, &patient, &[]);
}

/// A mobile number no other test's patient has (every registration gets the same one).
async fn give_own_phone(app: &TestApp, patient: &Patient) -> String {
    let phone = format!("+1555{:07}", ulid::Ulid::generate().random() % 10_000_000);
    let profile = app
        .get(&format!("/patients/{}/profile", patient.id), &patient.actor)
        .await;
    let etag = profile.header("etag").expect("etag");
    let mut contact = profile.body["contact"].clone();
    contact["phone"] = json!(phone);
    let changed = app
        .patch(
            &format!("/patients/{}/profile", patient.id),
            &patient.actor,
            &etag,
            json!({"contact": contact}),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:#?}");
    phone
}

#[tokio::test]
async fn a_booking_email_says_when_and_nothing_about_the_visit() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    booked(app, &patient.id, 72).await;
    let emails = app.wait_for_emails(&patient.email, 1).await;
    let sent = format!("{}\n{}", emails[0].subject, emails[0].body);
    // `booked` gives the reason "Blood pressure check" and a provider named in the directory.
    assert_no_phi(&sent, &patient, &["Blood pressure", "follow-up", "Dr."]);
    let delivery = settled_delivery(app, &patient, "appointment-booked").await;
    assert_eq!(delivery["status"], "sent", "{delivery:#?}");
}

#[tokio::test]
async fn a_waitlist_offer_goes_out_as_a_text_with_its_expiry() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let phone = give_own_phone(app, &patient).await;
    offered(app, &patient.id).await;
    let delivery = settled_delivery(app, &patient, "waitlist-offer").await;
    assert_eq!(delivery["channel"], "sms", "{delivery:#?}");
    assert_eq!(delivery["status"], "sent", "{delivery:#?}");
    let texts = app.wait_for_texts(&phone, 1).await;
    let text = &texts[0].message;
    assert!(text.len() < 320, "{text}");
    assert_no_phi(text, &patient, &["Blood pressure", "follow-up"]);
}

/// An activation or invitation code (`XXXXX-XXXXX`, Crockford's alphabet) in a text.
fn code_in(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let is_code_char = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase();
    (0..chars.len().saturating_sub(10)).find_map(|i| {
        let candidate: String = chars[i..i + 11].iter().collect();
        let (left, right) = candidate.split_at(5);
        let before_ok = i == 0 || !is_code_char(chars[i - 1]);
        let after_ok = chars.get(i + 11).is_none_or(|c| !is_code_char(*c));
        (before_ok
            && after_ok
            && left.chars().all(is_code_char)
            && right.starts_with('-')
            && right[1..].chars().all(is_code_char))
        .then_some(candidate)
    })
}
