//! Announcements: the team tells a stakeholder group (every patient, a cohort, caregivers, staff
//! roles, other practices) what is new, once per Idempotency-Key; patients, caregivers and staff
//! read what is meant for them (what's new), mark it read and, when asked, staff acknowledge it;
//! the publisher job (`announcements`, run here by the tests at chosen times, as its schedule
//! would) tells each recipient once.
//!
//! Announcements are practice-wide and every test on the stack sees the others': tests find
//! their own by id and never count a list whole. An announcement to every patient or every
//! caregiver is told to the whole user pool, so the tests that make one keep it unpublished
//! until they read it, expire it when done, and hold the part `announcements` exclusively (as
//! the tests that run the publisher do) so the publisher never tells their audiences.

use std::collections::BTreeSet;
use std::time::Duration;

use futures::future::join_all;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::authz::Scope;
use portal_tests::{
    Actor, Exclusive, GrantState, Method, Patient, Reply, TestApp, assert_problem, spawn_app,
    spawn_own_stack,
};
use serde_json::{Value, json};

use super::fixtures::{assert_invalid, etag, id_of, run_support_job, unique};
use crate::rollout::cohorts::new_cohort_of;

const TEAM: &str = "/support/announcements";
const STAFF: &str = "/account/announcements";
const TEMPLATE: &str = "announcement";
/// The part the publisher's tests and the broad-audience tests hold (see the module's docs).
const JOB: &str = "announcements";

fn team_path(id: &str) -> String {
    format!("{TEAM}/{id}")
}

fn expire_path(id: &str) -> String {
    format!("{TEAM}/{id}/expire")
}

fn acknowledgements_path(id: &str) -> String {
    format!("{TEAM}/{id}/acknowledgements")
}

fn patient_list_path(patient_id: &str) -> String {
    format!("/patients/{patient_id}/announcements")
}

fn patient_read_path(patient_id: &str, id: &str) -> String {
    format!("/patients/{patient_id}/announcements/{id}/read")
}

fn staff_read_path(id: &str) -> String {
    format!("{STAFF}/{id}/read")
}

fn ack_path(id: &str) -> String {
    format!("{STAFF}/{id}/acknowledgement")
}

/// A time `seconds` from now (in the past when negative), as the API writes times.
fn from_now(seconds: i64) -> Timestamp {
    let by = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        Timestamp::now().plus(by)
    } else {
        Timestamp::now().minus(by)
    }
}

fn at(seconds: i64) -> String {
    from_now(seconds).to_string()
}

fn time_of(value: &Value) -> Timestamp {
    value
        .as_str()
        .and_then(Timestamp::parse)
        .unwrap_or_else(|| panic!("a time: {value:#?}"))
}

/// A valid announcement to `audience`, published now.
fn new_body(title: &str, audience: Value) -> Value {
    json!({
        "title": title,
        "body": "The portal shows your letters from today.",
        "link": "https://practice.example/news/letters",
        "audience": audience,
    })
}

fn practices() -> Value {
    json!({"kind": "practices", "emails": ["news@other-practice.test"]})
}

fn staff_roles(roles: &[&str]) -> Value {
    json!({"kind": "staff", "roles": roles})
}

fn cohort(name: &str) -> Value {
    json!({"kind": "cohort", "cohort": name})
}

async fn announce(app: &TestApp, body: Value) -> Reply {
    app.send(Method::POST, TEAM, Some(&app.response_team), Some(body))
        .await
}

/// An announcement made by the response team; as answered.
async fn announced(app: &TestApp, body: Value) -> Value {
    let reply = announce(app, body).await;
    assert_eq!(reply.status, 201, "announcing: {reply:#?}");
    reply.body
}

/// Its id.
async fn announced_id(app: &TestApp, body: Value) -> String {
    id_of(&announced(app, body).await, "announcementId")
}

/// The team's view of an announcement, which must be there.
async fn team_view(app: &TestApp, id: &str) -> Value {
    let reply = app.get(&team_path(id), &app.response_team).await;
    assert_eq!(reply.status, 200, "the team's announcement: {reply:#?}");
    reply.body
}

async fn expire(app: &TestApp, id: &str) -> Reply {
    app.send(
        Method::POST,
        &expire_path(id),
        Some(&app.response_team),
        None,
    )
    .await
}

/// The items of a list answer (`{items}`).
fn items_of(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "a list: {reply:#?}");
    reply.body["items"]
        .as_array()
        .or_else(|| reply.body.as_array())
        .unwrap_or_else(|| panic!("items: {reply:#?}"))
        .clone()
}

fn ids_of(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| id_of(item, "announcementId"))
        .collect()
}

fn find<'a>(items: &'a [Value], id: &str) -> Option<&'a Value> {
    items.iter().find(|item| item["announcementId"] == id)
}

async fn team_list(app: &TestApp) -> Vec<Value> {
    items_of(&app.get(TEAM, &app.response_team).await)
}

/// What's new in `patient_id`'s context, as `who` sees it.
async fn whats_new(app: &TestApp, patient_id: &str, who: &Actor) -> Vec<Value> {
    items_of(&app.get(&patient_list_path(patient_id), who).await)
}

/// What's new for a staff member.
async fn staff_news(app: &TestApp, who: &Actor) -> Vec<Value> {
    items_of(&app.get(STAFF, who).await)
}

async fn patient_read(app: &TestApp, patient_id: &str, id: &str, who: &Actor) -> Reply {
    app.send(
        Method::POST,
        &patient_read_path(patient_id, id),
        Some(who),
        None,
    )
    .await
}

async fn staff_read(app: &TestApp, id: &str, who: &Actor) -> Reply {
    app.send(Method::POST, &staff_read_path(id), Some(who), None)
        .await
}

async fn acknowledge(app: &TestApp, id: &str, who: &Actor) -> Reply {
    app.send(Method::POST, &ack_path(id), Some(who), None).await
}

async fn acknowledgements(app: &TestApp, id: &str) -> Value {
    let reply = app
        .get(&acknowledgements_path(id), &app.response_team)
        .await;
    assert_eq!(reply.status, 200, "the acknowledgements: {reply:#?}");
    reply.body
}

