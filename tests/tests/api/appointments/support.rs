//! What the appointments suites (and the matrix) share: a provider of their own per test, with
//! hours every day around the clock, so tests never compete for slots.

use std::time::Duration;

use portal_shared::domain::timestamp::Timestamp;
use portal_tests::{Actor, Method, Reply, TestApp};
use serde_json::{Value, json};

pub const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Open every day, all day (practice time).
pub fn around_the_clock() -> Value {
    json!({
        "weekly": DAYS.iter().map(|day| json!({"day": day, "start": "00:00", "end": "24:00"})).collect::<Vec<_>>(),
        "closedDates": [],
        "blocks": [],
    })
}

pub fn new_provider_body(name: &str) -> Value {
    json!({
        "name": name,
        "specialty": "family-medicine",
        "acceptingNewPatients": true,
        "visitTypes": ["new-patient", "follow-up", "telehealth"],
    })
}

/// A provider added by the front desk, without hours.
pub async fn unscheduled_provider(app: &TestApp) -> String {
    let reply = app
        .send(
            Method::POST,
            "/staff/providers",
            Some(&app.front_desk),
            Some(new_provider_body(&format!(
                "Dr. Test {}",
                ulid::Ulid::generate()
            ))),
        )
        .await;
    assert_eq!(reply.status, 201, "adding a provider: {reply:#?}");
    reply.body["providerId"]
        .as_str()
        .expect("providerId")
        .to_owned()
}

/// A provider with hours around the clock.
pub async fn new_provider(app: &TestApp) -> String {
    let provider = unscheduled_provider(app).await;
    let reply = publish(app, &provider, around_the_clock(), "\"0\"").await;
    assert_eq!(reply.status, 200, "publishing hours: {reply:#?}");
    provider
}

/// Publishes `hours` for `provider` as the front desk, with `If-Match: <if_match>`.
pub async fn publish(app: &TestApp, provider: &str, hours: Value, if_match: &str) -> Reply {
    app.send_with_headers(
        Method::PUT,
        &format!("/staff/providers/{provider}/schedule"),
        &app.front_desk,
        hours,
        &[("If-Match", if_match)],
    )
    .await
}

pub fn hours_from_now(hours: u64) -> Timestamp {
    Timestamp::now().plus(Duration::from_secs(hours * 3600))
}

/// The open slots of `visit` in `[from, from + hours)`.
pub async fn open_slots(
    app: &TestApp,
    provider: &str,
    visit: &str,
    from: Timestamp,
    hours: u64,
) -> Vec<String> {
    let to = from.plus(Duration::from_secs(hours * 3600));
    let reply = app
        .get(
            &format!("/providers/{provider}/slots?visitType={visit}&from={from}&to={to}"),
            &app.front_desk,
        )
        .await;
    slot_starts(&reply)
}

/// The starts of the slots a `GET /providers/{providerId}/slots` answered.
pub fn slot_starts(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "open slots: {reply:#?}");
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|slot| slot["start"].as_str().expect("start").to_owned())
        .collect()
}

/// The first open follow-up slot at least `hours` from now.
pub async fn slot_in(app: &TestApp, provider: &str, hours: u64) -> String {
    open_slots(app, provider, "follow-up", hours_from_now(hours), 3)
        .await
        .into_iter()
        .next()
        .expect("an open slot")
}

pub fn booking(provider: &str, visit: &str, start: &str) -> Value {
    json!({
        "providerId": provider,
        "visitType": visit,
        "start": start,
        "reason": "Blood pressure check",
    })
}

pub async fn book(
    app: &TestApp,
    patient_id: &str,
    who: &Actor,
    provider: &str,
    start: &str,
) -> Reply {
    app.send(
        Method::POST,
        &format!("/patients/{patient_id}/appointments"),
        Some(who),
        Some(booking(provider, "follow-up", start)),
    )
    .await
}

/// `who` moves the patient's appointment to `start`
/// (`POST /patients/{patientId}/appointments/{appointmentId}/reschedule`).
pub async fn reschedule(
    app: &TestApp,
    patient_id: &str,
    appointment: &str,
    who: &Actor,
    start: &str,
) -> Reply {
    app.send(
        Method::POST,
        &format!("/patients/{patient_id}/appointments/{appointment}/reschedule"),
        Some(who),
        Some(serde_json::json!({"start": start})),
    )
    .await
}

/// A follow-up booked by the front desk for the patient, `hours` from now with a provider of
/// its own: (provider, appointment id, start).
pub async fn booked(app: &TestApp, patient_id: &str, hours: u64) -> (String, String, String) {
    let provider = new_provider(app).await;
    let start = slot_in(app, &provider, hours).await;
    let reply = book(app, patient_id, &app.front_desk, &provider, &start).await;
    assert_eq!(reply.status, 201, "booking: {reply:#?}");
    let id = reply.body["appointmentId"]
        .as_str()
        .expect("appointmentId")
        .to_owned();
    (provider, id, start)
}

pub fn check_in_body() -> Value {
    json!({
        "contact": {"phone": "+1 555 0100", "email": "ana.lopez@demo.portal.test"},
        "insurance": {"carrier": "Acme Health", "memberId": "AH123456"},
        "medications": [{"name": "Lisinopril", "dose": "10 mg daily"}],
        "answers": {"symptomsChanged": "No"},
    })
}

