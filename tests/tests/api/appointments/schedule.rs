//! A provider's published schedule: read back as published with its ETag, replaced only with
//! the current one (`If-Match`), so two front-desk staff cannot overwrite each other unseen.

use futures::future::join_all;
use portal_tests::{Method, Reply, TestApp, assert_problem, single_winner, spawn_app};
use serde_json::{Value, json};

use crate::appointments::support::{
    DAYS, around_the_clock, hours_from_now, local_date, new_provider, open_slots, practice_zone,
    publish, unscheduled_provider,
};

fn schedule_path(provider: &str) -> String {
    format!("/providers/{provider}/schedule")
}

/// Weekday mornings, a holiday and a meeting, in the form the API gives back.
fn mornings(start: &str) -> Value {
    json!({
        "weekly": DAYS[..5]
            .iter()
            .map(|day| json!({"day": day, "start": start, "end": "12:00"}))
            .collect::<Vec<_>>(),
        "closedDates": ["2031-12-25"],
        "blocks": [{"start": "2031-12-24T14:00:00.000Z", "end": "2031-12-24T15:00:00.000Z"}],
    })
}

/// The published parts of a schedule reply.
fn as_published(reply: &Reply) -> Value {
    json!({
        "weekly": reply.body["weekly"],
        "closedDates": reply.body["closedDates"],
        "blocks": reply.body["blocks"],
    })
}

async fn read(app: &TestApp, provider: &str) -> Reply {
    let reply = app.get(&schedule_path(provider), &app.front_desk).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply
}

#[tokio::test]
async fn appointments_a_schedule_reads_back_exactly_as_published_with_its_etag() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    let path = schedule_path(&provider);

    // No hours yet: an empty schedule at version 0.
    let empty = read(app, &provider).await;
    assert_eq!(empty.header("etag").as_deref(), Some("\"0\""));
    assert_eq!(
        as_published(&empty),
        json!({"weekly": [], "closedDates": [], "blocks": []})
    );
    assert!(empty.body["publishedAt"].is_null(), "{empty:#?}");
    assert_eq!(empty.body["providerId"], provider.as_str());

    let published = publish(app, &provider, mornings("08:00"), "\"0\"").await;
    assert_eq!(published.status, 200, "{published:#?}");
    assert_eq!(published.header("etag").as_deref(), Some("\"1\""));

    // The front desk and clinicians read it as published.
    for who in [&app.front_desk, &app.clinician] {
        let reply = app.get(&path, who).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        assert_eq!(reply.header("etag").as_deref(), Some("\"1\""));
        assert_eq!(as_published(&reply), mornings("08:00"));
        assert_eq!(reply.body["timeZone"], "America/New_York");
        assert!(reply.body["publishedAt"].is_string());
    }

    // Nobody else: patients, caregivers, the response team, admins; no token; no provider.
    let patient = app.new_patient().await;
    for who in [
        &patient.actor,
        &app.caregiver,
        &app.response_team,
        &app.admin,
    ] {
        assert_problem(&app.get(&path, who).await, 403, None);
    }
    assert_eq!(app.send(Method::GET, &path, None, None).await.status, 401);
    for unknown in ["01KAZ0DEM0PR0V1DER00000001", "not-a-provider"] {
        assert_problem(
            &app.get(&schedule_path(unknown), &app.front_desk).await,
            404,
            None,
        );
    }
}

