//! An invitation emails its code to the invitee: an outbox record written with the invitation,
//! addressed to the invited email, holding the code and no one's name. A refused or retried
//! invitation writes no other.

use portal_tests::{
    Method, TestApp, assert_problem, invitation_body, spawn_app, unique_carer_email,
};
use serde_json::{Value, json};

/// The invitation emails in the outbox addressed to `email` (compared as the portal compares
/// invited addresses: lower case).
async fn emailed_to(app: &TestApp, email: &str) -> Vec<Value> {
    app.outbox_where("template", "care-circle-invitation")
        .await
        .into_iter()
        .filter(|note| {
            note["recipient"]["kind"] == "invitee"
                && note["recipient"]["email"]
                    .as_str()
                    .is_some_and(|to| to.eq_ignore_ascii_case(email))
        })
        .collect()
}

#[tokio::test]
async fn an_invitation_emails_the_code_to_the_invitee_and_names_no_one() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let email = unique_carer_email();
    let mut body = invitation_body(&email.to_uppercase());
    body["name"] = json!("Sam Carer");
    let invited = app
        .send(
            Method::POST,
            &format!("/patients/{}/care-circle", patient.id),
            Some(&patient.actor),
            Some(body),
        )
        .await;
    assert_eq!(invited.status, 201, "{invited:#?}");
    let code = invited.body["code"].as_str().expect("still shown once");
    let invitation = invited.body["invitationId"].as_str().expect("id");

    let sent = emailed_to(app, &email).await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let note = &sent[0];
    assert_eq!(note["invitationId"], invitation, "{note}");
    // The sender removes the code once it has sent it.
    assert!(note.get("code").is_none_or(|held| held == code), "{note}");
    assert!(note["codeExpires"].is_string(), "{note}");
    assert_eq!(
        note["recipient"]["patientId"],
        patient.id.as_str(),
        "{note}"
    );
    let text = note.to_string();
    for name in [patient.family.as_str(), "Ana", "Sam Carer"] {
        assert!(!text.contains(name), "{name} in {text}");
    }
}

#[tokio::test]
async fn a_refused_or_retried_invitation_sends_one_email_at_most() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = format!("/patients/{}/care-circle", patient.id);

    let refused_email = unique_carer_email();
    let mut bad = invitation_body(&refused_email);
    bad["scopes"] = json!(["everything"]);
    let refused = app
        .send(Method::POST, &path, Some(&patient.actor), Some(bad))
        .await;
    assert_problem(&refused, 422, None);
    assert!(emailed_to(app, &refused_email).await.is_empty());

    let email = unique_carer_email();
    let key = format!("invite-{}", ulid::Ulid::generate());
    for _ in 0..2 {
        let reply = app
            .send_with_headers(
                Method::POST,
                &path,
                &patient.actor,
                invitation_body(&email),
                &[("Idempotency-Key", key.as_str())],
            )
            .await;
        assert_eq!(reply.status, 201, "{reply:#?}");
    }
    assert_eq!(emailed_to(app, &email).await.len(), 1);
}
