//! Invitation waves: a portal lead sends a cohort activation codes at a rate; the scheduled job
//! (`invitation-waves`, run here by the tests at chosen times, as its schedule would) issues
//! them through the notification sender, the sender marks them delivered, activation marks them
//! activated, and a re-send queues again those who have not activated.
//!
//! The job works through every active wave, so the tests that run it hold the part
//! `invitation-waves` exclusively (one at a time) and assert only about their own waves.

use std::time::Duration;

use futures::future::join_all;
use portal_shared::domain::timestamp::Timestamp;
use portal_tests::{
    Exclusive, Method, Reply, TestApp, assert_problem, fresh_client_address, spawn_app,
};
use serde_json::{Value, json};

use super::cohorts::new_cohort_of;

/// A patient registered for a wave: their id and the email address on their profile.
pub struct Invitee {
    pub id: String,
    pub email: String,
}

/// A new cohort with `count` newly registered patients (no portal account yet), through the
/// API as the portal lead.
pub async fn cohort_of_new_patients(app: &TestApp, count: usize) -> (String, Vec<Invitee>) {
    let mut invitees = Vec::new();
    for _ in 0..count {
        let (id, family) = app.register_patient().await;
        invitees.push(Invitee {
            id,
            email: format!("{}@patients.portal.test", family.to_lowercase()),
        });
    }
    let ids: Vec<&str> = invitees.iter().map(|i| i.id.as_str()).collect();
    let name = new_cohort_of(app, false, &ids).await;
    (name, invitees)
}

pub async fn start_wave(app: &TestApp, cohort: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        &format!("/rollout/cohorts/{cohort}/waves"),
        Some(&app.portal_lead),
        Some(body),
    )
    .await
}

/// Starts a wave and answers its id.
pub async fn started(app: &TestApp, cohort: &str, body: Value) -> String {
    let reply = start_wave(app, cohort, body).await;
    assert_eq!(reply.status, 201, "starting a wave: {reply:#?}");
    reply.body["waveId"].as_str().expect("waveId").to_owned()
}

