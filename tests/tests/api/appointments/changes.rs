//! Cancelling, rescheduling, checking in, the lists and the staff day view.

use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::authz::Scope;
use portal_tests::{GrantState, Method, Reply, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use crate::appointments::support::{
    book, booked, check_in_body, hours_from_now, new_provider, open_slots, reminders_due,
    reschedule, seed_past_appointment, slot_in, upcoming,
};

async fn act(
    app: &TestApp,
    path: &str,
    who: Option<&portal_tests::Actor>,
    body: Option<Value>,
) -> Reply {
    app.send(Method::POST, path, who, body).await
}

#[tokio::test]
async fn appointments_cancel_frees_the_slot_within_the_notice_period_only_staff() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let (provider, id, start) = booked(app, &patient.id, 48).await;
    let path = format!("/patients/{}/appointments/{id}/cancel", patient.id);

    assert_eq!(act(app, &path, None, None).await.status, 401);
    // Another patient learns nothing; roles that may not change appointments are refused.
    assert_eq!(act(app, &path, Some(&other.actor), None).await.status, 404);
    let foreign_path = format!("/patients/{}/appointments/{id}/cancel", other.id);
    assert_eq!(
        act(app, &foreign_path, Some(&other.actor), None)
            .await
            .status,
        404,
        "the id names no appointment of theirs"
    );
    for who in [&app.clinician, &app.response_team, &app.admin] {
        assert_eq!(act(app, &path, Some(who), None).await.status, 403);
    }
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    assert_eq!(
        act(app, &path, Some(&app.caregiver), None).await.status,
        403
    );
    assert_eq!(upcoming(app, &patient.id).await.len(), 1, "still booked");

    let cancelled = act(app, &path, Some(&patient.actor), None).await;
    assert_eq!(cancelled.status, 200, "{cancelled:#?}");
    assert_eq!(cancelled.body["status"], "cancelled");
    assert!(upcoming(app, &patient.id).await.is_empty());
    let open = open_slots(app, &provider, "follow-up", hours_from_now(47), 4).await;
    assert!(open.contains(&start), "the slot is open again");
    // Cancelling again answers the appointment as it is.
    let again = act(app, &path, Some(&patient.actor), None).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["status"], "cancelled");
    // The freed slot can be booked by someone else.
    let taken = book(app, &other.id, &other.actor, &provider, &start).await;
    assert_eq!(taken.status, 201);

    // Inside the notice period (24 hours in the test stack) only staff cancel.
    let (_, soon, _) = booked(app, &patient.id, 3).await;
    let soon_path = format!("/patients/{}/appointments/{soon}/cancel", patient.id);
    let late = act(app, &soon_path, Some(&patient.actor), None).await;
    assert_problem(&late, 403, None);
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Appointments],
        GrantState::Active,
    )
    .await;
    assert_eq!(
        act(app, &soon_path, Some(&app.caregiver), None)
            .await
            .status,
        403
    );
    assert_eq!(upcoming(app, &patient.id).await.len(), 1);
    let by_desk = act(app, &soon_path, Some(&app.front_desk), None).await;
    assert_eq!(by_desk.status, 200, "{by_desk:#?}");
    let unknown = act(
        app,
        &format!(
            "/patients/{}/appointments/01KAZ0DEM0APP01NTMENT00001/cancel",
            patient.id
        ),
        Some(&patient.actor),
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn appointments_reschedule_moves_atomically_or_not_at_all() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let (provider, id, start) = booked(app, &patient.id, 48).await;
    let path = format!("/patients/{}/appointments/{id}/reschedule", patient.id);
    let later = slot_in(app, &provider, 72).await;

    // The new slot is taken by someone else: 409, and nothing moved.
    let taken = book(app, &other.id, &other.actor, &provider, &later).await;
    assert_eq!(taken.status, 201);
    let refused = act(
        app,
        &path,
        Some(&patient.actor),
        Some(json!({"start": later})),
    )
    .await;
    assert_problem(&refused, 409, None);
    let mine = upcoming(app, &patient.id).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["start"], start.as_str());
    let still_held = book(app, &other.id, &other.actor, &provider, &start).await;
    assert_eq!(still_held.status, 409, "the old slot stays the patient's");

    // Bad input names the field; others may not move it.
    let bad = act(
        app,
        &path,
        Some(&patient.actor),
        Some(json!({"start": "soon"})),
    )
    .await;
    assert_problem(&bad, 422, Some("start"));
    let off_grid = act(
        app,
        &path,
        Some(&patient.actor),
        Some(json!({"start": "2027-01-01T14:05:00Z"})),
    )
    .await;
    assert_problem(&off_grid, 422, Some("start"));
    let free = slot_in(app, &provider, 96).await;
    assert_eq!(
        act(app, &path, Some(&other.actor), Some(json!({"start": free})))
            .await
            .status,
        404
    );
    assert_eq!(
        act(
            app,
            &path,
            Some(&app.clinician),
            Some(json!({"start": free}))
        )
        .await
        .status,
        403
    );
    assert_eq!(
        act(app, &path, None, Some(json!({"start": free})))
            .await
            .status,
        401
    );

    // Moving it: the new slot is taken and the old one freed, together.
    let moved = act(
        app,
        &path,
        Some(&patient.actor),
        Some(json!({"start": free})),
    )
    .await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert_eq!(moved.body["start"], free.as_str());
    assert_eq!(moved.body["appointmentId"], id.as_str());
    let mine = upcoming(app, &patient.id).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["start"], free.as_str());
    let open = open_slots(app, &provider, "follow-up", hours_from_now(47), 4).await;
    assert!(open.contains(&start), "the old slot is free");
    let open = open_slots(app, &provider, "follow-up", hours_from_now(95), 4).await;
    assert!(!open.contains(&free), "the new slot is taken");

    // A 40-minute visit may move by one unit onto itself (two starts a unit apart: not across
    // the end of a day, where 40-minute visits stop early).
    let open_forty = open_slots(app, &provider, "new-patient", hours_from_now(120), 3).await;
    let forty = open_forty
        .windows(2)
        .find(|pair| seconds_between(&pair[0], &pair[1]) == 20 * 60)
        .unwrap_or_else(|| panic!("two starts a unit apart: {open_forty:?}"));
    let booked_forty = app
        .send(
            Method::POST,
            &format!("/patients/{}/appointments", patient.id),
            Some(&app.front_desk),
            Some(crate::appointments::support::booking(
                &provider,
                "new-patient",
                &forty[0],
            )),
        )
        .await;
    assert_eq!(booked_forty.status, 201, "{booked_forty:#?}");
    let forty_id = booked_forty.body["appointmentId"].as_str().expect("id");
    let overlap = reschedule(app, &patient.id, forty_id, &app.front_desk, &forty[1]).await;
    assert_eq!(overlap.status, 200, "{overlap:#?}");
    let twenty = open_slots(app, &provider, "follow-up", hours_from_now(119), 4).await;
    assert!(twenty.contains(&forty[0]), "its first unit is free again");

    // Inside the notice period only staff move it.
    let (_, soon, _) = booked(app, &patient.id, 3).await;
    let soon_path = format!("/patients/{}/appointments/{soon}/reschedule", patient.id);
    let elsewhere = slot_in(app, &provider, 150).await;
    assert_eq!(
        act(
            app,
            &soon_path,
            Some(&patient.actor),
            Some(json!({"start": elsewhere}))
        )
        .await
        .status,
        403
    );
}

