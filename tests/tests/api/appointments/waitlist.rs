//! The waitlist: offers of freed slots, acceptance, lapsed offers (answered late, or swept by
//! the waitlist sweeper), and the notification records.

use aws_sdk_dynamodb::types::AttributeValue;
use portal_appointments::{Deps, PracticeSettings, SweepReport};
use portal_shared::domain::ids::{AppointmentId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::Settings;
use portal_shared::platform::keys;
use portal_shared::policy::authz::{JobRun, PracticeJob};
use portal_tests::{Actor, Method, Reply, TestApp, assert_problem, spawn_app};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::appointments::support::{
    book, booked, hours_from_now, open_slots, practice_settings, slot_in,
};

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

/// The notifications of `template` about `appointment`, in the outbox every feature writes to.
async fn notifications(app: &TestApp, template: &str, appointment: &str) -> Vec<Value> {
    let notes: Vec<Value> = app
        .outbox_where("appointmentId", appointment)
        .await
        .into_iter()
        .filter(|note| note["template"] == template)
        .collect();
    // The sender takes each record from `pending` to how it ended, while the test reads.
    for note in &notes {
        assert!(
            [
                "pending",
                "sending",
                "sent",
                "suppressed",
                "deferred",
                "failed"
            ]
            .contains(&note["status"].as_str().unwrap_or_default()),
            "{note}"
        );
    }
    notes
}

/// The offer notifications about `appointment` (its booking and moves write others).
async fn offer_notifications(app: &TestApp, appointment: &str) -> Vec<Value> {
    notifications(app, "waitlist-offer", appointment).await
}

/// Tests that make offers lapse or sweep them take turns: a sweep ends every lapsed offer in
/// the table, so one test's sweep must not end another's lapsed offer under its feet.
static LAPSING: Mutex<()> = Mutex::const_new(());

/// The sweeper's dependencies, from its function's environment on the test stack.
fn sweeper(stack: &portal_local::Stack) -> anyhow::Result<Deps> {
    let env = stack.env_for("WaitlistSweeperFunction")?;
    let settings = Settings::from_lookup(|name| env.get(name).cloned())?;
    let practice = PracticeSettings::from_lookup(|name| env.get(name).cloned())?;
    Ok(Deps::new(&settings, practice, &stack.sdk))
}

/// Runs `runs` sweeps at once, as the scheduled function does (`sweep` at the current time).
async fn sweep(app: &TestApp, runs: usize) -> Vec<SweepReport> {
    app.on_stack(move |stack| async move {
        let deps = sweeper(&stack)?;
        let sweeps = (0..runs).map(|_| portal_appointments::sweep(&deps, Timestamp::now()));
        futures::future::join_all(sweeps)
            .await
            .into_iter()
            .map(|report| report.map_err(|error| anyhow::anyhow!("sweep: {}", error.slug())))
            .collect()
    })
    .await
    .expect("sweeping")
}

/// Ends the lapsed offer of one entry `runs` times at once; how many of them ended it.
async fn lapse_entry(
    app: &TestApp,
    provider: &str,
    requested_at: &str,
    appointment: &str,
    now: Timestamp,
    runs: usize,
) -> usize {
    let provider = ProviderId::parse(provider).expect("provider");
    let requested_at = Timestamp::parse(requested_at).expect("requested");
    let appointment = AppointmentId::parse(appointment).expect("appointment");
    app.on_stack(move |stack| async move {
        let deps = sweeper(&stack)?;
        let run = JobRun::start(PracticeJob::WaitlistOffers);
        let runs = (0..runs).map(|_| {
            portal_appointments::lapse(&deps, &run, provider, requested_at, appointment, now)
        });
        let mut ended = 0;
        for outcome in futures::future::join_all(runs).await {
            if outcome.map_err(|error| anyhow::anyhow!("lapse: {}", error.slug()))? {
                ended += 1;
            }
        }
        Ok(ended)
    })
    .await
    .expect("ending the offer")
}

/// The offers in the sweeper's expiry index for `appointment` (its shard of GSI2).
async fn indexed_offers(app: &TestApp, appointment: &str) -> usize {
    let id = AppointmentId::parse(appointment).expect("appointment");
    let pk = keys::offer_expiry_partition(keys::offer_expiry_shard(id));
    let appointment = appointment.to_owned();
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").expect("app table").to_owned();
        let output = stack
            .dynamodb()
            .query()
            .table_name(&table)
            .index_name(keys::GSI2)
            .key_condition_expression("GSI2PK = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(pk))
            .send()
            .await?;
        Ok(output
            .items
            .unwrap_or_default()
            .iter()
            .filter(|item| {
                item.get("appointmentId").and_then(|v| v.as_s().ok()) == Some(&appointment)
            })
            .count())
    })
    .await
    .expect("reading the offer index")
}