pub async fn wave(app: &TestApp, wave_id: &str) -> Value {
    let reply = app
        .get(&format!("/rollout/waves/{wave_id}"), &app.portal_lead)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

/// The wave's member `patient` as the wave lists it.
async fn member(app: &TestApp, wave_id: &str, patient: &str) -> Value {
    let body = wave(app, wave_id).await;
    body["membersPage"]["items"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["patientId"] == patient)
        .cloned()
        .unwrap_or_else(|| panic!("{patient} is not in the wave: {body:#}"))
}

/// Holds the job for this test (see the module's documentation).
pub async fn job_lock(app: &TestApp) -> Exclusive {
    app.exclusive("invitation-waves").await
}

/// Runs the `invitation-waves` job once, as if at `at`: its summary.
pub async fn run_job(app: &TestApp, at: Timestamp) -> Value {
    app.on_stack(move |stack| async move {
        let function = stack
            .template
            .function("InvitationWavesFunction")
            .ok_or_else(|| anyhow::anyhow!("InvitationWavesFunction"))?;
        let config = stack.function_config(function)?;
        let deps = portal_rollout::Deps::new(&config.settings, &stack.sdk);
        let summary = portal_rollout::run_waves(&deps, at)
            .await
            .map_err(|error| anyhow::anyhow!("the job failed: {}", error.slug()))?;
        Ok(serde_json::to_value(summary)?)
    })
    .await
    .expect("running the invitation waves job")
}

fn later(start: Timestamp, seconds: u64) -> Timestamp {
    start.plus(Duration::from_secs(seconds))
}

/// Waits until the wave's counts say `count` (the sender runs behind the table's stream).
async fn wait_for_count(app: &TestApp, wave_id: &str, name: &str, count: i64) -> Value {
    let deadline = tokio::time::Instant::now() + portal_tests::DELIVERY_WAIT;
    loop {
        let body = wave(app, wave_id).await;
        if body["counts"][name] == count || tokio::time::Instant::now() > deadline {
            assert_eq!(body["counts"][name], count, "{name}: {body:#}");
            return body;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The activation code in an email (`XXXXX-XXXXX`).
fn code_in(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let is_code_char = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase();
    (0..chars.len().saturating_sub(10)).find_map(|i| {
        let candidate: String = chars[i..i + 11].iter().collect();
        let (left, right) = candidate.split_at(5);
        let before_ok = i == 0 || !is_code_char(chars[i - 1]);
        let after_ok = chars.get(i + 11).is_none_or(|c| !is_code_char(*c));
        (before_ok
            && after_ok
            && left.chars().all(is_code_char)
            && right.starts_with('-')
            && right[1..].chars().all(is_code_char))
        .then_some(candidate)
    })
}

pub async fn activate(app: &TestApp, code: &str, email: &str) -> Reply {
    app.send_public(
        fresh_client_address(),
        "/auth/activate",
        json!({"code": code, "dateOfBirth": "1984-03-12", "email": email, "password": "Correct-Horse-9!"}),
        None,
    )
    .await
}

/// The code of the `nth` (from 1) email the invitee received.
pub async fn mailed_code(app: &TestApp, invitee: &Invitee, nth: usize) -> String {
    let emails = app.wait_for_emails(&invitee.email, nth).await;
    code_in(&emails[nth - 1].body).expect("the email holds a code")
}

#[tokio::test]
async fn a_wave_sends_at_its_rate_and_follows_each_code_to_activation_and_a_resend() {
    let app = spawn_app().await;
    let _job = job_lock(app).await;
    let (cohort, invitees) = cohort_of_new_patients(app, 3).await;
    let reply = start_wave(
        app,
        &cohort,
        json!({"ratePerHour": 60, "deliverBy": "email"}),
    )
    .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let wave_id = reply.body["waveId"].as_str().expect("waveId").to_owned();
    assert_eq!(
        reply
            .header("location")
            .as_deref()
            .map(|l| l.ends_with(&format!("/rollout/waves/{wave_id}"))),
        Some(true),
        "{reply:#?}"
    );
    assert_eq!(reply.body["cohort"], cohort.as_str());
    assert_eq!(reply.body["members"], 3);
    assert_eq!(reply.body["expiresInDays"], 30);
    assert_eq!(
        reply.body["counts"],
        json!({"queued": 3, "invited": 0, "delivered": 0, "activated": 0, "expired": 0, "refused": 0})
    );

    // 60 an hour: one code a minute, whoever runs the job how often.
    let start = Timestamp::now();
    run_job(app, start).await;
    assert_eq!(wave(app, &wave_id).await["counts"]["invited"], 1);
    run_job(app, later(start, 20)).await;
    assert_eq!(
        wave(app, &wave_id).await["counts"]["invited"],
        1,
        "the same minute: no second code"
    );
    run_job(app, later(start, 60)).await;
    assert_eq!(wave(app, &wave_id).await["counts"]["invited"], 2);
    run_job(app, later(start, 120)).await;
    let body = wave(app, &wave_id).await;
    assert_eq!(body["counts"]["invited"], 3, "{body:#}");
    assert_eq!(body["counts"]["queued"], 0, "{body:#}");
    assert_eq!(body["sending"], false, "{body:#}");
    run_job(app, later(start, 180)).await;
    assert_eq!(
        wave(app, &wave_id).await["counts"]["invited"],
        3,
        "no one twice"
    );

    // Each invitee's code arrives by email, and the sender marks it delivered.
    let mut codes = Vec::new();
    for invitee in &invitees {
        codes.push(mailed_code(app, invitee, 1).await);
    }
    let body = wait_for_count(app, &wave_id, "delivered", 3).await;
    for item in body["membersPage"]["items"].as_array().expect("members") {
        assert_eq!(item["status"], "delivered", "{item}");
        assert!(
            item.get("familyName").is_none() && item.get("name").is_none(),
            "{item}"
        );
    }

    // The first activates with the mailed code.
    let activated = activate(app, &codes[0], &invitees[0].email).await;
    assert_eq!(activated.status, 201, "{activated:#?}");
    let body = wait_for_count(app, &wave_id, "activated", 1).await;
    assert_eq!(body["counts"]["expired"], 0);
    assert_eq!(
        member(app, &wave_id, &invitees[0].id).await["status"],
        "activated"
    );

    // A re-send queues the two who have not activated, and only them.
    let resent = app
        .send(
            Method::POST,
            &format!("/rollout/waves/{wave_id}/resend"),
            Some(&app.portal_lead),
            None,
        )
        .await;
    assert_eq!(resent.status, 200, "{resent:#?}");
    assert_eq!(resent.body["requeued"], 2, "{resent:#?}");
    let body = wave(app, &wave_id).await;
    assert_eq!(
        body["counts"],
        json!({"queued": 2, "invited": 1, "delivered": 1, "activated": 1, "expired": 0, "refused": 0}),
        "{body:#}"
    );
    assert_eq!(body["sending"], true);
    // Their first code no longer works.
    let old = activate(app, &codes[1], &invitees[1].email).await;
    assert_problem(&old, 422, Some("code"));

    let start = later(start, 240);
    run_job(app, start).await;
    run_job(app, later(start, 60)).await;
    let body = wave(app, &wave_id).await;
    assert_eq!(body["counts"]["invited"], 3, "{body:#}");
    let second = mailed_code(app, &invitees[1], 2).await;
    mailed_code(app, &invitees[2], 2).await;
    assert_eq!(
        app.emails_to(&invitees[0].email).await.len(),
        1,
        "the activated patient is not sent another"
    );
    let member = member(app, &wave_id, &invitees[1].id).await;
    assert_eq!(member["sends"], 2, "{member}");
    let activated = activate(app, &second, &invitees[1].email).await;
    assert_eq!(activated.status, 201, "the new code works: {activated:#?}");
    wait_for_count(app, &wave_id, "activated", 2).await;
}

#[tokio::test]
async fn members_who_cannot_be_invited_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let _job = job_lock(app).await;
    let (cohort, invitees) = cohort_of_new_patients(app, 3).await;
    // No email on file; an account already; an address that bounced for good.
    app.set_profile_attribute(&invitees[0].id, "contact", json!({"phone": "+15555550101"}))
        .await;
    app.set_profile_attribute(
        &invitees[1].id,
        "portalAccount",
        json!({"status": "active", "activatedAt": "2026-01-02T03:04:05.000Z"}),
    )
    .await;
    app.publish_ses_event(json!({
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": invitees[2].email}],
            "timestamp": "2026-12-07T10:00:00.000Z",
        },
        "mail": {
            "timestamp": "2026-12-07T09:59:59.000Z",
            "source": "portal@example.org",
            "messageId": "0100018c-wave-bounce",
            "destination": [invitees[2].email],
        },
    }))
    .await;
    let wave_id = started(
        app,
        &cohort,
        json!({"ratePerHour": 1000, "deliverBy": "email"}),
    )
    .await;
    run_job(app, Timestamp::now()).await;
    let body = wave(app, &wave_id).await;
    assert_eq!(body["counts"]["refused"], 3, "{body:#}");
    assert_eq!(body["counts"]["invited"], 0, "{body:#}");
    assert_eq!(body["sending"], false, "{body:#}");
    let reason = |patient: &str| {
        body["membersPage"]["items"]
            .as_array()
            .expect("members")
            .iter()
            .find(|m| m["patientId"] == patient)
            .map(|m| (m["status"].clone(), m["reason"].clone()))
    };
    assert_eq!(
        reason(&invitees[0].id),
        Some((json!("refused"), json!("no-contact")))
    );
    assert_eq!(
        reason(&invitees[1].id),
        Some((json!("refused"), json!("already-active")))
    );
    assert_eq!(
        reason(&invitees[2].id),
        Some((json!("refused"), json!("suppressed")))
    );
}

#[tokio::test]
async fn two_runs_at_once_never_issue_twice_to_one_member() {
    let app = spawn_app().await;
    let _job = job_lock(app).await;
    let (cohort, invitees) = cohort_of_new_patients(app, 2).await;
    let wave_id = started(
        app,
        &cohort,
        json!({"ratePerHour": 60, "deliverBy": "email"}),
    )
    .await;
    let now = Timestamp::now();
    join_all((0..4).map(|_| run_job(app, now))).await;
    assert_eq!(wave(app, &wave_id).await["counts"]["invited"], 1);
    let next = later(now, 60);
    join_all((0..4).map(|_| run_job(app, next))).await;
    join_all((0..4).map(|_| run_job(app, later(next, 60)))).await;
    let body = wave(app, &wave_id).await;
    assert_eq!(body["counts"]["invited"], 2, "{body:#}");
    for invitee in &invitees {
        let member = member(app, &wave_id, &invitee.id).await;
        assert_eq!(member["sends"], 1, "{member}");
        app.wait_for_emails(&invitee.email, 1).await;
    }
    // Whatever is still on its way, each got exactly one code.
    let codes: Vec<Value> = app
        .outbox_where("template", "activation-invitation")
        .await
        .into_iter()
        .filter(|note| {
            invitees
                .iter()
                .any(|i| note["recipient"]["patientId"] == i.id.as_str())
        })
        .collect();
    assert_eq!(codes.len(), 2, "{codes:#?}");
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let (cohort, _) = cohort_of_new_patients(app, 1).await;
    for (body, field) in [
        (
            json!({"ratePerHour": 0, "deliverBy": "email"}),
            "ratePerHour",
        ),
        (
            json!({"ratePerHour": 1001, "deliverBy": "email"}),
            "ratePerHour",
        ),
        (
            json!({"ratePerHour": "fast", "deliverBy": "email"}),
            "ratePerHour",
        ),
        (json!({"ratePerHour": 60, "deliverBy": "fax"}), "deliverBy"),
        (json!({"ratePerHour": 60}), "deliverBy"),
        (
            json!({"ratePerHour": 60, "deliverBy": "sms", "expiresInDays": 0}),
            "expiresInDays",
        ),
        (
            json!({"ratePerHour": 60, "deliverBy": "sms", "expiresInDays": 91}),
            "expiresInDays",
        ),
        (
            json!({"ratePerHour": 60, "deliverBy": "sms", "startAt": "now"}),
            "startAt",
        ),
    ] {
        let reply = start_wave(app, &cohort, body.clone()).await;
        assert_problem(&reply, 422, Some(field));
    }
    // No such cohort; a malformed wave id.
    let reply = start_wave(
        app,
        "no-such-cohort-here",
        json!({"ratePerHour": 60, "deliverBy": "email"}),
    )
    .await;
    assert_eq!(reply.status, 404, "{reply:#?}");
    let reply = app.get("/rollout/waves/not-a-wave", &app.portal_lead).await;
    assert_eq!(reply.status, 404, "{reply:#?}");
    // An empty cohort has no one to invite.
    let (empty, _) = cohort_of_new_patients(app, 0).await;
    let reply = start_wave(
        app,
        &empty,
        json!({"ratePerHour": 60, "deliverBy": "email"}),
    )
    .await;
    assert_eq!(reply.status, 409, "{reply:#?}");
    // Nothing was written: no wave of either cohort is listed.
    let listed = all_waves(app).await;
    assert!(
        !listed
            .iter()
            .any(|w| w["cohort"] == cohort.as_str() || w["cohort"] == empty.as_str()),
        "{listed:#?}"
    );
}

/// Every wave listed, newest first, following the cursor.
async fn all_waves(app: &TestApp) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/rollout/waves?limit=100&cursor={cursor}"),
            None => "/rollout/waves?limit=100".to_owned(),
        };
        let reply = app.get(&path, &app.portal_lead).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        items.extend(
            reply.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .cloned(),
        );
        match reply.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

#[tokio::test]
async fn a_retried_start_starts_one_wave_and_the_list_is_newest_first() {
    let app = spawn_app().await;
    let (cohort, _) = cohort_of_new_patients(app, 2).await;
    let key = format!("wave-{}", ulid::Ulid::generate());
    let path = format!("/rollout/cohorts/{cohort}/waves");
    let body = json!({"ratePerHour": 30, "deliverBy": "sms", "expiresInDays": 7});
    let headers = [("Idempotency-Key", key.as_str())];
    let first = app
        .send_with_headers(
            Method::POST,
            &path,
            &app.portal_lead,
            body.clone(),
            &headers,
        )
        .await;
    assert_eq!(first.status, 201, "{first:#?}");
    let retry = app
        .send_with_headers(Method::POST, &path, &app.portal_lead, body, &headers)
        .await;
    assert_eq!(retry.status, 201, "{retry:#?}");
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.body["waveId"], first.body["waveId"]);
    let other = started(
        app,
        &cohort,
        json!({"ratePerHour": 30, "deliverBy": "email"}),
    )
    .await;
    let listed: Vec<Value> = all_waves(app)
        .await
        .into_iter()
        .filter(|w| w["cohort"] == cohort.as_str())
        .collect();
    assert_eq!(listed.len(), 2, "{listed:#?}");
    assert_eq!(listed[0]["waveId"], other.as_str(), "newest first");
    assert_eq!(listed[1]["deliverBy"], "sms");
    assert_eq!(listed[1]["expiresInDays"], 7);
    // The member list pages: one at a time.
    let wave_id = listed[1]["waveId"].as_str().expect("waveId");
    let page = app
        .get(
            &format!("/rollout/waves/{wave_id}?limit=1"),
            &app.portal_lead,
        )
        .await;
    assert_eq!(page.status, 200, "{page:#?}");
    assert_eq!(
        page.body["membersPage"]["items"].as_array().map(Vec::len),
        Some(1)
    );
    let cursor = page.body["membersPage"]["nextCursor"]
        .as_str()
        .expect("a next page");
    let next = app
        .get(
            &format!("/rollout/waves/{wave_id}?limit=1&cursor={cursor}"),
            &app.portal_lead,
        )
        .await;
    assert_eq!(next.status, 200, "{next:#?}");
    assert_ne!(
        next.body["membersPage"]["items"][0]["patientId"],
        page.body["membersPage"]["items"][0]["patientId"]
    );
}