fn counts(view: &Value) -> (u64, u64) {
    (
        view["counts"]["read"].as_u64().expect("counts.read"),
        view["counts"]["acknowledged"]
            .as_u64()
            .expect("counts.acknowledged"),
    )
}

fn keys_of(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value:#?}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// The `announcement` outbox records about `id`.
async fn told(app: &TestApp, id: &str) -> Vec<Value> {
    app.outbox_where("announcementId", id)
        .await
        .into_iter()
        .filter(|record| record["template"] == TEMPLATE)
        .collect()
}

/// The recipients' `field` (`sub`, `patientId`, `email`) of these records.
fn recipients(records: &[Value], field: &str) -> Vec<String> {
    records
        .iter()
        .filter_map(|record| record["recipient"][field].as_str().map(str::to_owned))
        .collect()
}

fn once_each(values: &[String]) -> bool {
    values.iter().collect::<BTreeSet<_>>().len() == values.len()
}

/// Holds the publisher for this test (see the module's documentation).
async fn job_lock(app: &TestApp) -> Exclusive {
    app.exclusive(JOB).await
}

/// Runs the `announcements` job once, as if at `now`: its summary.
async fn run_job(app: &TestApp, now: Timestamp) -> Value {
    run_support_job(app, "AnnouncementsFunction", move |deps| async move {
        let summary = portal_support::publish_due(&deps, now).await?;
        serde_json::to_value(summary).map_err(portal_shared::ApiError::internal)
    })
    .await
}

/// Runs the job as if at `now` until every one of `ids` is sent (a run stops after ~40 s and
/// resumes where it stopped).
async fn run_until_sent(app: &TestApp, now: Timestamp, ids: &[&str]) {
    for _ in 0..10 {
        run_job(app, now).await;
        let mut all_sent = true;
        for id in ids {
            all_sent &= team_view(app, id).await["sent"] == true;
        }
        if all_sent {
            return;
        }
    }
    panic!("not all of {ids:?} were sent after 10 runs");
}

/// A new staff member in `groups` whose account an admin then disabled.
async fn disabled_staff(app: &TestApp, name: &str, groups: &'static [&'static str]) -> Actor {
    let member = app.new_staff(name, groups).await;
    let reply = app
        .send(
            Method::POST,
            &format!("/admin/staff/{}/disable", member.sub),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "disabling: {reply:#?}");
    member
}