/// Who the slot unit at `slot` is taken or held for, and until when it is held.
async fn unit_holder(
    app: &TestApp,
    provider: &str,
    slot: &str,
) -> Option<(String, Option<String>)> {
    let key = keys::slot_unit(
        ProviderId::parse(provider).expect("provider"),
        Timestamp::parse(slot).expect("slot"),
    );
    let item = app.app_item(key).await?;
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    Some((text("appointmentId").unwrap_or_default(), text("holdUntil")))
}

/// Whether the marker of a freed slot (its offer step not finished) is in the table.
async fn freed_marker(app: &TestApp, provider: &str, slot: &str) -> bool {
    let key = keys::freed_slot(
        ProviderId::parse(provider).expect("provider"),
        Timestamp::parse(slot).expect("slot"),
    );
    app.app_item(key).await.is_some()
}

/// The marker a freeing transaction writes, as if its function had died right after it, at
/// `freed_at`.
async fn leave_freed_marker(app: &TestApp, provider: &str, slot: &str, freed_at: Timestamp) {
    let freed = portal_appointments::FreedSlot {
        provider_id: ProviderId::parse(provider).expect("provider"),
        slot_start: Timestamp::parse(slot).expect("slot"),
        visit_type: "follow-up".into(),
        skip: None,
        freed_at,
    };
    let item = portal_shared::platform::store::to_item(
        &keys::freed_slot(freed.provider_id, freed.slot_start),
        &freed,
    )
    .expect("marker item");
    app.put_app_item(item).await;
}

/// Makes the offer held for `appointment` lapse, as the clock would (its expiry-index key too).
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
    let past_at = Timestamp::parse("2020-01-01T00:00:00.000Z").expect("past");
    let past = AttributeValue::S(past_at.to_string());
    let expiry = AttributeValue::S(keys::offer_expiry_sort(
        past_at,
        AppointmentId::parse(appointment).expect("appointment"),
    ));
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").expect("app table").to_owned();
        stack
            .dynamodb()
            .update_item()
            .table_name(&table)
            .set_key(Some(entry.attributes()))
            .update_expression("SET #offer.#until = :past, GSI2SK = :expiry")
            .condition_expression("attribute_exists(GSI2PK)")
            .expression_attribute_names("#offer", "offer")
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":past", past.clone())
            .expression_attribute_values(":expiry", expiry)
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
    let provider = crate::appointments::support::new_provider(app).await;
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

    // A slot before both frees up: Ana asked first, Ana gets it, held for her as long as the
    // practice's `WaitlistOfferMinutes` says.
    let hold = practice_settings(app).await.offer_hold;
    let before = Timestamp::now().unix_seconds();
    let freed = free_a_slot(app, &provider, 48).await;
    let ana_wait = app.get(&ana_path, &ana.actor).await;
    let after = Timestamp::now().unix_seconds();
    assert_eq!(
        ana_wait.body["offer"]["start"],
        freed.as_str(),
        "{ana_wait:#?}"
    );
    assert!(
        !freed_marker(app, &provider, &freed).await,
        "the offer step ran to its end and removed the slot's marker"
    );
    let held_until = ana_wait.body["offer"]["until"]
        .as_str()
        .and_then(Timestamp::parse)
        .expect("the offer's end")
        .unix_seconds();
    let hold = hold.as_secs() as i64;
    assert!(
        (before + hold - 1..=after + hold + 1).contains(&held_until),
        "held until {held_until}, freed between {before} and {after}: {ana_wait:#?}"
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
    // Accepting is a move: Ana is told of her new time.
    let told = notifications(app, "appointment-moved", &ana_appointment).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["start"], freed.as_str());
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
    let _turn = LAPSING.lock().await;
    let provider = crate::appointments::support::new_provider(app).await;
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