#[tokio::test]
async fn only_portal_leads_send_and_follow_waves() {
    let app = spawn_app().await;
    let (cohort, _) = cohort_of_new_patients(app, 1).await;
    let wave_id = started(
        app,
        &cohort,
        json!({"ratePerHour": 60, "deliverBy": "email"}),
    )
    .await;
    let routes = [
        (Method::POST, format!("/rollout/cohorts/{cohort}/waves")),
        (Method::GET, "/rollout/waves".to_owned()),
        (Method::GET, format!("/rollout/waves/{wave_id}")),
        (Method::POST, format!("/rollout/waves/{wave_id}/resend")),
    ];
    let body = json!({"ratePerHour": 60, "deliverBy": "email"});
    for (method, path) in &routes {
        for who in [&app.front_desk, &app.admin, &app.clinician] {
            let reply = app
                .send(method.clone(), path, Some(who), Some(body.clone()))
                .await;
            assert_eq!(reply.status, 403, "{method} {path}: {reply:#?}");
        }
        let reply = app
            .send(method.clone(), path, None, Some(body.clone()))
            .await;
        assert_eq!(reply.status, 401, "{method} {path}: {reply:#?}");
    }
    // Nothing changed: the one wave, no other, and no member queued again.
    let listed: Vec<Value> = all_waves(app)
        .await
        .into_iter()
        .filter(|w| w["cohort"] == cohort.as_str())
        .collect();
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["waveId"], wave_id.as_str());
    assert_eq!(wave(app, &wave_id).await["members"], 1);
}
