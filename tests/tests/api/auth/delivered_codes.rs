//! Activation codes the front desk sends (`deliverBy`) rather than shows: the code goes into
//! the notification outbox in the transaction that creates it, to the contact on file, and the
//! response never shows it. A missing contact or an unknown channel writes nothing.

use portal_tests::{Method, Reply, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

fn codes_path(patient: &str) -> String {
    format!("/staff/patients/{patient}/activation-codes")
}

async fn issue(app: &TestApp, patient: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        &codes_path(patient),
        Some(&app.front_desk),
        Some(body),
    )
    .await
}

/// The activation invitations in the outbox for the patient, oldest first.
async fn sent_codes(app: &TestApp, patient: &str) -> Vec<Value> {
    app.outbox_where("template", "activation-invitation")
        .await
        .into_iter()
        .filter(|note| {
            note["recipient"]["kind"] == "patient" && note["recipient"]["patientId"] == patient
        })
        .collect()
}

async fn codes_listed(app: &TestApp, patient: &str) -> usize {
    let reply = app.get(&codes_path(patient), &app.front_desk).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").len()
}

#[tokio::test]
async fn a_code_sent_by_email_or_text_is_in_the_outbox_and_never_in_the_response() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    for channel in ["email", "sms"] {
        let reply = issue(app, &patient, json!({"deliverBy": channel})).await;
        assert_eq!(reply.status, 201, "{reply:#?}");
        assert_eq!(reply.body["deliveredBy"], channel, "{reply:#?}");
        assert!(reply.body.get("code").is_none(), "{reply:#?}");
        assert!(reply.body["codeId"].is_string() && reply.body["expires"].is_string());
        let sent = sent_codes(app, &patient).await;
        let note = sent.last().expect("a record");
        assert_eq!(note["channel"], channel, "{note}");
        assert_eq!(note["codeExpires"], reply.body["expires"], "{note}");
        assert!(!note.to_string().contains(&family), "no name: {note}");
    }
    let sent = sent_codes(app, &patient).await;
    assert_eq!(sent.len(), 2, "one per code: {sent:#?}");
    assert_eq!(codes_listed(app, &patient).await, 2);
    // That the emailed code activates the account: `notifications::sending`, which reads the
    // email the sender delivered (the sender strips the code from the record once sent).
}

#[tokio::test]
async fn without_the_contact_on_file_nothing_is_issued_or_sent() {
    let app = spawn_app().await;
    let (patient, _) = app.register_patient().await;
    app.set_profile_attribute(&patient, "contact", json!({"phone": "+15555550101"}))
        .await;
    let reply = issue(app, &patient, json!({"deliverBy": "email"})).await;
    assert_problem(&reply, 422, Some("deliverBy"));
    app.set_profile_attribute(
        &patient,
        "contact",
        json!({"email": "no.phone@example.org"}),
    )
    .await;
    let reply = issue(app, &patient, json!({"deliverBy": "sms"})).await;
    assert_problem(&reply, 422, Some("deliverBy"));
    for channel in ["fax", "", "EMAIL"] {
        let reply = issue(app, &patient, json!({"deliverBy": channel})).await;
        assert_problem(&reply, 422, Some("deliverBy"));
    }
    assert_eq!(codes_listed(app, &patient).await, 0, "no code item");
    assert!(
        sent_codes(app, &patient).await.is_empty(),
        "no outbox record"
    );

    // Shown once, as before, when nothing is to be sent.
    let shown = issue(app, &patient, json!({})).await;
    assert_eq!(shown.status, 201, "{shown:#?}");
    assert!(shown.body["code"].is_string());
    assert!(shown.body.get("deliveredBy").is_none(), "{shown:#?}");
    assert!(sent_codes(app, &patient).await.is_empty());
}

#[tokio::test]
async fn a_retried_send_issues_and_sends_one_code() {
    let app = spawn_app().await;
    let (patient, _) = app.register_patient().await;
    let key = format!("send-{}", ulid::Ulid::generate());
    let path = codes_path(&patient);
    let headers = [("Idempotency-Key", key.as_str())];
    let send = || {
        app.send_with_headers(
            Method::POST,
            &path,
            &app.front_desk,
            json!({"deliverBy": "email"}),
            &headers,
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{first:#?}");
    let retry = send().await;
    assert_eq!(retry.status, 201, "{retry:#?}");
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.body["codeId"], first.body["codeId"]);
    assert_eq!(retry.body["deliveredBy"], "email");
    assert!(retry.body.get("code").is_none(), "{retry:#?}");
    assert_eq!(codes_listed(app, &patient).await, 1);
    assert_eq!(sent_codes(app, &patient).await.len(), 1);
}