/// Waits until `at` has passed.
async fn sleep_until(at: Timestamp) {
    loop {
        let now = Timestamp::now();
        if now > at {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

// ---- the team ---------------------------------------------------------------------------

#[tokio::test]
async fn the_team_announces_once_per_key() {
    let app = spawn_app().await;
    let title = unique("Letters online");
    let body = json!({
        "title": title,
        "body": "Your letters from the practice are now in the portal.",
        "link": "https://practice.example/news/letters",
        "audience": practices(),
    });
    let key = ulid::Ulid::generate().to_string();
    let created = app
        .send_with_headers(
            Method::POST,
            TEAM,
            &app.response_team,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let announcement = &created.body;
    let id = id_of(announcement, "announcementId");
    assert_eq!(created.header("location"), Some(team_path(&id)));
    assert_eq!(created.header("etag"), Some(etag(1)));
    assert_eq!(announcement["title"], title.as_str());
    assert_eq!(
        announcement["body"],
        "Your letters from the practice are now in the portal."
    );
    assert_eq!(
        announcement["link"],
        "https://practice.example/news/letters"
    );
    assert_eq!(announcement["audience"], practices());
    assert_eq!(announcement["state"], "published", "{announcement:#?}");
    assert_eq!(counts(announcement), (0, 0));
    assert!(announcement["sent"].is_boolean(), "{announcement:#?}");
    assert_eq!(announcement["createdBy"], app.response_team.sub.as_str());
    assert_eq!(announcement["version"], 1);
    let created_at = time_of(&announcement["createdAt"]);
    let publish_at = time_of(&announcement["publishAt"]);
    assert!(
        publish_at <= Timestamp::now(),
        "published now by default: {announcement:#?}"
    );
    assert!(
        publish_at >= created_at.minus(Duration::from_secs(5)),
        "{announcement:#?}"
    );
    assert!(announcement["expiresAt"].is_null(), "{announcement:#?}");
    assert!(announcement["acknowledgeBy"].is_null(), "{announcement:#?}");

    // The same key again: the same answer, nothing new; with another request: refused.
    let again = app
        .send_with_headers(
            Method::POST,
            TEAM,
            &app.response_team,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(again.status, 201, "{again:#?}");
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, created.body);
    let reused = app
        .send_with_headers(
            Method::POST,
            TEAM,
            &app.response_team,
            new_body(&unique("Another"), practices()),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_problem(&reused, 422, None);

    // The same key at once: one announcement.
    let raced_key = ulid::Ulid::generate().to_string();
    let raced_title = unique("Raced");
    let headers = [("Idempotency-Key", raced_key.as_str())];
    let replies = join_all((0..3).map(|_| {
        app.send_with_headers(
            Method::POST,
            TEAM,
            &app.response_team,
            new_body(&raced_title, practices()),
            &headers,
        )
    }))
    .await;
    assert!(replies.iter().all(|r| r.status == 201), "{replies:#?}");
    let raced: BTreeSet<String> = replies
        .iter()
        .map(|r| id_of(&r.body, "announcementId"))
        .collect();
    assert_eq!(raced.len(), 1, "{replies:#?}");

    // Read back as made; listed once each, newest first, with state and counts.
    let read = app.get(&team_path(&id), &app.response_team).await;
    assert_eq!(read.status, 200, "{read:#?}");
    let version = read.body["version"].as_u64().expect("version");
    assert_eq!(read.header("etag"), Some(etag(version)));
    assert_eq!(read.body["title"], title.as_str());
    assert_eq!(read.body["audience"], practices());
    let newer = announced_id(app, new_body(&unique("Newer"), practices())).await;
    let all = team_list(app).await;
    assert!(all.len() <= 100);
    let listed = ids_of(&all);
    assert_eq!(listed.iter().filter(|i| **i == id).count(), 1, "{all:#?}");
    let raced_id = raced.iter().next().expect("an id");
    assert_eq!(listed.iter().filter(|i| *i == raced_id).count(), 1);
    let position = |id: &str| {
        listed
            .iter()
            .position(|i| i == id)
            .unwrap_or_else(|| panic!("{id} listed: {all:#?}"))
    };
    assert!(position(&newer) < position(&id), "newest first: {all:#?}");
    let item = find(&all, &id).expect("listed");
    assert_eq!(item["state"], "published");
    assert_eq!(counts(item), (0, 0));

    // The portal lead announces too; a staff announcement may ask for acknowledgement.
    let acknowledge_by = at(86_400);
    let mut asked = new_body(&unique("Please confirm"), staff_roles(&["portal-leads"]));
    asked["acknowledgeBy"] = json!(acknowledge_by);
    asked["expiresAt"] = json!(at(7 * 86_400));
    let reply = app
        .send(Method::POST, TEAM, Some(&app.portal_lead), Some(asked))
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(
        time_of(&reply.body["acknowledgeBy"]),
        Timestamp::parse(&acknowledge_by).expect("a time")
    );
    assert_eq!(reply.body["audience"], staff_roles(&["portal-leads"]));
    assert!(reply.body["expiresAt"].is_string(), "{reply:#?}");
    assert_eq!(reply.body["createdBy"], app.portal_lead.sub.as_str());

    // Audited as the team's work on the announcement.
    let events = app.actor_audit_events(&app.response_team).await;
    assert!(
        events
            .iter()
            .any(|e| e["resource"] == format!("announcement/{id}")),
        "{events:#?}"
    );
}

#[tokio::test]
async fn bad_announcements_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let title = unique("Bad");
    let valid = new_body(&title, practices());
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = valid.clone();
        body.as_object_mut().expect("object").remove(field);
        body
    };
    let emails = |count: usize| -> Value {
        (0..count)
            .map(|i| json!(format!("practice{i}@other.test")))
            .collect()
    };
    let soon = at(3600);
    let cases = [
        (with("title", json!("")), "title"),
        (with("title", json!("   ")), "title"),
        (with("title", json!("x".repeat(121))), "title"),
        (with("title", json!(42)), "title"),
        (without("title"), "title"),
        (with("body", json!("")), "body"),
        (with("body", json!("x".repeat(2001))), "body"),
        (without("body"), "body"),
        (with("link", json!("http://practice.example/news")), "link"),
        (with("link", json!("not a link")), "link"),
        (
            with(
                "link",
                json!(format!("https://practice.example/{}", "x".repeat(500))),
            ),
            "link",
        ),
        (without("audience"), "audience"),
        (
            with("audience", json!({"kind": "everyone"})),
            "audience.kind",
        ),
        (with("audience", json!({})), "audience.kind"),
        (
            with(
                "audience",
                cohort(&format!("t-unknown-{}", ulid::Ulid::generate()).to_lowercase()),
            ),
            "audience.cohort",
        ),
        (
            with("audience", json!({"kind": "cohort"})),
            "audience.cohort",
        ),
        (with("audience", staff_roles(&[])), "audience.roles"),
        (
            with("audience", staff_roles(&["wizards"])),
            "audience.roles",
        ),
        (
            with("audience", staff_roles(&["clinicians", "clinicians"])),
            "audience.roles",
        ),
        (with("audience", json!({"kind": "staff"})), "audience.roles"),
        (
            with("audience", json!({"kind": "practices", "emails": []})),
            "audience.emails",
        ),
        (
            with(
                "audience",
                json!({"kind": "practices", "emails": ["not-an-address"]}),
            ),
            "audience.emails",
        ),
        (
            with(
                "audience",
                json!({"kind": "practices", "emails": ["a@other.test", "a@other.test"]}),
            ),
            "audience.emails",
        ),
        (
            with(
                "audience",
                json!({"kind": "practices", "emails": emails(51)}),
            ),
            "audience.emails",
        ),
        (with("publishAt", json!("tomorrow")), "publishAt"),
        (with("publishAt", json!(at(400 * 86_400))), "publishAt"),
        (with("expiresAt", json!("next week")), "expiresAt"),
        (
            {
                let mut body = with("publishAt", json!(soon));
                body["expiresAt"] = json!(soon);
                body
            },
            "expiresAt",
        ),
        (
            {
                let mut body = with("publishAt", json!(soon));
                body["expiresAt"] = json!(at(60));
                body
            },
            "expiresAt",
        ),
        // Only staff acknowledge.
        (with("acknowledgeBy", json!(at(86_400))), "acknowledgeBy"),
        (
            {
                let mut body = with("audience", staff_roles(&["clinicians"]));
                body["publishAt"] = json!(soon);
                body["acknowledgeBy"] = json!(at(60));
                body
            },
            "acknowledgeBy",
        ),
        (with("createdBy", json!("someone")), "createdBy"),
    ];
    for (body, field) in cases {
        let reply = announce(app, body).await;
        assert_invalid(&reply, field);
    }
    // The limits themselves are fine: 50 distinct addresses, published within the year.
    let mut fifty = with(
        "audience",
        json!({"kind": "practices", "emails": emails(50)}),
    );
    fifty["title"] = json!(unique("Fifty"));
    fifty["publishAt"] = json!(at(365 * 86_400 - 3600));
    assert_eq!(announce(app, fifty).await.status, 201);
    assert!(
        team_list(app)
            .await
            .iter()
            .all(|item| item["title"] != title.as_str()),
        "nothing written"
    );
}

#[tokio::test]
async fn announcements_are_the_teams_and_reach_only_their_audience() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let outsiders = new_cohort_of(app, false, &[other.id.as_str()]).await;
    let of_others = announced_id(app, new_body(&unique("Not yours"), cohort(&outsiders))).await;
    let ours = new_cohort_of(app, false, &[patient.id.as_str()]).await;
    let of_ours = announced_id(app, new_body(&unique("Yours"), cohort(&ours))).await;
    let for_clinicians = announced_id(
        app,
        new_body(&unique("Clinicians"), staff_roles(&["clinicians"])),
    )
    .await;
    let mut asks = new_body(&unique("Confirm"), staff_roles(&["clinicians"]));
    asks["acknowledgeBy"] = json!(at(86_400));
    let asks = announced_id(app, asks).await;

    // The team's routes: the team and the portal lead only.
    let team_routes = [
        (Method::GET, TEAM.to_owned(), None),
        (
            Method::POST,
            TEAM.to_owned(),
            Some(new_body(&unique("Refused"), practices())),
        ),
        (Method::GET, team_path(&of_ours), None),
        (Method::POST, expire_path(&of_ours), None),
        (Method::GET, acknowledgements_path(&asks), None),
    ];
    for (method, path, body) in &team_routes {
        let anonymous = app.send(method.clone(), path, None, body.clone()).await;
        assert_eq!(anonymous.status, 401, "{method} {path}: {anonymous:#?}");
        for who in [
            &patient.actor,
            &app.clinician,
            &app.front_desk,
            &app.admin,
            &app.caregiver,
        ] {
            let reply = app
                .send(method.clone(), path, Some(who), body.clone())
                .await;
            assert_problem(&reply, 403, None);
        }
    }
    assert_eq!(team_view(app, &of_ours).await["state"], "published");

    // Staff routes: staff only.
    for (method, path) in [
        (Method::GET, STAFF.to_owned()),
        (Method::POST, staff_read_path(&for_clinicians)),
        (Method::POST, ack_path(&asks)),
    ] {
        let anonymous = app.send(method.clone(), &path, None, None).await;
        assert_eq!(anonymous.status, 401, "{method} {path}: {anonymous:#?}");
        for who in [&patient.actor, &app.caregiver] {
            let reply = app.send(method.clone(), &path, Some(who), None).await;
            assert_problem(&reply, 403, None);
        }
    }
    // Patient routes: the patient (and caregivers acting for them). Staff may look at what a
    // patient's context shows (audited on the patient), but mark nothing read there.
    for who in [&app.clinician, &app.response_team] {
        let reply = app.get(&patient_list_path(&patient.id), who).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        let reply = patient_read(app, &patient.id, &of_ours, who).await;
        assert_problem(&reply, 403, None);
    }
    for (method, path) in [
        (Method::GET, patient_list_path(&patient.id)),
        (Method::POST, patient_read_path(&patient.id, &of_ours)),
    ] {
        let anonymous = app.send(method.clone(), &path, None, None).await;
        assert_eq!(anonymous.status, 401, "{method} {path}: {anonymous:#?}");
        // Another patient, and a caregiver with no grant: as if it did not exist.
        for who in [&other.actor, &app.caregiver] {
            let reply = app.send(method.clone(), &path, Some(who), None).await;
            assert_problem(&reply, 404, None);
        }
    }

    // Not meant for this context: not found on read.
    for id in [&of_others, &for_clinicians, &asks] {
        assert_problem(
            &patient_read(app, &patient.id, id, &patient.actor).await,
            404,
            None,
        );
    }
    assert_problem(&staff_read(app, &of_ours, &app.clinician).await, 404, None);
    assert_problem(&acknowledge(app, &of_ours, &app.clinician).await, 404, None);
    assert_problem(
        &staff_read(app, &for_clinicians, &app.front_desk).await,
        404,
        None,
    );
    assert_problem(&acknowledge(app, &asks, &app.front_desk).await, 404, None);
    assert!(
        !ids_of(&whats_new(app, &patient.id, &patient.actor).await).contains(&of_others),
        "another cohort's news"
    );
    // Unknown announcements.
    for unknown in [ulid::Ulid::generate().to_string(), "not-an-id".to_owned()] {
        for path in [team_path(&unknown), acknowledgements_path(&unknown)] {
            assert_problem(&app.get(&path, &app.response_team).await, 404, None);
        }
        assert_problem(&expire(app, &unknown).await, 404, None);
        assert_problem(
            &patient_read(app, &patient.id, &unknown, &patient.actor).await,
            404,
            None,
        );
        assert_problem(&staff_read(app, &unknown, &app.clinician).await, 404, None);
        assert_problem(&acknowledge(app, &unknown, &app.clinician).await, 404, None);
    }
    // Nothing counted by the refused calls.
    for id in [&of_others, &of_ours, &for_clinicians, &asks] {
        assert_eq!(counts(&team_view(app, id).await), (0, 0), "{id}");
    }
}

// ---- reading and acknowledging -------------------------------------------------------------

#[tokio::test]
async fn counts_are_exact_under_concurrent_reads_and_acknowledgements() {
    let app = spawn_app().await;
    let staff = join_all(
        ["counted0", "counted1", "counted2", "counted3"]
            .map(|name| app.new_staff(name, &["front-desk"])),
    )
    .await;
    let mut asks = new_body(&unique("Read and confirm"), staff_roles(&["front-desk"]));
    let acknowledge_by = at(86_400);
    asks["acknowledgeBy"] = json!(acknowledge_by);
    let asks = announced_id(app, asks).await;

    // 8 acknowledgements by 4 people at once: 4 acknowledged, and 4 read.
    let replies = join_all(
        staff
            .iter()
            .chain(staff.iter())
            .map(|who| acknowledge(app, &asks, who)),
    )
    .await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{replies:#?}");
        assert!(reply.body["acknowledgedAt"].is_string(), "{reply:#?}");
        assert_ne!(reply.body["late"], true, "on time: {reply:#?}");
    }
    let view = team_view(app, &asks).await;
    assert_eq!(counts(&view), (4, 4), "{view:#?}");

    // Again: idempotent, the first time kept; reading it now counts nothing more.
    let first = &staff[0];
    let news = staff_news(app, first).await;
    let item = find(&news, &asks).unwrap_or_else(|| panic!("listed: {news:#?}"));
    assert_eq!(item["read"], true, "{item:#?}");
    assert!(item["acknowledgedAt"].is_string(), "{item:#?}");
    assert_eq!(
        time_of(&item["acknowledgeBy"]),
        Timestamp::parse(&acknowledge_by).expect("a time")
    );
    let again = acknowledge(app, &asks, first).await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["acknowledgedAt"], item["acknowledgedAt"]);
    let read = staff_read(app, &asks, first).await;
    assert_eq!(read.status, 204, "{read:#?}");
    assert_eq!(counts(&team_view(app, &asks).await), (4, 4));

    // 8 reads by 4 people at once: 4 read, none acknowledged.
    let plain = announced_id(
        app,
        new_body(&unique("Read me"), staff_roles(&["front-desk"])),
    )
    .await;
    let unread = staff_news(app, first).await;
    let item = find(&unread, &plain).unwrap_or_else(|| panic!("listed: {unread:#?}"));
    assert_eq!(item["read"], false, "{item:#?}");
    assert!(item["acknowledgedAt"].is_null() && item["acknowledgeBy"].is_null());
    let replies = join_all(
        staff
            .iter()
            .chain(staff.iter())
            .map(|who| staff_read(app, &plain, who)),
    )
    .await;
    assert!(replies.iter().all(|r| r.status == 204), "{replies:#?}");
    assert_eq!(counts(&team_view(app, &plain).await), (4, 0));
    let news = staff_news(app, first).await;
    assert_eq!(find(&news, &plain).expect("listed")["read"], true);
    // Another front-desk member has not read it.
    let news = staff_news(app, &app.front_desk).await;
    assert_eq!(find(&news, &plain).expect("listed")["read"], false);

    // 6 reads by 3 patients of a cohort at once: 3 read; each sees only their own mark.
    let patients = join_all((0..3).map(|_| app.new_patient())).await;
    let ids: Vec<&str> = patients.iter().map(|p| p.id.as_str()).collect();
    let members = new_cohort_of(app, false, &ids).await;
    let news_id = announced_id(app, new_body(&unique("Cohort news"), cohort(&members))).await;
    let replies = join_all(
        patients
            .iter()
            .chain(patients.iter())
            .map(|p| patient_read(app, &p.id, &news_id, &p.actor)),
    )
    .await;
    assert!(replies.iter().all(|r| r.status == 204), "{replies:#?}");
    assert_eq!(counts(&team_view(app, &news_id).await), (3, 0));
    let items = whats_new(app, &patients[0].id, &patients[0].actor).await;
    assert_eq!(find(&items, &news_id).expect("listed")["read"], true);
}

#[tokio::test]
async fn acknowledging_one_that_asks_none_is_a_conflict() {
    let app = spawn_app().await;
    let id = announced_id(
        app,
        new_body(&unique("Just news"), staff_roles(&["clinicians"])),
    )
    .await;
    let reply = acknowledge(app, &id, &app.clinician).await;
    assert_problem(&reply, 409, None);
    assert!(
        reply.body.to_string().contains("no-acknowledgement"),
        "a typed conflict: {reply:#?}"
    );
    assert_eq!(counts(&team_view(app, &id).await), (0, 0));
    let report = acknowledgements(app, &id).await;
    assert_eq!(report["required"], false, "{report:#?}");
}

#[tokio::test]
async fn acknowledgements_name_who_has_not_acknowledged() {
    let app = spawn_app().await;
    let acker = app.new_staff("acker", &["clinicians"]).await;
    let waiter = app.new_staff("waiter", &["clinicians"]).await;
    let both = app.new_staff("both", &["clinicians", "front-desk"]).await;
    let gone = disabled_staff(app, "gone", &["clinicians"]).await;
    let mut body = new_body(
        &unique("Confirm the new rota"),
        staff_roles(&["clinicians"]),
    );
    let acknowledge_by = at(86_400);
    body["acknowledgeBy"] = json!(acknowledge_by);
    let id = announced_id(app, body).await;
    let acked = acknowledge(app, &id, &acker).await;
    assert_eq!(acked.status, 200, "{acked:#?}");

    let report = acknowledgements(app, &id).await;
    assert_eq!(report["required"], true, "{report:#?}");
    assert_eq!(
        time_of(&report["acknowledgeBy"]),
        Timestamp::parse(&acknowledge_by).expect("a time")
    );
    assert_eq!(report["overdue"], false, "{report:#?}");
    let done = report["acknowledged"].as_array().expect("acknowledged");
    let waiting = report["notAcknowledged"]
        .as_array()
        .expect("notAcknowledged");
    let entry = done
        .iter()
        .find(|e| e["sub"] == acker.sub.as_str())
        .unwrap_or_else(|| panic!("the acknowledger: {report:#?}"));
    assert!(
        entry["name"].as_str().is_some_and(|n| n.contains("acker")),
        "{entry:#?}"
    );
    assert_eq!(entry["at"], acked.body["acknowledgedAt"]);
    assert!(waiting.iter().all(|e| e["sub"] != acker.sub.as_str()));
    for who in [&waiter, &both, &app.clinician] {
        let found: Vec<&Value> = waiting
            .iter()
            .filter(|e| e["sub"] == who.sub.as_str())
            .collect();
        assert_eq!(found.len(), 1, "{} waiting once: {report:#?}", who.email);
        assert_eq!(found[0]["email"], who.email.as_str());
        assert!(found[0]["name"].is_string(), "{:#?}", found[0]);
    }
    // Only the audience's roles, and enabled accounts only.
    for outsider in [&app.front_desk, &app.response_team, &app.admin, &gone] {
        assert!(
            done.iter()
                .chain(waiting)
                .all(|e| e["sub"] != outsider.sub.as_str()),
            "{} is not in the audience: {report:#?}",
            outsider.email
        );
    }

    // In two of the audience's roles: listed once.
    let mut two = new_body(
        &unique("Two roles"),
        staff_roles(&["clinicians", "front-desk"]),
    );
    two["acknowledgeBy"] = json!(at(86_400));
    let two = announced_id(app, two).await;
    let report = acknowledgements(app, &two).await;
    let waiting = report["notAcknowledged"]
        .as_array()
        .expect("notAcknowledged");
    assert_eq!(
        waiting
            .iter()
            .filter(|e| e["sub"] == both.sub.as_str())
            .count(),
        1,
        "{report:#?}"
    );
    assert!(
        waiting
            .iter()
            .any(|e| e["sub"] == app.front_desk.sub.as_str())
    );

    // Not a staff audience: nothing required, empty lists.
    let news = announced_id(app, new_body(&unique("Practices"), practices())).await;
    let report = acknowledgements(app, &news).await;
    assert_eq!(report["required"], false, "{report:#?}");
    assert_eq!(report["acknowledged"], json!([]));
    assert_eq!(report["notAcknowledged"], json!([]));
    assert_ne!(report["overdue"], true);

    // Past its date: overdue, and a late acknowledgement is taken and flagged.
    let mut soon = new_body(&unique("Confirm quickly"), staff_roles(&["clinicians"]));
    let deadline = from_now(3);
    soon["acknowledgeBy"] = json!(deadline.to_string());
    let soon = announced_id(app, soon).await;
    let on_time = acknowledge(app, &soon, &acker).await;
    assert_eq!(on_time.status, 200, "{on_time:#?}");
    assert_ne!(on_time.body["late"], true, "{on_time:#?}");
    sleep_until(deadline.plus(Duration::from_millis(500))).await;
    let report = acknowledgements(app, &soon).await;
    assert_eq!(report["overdue"], true, "{report:#?}");
    let late = acknowledge(app, &soon, &waiter).await;
    assert_eq!(late.status, 200, "{late:#?}");
    assert_eq!(late.body["late"], true, "{late:#?}");
    let report = acknowledgements(app, &soon).await;
    let done = report["acknowledged"].as_array().expect("acknowledged");
    assert!(
        done.iter().any(|e| e["sub"] == waiter.sub.as_str()),
        "{report:#?}"
    );
    assert_eq!(counts(&team_view(app, &soon).await).1, 2);
}

// ---- what's new -------------------------------------------------------------------------

#[tokio::test]
async fn whats_new_shows_each_caller_what_is_meant_for_them_while_it_is_published() {
    // Announcements to every patient or caregiver fan out to the whole pool: on the shared
    // stack, their notices would crowd the outbox other tests wait on for their emails.
    let app = spawn_own_stack("announcements").await;
    let _job = job_lock(app).await;
    let patient = app.new_patient().await;
    let member = app.new_patient().await;
    let members = new_cohort_of(app, false, &[member.id.as_str()]).await;
    let carer = app.new_staff("carer", &["caregivers"]).await;
    app.grant(&member.id, &carer, &[Scope::Profile], GrantState::Active)
        .await;

    // Published a moment from now, so nobody is told (see the module's docs).
    let start = from_now(4);
    let at_start = |title: &str, audience: Value| {
        let mut body = new_body(&unique(title), audience);
        body["publishAt"] = json!(start.to_string());
        body
    };
    let everyone = announced(app, at_start("Every patient", json!({"kind": "patients"}))).await;
    assert_eq!(everyone["state"], "scheduled", "{everyone:#?}");
    let everyone = id_of(&everyone, "announcementId");
    let cohort_news = announced_id(app, at_start("Cohort", cohort(&members))).await;
    let carers = announced_id(app, at_start("Caregivers", json!({"kind": "caregivers"}))).await;
    let clinicians = announced_id(app, at_start("Clinicians", staff_roles(&["clinicians"]))).await;
    let mut short = at_start("Short-lived", json!({"kind": "patients"}));
    let ends = start.plus(Duration::from_secs(4));
    short["expiresAt"] = json!(ends.to_string());
    let short = announced_id(app, short).await;
    let ended = announced_id(app, at_start("Ended", json!({"kind": "patients"}))).await;
    let mut later = new_body(&unique("Tomorrow"), json!({"kind": "patients"}));
    later["publishAt"] = json!(at(86_400));
    let later = announced_id(app, later).await;

    // Ended by the team: expired at once; again changes nothing.
    let expired = expire(app, &ended).await;
    assert_eq!(expired.status, 200, "{expired:#?}");
    assert_eq!(expired.body["state"], "expired", "{expired:#?}");
    let again = expire(app, &ended).await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["version"], expired.body["version"]);
    assert_eq!(again.body["expiresAt"], expired.body["expiresAt"]);

    sleep_until(start.plus(Duration::from_millis(300))).await;
    let shown = |items: &[Value]| ids_of(items).into_iter().collect::<BTreeSet<_>>();
    // A patient outside the cohort: every patient's news only.
    let items = whats_new(app, &patient.id, &patient.actor).await;
    let seen = shown(&items);
    assert!(seen.contains(&everyone), "{items:#?}");
    for hidden in [&cohort_news, &carers, &clinicians, &ended, &later] {
        assert!(
            !seen.contains(hidden),
            "{hidden} shown to a patient: {items:#?}"
        );
    }
    let item = find(&items, &everyone).expect("shown");
    assert_eq!(
        keys_of(item),
        [
            "announcementId",
            "body",
            "expiresAt",
            "link",
            "publishAt",
            "read",
            "title"
        ]
        .into(),
        "{item:#?}"
    );
    assert_eq!(item["read"], false);
    assert_eq!(item["link"], "https://practice.example/news/letters");
    // The cohort's member: theirs too.
    let items = whats_new(app, &member.id, &member.actor).await;
    let seen = shown(&items);
    assert!(
        seen.contains(&everyone) && seen.contains(&cohort_news),
        "{items:#?}"
    );
    for hidden in [&carers, &clinicians, &ended, &later] {
        assert!(
            !seen.contains(hidden),
            "{hidden} shown to the member: {items:#?}"
        );
    }
    // A caregiver acting for the member: the member's, and the caregivers'.
    let items = whats_new(app, &member.id, &carer).await;
    let seen = shown(&items);
    for expected in [&everyone, &cohort_news, &carers] {
        assert!(
            seen.contains(expected),
            "{expected} for the caregiver: {items:#?}"
        );
    }
    for hidden in [&clinicians, &ended, &later] {
        assert!(
            !seen.contains(hidden),
            "{hidden} shown to the caregiver: {items:#?}"
        );
    }
    assert_problem(
        &app.get(&patient_list_path(&patient.id), &carer).await,
        404,
        None,
    );
    // Staff: their roles' news only.
    let items = staff_news(app, &app.clinician).await;
    let seen = shown(&items);
    assert!(seen.contains(&clinicians), "{items:#?}");
    for hidden in [&everyone, &cohort_news, &carers, &ended, &later] {
        assert!(
            !seen.contains(hidden),
            "{hidden} shown to a clinician: {items:#?}"
        );
    }
    let item = find(&items, &clinicians).expect("shown");
    assert_eq!(item["read"], false);
    assert!(item["acknowledgeBy"].is_null() && item["acknowledgedAt"].is_null());
    assert!(!shown(&staff_news(app, &app.front_desk).await).contains(&clinicians));

    // Read: marked for the reader only.
    let read = patient_read(app, &member.id, &cohort_news, &member.actor).await;
    assert_eq!(read.status, 204, "{read:#?}");
    let items = whats_new(app, &member.id, &member.actor).await;
    assert_eq!(find(&items, &cohort_news).expect("shown")["read"], true);
    let items = whats_new(app, &member.id, &carer).await;
    assert_eq!(find(&items, &cohort_news).expect("shown")["read"], false);
    assert_problem(
        &patient_read(app, &patient.id, &cohort_news, &patient.actor).await,
        404,
        None,
    );
    let read = patient_read(app, &member.id, &carers, &carer).await;
    assert_eq!(read.status, 204, "{read:#?}");
    assert_problem(
        &patient_read(app, &member.id, &carers, &member.actor).await,
        404,
        None,
    );
    // Neither ended nor scheduled may be read.
    for hidden in [&ended, &later] {
        assert_problem(
            &patient_read(app, &patient.id, hidden, &patient.actor).await,
            404,
            None,
        );
    }

    // The team sees each state.
    assert_eq!(team_view(app, &everyone).await["state"], "published");
    assert_eq!(team_view(app, &later).await["state"], "scheduled");
    assert_eq!(team_view(app, &ended).await["state"], "expired");
    let listed = team_list(app).await;
    assert_eq!(find(&listed, &later).expect("listed")["state"], "scheduled");
    assert_eq!(find(&listed, &ended).expect("listed")["state"], "expired");

    // Past its end: gone.
    sleep_until(ends.plus(Duration::from_millis(300))).await;
    assert!(!shown(&whats_new(app, &patient.id, &patient.actor).await).contains(&short));
    assert_eq!(team_view(app, &short).await["state"], "expired");

    // Ended, so nobody is ever told of the broad ones.
    for id in [&everyone, &cohort_news, &carers, &clinicians, &later] {
        let reply = expire(app, id).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
    }
}

