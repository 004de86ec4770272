//! The weekly digest: once per practice week, due from the following Monday at
//! `WeeklyDigestAt`, the `digest` job (run here by the tests as if at chosen times, as its
//! hourly schedule would) writes the week's digest and tells each portal lead once; the lead
//! reads the digests (`/support/digests`, newest first) and one week's
//! (`/support/digests/{digestId}`, its Monday). Counts only: no patient's words anywhere.
//!
//! A digest is practice-wide and written once per week, so the tests that compose run on a
//! stack of their own (`digests`) and each composes a week no other test composes: the
//! current week (whose reports and incidents the test makes through the API), or a week years
//! away (whose adoption and rating figures the test writes where the days' counters are kept).

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use portal_shared::domain::cohort_name::CohortName;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_tests::{Actor, Method, Reply, TestApp, assert_problem, spawn_app, spawn_own_stack};
use serde_json::{Value, json};

use super::fixtures::{
    filed, id_of, make_overdue, new_report, opened, run_support_job, staff_filed, unique,
};

const DIGESTS: &str = "/support/digests";
const TEMPLATE: &str = "weekly-digest";
/// The stack the composing tests share (see the module's docs).
const STACK: &str = "digests";

fn digest_path(id: &str) -> String {
    format!("{DIGESTS}/{id}")
}

fn date(raw: &str) -> Date {
    raw.parse().unwrap_or_else(|_| panic!("a date: {raw}"))
}

/// The practice's zone and the time of day digests fall due, as the stack runs the job.
async fn practice_clock(app: &TestApp) -> (TimeZone, Time) {
    let (zone, due) = app
        .on_stack(|stack| async move {
            let env = stack.env_for("DigestFunction")?;
            Ok((
                env.get("PRACTICE_TIME_ZONE").cloned(),
                env.get("WEEKLY_DIGEST_AT").cloned(),
            ))
        })
        .await
        .expect("the digest job's environment");
    let zone = zone.unwrap_or_else(|| "America/New_York".to_owned());
    let due = due.unwrap_or_else(|| "07:00".to_owned());
    (
        TimeZone::get(&zone).expect("the practice's zone"),
        format!("{due}:00")
            .parse()
            .expect("WEEKLY_DIGEST_AT is HH:MM"),
    )
}

/// `day` at `time` in the practice's zone.
fn local(zone: &TimeZone, day: Date, time: Time) -> Timestamp {
    let zoned = day
        .to_datetime(time)
        .to_zoned(zone.clone())
        .expect("a local time");
    Timestamp::from(zoned.timestamp())
}

/// `day` at `hh:mm` in the practice's zone.
fn at(zone: &TimeZone, day: &str, hh: i8, mm: i8) -> Timestamp {
    local(zone, date(day), Time::new(hh, mm, 0, 0).expect("a time"))
}

/// Runs the `digest` job once, as if at `now`: its summary (`{week, written, told}`).
async fn compose(app: &TestApp, now: Timestamp) -> Value {
    run_support_job(app, "DigestFunction", move |deps| async move {
        let summary = portal_support::compose_digest(&deps, now).await?;
        serde_json::to_value(summary).map_err(portal_shared::ApiError::internal)
    })
    .await
}

/// Composes as if at `now`, which must write `week`'s digest.
async fn composed(app: &TestApp, now: Timestamp, week: &str) -> Value {
    let summary = compose(app, now).await;
    assert_eq!(summary["written"], true, "composing {week}: {summary:#}");
    assert_eq!(summary["week"], week, "{summary:#}");
    summary
}

/// One digest as `who` reads it, which must be there.
async fn digest_as(app: &TestApp, id: &str, who: &Actor) -> Value {
    let reply = app.get(&digest_path(id), who).await;
    assert_eq!(reply.status, 200, "the digest {id}: {reply:#?}");
    reply.body
}

async fn digest(app: &TestApp, id: &str) -> Value {
    digest_as(app, id, &app.portal_lead).await
}

