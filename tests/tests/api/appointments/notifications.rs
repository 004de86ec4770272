//! The notifications booking, moving and cancelling write to the outbox, in the transaction of
//! the change, whoever acts: one per change, to the patient, with the appointment's id and
//! start only (no reason, provider, visit type or name). A change that fails writes none.

use portal_shared::policy::authz::Scope;
use portal_tests::{GrantState, Method, TestApp, assert_problem, spawn_app};
use serde_json::Value;

use crate::appointments::support::{book, hours_from_now, new_provider, open_slots, reschedule};

/// The outbox records of `template` addressed to the patient.
pub async fn told(app: &TestApp, patient_id: &str, template: &str) -> Vec<Value> {
    app.outbox_where("template", template)
        .await
        .into_iter()
        .filter(|note| {
            note["recipient"]["kind"] == "patient" && note["recipient"]["patientId"] == patient_id
        })
        .collect()
}

/// The one record of `template` about `appointment`, checked to carry its start and nothing
/// private.
async fn told_once(
    app: &TestApp,
    patient_id: &str,
    template: &str,
    appointment: &str,
    start: &str,
    private: &[&str],
) {
    let notes: Vec<Value> = told(app, patient_id, template)
        .await
        .into_iter()
        .filter(|note| note["appointmentId"] == appointment)
        .collect();
    assert_eq!(notes.len(), 1, "{template}: {notes:#?}");
    let note = &notes[0];
    assert_eq!(note["start"], start, "{note}");
    let object = note.as_object().expect("object");
    for field in ["reason", "providerName", "providerId", "visitType", "name"] {
        assert!(!object.contains_key(field), "{field} in {note}");
    }
    let text = note.to_string();
    for word in private {
        assert!(!text.contains(word), "{word} in {text}");
    }
}

async fn cancel(app: &TestApp, patient_id: &str, appointment: &str, who: &portal_tests::Actor) {
    let reply = app
        .send(
            Method::POST,
            &format!("/patients/{patient_id}/appointments/{appointment}/cancel"),
            Some(who),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
}

#[tokio::test]
async fn appointments_booking_moving_and_cancelling_each_notify_the_patient_once() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let provider_name = app
        .get(&format!("/providers/{provider}"), &app.front_desk)
        .await
        .body["name"]
        .as_str()
        .expect("provider name")
        .to_owned();
    let patient = app.new_patient().await;
    let private = [
        "Blood pressure",
        provider_name.as_str(),
        patient.family.as_str(),
        "follow-up",
    ];
    let slots = open_slots(app, &provider, "follow-up", hours_from_now(48), 4).await;

    let booked = book(app, &patient.id, &patient.actor, &provider, &slots[0]).await;
    assert_eq!(booked.status, 201, "{booked:#?}");
    let id = booked.body["appointmentId"]
        .as_str()
        .expect("id")
        .to_owned();
    told_once(
        app,
        &patient.id,
        "appointment-booked",
        &id,
        &slots[0],
        &private,
    )
    .await;

    // The front desk moves it: the patient hears of the new time.
    let moved = reschedule(app, &patient.id, &id, &app.front_desk, &slots[2]).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    told_once(
        app,
        &patient.id,
        "appointment-moved",
        &id,
        &slots[2],
        &private,
    )
    .await;

    // A caregiver cancels it: the patient is told, not the caregiver.
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Appointments],
        GrantState::Active,
    )
    .await;
    cancel(app, &patient.id, &id, &app.caregiver).await;
    told_once(
        app,
        &patient.id,
        "appointment-cancelled",
        &id,
        &slots[2],
        &private,
    )
    .await;
    // Cancelling again changes nothing and tells no one again.
    cancel(app, &patient.id, &id, &patient.actor).await;
    told_once(
        app,
        &patient.id,
        "appointment-cancelled",
        &id,
        &slots[2],
        &private,
    )
    .await;
}

#[tokio::test]
async fn appointments_a_booking_or_move_that_fails_notifies_no_one() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let slots = open_slots(app, &provider, "follow-up", hours_from_now(48), 4).await;
    let first = app.new_patient().await;
    let second = app.new_patient().await;
    let taken = book(app, &first.id, &first.actor, &provider, &slots[0]).await;
    assert_eq!(taken.status, 201, "{taken:#?}");

    // The slot is taken: no booking, no notification.
    let lost = book(app, &second.id, &second.actor, &provider, &slots[0]).await;
    assert_problem(&lost, 409, None);
    assert!(told(app, &second.id, "appointment-booked").await.is_empty());

    // Moving into a taken slot leaves the appointment, and the outbox, as they were.
    let mine = book(app, &second.id, &second.actor, &provider, &slots[2]).await;
    assert_eq!(mine.status, 201, "{mine:#?}");
    let id = mine.body["appointmentId"].as_str().expect("id");
    let refused = reschedule(app, &second.id, id, &second.actor, &slots[0]).await;
    assert_problem(&refused, 409, None);
    assert!(told(app, &second.id, "appointment-moved").await.is_empty());
    assert_eq!(told(app, &second.id, "appointment-booked").await.len(), 1);
}