// ---- the publisher ----------------------------------------------------------------------

#[tokio::test]
async fn the_publisher_tells_each_recipient_once() {
    // Announcements to every patient or caregiver fan out to the whole pool: on the shared
    // stack, their notices would crowd the outbox other tests wait on for their emails.
    let app = spawn_own_stack("announcements").await;
    let _job = job_lock(app).await;
    let first = app.new_patient().await;
    let second = app.new_patient().await;
    let members = new_cohort_of(app, false, &[first.id.as_str(), second.id.as_str()]).await;
    let colleague = app.new_staff("told", &["admins", "portal-leads"]).await;
    let gone = disabled_staff(app, "untold", &["admins"]).await;
    let due = from_now(20);
    let at_due = |title: &str, audience: Value| {
        let mut body = new_body(&unique(title), audience);
        body["publishAt"] = json!(due.to_string());
        body
    };
    let roles = announced_id(
        app,
        at_due("Staff", staff_roles(&["admins", "portal-leads"])),
    )
    .await;
    let (one, two) = (
        format!("{}@practice-a.test", ulid::Ulid::generate()).to_lowercase(),
        format!("{}@practice-b.test", ulid::Ulid::generate()).to_lowercase(),
    );
    let addresses = announced_id(
        app,
        at_due(
            "Practices",
            json!({"kind": "practices", "emails": [one, two]}),
        ),
    )
    .await;
    let cohort_news = announced_id(app, at_due("Cohort", cohort(&members))).await;
    let withdrawn = announced_id(app, at_due("Withdrawn", cohort(&members))).await;
    assert_eq!(expire(app, &withdrawn).await.status, 200);
    let mine = [roles.as_str(), addresses.as_str(), cohort_news.as_str()];

    // Not due yet: nobody told.
    run_job(app, Timestamp::now()).await;
    for id in mine.iter().chain([&withdrawn.as_str()]) {
        assert!(told(app, id).await.is_empty(), "{id} told early");
        assert_eq!(team_view(app, id).await["sent"], false);
    }

    // Due: each recipient once.
    let then = due.plus(Duration::from_secs(30));
    run_until_sent(app, then, &mine).await;
    let staff_records = told(app, &roles).await;
    assert!(
        staff_records
            .iter()
            .all(|r| r["recipient"]["kind"] == "staff-member"),
        "one staff member each, never a team: {staff_records:#?}"
    );
    let subs = recipients(&staff_records, "sub");
    assert!(once_each(&subs), "{subs:#?}");
    for who in [&colleague, &app.admin, &app.portal_lead] {
        assert!(subs.contains(&who.sub), "{} told: {subs:#?}", who.email);
    }
    for outsider in [&app.clinician, &app.response_team, &gone] {
        assert!(!subs.contains(&outsider.sub), "{} told", outsider.email);
    }
    let record = &staff_records[0];
    assert!(
        record["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Staff"))
    );
    assert_eq!(record["body"], "The portal shows your letters from today.");
    assert_eq!(record["link"], "https://practice.example/news/letters");

    let address_records = told(app, &addresses).await;
    assert_eq!(address_records.len(), 2, "{address_records:#?}");
    assert!(
        address_records
            .iter()
            .all(|r| r["recipient"]["kind"] == "address")
    );
    let emails: BTreeSet<String> = recipients(&address_records, "email").into_iter().collect();
    assert_eq!(emails, [one.clone(), two.clone()].into());

    let cohort_records = told(app, &cohort_news).await;
    assert_eq!(cohort_records.len(), 2, "{cohort_records:#?}");
    assert!(
        cohort_records
            .iter()
            .all(|r| r["recipient"]["kind"] == "patient")
    );
    let patients: BTreeSet<String> = recipients(&cohort_records, "patientId")
        .into_iter()
        .collect();
    assert_eq!(patients, [first.id.clone(), second.id.clone()].into());

    assert!(
        told(app, &withdrawn).await.is_empty(),
        "an ended one is never told"
    );

    // Again: nobody told twice.
    run_job(app, then).await;
    assert_eq!(told(app, &roles).await.len(), staff_records.len());
    assert_eq!(told(app, &addresses).await.len(), 2);
    assert_eq!(told(app, &cohort_news).await.len(), 2);

    // Published now: told in the request, and not again by the job.
    let address = format!("{}@practice-c.test", ulid::Ulid::generate()).to_lowercase();
    let now = announced_id(
        app,
        new_body(
            &unique("Now"),
            json!({"kind": "practices", "emails": [address]}),
        ),
    )
    .await;
    assert_eq!(told(app, &now).await.len(), 1, "told in the request");
    run_job(app, Timestamp::now().plus(Duration::from_secs(1))).await;
    let records = told(app, &now).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["recipient"]["email"], address.as_str());
    assert_eq!(team_view(app, &now).await["sent"], true);
}