/// Ana and Ben wait (Ben asked later); a slot before both frees and is offered to Ana. Returns
/// (Ana, her appointment, her start, when she asked, Ben, his appointment, the freed slot).
struct Offered {
    provider: String,
    ana: portal_tests::Patient,
    ana_appointment: String,
    ana_start: String,
    ana_requested: String,
    ben: portal_tests::Patient,
    ben_appointment: String,
    ben_requested: String,
    freed: String,
}

async fn offered_to_ana(app: &TestApp) -> Offered {
    let provider = crate::appointments::support::new_provider(app).await;
    let (ana, ana_appointment, ana_start) = waiting_patient(app, &provider, 96).await;
    let (ben, ben_appointment, _) = waiting_patient(app, &provider, 100).await;
    let joined = post(
        app,
        &waitlist_path(&ana.id, &ana_appointment),
        Some(&ana.actor),
    )
    .await;
    assert_eq!(joined.status, 201, "{joined:#?}");
    let ben_joined = post(
        app,
        &waitlist_path(&ben.id, &ben_appointment),
        Some(&ben.actor),
    )
    .await;
    assert_eq!(ben_joined.status, 201, "{ben_joined:#?}");
    let freed = free_a_slot(app, &provider, 48).await;
    let ana_wait = app
        .get(&waitlist_path(&ana.id, &ana_appointment), &ana.actor)
        .await;
    assert_eq!(
        ana_wait.body["offer"]["start"],
        freed.as_str(),
        "{ana_wait:#?}"
    );
    Offered {
        provider,
        ana_requested: joined.body["requestedAt"]
            .as_str()
            .expect("requestedAt")
            .to_owned(),
        ana,
        ana_appointment,
        ana_start,
        ben,
        ben_appointment,
        ben_requested: ben_joined.body["requestedAt"]
            .as_str()
            .expect("requestedAt")
            .to_owned(),
        freed,
    }
}

/// The transaction that frees a slot also marks it; should the function die (or the offer
/// fail) before the offer is made, the sweeper makes it a minute later, once.
#[tokio::test]
async fn appointments_a_freed_slot_whose_offer_never_ran_is_offered_by_the_sweeper() {
    let app = spawn_app().await;
    let _turn = LAPSING.lock().await;
    let provider = crate::appointments::support::new_provider(app).await;
    let (ana, ana_appointment, _) = waiting_patient(app, &provider, 120).await;
    let ana_path = waitlist_path(&ana.id, &ana_appointment);
    let joined = post(app, &ana_path, Some(&ana.actor)).await;
    assert_eq!(joined.status, 201, "{joined:#?}");

    let now = Timestamp::now();
    let abandoned = slot_in(app, &provider, 48).await;
    leave_freed_marker(
        app,
        &provider,
        &abandoned,
        now.minus(std::time::Duration::from_secs(120)),
    )
    .await;
    // One still inside its own step's minute is left to that step.
    let in_progress = slot_in(app, &provider, 72).await;
    leave_freed_marker(app, &provider, &in_progress, now).await;
    // One of a slot that has begun is offered to no one.
    let past = Timestamp::now()
        .minus(std::time::Duration::from_secs(3600))
        .to_string();
    leave_freed_marker(
        app,
        &provider,
        &past,
        now.minus(std::time::Duration::from_secs(7200)),
    )
    .await;

    let reports = sweep(app, 2).await;
    let reoffered: usize = reports.iter().map(|r| r.freed_slots_reoffered).sum();
    assert!(reoffered >= 1, "{reports:?}");
    let ana_wait = app.get(&ana_path, &ana.actor).await;
    assert_eq!(
        ana_wait.body["offer"]["start"],
        abandoned.as_str(),
        "{ana_wait:#?}"
    );
    assert_eq!(offer_notifications(app, &ana_appointment).await.len(), 1);
    let (holder, _) = unit_holder(app, &provider, &abandoned)
        .await
        .expect("the unit is held");
    assert_eq!(holder, ana_appointment);
    assert!(!freed_marker(app, &provider, &abandoned).await);
    assert!(!freed_marker(app, &provider, &past).await);
    assert!(freed_marker(app, &provider, &in_progress).await);

    // Sweeping again offers nothing twice.
    sweep(app, 1).await;
    assert_eq!(offer_notifications(app, &ana_appointment).await.len(), 1);
}

