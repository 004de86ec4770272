//! Providers, visit types, schedules, open slots and booking: who may, what is refused, and
//! that one slot is never booked twice.

use futures::future::join_all;
use portal_shared::policy::authz::Scope;
use portal_tests::{GrantState, Method, assert_problem, single_winner, spawn_app};
use serde_json::json;

use crate::appointments::support::{
    around_the_clock, book, booking, hours_from_now, new_provider, new_provider_body, open_slots,
    practice_settings, practice_zone, publish, reschedule, slot_in, slot_starts,
    unscheduled_provider, upcoming,
};

#[tokio::test]
async fn appointments_visit_types_say_how_long_and_who_may_book() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let reply = app.get("/visit-types", &patient.actor).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let items = reply.body["items"].as_array().expect("items");
    let find = |id: &str| {
        items
            .iter()
            .find(|v| v["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    assert_eq!(find("new-patient")["minutes"], 40);
    assert_eq!(find("new-patient")["selfBookable"], false);
    assert_eq!(find("follow-up")["minutes"], 20);
    assert_eq!(find("follow-up")["selfBookable"], true);
    assert_eq!(find("telehealth")["telehealth"], true);
    assert!(find("follow-up")["questionnaire"].as_array().is_some());
    let anonymous = app.send(Method::GET, "/visit-types", None, None).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn appointments_front_desk_adds_providers_patients_find_them() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let name = format!("Dr. Directory {}", ulid::Ulid::generate());
    let mut body = new_provider_body(&name);
    body["specialty"] = json!("Dermatology");
    body["acceptingNewPatients"] = json!(false);
    let added = app
        .send(
            Method::POST,
            "/staff/providers",
            Some(&app.front_desk),
            Some(body.clone()),
        )
        .await;
    assert_eq!(added.status, 201, "{added:#?}");
    let id = added.body["providerId"].as_str().expect("id");
    assert!(added.header("location").is_some_and(|l| l.ends_with(id)));
    let one = app.get(&format!("/providers/{id}"), &patient.actor).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["name"], name.as_str());
    assert_eq!(one.body["specialty"], "dermatology");

    let listed = |path: String| {
        let actor = patient.actor.clone();
        async move {
            let mut ids = Vec::new();
            let mut path = path;
            loop {
                let reply = app.get(&path, &actor).await;
                assert_eq!(reply.status, 200, "{reply:#?}");
                for item in reply.body["items"].as_array().expect("items") {
                    ids.push(item["providerId"].as_str().expect("id").to_owned());
                }
                match reply.body["nextCursor"].as_str() {
                    Some(cursor) => {
                        let base = path.split("&cursor=").next().unwrap_or_default().to_owned();
                        path = format!("{base}&cursor={cursor}");
                    }
                    None => return ids,
                }
            }
        }
    };
    let dermatology = listed("/providers?specialty=dermatology&limit=100".into()).await;
    assert!(dermatology.iter().any(|p| p == id));
    let accepting = listed("/providers?acceptingNewPatients=true&limit=100".into()).await;
    assert!(!accepting.iter().any(|p| p == id));
    let other = listed("/providers?specialty=cardiology&limit=100".into()).await;
    assert!(!other.iter().any(|p| p == id));

    let bad = app
        .get("/providers?acceptingNewPatients=maybe", &patient.actor)
        .await;
    assert_problem(&bad, 422, Some("acceptingNewPatients"));
    let unknown = app
        .get("/providers/01KAZ0DEM0PR0V1DER00000001", &patient.actor)
        .await;
    assert_eq!(unknown.status, 404);
    let garbage = app.get("/providers/not-an-id", &patient.actor).await;
    assert_eq!(garbage.status, 404);

    // Only the front desk adds providers; bad input names the field and writes nothing.
    for who in [&patient.actor, &app.clinician, &app.admin, &app.caregiver] {
        let refused = app
            .send(
                Method::POST,
                "/staff/providers",
                Some(who),
                Some(body.clone()),
            )
            .await;
        assert_eq!(refused.status, 403, "{refused:#?}");
    }
    let bad_name = format!("Dr. Invalid {}", ulid::Ulid::generate());
    let mut invalid = new_provider_body(&bad_name);
    invalid["visitTypes"] = json!(["surgery"]);
    let refused = app
        .send(
            Method::POST,
            "/staff/providers",
            Some(&app.front_desk),
            Some(invalid),
        )
        .await;
    assert_problem(&refused, 422, Some("visitTypes[0]"));
    let everyone = listed("/providers?limit=100".into()).await;
    for provider in everyone {
        let one = app
            .get(&format!("/providers/{provider}"), &patient.actor)
            .await;
        assert_ne!(one.body["name"], bad_name.as_str());
    }
    let anonymous = app.send(Method::GET, "/providers", None, None).await;
    assert_eq!(anonymous.status, 401);

    // A retry with the same Idempotency-Key adds the provider once.
    let key = format!("add-provider-{}", ulid::Ulid::generate());
    let once = new_provider_body(&format!("Dr. Once {}", ulid::Ulid::generate()));
    let headers = [("Idempotency-Key", key.as_str())];
    let send = || {
        app.send_with_headers(
            Method::POST,
            "/staff/providers",
            &app.front_desk,
            once.clone(),
            &headers,
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{first:#?}");
    let again = send().await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body["providerId"], first.body["providerId"]);
}

#[tokio::test]
async fn appointments_published_hours_give_open_slots_and_bookings_take_them() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    // No hours yet: no slots.
    assert!(
        open_slots(app, &provider, "follow-up", hours_from_now(24), 24)
            .await
            .is_empty()
    );
    let path = format!("/staff/providers/{provider}/schedule");
    let mut bad = around_the_clock();
    bad["weekly"][0]["start"] = json!("09:10");
    let refused = publish(app, &provider, bad, "\"0\"").await;
    assert_problem(&refused, 422, Some("weekly[0].start"));
    assert!(
        open_slots(app, &provider, "follow-up", hours_from_now(24), 24)
            .await
            .is_empty(),
        "nothing was published"
    );
    let patient = app.new_patient().await;
    let denied = app
        .send(
            Method::PUT,
            &path,
            Some(&patient.actor),
            Some(around_the_clock()),
        )
        .await;
    assert_eq!(denied.status, 403);
    let unknown = publish(
        app,
        "01KAZ0DEM0PR0V1DER00000001",
        around_the_clock(),
        "\"0\"",
    )
    .await;
    assert_eq!(unknown.status, 404);
    let published = publish(app, &provider, around_the_clock(), "\"0\"").await;
    assert_eq!(published.status, 200, "{published:#?}");
    assert_eq!(published.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(published.body["timeZone"], "America/New_York");

    let from = hours_from_now(24);
    let twenty = open_slots(app, &provider, "follow-up", from, 2).await;
    assert_eq!(twenty.len(), 6, "{twenty:?}");
    let forty = open_slots(app, &provider, "new-patient", from, 2).await;
    // A 20-minute slot whose unit two 40-minute visits would cover: one starting with it and
    // one starting a unit before (not at the end of a day, where 40-minute visits stop early).
    let taken = (1..twenty.len())
        .find(|&k| forty.contains(&twenty[k - 1]) && forty.contains(&twenty[k]))
        .unwrap_or_else(|| panic!("two 40-minute starts in a row: {twenty:?} {forty:?}"));
    // A 20-minute booking takes its slot, and every 40-minute visit that would overlap it.
    let booked = book(app, &patient.id, &patient.actor, &provider, &twenty[taken]).await;
    assert_eq!(booked.status, 201, "{booked:#?}");
    let after = open_slots(app, &provider, "follow-up", from, 2).await;
    assert!(!after.contains(&twenty[taken]));
    assert_eq!(after.len(), 5);
    let forty_after = open_slots(app, &provider, "new-patient", from, 2).await;
    assert!(!forty_after.contains(&twenty[taken - 1]));
    assert!(!forty_after.contains(&twenty[taken]));
    assert_eq!(
        forty_after.len(),
        forty.len() - 2,
        "{forty:?} {forty_after:?}"
    );

    // Bad queries name the parameter.
    let slots = format!("/providers/{provider}/slots");
    for (query, field) in [
        ("?visitType=surgery", "visitType"),
        ("", "visitType"),
        ("?visitType=follow-up&from=tomorrow", "from"),
        (
            "?visitType=follow-up&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
            "to",
        ),
    ] {
        let reply = app.get(&format!("{slots}{query}"), &patient.actor).await;
        assert_problem(&reply, 422, Some(field));
    }
    let unknown = app
        .get(
            "/providers/01KAZ0DEM0PR0V1DER00000001/slots?visitType=follow-up",
            &patient.actor,
        )
        .await;
    assert_eq!(unknown.status, 404);
    let anonymous = app
        .send(
            Method::GET,
            &format!("{slots}?visitType=follow-up"),
            None,
            None,
        )
        .await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn appointments_booking_own_foreign_caregiver_and_staff() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let slots = open_slots(app, &provider, "follow-up", hours_from_now(48), 4).await;
    let path = format!("/patients/{}/appointments", patient.id);

    let own = book(app, &patient.id, &patient.actor, &provider, &slots[0]).await;
    assert_eq!(own.status, 201, "{own:#?}");
    assert_eq!(own.body["status"], "booked");
    assert_eq!(own.body["start"], slots[0].as_str());
    assert!(own.header("location").is_some());
    let listed = upcoming(app, &patient.id).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["appointmentId"], own.body["appointmentId"]);

    // `me` works too; another patient's compartment answers 404 and writes nothing.
    let me = book(app, "me", &patient.actor, &provider, &slots[1]).await;
    assert_eq!(me.status, 201);
    let foreign = book(app, &patient.id, &other.actor, &provider, &slots[2]).await;
    assert_eq!(foreign.status, 404);
    assert!(upcoming(app, &other.id).await.is_empty());

    // A caregiver needs the appointments scope.
    let carer = app.new_patient().await;
    let caregiver = app.caregiver.clone();
    let cared_for = carer.id.clone();
    app.grant(
        &cared_for,
        &caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    let out_of_scope = book(app, &cared_for, &caregiver, &provider, &slots[2]).await;
    assert_eq!(out_of_scope.status, 403);
    app.grant(
        &cared_for,
        &caregiver,
        &[Scope::Appointments],
        GrantState::Active,
    )
    .await;
    let in_scope = book(app, &cared_for, &caregiver, &provider, &slots[2]).await;
    assert_eq!(in_scope.status, 201, "{in_scope:#?}");

    // Staff: the front desk books for anyone; other roles may not.
    for who in [&app.clinician, &app.response_team, &app.admin] {
        let refused = book(app, &other.id, who, &provider, &slots[3]).await;
        assert_eq!(refused.status, 403, "{refused:#?}");
    }
    let desk = book(app, &other.id, &app.front_desk, &provider, &slots[3]).await;
    assert_eq!(desk.status, 201);

    // A new-patient visit is the front desk's to book.
    let forty = open_slots(app, &provider, "new-patient", hours_from_now(60), 3).await;
    let by_patient = app
        .send(
            Method::POST,
            &path,
            Some(&patient.actor),
            Some(booking(&provider, "new-patient", &forty[0])),
        )
        .await;
    assert_eq!(by_patient.status, 403);
    let by_desk = app
        .send(
            Method::POST,
            &path,
            Some(&app.front_desk),
            Some(booking(&provider, "new-patient", &forty[0])),
        )
        .await;
    assert_eq!(by_desk.status, 201, "{by_desk:#?}");

    let anonymous = app
        .send(
            Method::POST,
            &path,
            None,
            Some(booking(&provider, "follow-up", &slots[3])),
        )
        .await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn appointments_bad_bookings_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let patient = app.new_patient().await;
    let start = slot_in(app, &provider, 48).await;
    let path = format!("/patients/{}/appointments", patient.id);
    let cases = [
        (
            json!({"visitType": "follow-up", "start": start, "reason": "x"}),
            "providerId",
        ),
        (booking("not-a-provider", "follow-up", &start), "providerId"),
        (
            booking("01KAZ0DEM0PR0V1DER00000001", "follow-up", &start),
            "providerId",
        ),
        (booking(&provider, "surgery", &start), "visitType"),
        (booking(&provider, "follow-up", "next tuesday"), "start"),
        // Off the grid, in the past, or outside the hours: not a slot.
        (
            booking(&provider, "follow-up", "2026-01-01T14:05:00Z"),
            "start",
        ),
        (
            booking(&provider, "follow-up", "2020-01-01T14:00:00Z"),
            "start",
        ),
        (
            {
                let mut body = booking(&provider, "follow-up", &start);
                body["reason"] = json!("   ");
                body
            },
            "reason",
        ),
        (
            {
                let mut body = booking(&provider, "follow-up", &start);
                body["room"] = json!("3");
                body
            },
            "room",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .send(Method::POST, &path, Some(&patient.actor), Some(body))
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    assert!(upcoming(app, &patient.id).await.is_empty());
    let open = open_slots(app, &provider, "follow-up", hours_from_now(47), 4).await;
    assert!(open.contains(&start), "the slot is still open");
}

#[tokio::test]
async fn appointments_fifty_concurrent_bookings_of_one_slot_exactly_one_wins() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let start = slot_in(app, &provider, 48).await;
    let patients = join_all((0..10).map(|_| app.new_patient())).await;
    let attempts = (0..50).map(|index| {
        let patient = &patients[index % patients.len()];
        book(app, &patient.id, &patient.actor, &provider, &start)
    });
    let replies = join_all(attempts).await;
    let winner = single_winner(&replies, 409);
    assert_eq!(winner.status, 201);
    let booked_for = winner.body["patientId"].as_str().expect("patient");
    let mut holders = 0;
    for patient in &patients {
        let mine = upcoming(app, &patient.id).await;
        holders += mine.len();
        if patient.id != booked_for {
            assert!(mine.is_empty(), "{mine:?}");
        }
    }
    assert_eq!(holders, 1);
    let open = open_slots(app, &provider, "follow-up", hours_from_now(47), 4).await;
    assert!(!open.contains(&start));
}

#[tokio::test]
async fn appointments_booking_limit_counts_upcoming_visits() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let patient = app.new_patient().await;
    // The test stack's limit is the template's default: four upcoming appointments.
    let slots = open_slots(app, &provider, "follow-up", hours_from_now(48), 3).await;
    let mut ids = Vec::new();
    for start in &slots[..4] {
        let reply = book(app, &patient.id, &patient.actor, &provider, start).await;
        assert_eq!(reply.status, 201, "{reply:#?}");
        ids.push(reply.body["appointmentId"].as_str().expect("id").to_owned());
    }
    let fifth = book(app, &patient.id, &patient.actor, &provider, &slots[4]).await;
    assert_problem(&fifth, 409, None);
    assert_eq!(upcoming(app, &patient.id).await.len(), 4);
    let open = open_slots(app, &provider, "follow-up", hours_from_now(47), 4).await;
    assert!(open.contains(&slots[4]), "the refused booking took nothing");
    // Concurrent attempts cannot slip past the limit either.
    let cancelled = app
        .send(
            Method::POST,
            &format!("/patients/{}/appointments/{}/cancel", patient.id, ids[0]),
            Some(&patient.actor),
            None,
        )
        .await;
    assert_eq!(cancelled.status, 200, "{cancelled:#?}");
    let racing = join_all(
        slots[4..8]
            .iter()
            .map(|start| book(app, &patient.id, &patient.actor, &provider, start)),
    )
    .await;
    // One place was freed: exactly one of them takes it, whoever loses a race retries.
    let won = racing.iter().filter(|r| r.status == 201).count();
    assert_eq!(won, 1, "{racing:#?}");
    assert!(racing.iter().all(|r| r.status == 201 || r.status == 409));
    assert_eq!(upcoming(app, &patient.id).await.len(), 4);
}

#[tokio::test]
async fn appointments_a_retried_booking_replays_the_first_answer() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let patient = app.new_patient().await;
    let start = slot_in(app, &provider, 48).await;
    let path = format!("/patients/{}/appointments", patient.id);
    let send = || {
        app.send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            booking(&provider, "follow-up", &start),
            &[("Idempotency-Key", "book-once-1")],
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{first:#?}");
    let again = send().await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body["appointmentId"], first.body["appointmentId"]);
    assert_eq!(upcoming(app, &patient.id).await.len(), 1);
    // The same key with another booking is refused, and books nothing.
    let other = slot_in(app, &provider, 60).await;
    let reused = app
        .send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            booking(&provider, "follow-up", &other),
            &[("Idempotency-Key", "book-once-1")],
        )
        .await;
    assert_problem(&reused, 422, None);
    assert_eq!(upcoming(app, &patient.id).await.len(), 1);
    let open = open_slots(app, &provider, "follow-up", hours_from_now(59), 4).await;
    assert!(open.contains(&other), "nothing taken");
}

#[tokio::test]
async fn appointments_a_booking_is_where_its_location_points() {
    let app = spawn_app().await;
    let provider = new_provider(app).await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let start = slot_in(app, &provider, 48).await;
    let booked = book(app, &patient.id, &patient.actor, &provider, &start).await;
    assert_eq!(booked.status, 201, "{booked:#?}");
    let id = booked.body["appointmentId"].as_str().expect("id");
    let location = booked.header("location").expect("Location");
    let path = format!("/patients/{}/appointments/{id}", patient.id);
    assert!(location.ends_with(&path), "{location}");
    let read = app.get(&path, &patient.actor).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.body, booked.body);
    for who in [&app.front_desk, &app.clinician, &app.response_team] {
        assert_eq!(app.get(&path, who).await.status, 200);
    }
    // Another patient's, an unknown id, or another patient's path: 404 alike.
    assert_eq!(app.get(&path, &other.actor).await.status, 404);
    let foreign = format!("/patients/{}/appointments/{id}", other.id);
    assert_eq!(app.get(&foreign, &other.actor).await.status, 404);
    assert_eq!(app.get(&foreign, &app.front_desk).await.status, 404);
    let unknown = format!(
        "/patients/{}/appointments/01KAZ0DEM0APP01NTMENT00001",
        patient.id
    );
    assert_eq!(app.get(&unknown, &patient.actor).await.status, 404);
    let garbage = format!("/patients/{}/appointments/not-an-id", patient.id);
    assert_eq!(app.get(&garbage, &patient.actor).await.status, 404);
    // A cancelled appointment still reads, as cancelled.
    let cancelled = app
        .send(
            Method::POST,
            &format!("{path}/cancel"),
            Some(&patient.actor),
            None,
        )
        .await;
    assert_eq!(cancelled.status, 200, "{cancelled:#?}");
    let read = app.get(&path, &patient.actor).await;
    assert_eq!(read.body["status"], "cancelled");
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "appointment.read"
            && e["resource"] == format!("appointments/{id}").as_str()),
        "{events:#?}"
    );
}