#[tokio::test]
async fn appointments_check_in_inside_the_window_and_staff_see_it() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let (provider, id, start) = booked(app, &patient.id, 48).await;
    let path = format!("/patients/{}/appointments/{id}/check-in", patient.id);

    // Missing answers and bad fields are named; nothing is written.
    let mut missing = check_in_body();
    missing["answers"] = json!({});
    assert_problem(
        &act(app, &path, Some(&patient.actor), Some(missing)).await,
        422,
        Some("answers.symptomsChanged"),
    );
    let mut unknown = check_in_body();
    unknown["answers"]["favouriteColour"] = json!("blue");
    assert_problem(
        &act(app, &path, Some(&patient.actor), Some(unknown)).await,
        422,
        Some("answers.favouriteColour"),
    );
    let mut bad_email = check_in_body();
    bad_email["contact"]["email"] = json!("nope");
    assert_problem(
        &act(app, &path, Some(&patient.actor), Some(bad_email)).await,
        422,
        Some("contact.email"),
    );
    assert_eq!(upcoming(app, &patient.id).await[0]["checkedIn"], false);

    assert_eq!(
        act(app, &path, None, Some(check_in_body())).await.status,
        401
    );
    assert_eq!(
        act(app, &path, Some(&other.actor), Some(check_in_body()))
            .await
            .status,
        404
    );
    for who in [&app.clinician, &app.response_team, &app.admin] {
        assert_eq!(
            act(app, &path, Some(who), Some(check_in_body()))
                .await
                .status,
            403
        );
    }
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Billing],
        GrantState::Active,
    )
    .await;
    assert_eq!(
        act(app, &path, Some(&app.caregiver), Some(check_in_body()))
            .await
            .status,
        403
    );
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Appointments],
        GrantState::Active,
    )
    .await;
    let checked_in = act(app, &path, Some(&app.caregiver), Some(check_in_body())).await;
    assert_eq!(checked_in.status, 200, "{checked_in:#?}");
    assert_eq!(checked_in.body["checkedIn"], true);
    assert_eq!(
        checked_in.body["checkIn"]["medications"][0]["name"],
        "Lisinopril"
    );
    let again = act(app, &path, Some(&patient.actor), Some(check_in_body())).await;
    assert_eq!(again.status, 200);

    // The day view shows who has checked in.
    let date = day_of(app, &provider, &start).await;
    let day = app
        .get(
            &format!("/staff/appointments?date={date}&providerId={provider}"),
            &app.front_desk,
        )
        .await;
    assert_eq!(day.status, 200, "{day:#?}");
    let entry = day.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["appointmentId"] == id.as_str())
        .expect("the visit is in the day")
        .clone();
    assert_eq!(entry["checkedIn"], true);

    // Too early: more than 7 days ahead.
    let (_, far, _) = booked(app, &patient.id, 24 * 8).await;
    let early = act(
        app,
        &format!("/patients/{}/appointments/{far}/check-in", patient.id),
        Some(&patient.actor),
        Some(check_in_body()),
    )
    .await;
    assert_problem(&early, 409, None);
}