/// The practice's own work shows in the patient's access log: after a sweep offered a freed slot,
/// the waiting patient reads that the portal offered them an earlier slot.
#[tokio::test]
async fn appointments_the_portals_offer_shows_in_the_waiting_patients_access_log() {
    let app = spawn_app().await;
    let _turn = LAPSING.lock().await;
    let provider = crate::appointments::support::new_provider(app).await;
    let (ana, ana_appointment, _) = waiting_patient(app, &provider, 120).await;
    let ana_path = waitlist_path(&ana.id, &ana_appointment);
    let joined = post(app, &ana_path, Some(&ana.actor)).await;
    assert_eq!(joined.status, 201, "{joined:#?}");
    let abandoned = slot_in(app, &provider, 48).await;
    let long_ago = Timestamp::now().minus(std::time::Duration::from_secs(120));
    leave_freed_marker(app, &provider, &abandoned, long_ago).await;

    sweep(app, 1).await;
    let offered = app.get(&ana_path, &ana.actor).await;
    assert_eq!(
        offered.body["offer"]["start"],
        abandoned.as_str(),
        "{offered:#?}"
    );

    let log = app
        .get("/patients/me/access-log?limit=50", &ana.actor)
        .await;
    assert_eq!(log.status, 200, "{log:#?}");
    let items = log.body["items"].as_array().expect("items");
    let offer = items
        .iter()
        .find(|item| item["action"] == "waitlist.offer")
        .unwrap_or_else(|| panic!("no offer in the access log: {items:#?}"));
    assert_eq!(offer["actor"], serde_json::json!({"kind": "portal"}));
    assert_eq!(
        offer["description"],
        "Offered an earlier slot from the waitlist"
    );
    assert_eq!(offer["outcome"], "allowed");
    assert_eq!(
        offer["resource"],
        format!("appointments/{ana_appointment}").as_str()
    );
}

/// A slot freed sooner than patients may book online is the front desk's to fill: nobody on the
/// waitlist is offered it, it stays open, and its freed-slot marker goes.
#[tokio::test]
async fn appointments_a_slot_freed_inside_the_booking_notice_is_left_to_the_front_desk() {
    let app = spawn_app().await;
    let provider = crate::appointments::support::new_provider(app).await;
    let (ana, ana_appointment, _) = waiting_patient(app, &provider, 120).await;
    let ana_path = waitlist_path(&ana.id, &ana_appointment);
    assert_eq!(post(app, &ana_path, Some(&ana.actor)).await.status, 201);

    // The front desk books a visit half an hour away for someone, then cancels it.
    let soon = crate::appointments::support::open_slots(
        app,
        &provider,
        "follow-up",
        Timestamp::now().plus(std::time::Duration::from_secs(20 * 60)),
        1,
    )
    .await
    .into_iter()
    .next()
    .expect("a slot within the hour");
    let other = app.new_patient().await;
    let booked = book(app, &other.id, &app.front_desk, &provider, &soon).await;
    assert_eq!(booked.status, 201, "{booked:#?}");
    let id = booked.body["appointmentId"].as_str().expect("id");
    let cancelled = post(
        app,
        &format!("/patients/{}/appointments/{id}/cancel", other.id),
        Some(&app.front_desk),
    )
    .await;
    assert_eq!(cancelled.status, 200, "{cancelled:#?}");

    assert!(app.get(&ana_path, &ana.actor).await.body["offer"].is_null());
    assert!(offer_notifications(app, &ana_appointment).await.is_empty());
    assert!(unit_holder(app, &provider, &soon).await.is_none(), "open");
    assert!(!freed_marker(app, &provider, &soon).await);
}