fn items_of(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "a list: {reply:#?}");
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items: {reply:#?}"))
        .clone()
}

/// The cursor of the next page (`nextCursor`, `null` on the last page).
fn next_of(reply: &Reply) -> Option<String> {
    let next = &reply.body["nextCursor"];
    assert!(next.is_string() || next.is_null(), "{reply:#?}");
    next.as_str().map(str::to_owned)
}

/// Every digest listed to the portal lead, newest first, following the cursor.
async fn listed(app: &TestApp) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{DIGESTS}?limit=52");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let reply = app.get(&path, &app.portal_lead).await;
        items.extend(items_of(&reply));
        match next_of(&reply) {
            Some(next) => cursor = Some(next),
            None => return items,
        }
    }
}

fn ids_of(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| id_of(item, "digestId")).collect()
}

/// The `weekly-digest` outbox records about the digest `id`.
async fn told(app: &TestApp, id: &str) -> Vec<Value> {
    app.outbox_where("digestId", id)
        .await
        .into_iter()
        .filter(|record| record["template"] == TEMPLATE)
        .collect()
}

/// The staff members these records tell (each must be one).
fn subs_of(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|record| {
            assert_eq!(record["recipient"]["kind"], "staff-member", "{record:#}");
            id_of(&record["recipient"], "sub")
        })
        .collect()
}

/// The emails `lead` received about the digest of `week` (its link), once one has arrived.
async fn emails_about(app: &TestApp, lead: &Actor, week: &str) -> Vec<portal_tests::SentEmail> {
    let link = format!("/staff/digests/{week}");
    let deadline = tokio::time::Instant::now() + portal_tests::DELIVERY_WAIT;
    loop {
        let about: Vec<_> = app
            .emails_to(&lead.email)
            .await
            .into_iter()
            .filter(|email| email.body.contains(&link))
            .collect();
        if !about.is_empty() || tokio::time::Instant::now() > deadline {
            assert!(
                !about.is_empty(),
                "{} was not emailed of {week}",
                lead.email
            );
            return about;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

fn once_each(values: &[String]) -> bool {
    values.iter().collect::<BTreeSet<_>>().len() == values.len()
}

fn keys_of(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value:#?}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn count(value: &Value, pointer: &str) -> u64 {
    value
        .pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("a count at {pointer}: {value:#}"))
}

/// The entry of `items` (an array at `pointer`) whose `field` is `id`.
fn entry<'a>(value: &'a Value, pointer: &str, field: &str, id: &str) -> Option<&'a Value> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("an array at {pointer}: {value:#}"))
        .iter()
        .find(|item| item[field] == id)
}

/// The Monday of the week holding `now`, and the Monday after, in the practice's zone.
fn this_week(zone: &TimeZone, now: Timestamp) -> (Date, Date) {
    let today = jiff::Timestamp::from(now).to_zoned(zone.clone()).date();
    let back = i64::from(today.weekday().to_monday_zero_offset());
    let monday = today
        .checked_sub(jiff::Span::new().days(back))
        .expect("a Monday");
    let next = monday
        .checked_add(jiff::Span::new().days(7))
        .expect("the next Monday");
    (monday, next)
}

/// One day's adoption counter for all patients (`n`), as the auth function, the waves and
/// the gate add to it.
async fn put_counter(app: &TestApp, day: &str, metric: &str, n: i64) {
    let key = keys::adoption_counter(day, None, metric);
    let item = store::to_item(&key, &json!({ "n": n })).expect("an item");
    app.put_app_item(item).await;
}

/// A cohort's counter (which a digest, about all patients, leaves out).
async fn put_cohort_counter(app: &TestApp, day: &str, cohort: &str, metric: &str, n: i64) {
    let cohort = CohortName::parse(cohort).expect("a cohort's name");
    let key = keys::adoption_counter(day, Some(&cohort), metric);
    let item = store::to_item(&key, &json!({ "n": n })).expect("an item");
    app.put_app_item(item).await;
}