#[tokio::test]
async fn appointments_filtered_provider_pages_are_full_until_the_directory_ends() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // A specialty of this test's own, among every other test's providers.
    let specialty = format!("rare-{}", ulid::Ulid::generate()).to_lowercase();
    let mut ids = Vec::new();
    for letter in ["a", "m", "z"] {
        let mut body =
            new_provider_body(&format!("Dr. {letter} Filter {}", ulid::Ulid::generate()));
        body["specialty"] = json!(specialty);
        let added = app
            .send(
                Method::POST,
                "/staff/providers",
                Some(&app.front_desk),
                Some(body),
            )
            .await;
        assert_eq!(added.status, 201, "{added:#?}");
        ids.push(added.body["providerId"].as_str().expect("id").to_owned());
    }
    let first = app
        .get(
            &format!("/providers?specialty={specialty}&limit=2"),
            &patient.actor,
        )
        .await;
    assert_eq!(first.status, 200, "{first:#?}");
    let first_items = first.body["items"].as_array().expect("items");
    assert_eq!(first_items.len(), 2, "a full page: {first:#?}");
    let cursor = first.body["nextCursor"].as_str().expect("more to come");
    let second = app
        .get(
            &format!("/providers?specialty={specialty}&limit=2&cursor={cursor}"),
            &patient.actor,
        )
        .await;
    assert_eq!(second.status, 200, "{second:#?}");
    let second_items = second.body["items"].as_array().expect("items");
    assert_eq!(second_items.len(), 1, "{second:#?}");
    assert!(second.body["nextCursor"].is_null(), "the directory ended");
    let mut found: Vec<String> = first_items
        .iter()
        .chain(second_items)
        .map(|p| p["providerId"].as_str().expect("id").to_owned())
        .collect();
    found.sort();
    ids.sort();
    assert_eq!(found, ids, "each once, none skipped");
    // Combined filters, a page of one.
    let none = app
        .get(
            &format!("/providers?specialty={specialty}&acceptingNewPatients=false&limit=1"),
            &patient.actor,
        )
        .await;
    assert_eq!(none.status, 200);
    assert!(none.body["items"].as_array().expect("items").is_empty());
    assert!(none.body["nextCursor"].is_null(), "{none:#?}");
}