/// The patient's upcoming appointments, as the front desk reads them.
pub async fn upcoming(app: &TestApp, patient_id: &str) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/patients/{patient_id}/appointments?when=upcoming"),
            &app.front_desk,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// The reminder items of one appointment, read directly (a sender's view of the table): one
/// Query of the hour partition `start − 24 h` falls in.
pub async fn reminders_due(app: &TestApp, start: &str, appointment: &str) -> Vec<Value> {
    let start = Timestamp::parse(start).expect("start");
    let due = time::OffsetDateTime::from_unix_timestamp(start.unix_seconds() - 24 * 3600)
        .expect("time")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    let due = Timestamp::parse(&due).expect("due");
    let key = portal_shared::platform::keys::appointment_reminder(
        due,
        portal_shared::domain::ids::AppointmentId::generate(),
    );
    let appointment = appointment.to_owned();
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").expect("app table").to_owned();
        let output = stack
            .dynamodb()
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(key.pk))
            .send()
            .await?;
        Ok(output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::from_item::<_, Value>(item).expect("item"))
            .filter(|item| item["appointmentId"] == appointment.as_str())
            .collect())
    })
    .await
    .expect("reading reminders")
}

/// An appointment of the patient (96 hours ahead) that waits for an earlier slot and has an
/// offer in force: the front desk books the patient an earlier visit with the same provider and
/// cancels it, which frees that slot for the waiting one. Returns (appointment id, offered start).
pub async fn offered(app: &TestApp, patient_id: &str) -> (String, String) {
    let (provider, appointment, _) = booked(app, patient_id, 96).await;
    let path = format!("/patients/{patient_id}/appointments/{appointment}/waitlist");
    let joined = app
        .send(Method::POST, &path, Some(&app.front_desk), None)
        .await;
    assert_eq!(joined.status, 201, "{joined:#?}");
    let earlier = slot_in(app, &provider, 48).await;
    let other = book(app, patient_id, &app.front_desk, &provider, &earlier).await;
    assert_eq!(other.status, 201, "{other:#?}");
    let other = other.body["appointmentId"].as_str().expect("id").to_owned();
    let cancelled = app
        .send(
            Method::POST,
            &format!("/patients/{patient_id}/appointments/{other}/cancel"),
            Some(&app.front_desk),
            None,
        )
        .await;
    assert_eq!(cancelled.status, 200, "{cancelled:#?}");
    let waiting = app.get(&path, &app.front_desk).await;
    assert_eq!(
        waiting.body["offer"]["start"],
        earlier.as_str(),
        "{waiting:#?}"
    );
    (appointment, earlier)
}

/// The appointments function's practice settings on the test stack (its resolved
/// environment: the template's defaults and the demo practice's parameters).
pub async fn practice_settings(app: &TestApp) -> portal_appointments::PracticeSettings {
    let env = app
        .on_stack(|stack| async move { stack.env_for("AppointmentsFunction") })
        .await
        .expect("the function's environment");
    portal_appointments::PracticeSettings::from_lookup(|name| env.get(name).cloned())
        .expect("the appointments function's settings")
}

/// The practice's time zone on the test stack (the appointments function's setting).
pub async fn practice_zone(app: &TestApp) -> jiff::tz::TimeZone {
    practice_settings(app).await.zone
}

/// The practice-local date (`YYYY-MM-DD`) of an instant.
pub fn local_date(zone: &jiff::tz::TimeZone, at: &str) -> String {
    let at: jiff::Timestamp = at.parse().expect("an instant");
    at.to_zoned(zone.clone()).date().to_string()
}

/// An appointment of the patient that began `hours_ago` hours ago, written straight into the
/// table as the function writes it (the API books only future slots, and a test cannot wait):
/// the appointment item in the patient's partition, in their by-start index. Returns its id.
pub async fn seed_past_appointment(app: &TestApp, patient_id: &str, hours_ago: u64) -> String {
    use portal_shared::domain::ids::{AppointmentId, PatientId};
    use portal_shared::platform::keys;
    let patient = PatientId::parse(patient_id).expect("patient");
    let id = AppointmentId::generate();
    let start = Timestamp::parse(
        &(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours_ago as i64))
            .round(jiff::Unit::Second)
            .expect("rounded")
            .to_string(),
    )
    .expect("start");
    let end = start.plus(Duration::from_secs(20 * 60));
    let mut item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
        serde_dynamo::to_item(json!({
            "appointmentId": id.to_string(),
            "patientId": patient_id,
            "providerId": "01KAZ0DEM0PR0V1DER00000001",
            "providerName": "Dr. Past",
            "visitType": "follow-up",
            "start": start.to_string(),
            "end": end.to_string(),
            "reason": "Knee pain",
            "status": "booked",
            "bookedAt": start.to_string(),
            "bookedBy": "seeded-by-test",
            "version": 1,
        }))
        .expect("item");
    item.extend(keys::appointment(patient, id).attributes());
    let s = |value: String| aws_sdk_dynamodb::types::AttributeValue::S(value);
    item.insert(keys::GSI1PK.into(), s(keys::patient_appointments(patient)));
    item.insert(
        keys::GSI1SK.into(),
        s(keys::appointment_by_start(start, id)),
    );
    app.put_app_item(item).await;
    id.to_string()
}