#[tokio::test]
async fn the_publisher_tells_every_patient_and_caregiver_once() {
    // Announcements to every patient or caregiver fan out to the whole pool: on the shared
    // stack, their notices would crowd the outbox other tests wait on for their emails.
    let app = spawn_own_stack("announcements").await;
    let _job = job_lock(app).await;
    let patient = app.new_patient().await;
    let carer = app.new_staff("toldcarer", &["caregivers"]).await;
    let due = from_now(10);
    let at_due = |title: &str, audience: Value| {
        let mut body = new_body(&unique(title), audience);
        body["publishAt"] = json!(due.to_string());
        body
    };
    let everyone = announced_id(app, at_due("Every patient", json!({"kind": "patients"}))).await;
    let carers = announced_id(
        app,
        at_due("Every caregiver", json!({"kind": "caregivers"})),
    )
    .await;
    let then = due.plus(Duration::from_secs(30));
    run_until_sent(app, then, &[&everyone, &carers]).await;

    let records = told(app, &everyone).await;
    assert!(
        records.iter().all(|r| r["recipient"]["kind"] == "patient"),
        "{records:#?}"
    );
    let patients = recipients(&records, "patientId");
    assert!(once_each(&patients), "nobody twice");
    assert!(patients.contains(&patient.id), "the new patient told");
    let carer_records = told(app, &carers).await;
    assert!(
        carer_records
            .iter()
            .all(|r| r["recipient"]["kind"] == "account"),
        "{carer_records:#?}"
    );
    let subs = recipients(&carer_records, "sub");
    assert!(once_each(&subs), "nobody twice");
    for who in [&carer, &app.caregiver] {
        let record = carer_records
            .iter()
            .find(|r| r["recipient"]["sub"] == who.sub.as_str())
            .unwrap_or_else(|| panic!("{} told", who.email));
        assert_eq!(record["recipient"]["email"], who.email.as_str());
    }
    assert!(!subs.contains(&app.clinician.sub));

    run_job(app, then).await;
    assert_eq!(told(app, &everyone).await.len(), records.len());
    assert_eq!(told(app, &carers).await.len(), carer_records.len());
}

