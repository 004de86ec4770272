//! The waitlist: offers of freed slots, acceptance, lapsed offers, and the notification records.

use aws_sdk_dynamodb::types::AttributeValue;
use portal_shared::ids::{AppointmentId, ProviderId};
use portal_shared::keys;
use portal_shared::timestamp::Timestamp;
use portal_tests::{Actor, Method, Reply, TestApp, assert_problem, spawn_app};
use serde_json::Value;

use crate::appointments_support::{book, booked, hours_from_now, open_slots, slot_in};

fn waitlist_path(patient: &str, appointment: &str) -> String {
    format!("/patients/{patient}/appointments/{appointment}/waitlist")
}

async fn post(app: &TestApp, path: &str, who: Option<&Actor>) -> Reply {
    app.send(Method::POST, path, who, None).await
}

/// A patient of their own with an appointment `hours` ahead with `provider`.
async fn waiting_patient(
    app: &TestApp,
    provider: &str,
    hours: u64,
) -> (portal_tests::Patient, String, String) {
    let patient = app.new_patient().await;
    let start = slot_in(app, provider, hours).await;
    let reply = book(app, &patient.id, &patient.actor, provider, &start).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let id = reply.body["appointmentId"].as_str().expect("id").to_owned();
    (patient, id, start)
}

/// Frees `hours` ahead: another patient books it and cancels. Returns the slot.
async fn free_a_slot(app: &TestApp, provider: &str, hours: u64) -> String {
    let (patient, id, start) = waiting_patient(app, provider, hours).await;
    let cancelled = post(
        app,
        &format!("/patients/{}/appointments/{id}/cancel", patient.id),
        Some(&patient.actor),
    )
    .await;
    assert_eq!(cancelled.status, 200, "{cancelled:#?}");
    start
}

/// The offer notifications about `appointment` (this hour's and the last hour's partitions).
async fn offer_notifications(app: &TestApp, appointment: &str) -> Vec<Value> {
    let now = Timestamp::now();
    let hour_ago = Timestamp::parse(
        &time::OffsetDateTime::from_unix_timestamp(now.unix_seconds() - 3600)
            .expect("time")
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format"),
    )
    .expect("hour ago");
    let partitions: Vec<String> = [now, hour_ago]
        .into_iter()
        .map(|at| keys::waitlist_offer_notification(at, AppointmentId::generate()).pk)
        .collect();
    let appointment = appointment.to_owned();
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").expect("app table").to_owned();
        let mut found = Vec::new();
        for pk in partitions {
            let output = stack
                .dynamodb()
                .query()
                .table_name(&table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(pk))
                .send()
                .await?;
            for item in output.items.unwrap_or_default() {
                let item: Value = serde_dynamo::from_item(item).expect("item");
                if item["appointmentId"] == appointment.as_str() {
                    found.push(item);
                }
            }
        }
        Ok(found)
    })
    .await
    .expect("reading notifications")
}

/// Makes the offer held for `appointment` lapse, as the clock would.
async fn lapse_offer(
    app: &TestApp,
    provider: &str,
    requested_at: &str,
    appointment: &str,
    slot: &str,
) {
    let provider = ProviderId::parse(provider).expect("provider");
    let entry = keys::waitlist_entry(
        provider,
        Timestamp::parse(requested_at).expect("requested"),
        AppointmentId::parse(appointment).expect("appointment"),
    );
    let unit = keys::slot_unit(provider, Timestamp::parse(slot).expect("slot"));
    let past = AttributeValue::S("2020-01-01T00:00:00.000Z".into());
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").expect("app table").to_owned();
        stack
            .dynamodb()
            .update_item()
            .table_name(&table)
            .set_key(Some(entry.attributes()))
            .update_expression("SET #offer.#until = :past")
            .expression_attribute_names("#offer", "offer")
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":past", past.clone())
            .send()
            .await?;
        stack
            .dynamodb()
            .update_item()
            .table_name(&table)
            .set_key(Some(unit.attributes()))
            .update_expression("SET holdUntil = :past")
            .expression_attribute_values(":past", past)
            .send()
            .await?;
        Ok(())
    })
    .await
    .expect("lapsing the offer");
}