/// The next local date (at least two days from now, so its eve's slots are not past) whose day
/// is `hours` long in `zone`: 23 for spring-forward, 25 for fall-back.
fn next_day_lasting(zone: &jiff::tz::TimeZone, hours: i64) -> Option<jiff::civil::Date> {
    let mut date = jiff::Timestamp::now().to_zoned(zone.clone()).date();
    date = date.checked_add(jiff::Span::new().days(2)).ok()?;
    for _ in 0..400 {
        let start = date.to_zoned(zone.clone()).ok()?;
        let end = date.tomorrow().ok()?.to_zoned(zone.clone()).ok()?;
        if end.timestamp().as_second() - start.timestamp().as_second() == hours * 3600 {
            return Some(date);
        }
        date = date.tomorrow().ok()?;
    }
    None
}

#[tokio::test]
async fn appointments_slots_follow_the_practice_clock_across_daylight_saving_changes() {
    let app = spawn_app().await;
    let zone = practice_zone(app).await;
    let provider = unscheduled_provider(app).await;
    let hours = json!({
        "weekly": crate::appointments::support::DAYS
            .iter()
            .map(|day| json!({"day": day, "start": "09:00", "end": "09:20"}))
            .collect::<Vec<_>>(),
    });
    let published = publish(app, &provider, hours, "\"0\"").await;
    assert_eq!(published.status, 200, "{published:#?}");
    // The eve, the day and the morrow of each change, computed from today (never a fixed year).
    for (change, day_hours) in [("spring-forward", 23), ("fall-back", 25)] {
        // The test stack's practice zone (America/New_York) changes its clocks twice a year.
        let day = next_day_lasting(&zone, day_hours).unwrap_or_else(|| {
            panic!("no {change} day in {zone:?}: the test needs a zone with one")
        });
        let eve = day.yesterday().expect("eve");
        let from = eve.to_zoned(zone.clone()).expect("midnight").timestamp();
        let to = from + jiff::SignedDuration::from_hours(72);
        let path = format!("/providers/{provider}/slots?visitType=follow-up&from={from}&to={to}");
        let reply = app.get(&path, &app.front_desk).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        let starts: Vec<jiff::Timestamp> = reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|slot| {
                slot["start"]
                    .as_str()
                    .expect("start")
                    .parse()
                    .expect("instant")
            })
            .collect();
        assert_eq!(starts.len(), 3, "{change} on {day}: {starts:?}");
        // Each slot is 09:00 on the practice's clock, on the eve, the day and the morrow...
        for (start, date) in starts
            .iter()
            .zip([eve, day, day.tomorrow().expect("morrow")])
        {
            let local = start.to_zoned(zone.clone());
            assert_eq!(local.date(), date, "{change}: {start}");
            assert_eq!((local.hour(), local.minute()), (9, 0), "{change}: {start}");
        }
        // ...so in UTC the change's day is an hour shorter or longer than the others.
        let gap = |a: jiff::Timestamp, b: jiff::Timestamp| (b.as_second() - a.as_second()) / 3600;
        assert_eq!(gap(starts[0], starts[1]), day_hours, "{change}: {starts:?}");
        assert_eq!(gap(starts[1], starts[2]), 24, "{change}: {starts:?}");
    }
}