// ---- the authorisation matrix -------------------------------------------------------------

/// The staff announcement (to every staff role, asking acknowledgement) the matrix reads and
/// acknowledges, made once per stack: reading and acknowledging are idempotent, and telling
/// every staff member once is enough.
async fn matrix_staff_announcement(app: &TestApp) -> String {
    static MADE: tokio::sync::Mutex<Vec<(String, String)>> =
        tokio::sync::Mutex::const_new(Vec::new());
    let mut made = MADE.lock().await;
    if let Some((_, id)) = made.iter().find(|(stack, _)| *stack == app.api_url) {
        return id.clone();
    }
    let mut body = new_body(
        &unique("Matrix"),
        staff_roles(&[
            "clinicians",
            "front-desk",
            "response-team",
            "admins",
            "portal-leads",
        ]),
    );
    body["acknowledgeBy"] = json!(at(30 * 86_400));
    let id = announced_id(app, body).await;
    made.push((app.api_url.clone(), id.clone()));
    id
}

/// An announcement to a new cohort holding `patient`.
async fn matrix_cohort_announcement(app: &TestApp, patient: &Patient) -> String {
    let members = new_cohort_of(app, false, &[patient.id.as_str()]).await;
    announced_id(app, new_body(&unique("Matrix"), cohort(&members))).await
}