/// The practice-local date of a slot, as the day view names it (from the slot search).
async fn day_of(app: &TestApp, provider: &str, start: &str) -> String {
    // The day view of the UTC date or of the day before holds it (New York is behind UTC).
    for date in [&start[..10], &previous_date(&start[..10])] {
        let reply = app
            .get(
                &format!("/staff/appointments?date={date}&providerId={provider}"),
                &app.front_desk,
            )
            .await;
        if reply.body["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|e| e["start"] == start))
        {
            return date.to_owned();
        }
    }
    panic!("no day holds {start}");
}

fn previous_date(date: &str) -> String {
    let parsed = time::Date::parse(
        date,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("date");
    parsed.previous_day().expect("a day before").to_string()
}

#[tokio::test]
async fn appointments_day_view_is_for_front_desk_and_clinicians_and_audited() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (provider, id, start) = booked(app, &patient.id, 30).await;
    let profile = app.profile_item(&patient.id).await;
    let date = day_of(app, &provider, &start).await;
    let path = format!("/staff/appointments?date={date}&providerId={provider}");
    for who in [&app.front_desk, &app.clinician] {
        let reply = app.get(&path, who).await;
        assert_eq!(reply.status, 200);
        let items = reply.body["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "only this provider's visits: {items:?}");
        assert_eq!(items[0]["appointmentId"], id.as_str());
        assert_eq!(items[0]["patientId"], patient.id.as_str());
        // Names, not only ids, and why the patient comes.
        assert_eq!(items[0]["patientName"], profile["legalName"], "{items:?}");
        assert_eq!(items[0]["reason"], "Blood pressure check");
    }
    let practice = app
        .get(&format!("/staff/appointments?date={date}"), &app.front_desk)
        .await;
    let in_practice = practice.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["appointmentId"] == id.as_str())
        .expect("in the practice's day")
        .clone();
    assert_eq!(in_practice["patientName"], profile["legalName"]);
    for who in [
        &patient.actor,
        &app.response_team,
        &app.admin,
        &app.caregiver,
    ] {
        assert_eq!(app.get(&path, who).await.status, 403);
    }
    assert_eq!(app.send(Method::GET, &path, None, None).await.status, 401);
    assert_problem(
        &app.get("/staff/appointments?date=31/12/2026", &app.front_desk)
            .await,
        422,
        Some("date"),
    );
    assert_problem(
        &app.get("/staff/appointments?providerId=x", &app.front_desk)
            .await,
        422,
        Some("providerId"),
    );
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "schedule.day-view"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn appointments_lists_upcoming_and_past() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let (_, first, _) = booked(app, &patient.id, 50).await;
    let (_, second, _) = booked(app, &patient.id, 26).await;
    let list = |who: &portal_tests::Actor, query: &str| {
        let path = format!("/patients/{}/appointments{query}", patient.id);
        let who = who.clone();
        async move { app.get(&path, &who).await }
    };
    let mine = list(&patient.actor, "").await;
    assert_eq!(mine.status, 200);
    let ids: Vec<&str> = mine.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["appointmentId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [second.as_str(), first.as_str()], "soonest first");
    let page = list(&patient.actor, "?limit=1").await;
    assert_eq!(page.body["items"].as_array().expect("items").len(), 1);
    let cursor = page.body["nextCursor"]
        .as_str()
        .expect("a cursor")
        .to_owned();
    let next = app
        .get(
            &format!(
                "/patients/{}/appointments?limit=1&cursor={cursor}",
                patient.id
            ),
            &patient.actor,
        )
        .await;
    assert_eq!(next.body["items"][0]["appointmentId"], first.as_str());
    // The cursor cannot open another patient's list.
    let stolen = app
        .get(
            &format!(
                "/patients/{}/appointments?limit=1&cursor={cursor}",
                other.id
            ),
            &other.actor,
        )
        .await;
    assert_problem(&stolen, 422, Some("cursor"));
    let past = list(&patient.actor, "?when=past").await;
    assert_eq!(past.status, 200);
    assert!(past.body["items"].as_array().expect("items").is_empty());
    assert_problem(
        &list(&patient.actor, "?when=later").await,
        422,
        Some("when"),
    );
    assert_eq!(list(&other.actor, "").await.status, 404);
    for who in [&app.clinician, &app.front_desk, &app.response_team] {
        assert_eq!(list(who, "").await.status, 200);
    }
    assert_eq!(list(&app.admin, "").await.status, 403);
    assert_eq!(list(&app.caregiver, "").await.status, 404);
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Appointments],
        GrantState::Active,
    )
    .await;
    assert_eq!(list(&app.caregiver, "").await.status, 200);
    let anonymous = app
        .send(
            Method::GET,
            &format!("/patients/{}/appointments", patient.id),
            None,
            None,
        )
        .await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn appointments_reminders_are_due_a_day_before_and_follow_changes() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (provider, id, start) = booked(app, &patient.id, 48).await;
    let due = crate::appointments::support::reminders_due(app, &start, &id).await;
    assert_eq!(due.len(), 1, "{due:?}");
    let reminder = due[0].as_object().expect("object");
    assert_eq!(reminder["start"], start.as_str());
    // Date and time only: nothing about the visit's provider, type or reason.
    for field in ["reason", "providerId", "providerName", "visitType"] {
        assert!(!reminder.contains_key(field), "{field} in {reminder:?}");
    }
    let later = slot_in(app, &provider, 72).await;
    let moved = reschedule(app, &patient.id, &id, &patient.actor, &later).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert!(
        crate::appointments::support::reminders_due(app, &start, &id)
            .await
            .is_empty()
    );
    assert_eq!(
        crate::appointments::support::reminders_due(app, &later, &id)
            .await
            .len(),
        1
    );
    let cancelled = act(
        app,
        &format!("/patients/{}/appointments/{id}/cancel", patient.id),
        Some(&patient.actor),
        None,
    )
    .await;
    assert_eq!(cancelled.status, 200);
    assert!(
        crate::appointments::support::reminders_due(app, &later, &id)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn appointments_check_in_closes_half_an_hour_before_and_never_opens_for_cancelled_visits() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let provider = new_provider(app).await;
    // The first slot at least ten minutes away (room for a slow booking): under 30 minutes
    // before the visit.
    let soon = Timestamp::now().plus(std::time::Duration::from_secs(10 * 60));
    let start = open_slots(app, &provider, "follow-up", soon, 1).await[0].clone();
    let booked_soon = book(app, &patient.id, &app.front_desk, &provider, &start).await;
    assert_eq!(booked_soon.status, 201, "{booked_soon:#?}");
    let id = booked_soon.body["appointmentId"].as_str().expect("id");
    let late = act(
        app,
        &format!("/patients/{}/appointments/{id}/check-in", patient.id),
        Some(&patient.actor),
        Some(check_in_body()),
    )
    .await;
    assert_problem(&late, 409, None);
    let read = app
        .get(
            &format!("/patients/{}/appointments/{id}", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(read.body["checkedIn"], false, "{read:#?}");

    // Cancelled (by the front desk, inside the notice period): no check-in, even in the window.
    let (_, cancelled, _) = booked(app, &patient.id, 48).await;
    let path = format!("/patients/{}/appointments/{cancelled}", patient.id);
    let done = act(app, &format!("{path}/cancel"), Some(&app.front_desk), None).await;
    assert_eq!(done.status, 200, "{done:#?}");
    let refused = act(
        app,
        &format!("{path}/check-in"),
        Some(&patient.actor),
        Some(check_in_body()),
    )
    .await;
    assert_problem(&refused, 409, None);
    let read = app.get(&path, &patient.actor).await;
    assert_eq!(read.body["status"], "cancelled");
    assert_eq!(read.body["checkedIn"], false);
}

#[tokio::test]
async fn appointments_upcoming_pages_skip_cancelled_visits_and_stay_full() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, first, _) = booked(app, &patient.id, 26).await;
    let (_, second, _) = booked(app, &patient.id, 30).await;
    let (_, third, _) = booked(app, &patient.id, 50).await;
    for id in [&first, &second] {
        let done = act(
            app,
            &format!("/patients/{}/appointments/{id}/cancel", patient.id),
            Some(&app.front_desk),
            None,
        )
        .await;
        assert_eq!(done.status, 200, "{done:#?}");
    }
    let (_, fourth, _) = booked(app, &patient.id, 60).await;
    let path = format!("/patients/{}/appointments?limit=1", patient.id);
    let page = app.get(&path, &patient.actor).await;
    assert_eq!(page.status, 200, "{page:#?}");
    let items = page.body["items"].as_array().expect("items");
    assert_eq!(
        items.len(),
        1,
        "a full page past the cancelled ones: {page:#?}"
    );
    assert_eq!(items[0]["appointmentId"], third.as_str());
    let cursor = page.body["nextCursor"].as_str().expect("more");
    let next = app
        .get(&format!("{path}&cursor={cursor}"), &patient.actor)
        .await;
    assert_eq!(
        next.body["items"][0]["appointmentId"],
        fourth.as_str(),
        "{next:#?}"
    );
    assert!(next.body["nextCursor"].is_null(), "{next:#?}");
}

#[tokio::test]
async fn appointments_past_visits_are_listed_and_read_but_not_changed() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, upcoming_id, _) = booked(app, &patient.id, 48).await;
    let past = seed_past_appointment(app, &patient.id, 30).await;
    let older = seed_past_appointment(app, &patient.id, 24 * 10).await;
    let list = app
        .get(
            &format!("/patients/{}/appointments?when=past", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(list.status, 200, "{list:#?}");
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["appointmentId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [past.as_str(), older.as_str()], "most recent first");
    let upcoming_ids: Vec<Value> = upcoming(app, &patient.id)
        .await
        .into_iter()
        .map(|a| a["appointmentId"].clone())
        .collect();
    assert_eq!(upcoming_ids, [json!(upcoming_id)]);
    let path = format!("/patients/{}/appointments/{past}", patient.id);
    let read = app.get(&path, &patient.actor).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.body["reason"], "Knee pain");
    for (action, body) in [
        ("cancel", None),
        ("check-in", Some(check_in_body())),
        (
            "reschedule",
            Some(json!({"start": hours_from_now(72).to_string()})),
        ),
        ("waitlist", None),
    ] {
        let reply = act(
            app,
            &format!("{path}/{action}"),
            Some(&app.front_desk),
            body,
        )
        .await;
        assert_problem(&reply, 409, None);
    }
}

#[tokio::test]
async fn appointments_no_reminder_for_patients_who_turned_them_off() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    app.set_profile_attribute(
        &patient.id,
        "communication",
        json!({"preferredChannel": "portal", "appointmentReminders": false, "healthReminders": true}),
    )
    .await;
    let (provider, id, start) = booked(app, &patient.id, 48).await;
    assert!(reminders_due(app, &start, &id).await.is_empty());
    let later = slot_in(app, &provider, 72).await;
    let moved = reschedule(app, &patient.id, &id, &patient.actor, &later).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert!(reminders_due(app, &later, &id).await.is_empty());
    // Turned back on: the next move writes one again.
    app.set_profile_attribute(
        &patient.id,
        "communication",
        json!({"preferredChannel": "portal", "appointmentReminders": true, "healthReminders": true}),
    )
    .await;
    let again = slot_in(app, &provider, 80).await;
    let moved = reschedule(app, &patient.id, &id, &patient.actor, &again).await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert_eq!(reminders_due(app, &again, &id).await.len(), 1);
}

fn seconds_between(earlier: &str, later: &str) -> i64 {
    let at = |raw: &str| {
        Timestamp::parse(raw)
            .unwrap_or_else(|| panic!("an instant: {raw}"))
            .unix_seconds()
    };
    at(later) - at(earlier)
}