#[tokio::test]
async fn appointments_waitlist_offers_a_freed_slot_and_accepting_moves_atomically() {
    let app = spawn_app().await;
    let provider = crate::appointments_support::new_provider(app).await;
    let (ana, ana_appointment, ana_start) = waiting_patient(app, &provider, 96).await;
    let (ben, ben_appointment, _) = waiting_patient(app, &provider, 100).await;
    let ana_path = waitlist_path(&ana.id, &ana_appointment);
    let ben_path = waitlist_path(&ben.id, &ben_appointment);

    assert_eq!(
        app.get(&ana_path, &ana.actor).await.status,
        404,
        "not waiting yet"
    );
    assert_eq!(post(app, &ana_path, None).await.status, 401);
    assert_eq!(post(app, &ana_path, Some(&ben.actor)).await.status, 404);
    assert_eq!(post(app, &ana_path, Some(&app.caregiver)).await.status, 404);
    assert_eq!(post(app, &ana_path, Some(&app.clinician)).await.status, 403);
    let joined = post(app, &ana_path, Some(&ana.actor)).await;
    assert_eq!(joined.status, 201, "{joined:#?}");
    assert!(joined.body["offer"].is_null());
    assert_eq!(post(app, &ana_path, Some(&ana.actor)).await.status, 200);
    assert_eq!(post(app, &ben_path, Some(&ben.actor)).await.status, 201);

    // A slot before both frees up: Ana asked first, Ana gets it, held for her.
    let freed = free_a_slot(app, &provider, 48).await;
    let ana_wait = app.get(&ana_path, &ana.actor).await;
    assert_eq!(
        ana_wait.body["offer"]["start"],
        freed.as_str(),
        "{ana_wait:#?}"
    );
    assert!(app.get(&ben_path, &ben.actor).await.body["offer"].is_null());
    let notes = offer_notifications(app, &ana_appointment).await;
    assert_eq!(notes.len(), 1, "{notes:?}");
    let note = notes[0].as_object().expect("object");
    assert_eq!(note["slotStart"], freed.as_str());
    for field in ["reason", "providerName", "visitType", "name"] {
        assert!(!note.contains_key(field), "{field} in {note:?}");
    }
    let open = open_slots(app, &provider, "follow-up", hours_from_now(47), 4).await;
    assert!(!open.contains(&freed), "held for Ana");
    let (carl, _, _) = waiting_patient(app, &provider, 150).await;
    let grab = book(app, &carl.id, &carl.actor, &provider, &freed).await;
    assert_problem(&grab, 409, None);

    // Ana takes it: her appointment moves, her old slot frees and goes to Ben.
    let accept = format!("{ana_path}/accept");
    assert_eq!(post(app, &accept, Some(&ben.actor)).await.status, 404);
    assert_eq!(post(app, &accept, Some(&app.admin)).await.status, 403);
    let moved = post(app, &accept, Some(&ana.actor)).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert_eq!(moved.body["start"], freed.as_str());
    assert_eq!(moved.body["appointmentId"], ana_appointment.as_str());
    assert_eq!(
        app.get(&ana_path, &ana.actor).await.status,
        404,
        "no longer waiting"
    );
    let ben_wait = app.get(&ben_path, &ben.actor).await;
    assert_eq!(
        ben_wait.body["offer"]["start"],
        ana_start.as_str(),
        "{ben_wait:#?}"
    );
    // Accepting again finds no wait.
    assert_eq!(post(app, &accept, Some(&ana.actor)).await.status, 404);
}

#[tokio::test]
async fn appointments_a_lapsed_offer_passes_to_the_next_patient_waiting() {
    let app = spawn_app().await;
    let provider = crate::appointments_support::new_provider(app).await;
    let (ana, ana_appointment, ana_start) = waiting_patient(app, &provider, 96).await;
    let (ben, ben_appointment, _) = waiting_patient(app, &provider, 100).await;
    let ana_path = waitlist_path(&ana.id, &ana_appointment);
    let ben_path = waitlist_path(&ben.id, &ben_appointment);
    let joined = post(app, &ana_path, Some(&ana.actor)).await;
    assert_eq!(joined.status, 201);
    assert_eq!(post(app, &ben_path, Some(&ben.actor)).await.status, 201);
    // No offer yet: nothing to accept.
    assert_problem(
        &post(app, &format!("{ana_path}/accept"), Some(&ana.actor)).await,
        409,
        None,
    );
    let freed = free_a_slot(app, &provider, 48).await;
    assert_eq!(
        app.get(&ana_path, &ana.actor).await.body["offer"]["start"],
        freed.as_str()
    );
    let requested = joined.body["requestedAt"].as_str().expect("requestedAt");
    lapse_offer(app, &provider, requested, &ana_appointment, &freed).await;

    let late = post(app, &format!("{ana_path}/accept"), Some(&ana.actor)).await;
    assert_problem(&late, 409, None);
    let mine = app
        .get(&format!("/patients/{}/appointments", ana.id), &ana.actor)
        .await;
    assert_eq!(
        mine.body["items"][0]["start"],
        ana_start.as_str(),
        "Ana kept her time"
    );
    assert!(app.get(&ana_path, &ana.actor).await.body["offer"].is_null());
    let ben_wait = app.get(&ben_path, &ben.actor).await;
    assert_eq!(
        ben_wait.body["offer"]["start"],
        freed.as_str(),
        "{ben_wait:#?}"
    );
    let moved = post(app, &format!("{ben_path}/accept"), Some(&ben.actor)).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert_eq!(moved.body["start"], freed.as_str());
}

#[tokio::test]
async fn appointments_cancelling_ends_the_wait() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, appointment, _) = booked(app, &patient.id, 96).await;
    let path = waitlist_path(&patient.id, &appointment);
    assert_eq!(post(app, &path, Some(&patient.actor)).await.status, 201);
    let cancelled = post(
        app,
        &format!("/patients/{}/appointments/{appointment}/cancel", patient.id),
        Some(&patient.actor),
    )
    .await;
    assert_eq!(cancelled.status, 200);
    assert_eq!(app.get(&path, &patient.actor).await.status, 404);
    assert_problem(&post(app, &path, Some(&patient.actor)).await, 409, None);
}
