//! `GET /staff/patients/{patientId}/notification-deliveries`.

use portal_notifications::delivery_log::{DeliveryStatus, DeliveryView, Reason, RecipientRole};
use portal_shared::domain::ids::{NotificationId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Channel;
use portal_shared::platform::{keys, store};
use portal_tests::{TestApp, assert_problem, spawn_app};
use serde_json::Value;

use super::support::audited;

fn path(patient_id: &str) -> String {
    format!("/staff/patients/{patient_id}/notification-deliveries")
}

/// Writes `count` delivery records for the patient, a minute apart (as the sender records
/// them), and returns their ids, newest first.
async fn record_deliveries(app: &TestApp, patient_id: &str, count: u64) -> Vec<String> {
    let patient = PatientId::parse(patient_id).expect("patient id");
    let start = Timestamp::now().minus(std::time::Duration::from_secs(3600));
    let mut ids = Vec::new();
    for n in 0..count {
        let view = DeliveryView {
            notification_id: NotificationId::generate(),
            kind: "appointment-reminder".into(),
            recipient: RecipientRole::Patient,
            channel: Some(Channel::Email),
            status: if n == 0 {
                DeliveryStatus::Suppressed
            } else {
                DeliveryStatus::Sent
            },
            reason: (n == 0).then_some(Reason::Preference),
            attempts: 1,
            created_at: start.plus(std::time::Duration::from_secs(60 * n)),
            updated_at: None,
        };
        let key =
            keys::notification_delivery(patient, view.created_at, view.notification_id, "patient");
        app.put_app_item(store::to_item(&key, &view).expect("item"))
            .await;
        ids.push(view.notification_id.to_string());
    }
    ids.reverse();
    ids
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["notificationId"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn staff_page_through_a_patients_history_newest_first() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let expected = record_deliveries(app, &patient.id, 3).await;

    let first = app
        .get(
            &format!("{}?limit=2", path(&patient.id)),
            &app.response_team,
        )
        .await;
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(ids(&first.body), expected[..2]);
    assert_eq!(first.body["contacts"]["email"]["status"], "ok");
    assert_eq!(first.body["contacts"]["phone"]["status"], "ok");
    let item = &first.body["items"][0];
    assert_eq!(item["kind"], "appointment-reminder");
    assert_eq!(item["recipient"], "patient");
    assert_eq!(item["status"], "sent");
    let cursor = first.body["nextCursor"].as_str().expect("a next page");

    let second = app
        .get(
            &format!("{}?limit=2&cursor={cursor}", path(&patient.id)),
            &app.front_desk,
        )
        .await;
    assert_eq!(second.status, 200, "{second:#?}");
    assert_eq!(ids(&second.body), expected[2..]);
    assert_eq!(second.body["items"][0]["status"], "suppressed");
    assert_eq!(second.body["items"][0]["reason"], "preference");
    assert!(second.body.get("nextCursor").is_none(), "{second:#?}");
    // Never an address.
    for page in [&first.body, &second.body] {
        let text = page.to_string();
        assert!(
            !text.contains(&patient.email) && !text.contains("+1555"),
            "{text}"
        );
    }

    let admin = app.get(&path(&patient.id), &app.admin).await;
    assert_eq!(admin.status, 200, "{admin:#?}");
    assert_eq!(ids(&admin.body), expected);

    let events = audited(app, &patient.id, "notification-delivery.read").await;
    assert_eq!(events.len(), 3, "{events:#?}");
    assert!(
        events
            .iter()
            .all(|e| e["resource"] == "notification-deliveries"
                && e["relationship"] == "staff"
                && e["outcome"] == "allowed")
    );
}

#[tokio::test]
async fn an_empty_history_still_shows_the_contacts() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    app.set_profile_attribute(&patient.id, "contact", serde_json::json!({}))
        .await;
    let reply = app.get(&path(&patient.id), &app.front_desk).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["items"], serde_json::json!([]));
    assert_eq!(reply.body["contacts"]["email"]["status"], "missing");
    assert_eq!(reply.body["contacts"]["phone"]["status"], "missing");
}

#[tokio::test]
async fn bad_paging_names_the_parameter() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    record_deliveries(app, &other.id, 2).await;
    let foreign = app
        .get(&format!("{}?limit=1", path(&other.id)), &app.front_desk)
        .await;
    let foreign_cursor = foreign.body["nextCursor"].as_str().expect("cursor");
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=garbage", "cursor"),
        // Another patient's cursor does not move into this history.
        (&format!("cursor={foreign_cursor}") as &str, "cursor"),
    ] {
        let reply = app
            .get(&format!("{}?{query}", path(&patient.id)), &app.front_desk)
            .await;
        assert_problem(&reply, 422, Some(field));
    }
}

#[tokio::test]
async fn patients_caregivers_clinicians_and_anonymous_callers_are_refused() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    record_deliveries(app, &patient.id, 1).await;
    // The patient's own history is for staff to read.
    let own = app.get(&path(&patient.id), &patient.actor).await;
    assert_problem(&own, 403, None);
    let own_me = app.get(&path("me"), &patient.actor).await;
    assert_problem(&own_me, 403, None);
    let foreign = app.get(&path(&patient.id), &other.actor).await;
    assert_problem(&foreign, 404, None);
    let stranger = app.get(&path(&patient.id), &app.caregiver).await;
    assert_problem(&stranger, 404, None);
    let clinician = app.get(&path(&patient.id), &app.clinician).await;
    assert_problem(&clinician, 403, None);
    // A well-formed id of nobody, or none at all: 404 even for staff.
    for nobody in ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "not-an-id"] {
        let reply = app.get(&path(nobody), &app.front_desk).await;
        assert_problem(&reply, 404, None);
    }
    let anonymous = app
        .send(portal_tests::Method::GET, &path(&patient.id), None, None)
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}