/// An offer can be held past its slot's start only if a practice holds offers longer than its
/// booking notice; such an offer cannot be accepted, and the appointment stays where it was.
#[tokio::test]
async fn appointments_an_offer_whose_slot_has_begun_cannot_be_accepted() {
    let app = spawn_app().await;
    let o = offered_to_ana(app).await;
    let entry = keys::waitlist_entry(
        ProviderId::parse(&o.provider).expect("provider"),
        Timestamp::parse(&o.ana_requested).expect("requested"),
        AppointmentId::parse(&o.ana_appointment).expect("appointment"),
    );
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").expect("app table").to_owned();
        stack
            .dynamodb()
            .update_item()
            .table_name(&table)
            .set_key(Some(entry.attributes()))
            .update_expression("SET #offer.#start = :begun")
            .expression_attribute_names("#offer", "offer")
            .expression_attribute_names("#start", "start")
            .expression_attribute_values(
                ":begun",
                AttributeValue::S("2020-01-01T00:00:00.000Z".into()),
            )
            .send()
            .await?;
        Ok(())
    })
    .await
    .expect("moving the offered slot into the past");
    let ana_path = waitlist_path(&o.ana.id, &o.ana_appointment);
    let accepted = post(app, &format!("{ana_path}/accept"), Some(&o.ana.actor)).await;
    assert_problem(&accepted, 409, None);
    let visit = app
        .get(
            &format!("/patients/{}/appointments/{}", o.ana.id, o.ana_appointment),
            &o.ana.actor,
        )
        .await;
    assert_eq!(visit.body["start"], o.ana_start.as_str(), "{visit:#?}");
}

#[tokio::test]
async fn appointments_the_sweeper_passes_a_lapsed_offer_to_the_next_patient_waiting() {
    let app = spawn_app().await;
    let _turn = LAPSING.lock().await;
    let o = offered_to_ana(app).await;
    let ana_path = waitlist_path(&o.ana.id, &o.ana_appointment);
    let ben_path = waitlist_path(&o.ben.id, &o.ben_appointment);
    assert_eq!(
        indexed_offers(app, &o.ana_appointment).await,
        1,
        "a live offer is indexed"
    );
    assert_eq!(
        indexed_offers(app, &o.ben_appointment).await,
        0,
        "no offer, not indexed"
    );

    // A live offer is left alone.
    sweep(app, 1).await;
    assert_eq!(
        app.get(&ana_path, &o.ana.actor).await.body["offer"]["start"],
        o.freed.as_str()
    );
    assert!(app.get(&ben_path, &o.ben.actor).await.body["offer"].is_null());

    lapse_offer(
        app,
        &o.provider,
        &o.ana_requested,
        &o.ana_appointment,
        &o.freed,
    )
    .await;
    let reports = sweep(app, 1).await;
    assert!(reports[0].lapsed >= 1, "{reports:?}");
    assert_eq!(reports[0].failed, 0, "{reports:?}");

    // Ben holds the slot now, with a notification of his own.
    let ben_wait = app.get(&ben_path, &o.ben.actor).await;
    assert_eq!(
        ben_wait.body["offer"]["start"],
        o.freed.as_str(),
        "{ben_wait:#?}"
    );
    assert_eq!(offer_notifications(app, &o.ben_appointment).await.len(), 1);
    let (holder, hold) = unit_holder(app, &o.provider, &o.freed)
        .await
        .expect("the unit is held");
    assert_eq!(holder, o.ben_appointment);
    assert_eq!(
        hold.as_ref(),
        ben_wait.body["offer"]["until"]
            .as_str()
            .map(str::to_owned)
            .as_ref()
    );
    assert_eq!(indexed_offers(app, &o.ben_appointment).await, 1);
    let (carl, _, _) = waiting_patient(app, &o.provider, 150).await;
    assert_problem(
        &book(app, &carl.id, &carl.actor, &o.provider, &o.freed).await,
        409,
        None,
    );

    // Ana keeps her appointment and her place in the line, without an offer.
    let mine = app
        .get(
            &format!("/patients/{}/appointments", o.ana.id),
            &o.ana.actor,
        )
        .await;
    assert_eq!(
        mine.body["items"][0]["start"],
        o.ana_start.as_str(),
        "{mine:#?}"
    );
    assert_eq!(mine.body["items"][0]["status"], "booked");
    let ana_wait = app.get(&ana_path, &o.ana.actor).await;
    assert_eq!(ana_wait.status, 200, "still waiting");
    assert!(ana_wait.body["offer"].is_null(), "{ana_wait:#?}");
    assert_eq!(indexed_offers(app, &o.ana_appointment).await, 0);
    assert_eq!(offer_notifications(app, &o.ana_appointment).await.len(), 1);
    assert_problem(
        &post(app, &format!("{ana_path}/accept"), Some(&o.ana.actor)).await,
        409,
        None,
    );

    // Ben takes it.
    let moved = post(app, &format!("{ben_path}/accept"), Some(&o.ben.actor)).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert_eq!(moved.body["start"], o.freed.as_str());
}