/// One shard of a day's set of patients who signed in (`all#active#<shard>`).
async fn put_signed_in(app: &TestApp, day: &str, shard: &str, patients: &[&str]) {
    let key = keys::adoption_counter(day, None, &format!("active#{shard}"));
    let mut item = key.attributes();
    item.insert(
        "patients".to_owned(),
        AttributeValue::Ss(patients.iter().map(|p| (*p).to_owned()).collect()),
    );
    app.put_app_item(item).await;
}

/// A feature's rating totals of one day for `cohort`, as the feedback function adds them.
async fn put_ratings(app: &TestApp, feature: &str, cohort: &str, day: &str, ratings: (u64, u64)) {
    let key = keys::feedback_stats(Feature::parse(feature).expect("a feature"), cohort, day);
    let (count, sum) = ratings;
    let item = store::to_item(
        &key,
        &json!({"feature": feature, "cohort": cohort, "day": day, "count": count, "sum": sum}),
    )
    .expect("an item");
    app.put_app_item(item).await;
}

/// A patient's suggestion of an idea; its id.
async fn suggested(app: &TestApp, patient: &portal_tests::Patient, title: &str) -> String {
    let reply = app
        .send(
            Method::POST,
            &format!("/patients/{}/suggestions", patient.id),
            Some(&patient.actor),
            Some(json!({"title": title, "description": "Tell me when a letter arrives."})),
        )
        .await;
    assert_eq!(reply.status, 201, "suggesting: {reply:#?}");
    id_of(&reply.body, "suggestionId")
}

async fn rated(app: &TestApp, patient: &portal_tests::Patient, feature: &str, rating: u8) {
    let reply = app
        .send(
            Method::POST,
            &format!("/patients/{}/feedback/ratings", patient.id),
            Some(&patient.actor),
            Some(json!({"feature": feature, "rating": rating})),
        )
        .await;
    assert_eq!(reply.status, 201, "rating: {reply:#?}");
}

// ---- composing --------------------------------------------------------------------------