/// The authorisation matrix's requests for the announcement routes.
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("GET", "/support/announcements") => (Method::GET, TEAM.to_owned(), None, None),
        ("POST", "/support/announcements") => (
            Method::POST,
            TEAM.to_owned(),
            Some(new_body(&unique("Matrix"), practices())),
            None,
        ),
        ("GET", "/support/announcements/{announcementId}") => {
            let id = announced_id(app, new_body(&unique("Matrix"), practices())).await;
            (Method::GET, team_path(&id), None, None)
        }
        ("POST", "/support/announcements/{announcementId}/expire") => {
            let id = announced_id(app, new_body(&unique("Matrix"), practices())).await;
            (Method::POST, expire_path(&id), None, None)
        }
        ("GET", "/support/announcements/{announcementId}/acknowledgements") => {
            let id = announced_id(app, new_body(&unique("Matrix"), practices())).await;
            (Method::GET, acknowledgements_path(&id), None, None)
        }
        ("GET", "/patients/{patientId}/announcements") => {
            (Method::GET, patient_list_path(&patient.id), None, None)
        }
        ("POST", "/patients/{patientId}/announcements/{announcementId}/read") => {
            let id = matrix_cohort_announcement(app, patient).await;
            (
                Method::POST,
                patient_read_path(&patient.id, &id),
                None,
                None,
            )
        }
        ("GET", "/account/announcements") => (Method::GET, STAFF.to_owned(), None, None),
        ("POST", "/account/announcements/{announcementId}/read") => {
            let id = matrix_staff_announcement(app).await;
            (Method::POST, staff_read_path(&id), None, None)
        }
        ("POST", "/account/announcements/{announcementId}/acknowledgement") => {
            let id = matrix_staff_announcement(app).await;
            (Method::POST, ack_path(&id), None, None)
        }
        _ => return None,
    };
    Some(request)
}