#[tokio::test]
async fn appointments_a_lapsed_offer_is_swept_once_however_many_sweeps_run() {
    let app = spawn_app().await;
    let _turn = LAPSING.lock().await;
    let o = offered_to_ana(app).await;
    // Cleo waits too, behind Ben: a second pass of Ana's offer would reach her.
    let (cleo, cleo_appointment, _) = waiting_patient(app, &o.provider, 104).await;
    let cleo_path = waitlist_path(&cleo.id, &cleo_appointment);
    assert_eq!(post(app, &cleo_path, Some(&cleo.actor)).await.status, 201);
    lapse_offer(
        app,
        &o.provider,
        &o.ana_requested,
        &o.ana_appointment,
        &o.freed,
    )
    .await;

    // Not lapsed yet at an earlier instant: nothing done.
    let before = Timestamp::parse("2019-12-31T23:59:59.000Z").expect("instant");
    assert_eq!(
        lapse_entry(
            app,
            &o.provider,
            &o.ana_requested,
            &o.ana_appointment,
            before,
            1
        )
        .await,
        0
    );
    let ended = lapse_entry(
        app,
        &o.provider,
        &o.ana_requested,
        &o.ana_appointment,
        Timestamp::now(),
        4,
    )
    .await;
    assert_eq!(ended, 1, "four at once end it once");
    let reports = sweep(app, 3).await;
    assert!(reports.iter().all(|r| r.failed == 0), "{reports:?}");
    assert_eq!(
        lapse_entry(
            app,
            &o.provider,
            &o.ana_requested,
            &o.ana_appointment,
            Timestamp::now(),
            1
        )
        .await,
        0,
        "and never again"
    );

    let ben_path = waitlist_path(&o.ben.id, &o.ben_appointment);
    let ben_wait = app.get(&ben_path, &o.ben.actor).await;
    assert_eq!(
        ben_wait.body["offer"]["start"],
        o.freed.as_str(),
        "{ben_wait:#?}"
    );
    assert_eq!(offer_notifications(app, &o.ben_appointment).await.len(), 1);
    assert!(app.get(&cleo_path, &cleo.actor).await.body["offer"].is_null());
    assert!(offer_notifications(app, &cleo_appointment).await.is_empty());
    assert_eq!(offer_notifications(app, &o.ana_appointment).await.len(), 1);
    let (holder, _) = unit_holder(app, &o.provider, &o.freed).await.expect("held");
    assert_eq!(holder, o.ben_appointment);

    // Ben lets it lapse too: it moves on to Cleo, never back to Ana, who let it lapse first.
    lapse_offer(
        app,
        &o.provider,
        &o.ben_requested,
        &o.ben_appointment,
        &o.freed,
    )
    .await;
    let reports = sweep(app, 2).await;
    assert!(reports.iter().all(|r| r.failed == 0), "{reports:?}");
    let cleo_wait = app.get(&cleo_path, &cleo.actor).await;
    assert_eq!(
        cleo_wait.body["offer"]["start"],
        o.freed.as_str(),
        "{cleo_wait:#?}"
    );
    assert_eq!(offer_notifications(app, &cleo_appointment).await.len(), 1);
    let ana_path = waitlist_path(&o.ana.id, &o.ana_appointment);
    let ana_wait = app.get(&ana_path, &o.ana.actor).await;
    assert!(ana_wait.body["offer"].is_null(), "{ana_wait:#?}");
    assert_eq!(offer_notifications(app, &o.ana_appointment).await.len(), 1);
    assert!(app.get(&ben_path, &o.ben.actor).await.body["offer"].is_null());
    let (holder, _) = unit_holder(app, &o.provider, &o.freed).await.expect("held");
    assert_eq!(holder, cleo_appointment);
    // Cleo lets it lapse as well: everyone waiting has passed on it, so it is simply open.
    let cleo_requested = cleo_wait.body["requestedAt"].as_str().expect("requestedAt");
    lapse_offer(
        app,
        &o.provider,
        cleo_requested,
        &cleo_appointment,
        &o.freed,
    )
    .await;
    let reports = sweep(app, 1).await;
    assert!(reports.iter().all(|r| r.failed == 0), "{reports:?}");
    for (path, who) in [
        (&ana_path, &o.ana.actor),
        (&ben_path, &o.ben.actor),
        (&cleo_path, &cleo.actor),
    ] {
        let wait = app.get(path, who).await;
        assert!(wait.body["offer"].is_null(), "{wait:#?}");
    }
    assert_eq!(unit_holder(app, &o.provider, &o.freed).await, None);
    let open = open_slots(app, &o.provider, "follow-up", hours_from_now(47), 4).await;
    assert!(open.contains(&o.freed), "open to anyone");
}