#[tokio::test]
async fn composing_after_the_due_time_writes_the_weeks_digest_and_tells_each_lead() {
    let app = spawn_own_stack(STACK).await;
    let (zone, due) = practice_clock(app).await;
    let (monday, next_monday) = this_week(&zone, Timestamp::now());
    let week = monday.to_string();
    let lead = app.new_staff("lead", &["portal-leads"]).await;

    // This week's work, made through the API: two reports (one overdue; one with words only
    // its reporter wrote), a staff member's report, an incident, a rating, a suggestion, a
    // sign-in.
    let secret = unique("My insulin pen order vanished");
    let reporter = app.new_patient().await;
    filed(app, &reporter, &secret).await;
    let (overdue, _) = new_report(app, &unique("Messages slow")).await;
    make_overdue(app, &overdue).await;
    staff_filed(app, &app.clinician, &unique("Printer page")).await;
    let incident_title = unique("Messages delayed");
    let incident = id_of(&opened(app, &incident_title).await, "incidentId");
    rated(app, &reporter, "messaging", 4).await;
    let suggestion_title = unique("Letters by text");
    suggested(app, &reporter, &suggestion_title).await;
    app.signed_in(&reporter.email).await;

    // Due from next Monday at WeeklyDigestAt (an hour after, as the hourly schedule would).
    let now = local(&zone, next_monday, due).plus(std::time::Duration::from_secs(3600));
    let summary = composed(app, now, &week).await;
    let told_count = summary["told"].as_u64().expect("told");

    let found = digest(app, &week).await;
    assert_eq!(
        keys_of(&found),
        [
            "adoption",
            "createdAt",
            "digestId",
            "feedback",
            "from",
            "incidents",
            "reports",
            "to"
        ]
        .into(),
        "{found:#}"
    );
    assert_eq!(found["digestId"], week.as_str());
    assert_eq!(found["from"], week.as_str());
    let sunday = next_monday
        .checked_sub(jiff::Span::new().days(1))
        .expect("Sunday");
    assert_eq!(found["to"], sunday.to_string().as_str());
    assert!(
        Timestamp::parse(found["createdAt"].as_str().expect("createdAt")).is_some(),
        "{found:#}"
    );

    // Reports: ours are open, opened this week; the overdue one is breached.
    assert!(count(&found, "/reports/open") >= 3, "{found:#}");
    assert!(count(&found, "/reports/openedInWeek") >= 3, "{found:#}");
    let by_status = found["reports"]["openByStatus"]
        .as_object()
        .expect("openByStatus");
    let summed: u64 = by_status.values().filter_map(Value::as_u64).sum();
    assert_eq!(summed, count(&found, "/reports/open"), "{found:#}");
    let breached = entry(&found, "/reports/breached", "reportId", &overdue)
        .unwrap_or_else(|| panic!("{overdue} breached: {found:#}"));
    assert_eq!(breached["target"], "first-response", "{breached:#}");
    assert!(Timestamp::parse(breached["dueAt"].as_str().expect("dueAt")).is_some());
    assert!(count(&found, "/reports/breachedCount") >= 1);
    let listed_breaches = found["reports"]["breached"].as_array().expect("breached");
    assert!(listed_breaches.len() <= 50);
    assert!(listed_breaches.len() as u64 <= count(&found, "/reports/breachedCount"));

    // Incidents: ours, by its public title, and still ongoing.
    let opened_incident = entry(&found, "/incidents/openedInWeek", "incidentId", &incident)
        .unwrap_or_else(|| panic!("{incident} opened: {found:#}"));
    assert_eq!(opened_incident["title"], incident_title.as_str());
    assert!(opened_incident["resolvedAt"].is_null());
    assert!(count(&found, "/incidents/ongoing") >= 1);

    // Adoption and feedback: the sign-in, the rating, the suggestion.
    assert!(count(&found, "/adoption/week/signedIn7d") >= 1, "{found:#}");
    for field in ["invited", "delivered", "activated", "signedIn7d"] {
        count(&found, &format!("/adoption/week/{field}"));
        count(&found, &format!("/adoption/previous/{field}"));
    }
    let messaging = entry(&found, "/feedback/ratings", "feature", "messaging")
        .unwrap_or_else(|| panic!("messaging rated: {found:#}"));
    assert!(count(messaging, "/week/count") >= 1, "{messaging:#}");
    assert!(count(&found, "/feedback/newSuggestions") >= 1, "{found:#}");
    assert!(
        count(&found, "/feedback/suggestionsWaiting") >= 1,
        "{found:#}"
    );

    // Counts only: nothing the reporters wrote, nor who they are (a report is named by its
    // id alone, when it is breached).
    let text = found.to_string();
    for hidden in [
        secret.as_str(),
        "insulin",
        reporter.id.as_str(),
        reporter.family.as_str(),
        reporter.email.as_str(),
        suggestion_title.as_str(),
    ] {
        assert!(!text.contains(hidden), "{hidden:?} in the digest: {text}");
    }

    // Listed, with the figures of the digest.
    let items = listed(app).await;
    let item = items
        .iter()
        .find(|item| item["digestId"] == week.as_str())
        .unwrap_or_else(|| panic!("{week} listed: {items:#?}"));
    assert_eq!(
        keys_of(item),
        [
            "activated",
            "breachedCount",
            "createdAt",
            "digestId",
            "from",
            "incidentsOpened",
            "openReports",
            "signedIn7d",
            "to"
        ]
        .into(),
        "{item:#}"
    );
    assert_eq!(item["openReports"], found["reports"]["open"]);
    assert_eq!(item["breachedCount"], found["reports"]["breachedCount"]);
    assert_eq!(
        item["incidentsOpened"].as_u64(),
        Some(
            found["incidents"]["openedInWeek"]
                .as_array()
                .expect("openedInWeek")
                .len() as u64
        )
    );
    assert_eq!(item["activated"], found["adoption"]["week"]["activated"]);
    assert_eq!(item["signedIn7d"], found["adoption"]["week"]["signedIn7d"]);
    assert_eq!(item["createdAt"], found["createdAt"]);

    // Each portal lead is told once, with the week's counts and nothing else.
    let records = told(app, &week).await;
    let subs = subs_of(&records);
    assert!(once_each(&subs), "{records:#?}");
    assert_eq!(subs.len() as u64, told_count, "{records:#?}");
    for sub in [&app.portal_lead.sub, &lead.sub] {
        assert!(subs.contains(sub), "{sub} told: {records:#?}");
    }
    for record in &records {
        assert_eq!(record["from"], week.as_str());
        assert_eq!(record["to"], found["to"]);
        assert_eq!(record["openReports"], found["reports"]["open"]);
        assert_eq!(record["breached"], found["reports"]["breachedCount"]);
        assert_eq!(record["incidentsOpened"], item["incidentsOpened"]);
        assert_eq!(record["activated"], found["adoption"]["week"]["activated"]);
        let text = record.to_string();
        assert!(
            !text.contains(&secret) && !text.contains(&incident_title),
            "{text}"
        );
    }
    // Clinicians, the response team and admins are not told.
    for sub in [&app.clinician.sub, &app.response_team.sub, &app.admin.sub] {
        assert!(!subs.contains(sub), "{sub} told: {records:#?}");
    }

    // The email: the week and its counts, the link to the digest; no report's words.
    // (Other tests on this stack compose other weeks meanwhile, and tell this lead too.)
    let emails = emails_about(app, &lead, &week).await;
    assert_eq!(emails.len(), 1, "{emails:#?}");
    let email = &emails[0];
    assert!(
        email.subject.to_lowercase().contains("weekly digest"),
        "{}",
        email.subject
    );
    assert!(
        email.body.contains(&format!("/staff/digests/{week}")),
        "the digest's page: {}",
        email.body
    );
    assert!(
        email.body.contains(&format!(
            "Open problem reports: {}",
            count(&found, "/reports/open")
        )),
        "{}",
        email.body
    );
    for hidden in [
        secret.as_str(),
        "insulin",
        incident_title.as_str(),
        "/unsubscribe",
    ] {
        assert!(!email.body.contains(hidden), "{hidden:?} in {}", email.body);
    }
}