#[tokio::test]
async fn appointments_replacing_a_schedule_needs_its_current_etag() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    let first = publish(app, &provider, mornings("08:00"), "\"0\"").await;
    assert_eq!(first.status, 200, "{first:#?}");

    // Missing If-Match: 428; stale, weak or vague: 412. Nothing is written.
    let missing = app
        .send(
            Method::PUT,
            &format!("/staff/providers/{provider}/schedule"),
            Some(&app.front_desk),
            Some(mornings("09:00")),
        )
        .await;
    assert_problem(&missing, 428, None);
    for stale in ["\"0\"", "\"2\"", "W/\"1\"", "*", "1"] {
        let reply = publish(app, &provider, mornings("09:00"), stale).await;
        assert_problem(&reply, 412, None);
    }
    // A provider without hours has nothing at version 1 either.
    let other = unscheduled_provider(app).await;
    assert_problem(
        &publish(app, &other, mornings("09:00"), "\"1\"").await,
        412,
        None,
    );
    assert_eq!(
        read(app, &other).await.header("etag").as_deref(),
        Some("\"0\"")
    );
    let unchanged = read(app, &provider).await;
    assert_eq!(unchanged.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(as_published(&unchanged), mornings("08:00"));

    // Wrong role or no token, even with the current ETag: refused before anything is read.
    let patient = app.new_patient().await;
    for (who, status) in [
        (Some(&app.clinician), 403),
        (Some(&patient.actor), 403),
        (None, 401),
    ] {
        let reply = match who {
            Some(who) => {
                app.send_with_headers(
                    Method::PUT,
                    &format!("/staff/providers/{provider}/schedule"),
                    who,
                    mornings("10:00"),
                    &[("If-Match", "\"1\"")],
                )
                .await
            }
            None => {
                app.send(
                    Method::PUT,
                    &format!("/staff/providers/{provider}/schedule"),
                    None,
                    Some(mornings("10:00")),
                )
                .await
            }
        };
        assert_eq!(reply.status, status, "{reply:#?}");
    }

    // Bad input with the current ETag: 422 naming the field, nothing written.
    let mut bad = mornings("09:00");
    bad["closedDates"] = json!(["25 December"]);
    assert_problem(
        &publish(app, &provider, bad, "\"1\"").await,
        422,
        Some("closedDates[0]"),
    );
    assert_eq!(
        read(app, &provider).await.header("etag").as_deref(),
        Some("\"1\"")
    );

    // The current ETag replaces it, and moves it on.
    let second = publish(app, &provider, mornings("09:00"), "\"1\"").await;
    assert_eq!(second.status, 200, "{second:#?}");
    assert_eq!(second.header("etag").as_deref(), Some("\"2\""));
    let now = read(app, &provider).await;
    assert_eq!(now.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(as_published(&now), mornings("09:00"));
}

#[tokio::test]
async fn appointments_of_two_replacements_from_one_reading_one_wins() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    let first = publish(app, &provider, mornings("08:00"), "\"0\"").await;
    assert_eq!(first.status, 200, "{first:#?}");
    let etag = read(app, &provider).await.header("etag").expect("etag");

    let starts = ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40"];
    let replies = join_all(
        starts
            .iter()
            .map(|start| publish(app, &provider, mornings(start), &etag)),
    )
    .await;
    let winner = single_winner(&replies, 412);
    let won = as_published(winner);
    assert_eq!(winner.header("etag").as_deref(), Some("\"2\""));
    let now = read(app, &provider).await;
    assert_eq!(now.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(as_published(&now), won, "the winner's hours, no one else's");
}

#[tokio::test]
async fn appointments_closed_dates_and_blocks_take_their_slots_away() {
    let app = spawn_app().await;
    let zone = practice_zone(app).await;
    let provider = new_provider(app).await;
    let from = hours_from_now(40);
    let before = open_slots(app, &provider, "follow-up", from, 72).await;
    // A whole practice day closed, and one meeting over a single slot on a later day.
    let closed = local_date(&zone, &hours_from_now(72).to_string());
    let on = |slots: &[String], date: &str| {
        slots
            .iter()
            .filter(|start| local_date(&zone, start) == date)
            .count()
    };
    // Three slots an hour, all day (69 or 75 on a daylight-saving day).
    let that_day = on(&before, &closed);
    assert!(that_day >= 69, "open all day before: {that_day}");
    let meeting = open_slots(app, &provider, "follow-up", hours_from_now(104), 1).await[0].clone();
    let meeting_at: portal_shared::domain::timestamp::Timestamp =
        portal_shared::domain::timestamp::Timestamp::parse(&meeting).expect("start");
    let meeting_end = meeting_at.plus(std::time::Duration::from_secs(20 * 60));
    let mut hours = around_the_clock();
    hours["closedDates"] = json!([closed]);
    hours["blocks"] = json!([{"start": meeting, "end": meeting_end.to_string()}]);
    let published = publish(app, &provider, hours, "\"1\"").await;
    assert_eq!(published.status, 200, "{published:#?}");

    let after = open_slots(app, &provider, "follow-up", from, 72).await;
    assert_eq!(on(&after, &closed), 0, "the closed day has no slots");
    assert!(!after.contains(&meeting), "the meeting's slot is gone");
    let index = before.iter().position(|s| *s == meeting).expect("was open");
    assert!(
        after.contains(&before[index - 1]),
        "the slot before the meeting stays"
    );
    assert!(
        after.contains(&before[index + 1]),
        "the slot after it stays"
    );
    assert_eq!(before.len() - after.len(), that_day + 1, "{closed}");
    // A 40-minute visit may not end inside the meeting either.
    let forty = open_slots(app, &provider, "new-patient", hours_from_now(103), 3).await;
    assert!(
        !forty.contains(&before[index - 1]),
        "would overlap the meeting"
    );
    assert!(!forty.contains(&meeting));
    // Bad exceptions name the field.
    let mut bad = around_the_clock();
    bad["closedDates"] = json!(["next tuesday"]);
    bad["blocks"] = json!([{"start": meeting, "end": meeting}]);
    let refused = publish(app, &provider, bad, "\"2\"").await;
    assert_problem(&refused, 422, Some("closedDates[0]"));
    assert_problem(&refused, 422, Some("blocks[0].end"));
    assert_schedule_version(app, &provider, "\"2\"").await;
}

/// The schedule's `ETag` is still `etag`: a refused publication wrote nothing.
async fn assert_schedule_version(app: &portal_tests::TestApp, provider: &str, etag: &str) {
    let schedule = app
        .get(&format!("/providers/{provider}/schedule"), &app.front_desk)
        .await;
    assert_eq!(schedule.status, 200, "{schedule:#?}");
    assert_eq!(
        schedule.header("etag").as_deref(),
        Some(etag),
        "{schedule:#?}"
    );
}

#[tokio::test]
async fn appointments_a_date_with_hours_of_its_own_replaces_the_weekly_hours() {
    let app = spawn_app().await;
    let zone = practice_zone(app).await;
    let provider = unscheduled_provider(app).await;
    // 09:00-09:20 every day, but one date opens 10:00-11:00 instead (a late start).
    let special = local_date(&zone, &hours_from_now(72).to_string());
    let hours = json!({
        "weekly": DAYS.iter().map(|day| json!({"day": day, "start": "09:00", "end": "09:20"})).collect::<Vec<_>>(),
        "dateHours": [{"date": special, "hours": [{"start": "10:00", "end": "11:00"}]}],
    });
    let published = publish(app, &provider, hours, "\"0\"").await;
    assert_eq!(published.status, 200, "{published:#?}");
    assert_eq!(published.body["dateHours"][0]["date"], special.as_str());
    let read_back = read(app, &provider).await;
    assert_eq!(read_back.body["dateHours"], published.body["dateHours"]);

    let slots = open_slots(app, &provider, "follow-up", hours_from_now(40), 72).await;
    let local = |start: &String| {
        let at: jiff::Timestamp = start.parse().expect("instant");
        let zoned = at.to_zoned(zone.clone());
        (
            zoned.date().to_string(),
            format!("{:02}:{:02}", zoned.hour(), zoned.minute()),
        )
    };
    let on_special: Vec<String> = slots
        .iter()
        .map(local)
        .filter(|(date, _)| *date == special)
        .map(|(_, time)| time)
        .collect();
    assert_eq!(on_special, ["10:00", "10:20", "10:40"], "{slots:?}");
    let elsewhere: Vec<(String, String)> = slots
        .iter()
        .map(local)
        .filter(|(date, _)| *date != special)
        .collect();
    assert!(!elsewhere.is_empty());
    assert!(
        elsewhere.iter().all(|(_, time)| time == "09:00"),
        "{elsewhere:?}"
    );

    // A date both closed and with hours, or hours off the grid, is refused by name.
    let bad = json!({
        "weekly": [],
        "closedDates": [special],
        "dateHours": [
            {"date": special, "hours": [{"start": "10:00", "end": "11:00"}]},
            {"date": "2031-01-02", "hours": [{"start": "10:05", "end": "11:00"}]},
        ],
    });
    let refused = publish(app, &provider, bad, "\"1\"").await;
    assert_problem(&refused, 422, Some("dateHours[0].date"));
    assert_problem(&refused, 422, Some("dateHours[1].hours[0].start"));
    assert_schedule_version(app, &provider, "\"1\"").await;
}