#[tokio::test]
async fn appointments_an_accepted_offer_is_never_swept() {
    let app = spawn_app().await;
    let _turn = LAPSING.lock().await;
    let o = offered_to_ana(app).await;
    let ana_path = waitlist_path(&o.ana.id, &o.ana_appointment);
    let moved = post(app, &format!("{ana_path}/accept"), Some(&o.ana.actor)).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert_eq!(
        indexed_offers(app, &o.ana_appointment).await,
        0,
        "left the index"
    );

    // However late the sweep, nothing of Ana's is ended or freed.
    let next_year = Timestamp::now().plus(std::time::Duration::from_secs(366 * 24 * 3600));
    assert_eq!(
        lapse_entry(
            app,
            &o.provider,
            &o.ana_requested,
            &o.ana_appointment,
            next_year,
            2
        )
        .await,
        0
    );
    let reports = sweep(app, 2).await;
    assert!(reports.iter().all(|r| r.failed == 0), "{reports:?}");
    let mine = app
        .get(
            &format!("/patients/{}/appointments", o.ana.id),
            &o.ana.actor,
        )
        .await;
    assert_eq!(
        mine.body["items"][0]["start"],
        o.freed.as_str(),
        "{mine:#?}"
    );
    let (holder, hold) = unit_holder(app, &o.provider, &o.freed)
        .await
        .expect("taken");
    assert_eq!((holder.as_str(), hold), (o.ana_appointment.as_str(), None));
    // Ana's old slot went to Ben, as accepting frees it; his offer stands.
    let ben_wait = app
        .get(&waitlist_path(&o.ben.id, &o.ben_appointment), &o.ben.actor)
        .await;
    assert_eq!(
        ben_wait.body["offer"]["start"],
        o.ana_start.as_str(),
        "{ben_wait:#?}"
    );
}

#[tokio::test]
async fn appointments_cancelling_while_an_offer_is_held_passes_the_slot_on() {
    let app = spawn_app().await;
    let o = offered_to_ana(app).await;
    let cancelled = post(
        app,
        &format!(
            "/patients/{}/appointments/{}/cancel",
            o.ana.id, o.ana_appointment
        ),
        Some(&o.ana.actor),
    )
    .await;
    assert_eq!(cancelled.status, 200, "{cancelled:#?}");
    assert_eq!(indexed_offers(app, &o.ana_appointment).await, 0);
    // The slot held for Ana goes to Ben at once, not when her hold would have lapsed.
    let ben_wait = app
        .get(&waitlist_path(&o.ben.id, &o.ben_appointment), &o.ben.actor)
        .await;
    assert_eq!(
        ben_wait.body["offer"]["start"],
        o.freed.as_str(),
        "{ben_wait:#?}"
    );
    let (holder, _) = unit_holder(app, &o.provider, &o.freed)
        .await
        .expect("held for Ben");
    assert_eq!(holder, o.ben_appointment);
    // Ana's own slot is free again (Ben, holding an offer, is not offered a second one).
    assert_eq!(unit_holder(app, &o.provider, &o.ana_start).await, None);
}