#[tokio::test]
async fn appointments_patients_book_online_only_the_practices_notice_ahead() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let provider = new_provider(app).await;
    let notice = practice_settings(app).await.self_booking_notice;
    let now = portal_shared::domain::timestamp::Timestamp::now();
    let earliest_online = now.plus(notice);
    let to = earliest_online.plus(std::time::Duration::from_secs(2 * 3600));
    let path = format!("/providers/{provider}/slots?visitType=follow-up&from={now}&to={to}");
    // The front desk sees the slots sooner than the notice; the patient only those after it.
    let staff_view = slot_starts(&app.get(&path, &app.front_desk).await);
    let patient_view = slot_starts(&app.get(&path, &patient.actor).await);
    let at =
        |raw: &str| portal_shared::domain::timestamp::Timestamp::parse(raw).expect("an instant");
    // Far enough from now for the front desk to book it after a slow request or two, and far
    // enough inside the notice that the minutes a patient may take to choose do not reach it.
    let minutes = |n: u64| std::time::Duration::from_secs(n * 60);
    let soon = staff_view
        .iter()
        .find(|start| {
            at(start) >= now.plus(minutes(10)) && at(start) < earliest_online.minus(minutes(15))
        })
        .expect("a slot well inside the notice")
        .clone();
    assert!(!patient_view.contains(&soon), "{patient_view:?}");
    assert!(
        !patient_view.is_empty() && patient_view.iter().all(|s| at(s) >= earliest_online),
        "{patient_view:?}"
    );

    // Staff who do not book see what patients see.
    let clinician_view = slot_starts(&app.get(&path, &app.clinician).await);
    assert!(!clinician_view.contains(&soon), "{clinician_view:?}");

    // Booking it online is refused, naming the start, for the patient and for a caregiver;
    // nothing is written. The front desk books it.
    let refused = book(app, &patient.id, &patient.actor, &provider, &soon).await;
    assert_problem(&refused, 422, Some("start"));
    let carer = app.new_staff("carer-notice", &["caregivers"]).await;
    app.grant(
        &patient.id,
        &carer,
        &[Scope::Appointments],
        GrantState::Active,
    )
    .await;
    let carer_view = slot_starts(&app.get(&path, &carer).await);
    assert!(!carer_view.contains(&soon), "{carer_view:?}");
    let by_carer = book(app, &patient.id, &carer, &provider, &soon).await;
    assert_problem(&by_carer, 422, Some("start"));
    assert!(upcoming(app, &patient.id).await.is_empty());
    let by_desk = book(app, &patient.id, &app.front_desk, &provider, &soon).await;
    assert_eq!(by_desk.status, 201, "{by_desk:#?}");

    // Moving a visit online to a slot that soon is refused too (for the notice, before any
    // question of whether it is free); the visit keeps its time.
    let later = slot_in(app, &provider, 48).await;
    let booked = book(app, &patient.id, &patient.actor, &provider, &later).await;
    assert_eq!(booked.status, 201, "{booked:#?}");
    let id = booked.body["appointmentId"].as_str().expect("id");
    let moved = reschedule(app, &patient.id, id, &patient.actor, &soon).await;
    assert_problem(&moved, 422, Some("start"));
    let first_online = &patient_view[0];
    let booked_online = book(app, &patient.id, &patient.actor, &provider, first_online).await;
    assert_eq!(booked_online.status, 201, "{booked_online:#?}");
    let starts_now: Vec<serde_json::Value> = upcoming(app, &patient.id)
        .await
        .iter()
        .map(|visit| visit["start"].clone())
        .collect();
    assert!(starts_now.contains(&json!(later)), "{starts_now:?}");
}