#[tokio::test]
async fn composing_twice_or_at_once_writes_one_digest_and_tells_each_lead_once() {
    let app = spawn_own_stack(STACK).await;
    let (zone, _) = practice_clock(app).await;
    let week = "2031-03-03";
    let now = at(&zone, "2031-03-10", 12, 0);

    let (first, second) = tokio::join!(compose(app, now), compose(app, now));
    let written: Vec<&Value> = [&first, &second]
        .into_iter()
        .filter(|summary| summary["written"] == true)
        .collect();
    assert_eq!(written.len(), 1, "one winner: {first:#} {second:#}");
    let winner = written[0];
    assert_eq!(winner["week"], week);
    let loser = if first["written"] == true {
        &second
    } else {
        &first
    };
    assert_eq!(loser["told"], 0, "{loser:#}");

    // Again later that week (the schedule runs every hour): already written.
    for later in [
        at(&zone, "2031-03-10", 13, 0),
        at(&zone, "2031-03-12", 9, 30),
    ] {
        let again = compose(app, later).await;
        assert_eq!(again["written"], false, "{again:#}");
        assert_eq!(again["told"], 0, "{again:#}");
    }

    let found = digest(app, week).await;
    assert_eq!(found["from"], week);
    assert_eq!(found["to"], "2031-03-09");
    let records = told(app, week).await;
    let subs = subs_of(&records);
    assert!(once_each(&subs), "each lead once: {records:#?}");
    assert_eq!(Some(subs.len() as u64), winner["told"].as_u64());
    assert!(subs.contains(&app.portal_lead.sub), "{records:#?}");
    assert_eq!(
        ids_of(&listed(app).await)
            .iter()
            .filter(|id| id.as_str() == week)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_missed_run_catches_up_on_the_last_week_only() {
    let app = spawn_own_stack(STACK).await;
    let (zone, _) = practice_clock(app).await;
    // Nothing ran on Monday: on Wednesday the last week is still composed.
    composed(app, at(&zone, "2031-04-16", 10, 0), "2031-04-07").await;
    // Two weeks later: the last completed week, never the one in between (no backfill).
    composed(app, at(&zone, "2031-04-28", 12, 0), "2031-04-21").await;
    assert_problem(
        &app.get(&digest_path("2031-04-14"), &app.portal_lead).await,
        404,
        None,
    );
}

#[tokio::test]
async fn a_week_is_not_composed_before_its_due_time() {
    let app = spawn_own_stack(STACK).await;
    let (zone, due) = practice_clock(app).await;
    // The week before is written (on its Monday), as the hourly job keeps it.
    composed(app, at(&zone, "2032-05-03", 12, 0), "2032-04-26").await;
    // Monday before WeeklyDigestAt: last week is not due yet, and the one before is there.
    let monday = date("2032-05-10");
    let before = local(&zone, monday, due).minus(std::time::Duration::from_secs(30 * 60));
    let early = compose(app, before).await;
    assert_eq!(early["written"], false, "{early:#}");
    assert_eq!(early["told"], 0, "{early:#}");
    assert_problem(
        &app.get(&digest_path("2032-05-03"), &app.portal_lead).await,
        404,
        None,
    );
    assert!(told(app, "2032-05-03").await.is_empty());
    // From WeeklyDigestAt on, it is.
    let after = local(&zone, monday, due).plus(std::time::Duration::from_secs(5 * 60));
    composed(app, after, "2032-05-03").await;
}

#[tokio::test]
async fn adoption_and_ratings_are_the_weeks_against_the_week_before() {
    let app = spawn_own_stack(STACK).await;
    let (zone, _) = practice_clock(app).await;
    let week = "2033-06-06";
    // The week (6 to 12 June), the week before (30 May to 5 June), and the day after.
    put_counter(app, "2033-06-07", "invited", 4).await;
    put_counter(app, "2033-06-12", "invited", 1).await;
    put_counter(app, "2033-06-08", "delivered", 3).await;
    put_counter(app, "2033-06-06", "activated", 2).await;
    put_counter(app, "2033-06-12", "activated", 1).await;
    put_counter(app, "2033-06-13", "activated", 50).await;
    put_counter(app, "2033-06-01", "activated", 7).await;
    put_counter(app, "2033-06-09", "use:messaging", 11).await;
    put_counter(app, "2033-06-02", "use:messaging", 4).await;
    put_counter(app, "2033-06-02", "use:waitlist", 2).await;
    put_cohort_counter(app, "2033-06-08", "digest-beta", "activated", 100).await;
    put_signed_in(app, "2033-06-07", "01", &["P-A", "P-B"]).await;
    put_signed_in(app, "2033-06-10", "02", &["P-B", "P-C"]).await;
    put_signed_in(app, "2033-06-03", "01", &["P-A"]).await;
    put_ratings(app, "messaging", "all", "2033-06-08", (4, 17)).await;
    put_ratings(app, "messaging", "all", "2033-06-02", (2, 6)).await;
    put_ratings(app, "messaging", "digest-beta", "2033-06-08", (9, 9)).await;

    let summary = composed(app, at(&zone, "2033-06-13", 12, 0), week).await;
    let found = digest(app, week).await;
    assert_eq!(
        found["adoption"]["week"],
        json!({"invited": 5, "delivered": 3, "activated": 3, "signedIn7d": 3}),
        "{found:#}"
    );
    assert_eq!(
        found["adoption"]["previous"],
        json!({"invited": 0, "delivered": 0, "activated": 7, "signedIn7d": 1}),
        "{found:#}"
    );
    let messaging = entry(&found, "/adoption/featureUse", "feature", "messaging")
        .unwrap_or_else(|| panic!("messaging used: {found:#}"));
    assert_eq!(messaging["week"], 11);
    assert_eq!(messaging["previous"], 4);
    let waitlist = entry(&found, "/adoption/featureUse", "feature", "waitlist")
        .unwrap_or_else(|| panic!("waitlist used the week before: {found:#}"));
    assert_eq!(waitlist["week"], 0);
    assert_eq!(waitlist["previous"], 2);
    assert!(
        entry(&found, "/adoption/featureUse", "feature", "refills").is_none(),
        "a feature used in neither week is left out: {found:#}"
    );

    let rated = entry(&found, "/feedback/ratings", "feature", "messaging")
        .unwrap_or_else(|| panic!("messaging rated: {found:#}"));
    assert_eq!(rated["week"]["count"], 4, "{rated:#}");
    assert_eq!(rated["week"]["average"].as_f64(), Some(4.25), "{rated:#}");
    assert_eq!(rated["previous"]["count"], 2, "{rated:#}");
    assert_eq!(
        rated["previous"]["average"].as_f64(),
        Some(3.0),
        "{rated:#}"
    );

    // Nothing was reported or opened in 2033.
    assert_eq!(count(&found, "/reports/openedInWeek"), 0);
    assert_eq!(count(&found, "/reports/resolvedInWeek"), 0);
    assert_eq!(found["incidents"]["openedInWeek"], json!([]));
    // Sign-ins are counted, never named.
    assert!(!found.to_string().contains("P-A"), "{found:#}");

    // The list and the notices carry the same figures.
    let items = listed(app).await;
    let item = items
        .iter()
        .find(|item| item["digestId"] == week)
        .unwrap_or_else(|| panic!("{week} listed: {items:#?}"));
    assert_eq!(item["activated"], 3);
    assert_eq!(item["signedIn7d"], 3);
    assert_eq!(item["incidentsOpened"], 0);
    let records = told(app, week).await;
    assert_eq!(
        Some(records.len() as u64),
        summary["told"].as_u64(),
        "{records:#?}"
    );
    for record in &records {
        assert_eq!(record["activated"], 3, "{record:#}");
        assert_eq!(record["incidentsOpened"], 0, "{record:#}");
    }
}

// ---- reading ----------------------------------------------------------------------------

#[tokio::test]
async fn the_lead_lists_digests_newest_first_and_reads_one() {
    let app = spawn_own_stack(STACK).await;
    let (zone, _) = practice_clock(app).await;
    composed(app, at(&zone, "2030-09-09", 12, 0), "2030-09-02").await;
    composed(app, at(&zone, "2030-09-16", 12, 0), "2030-09-09").await;

    let all = ids_of(&listed(app).await);
    let mut newest_first = all.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(all, newest_first, "newest first");
    assert!(once_each(&all), "{all:?}");
    let (newer, older) = (
        all.iter()
            .position(|id| id == "2030-09-09")
            .expect("listed"),
        all.iter()
            .position(|id| id == "2030-09-02")
            .expect("listed"),
    );
    assert!(newer < older, "{all:?}");

    // The default page (12), and a page of one with a cursor to the next.
    let page = app.get(DIGESTS, &app.portal_lead).await;
    let items = items_of(&page);
    assert_eq!(items.len(), all.len().min(12), "{page:#?}");
    let first = app
        .get(&format!("{DIGESTS}?limit=1"), &app.portal_lead)
        .await;
    let first_items = items_of(&first);
    assert_eq!(ids_of(&first_items), all[..1], "{first:#?}");
    let cursor = next_of(&first).unwrap_or_else(|| panic!("a next page: {first:#?}"));
    let second = app
        .get(
            &format!("{DIGESTS}?limit=1&cursor={cursor}"),
            &app.portal_lead,
        )
        .await;
    assert_eq!(ids_of(&items_of(&second)), all[1..2], "{second:#?}");
    let everything = app
        .get(&format!("{DIGESTS}?limit=52"), &app.portal_lead)
        .await;
    if all.len() <= 52 {
        assert!(next_of(&everything).is_none(), "{everything:#?}");
    }

    // One week's, for the lead and for an admin.
    let found = digest(app, "2030-09-09").await;
    assert_eq!(found["digestId"], "2030-09-09");
    assert_eq!(found["to"], "2030-09-15");
    assert_eq!(digest_as(app, "2030-09-09", &app.admin).await, found);
    let admins = app.get(DIGESTS, &app.admin).await;
    assert!(ids_of(&items_of(&admins)).contains(&"2030-09-09".to_owned()));

    // Each read is audited as the reader's, with no patient in it.
    let events = app.actor_audit_events(&app.portal_lead).await;
    for resource in ["digests", "digest/2030-09-09"] {
        assert!(
            events.iter().any(|e| e["resource"] == resource),
            "{resource}: {events:#?}"
        );
    }
}

#[tokio::test]
async fn bad_weeks_and_limits_are_refused_and_unknown_weeks_are_not_found() {
    let app = spawn_own_stack(STACK).await;
    for bad in [
        "2030-09-03",
        "2030-02-30",
        "2030-9-2",
        "20300902",
        "last-week",
        "2030-09-02T00:00:00Z",
    ] {
        assert_problem(
            &app.get(&digest_path(bad), &app.portal_lead).await,
            422,
            Some("digestId"),
        );
    }
    // A Monday nobody composed.
    assert_problem(
        &app.get(&digest_path("2020-01-06"), &app.portal_lead).await,
        404,
        None,
    );
    for query in ["limit=0", "limit=53", "limit=ten", "limit=-1"] {
        assert_problem(
            &app.get(&format!("{DIGESTS}?{query}"), &app.portal_lead)
                .await,
            422,
            Some("limit"),
        );
    }
    assert_problem(
        &app.get(&format!("{DIGESTS}?cursor=nope"), &app.portal_lead)
            .await,
        422,
        Some("cursor"),
    );
}

#[tokio::test]
async fn only_portal_leads_and_admins_read_digests() {
    let app = spawn_own_stack(STACK).await;
    let (zone, _) = practice_clock(app).await;
    let week = "2030-06-03";
    composed(app, at(&zone, "2030-06-10", 12, 0), week).await;
    let patient = app.new_patient().await;
    for path in [DIGESTS.to_owned(), digest_path(week)] {
        for who in [
            &app.clinician,
            &app.front_desk,
            &app.response_team,
            &app.caregiver,
            &patient.actor,
        ] {
            assert_problem(&app.get(&path, who).await, 403, None);
        }
        let anonymous = app.send(Method::GET, &path, None, None).await;
        assert_eq!(anonymous.status, 401, "{anonymous:#?}");
        assert_eq!(app.get(&path, &app.portal_lead).await.status, 200);
        assert_eq!(app.get(&path, &app.admin).await.status, 200);
    }
}

// ---- the authorisation matrix -------------------------------------------------------------

/// The week the matrix reads on the shared stack (composed once per run, before it is read).
const MATRIX_WEEK: &str = "2029-12-31";

/// The matrix's requests for the digest routes (on the shared stack).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    _patient: &portal_tests::Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("GET", "/support/digests") => (Method::GET, DIGESTS.to_owned(), None, None),
        ("GET", "/support/digests/{digestId}") => {
            let (zone, _) = practice_clock(app).await;
            // Written by the first case; later ones find it written.
            compose(app, at(&zone, "2030-01-07", 12, 0)).await;
            (Method::GET, digest_path(MATRIX_WEEK), None, None)
        }
        _ => return None,
    };
    Some(request)
}

#[tokio::test]
async fn the_shared_stacks_matrix_week_is_composed_once() {
    // The matrix composes on the shared stack: a second run changes nothing.
    let app = spawn_app().await;
    let (zone, _) = practice_clock(app).await;
    let now = at(&zone, "2030-01-07", 12, 0);
    compose(app, now).await;
    let again = compose(app, now).await;
    assert_eq!(again["written"], false, "{again:#}");
    let found = digest(app, MATRIX_WEEK).await;
    assert_eq!(found["digestId"], MATRIX_WEEK);
}
