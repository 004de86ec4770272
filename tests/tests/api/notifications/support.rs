//! What the notification suites share.

use std::time::Duration;

use portal_tests::{Actor, Method, Patient, Reply, TestApp};
use serde_json::Value;

/// The choosable kinds, as the API names them.
pub const KINDS: [&str; 13] = [
    "new-portal-message",
    "appointment-booked",
    "appointment-moved",
    "appointment-cancelled",
    "appointment-reminder",
    "waitlist-offer",
    "idea-status-changed",
    "suggestion-decided",
    "feedback-answered",
    "problem-report-updated",
    "announcement",
    "refill-decided",
    "education-assigned",
];

pub fn preferences_path(patient_id: &str) -> String {
    format!("/patients/{patient_id}/notification-preferences")
}

pub async fn read_preferences(app: &TestApp, patient_id: &str, who: &Actor) -> Reply {
    app.get(&preferences_path(patient_id), who).await
}

pub async fn put_preferences(app: &TestApp, patient_id: &str, who: &Actor, body: Value) -> Reply {
    app.send(
        Method::PUT,
        &preferences_path(patient_id),
        Some(who),
        Some(body),
    )
    .await
}

/// The public unsubscribe route, without a sign-in.
pub async fn unsubscribe(app: &TestApp, body: Value) -> Reply {
    app.send(Method::POST, "/notifications/unsubscribe", None, Some(body))
        .await
}

/// The profile's appointment-reminder switch and its ETag.
pub async fn reminder_switch(app: &TestApp, patient_id: &str, who: &Actor) -> (bool, String) {
    let profile = app
        .get(&format!("/patients/{patient_id}/profile"), who)
        .await;
    assert_eq!(profile.status, 200, "{profile:#?}");
    (
        profile.body["communication"]["appointmentReminders"]
            .as_bool()
            .expect("appointmentReminders"),
        profile.header("etag").expect("etag"),
    )
}

/// The audit events of the patient with this action.
pub async fn audited(app: &TestApp, patient_id: &str, action: &str) -> Vec<Value> {
    app.audit_events(patient_id)
        .await
        .into_iter()
        .filter(|event| event["action"] == action)
        .collect()
}

async fn deliveries(app: &TestApp, patient: &Patient) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/staff/patients/{}/notification-deliveries", patient.id),
            &app.front_desk,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// Waits until the patient's delivery history holds a `kind` delivery that is no longer
/// pending, and returns it.
pub async fn settled_delivery(app: &TestApp, patient: &Patient, kind: &str) -> Value {
    let deadline = tokio::time::Instant::now() + portal_tests::DELIVERY_WAIT;
    loop {
        let found = deliveries(app, patient)
            .await
            .into_iter()
            .find(|d| d["kind"] == kind && d["status"] != "pending");
        if let Some(found) = found {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no settled {kind} delivery for the patient"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
