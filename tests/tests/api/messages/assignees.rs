//! Secure messaging, assignees: a colleague is looked up in the user pool before a conversation
//! is assigned to them, and each staff member's "mine" list (`/staff/inbox/mine`) follows
//! assigning, reassigning, closing, waiting and reopening. Also the practice's calendar as the
//! running function has it (time zone, business days).
//!
//! Every test here works with staff members it creates, so their lists hold only its own
//! conversations and can be compared exactly.

use futures::future::join_all;
use portal_shared::domain::timestamp::Timestamp;
use portal_tests::{Actor, Method, Patient, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use crate::messages::support::{
    backdate, conversation_path, counted_inbox, ids, mine, mine_page, notifications, read, reply,
    response_targets, start, whole_inbox,
};

/// The conversation's current ETag, as staff read it.
async fn etag(app: &TestApp, patient: &Patient, id: &str) -> String {
    read(app, patient, id, &app.clinician)
        .await
        .header("etag")
        .expect("etag")
}

/// PATCHes the conversation at its current version; asserts 200 and returns the body.
async fn change(app: &TestApp, patient: &Patient, id: &str, who: &Actor, body: Value) -> Value {
    let if_match = etag(app, patient, id).await;
    let reply = app
        .patch(&conversation_path(patient, id), who, &if_match, body)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

async fn disable(app: &TestApp, who: &Actor) {
    let reply = app
        .send(
            Method::POST,
            &format!("/admin/staff/{}/disable", who.sub),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
}

#[tokio::test]
async fn a_colleague_must_be_an_enabled_member_of_the_team_that_works_the_category() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let colleague = app.new_staff("colleague", &["clinicians"]).await;
    let disabled = app.new_staff("leaver", &["clinicians"]).await;
    disable(app, &disabled).await;
    let (_, id) = start(app, &patient, &patient.actor, "medical-question", "Q", "x").await;
    let path = conversation_path(&patient, &id);
    let first = etag(app, &patient, &id).await;

    // Nobody by that id, a disabled account, a patient, another team, and "me" from another
    // team: 422 naming the field, and nothing written (the ETag still holds).
    for (who, body) in [
        (
            &app.clinician,
            json!({"assignee": "00000000-0000-4000-8000-000000000000"}),
        ),
        (&app.clinician, json!({"assignee": disabled.sub})),
        (&app.clinician, json!({"assignee": patient.actor.sub})),
        (&app.clinician, json!({"assignee": app.front_desk.sub})),
        (&app.clinician, json!({"assignee": app.admin.sub})),
        (&app.front_desk, json!({"assignee": "me"})),
    ] {
        let refused = app.patch(&path, who, &first, body.clone()).await;
        assert_problem(&refused, 422, Some("assignee"));
        assert!(
            !refused.body.to_string().contains(&patient.email),
            "{refused:#?}"
        );
    }
    assert_eq!(etag(app, &patient, &id).await, first);

    // An enabled clinician: stored and shown with their name and role.
    let assigned = app
        .patch(
            &path,
            &app.clinician,
            &first,
            json!({"assignee": colleague.sub}),
        )
        .await;
    assert_eq!(assigned.status, 200, "{assigned:#?}");
    let expected = json!({"sub": colleague.sub, "name": "Test colleague", "role": "clinicians"});
    assert_eq!(assigned.body["assignee"], expected);
    let again = read(app, &patient, &id, &app.clinician).await;
    assert_eq!(again.body["conversation"]["assignee"], expected);
    // The patient sees who handles their question too.
    let theirs = read(app, &patient, &id, &patient.actor).await;
    assert_eq!(
        theirs.body["conversation"]["assignee"]["name"],
        "Test colleague"
    );

    // Moved within the clinicians' categories: still theirs.
    let moved = change(
        app,
        &patient,
        &id,
        &app.clinician,
        json!({"category": "prescription"}),
    )
    .await;
    assert_eq!(moved["assignee"], expected);
    // Moved to the front desk's category: a clinician-only assignee goes back to the queue.
    let moved = change(
        app,
        &patient,
        &id,
        &app.clinician,
        json!({"category": "billing"}),
    )
    .await;
    assert!(moved["assignee"].is_null(), "{moved:#}");

    // Someone in both teams keeps it when it moves, now in the role of the new team.
    let both = app.new_staff("both", &["clinicians", "front-desk"]).await;
    let (_, second) = start(app, &patient, &patient.actor, "medical-question", "R", "y").await;
    change(app, &patient, &second, &both, json!({"assignee": "me"})).await;
    let moved = change(
        app,
        &patient,
        &second,
        &both,
        json!({"category": "appointment"}),
    )
    .await;
    assert_eq!(moved["assignee"]["sub"], both.sub.as_str());
    assert_eq!(moved["assignee"]["role"], "front-desk");
    assert_eq!(mine(app, &both, 10).await, vec![second.clone()]);
}

#[tokio::test]
async fn two_assignments_at_once_one_wins() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let first = app.new_staff("racer-one", &["front-desk"]).await;
    let second = app.new_staff("racer-two", &["front-desk"]).await;
    let (_, id) = start(app, &patient, &patient.actor, "billing", "Bill", "x").await;
    let path = conversation_path(&patient, &id);
    let if_match = etag(app, &patient, &id).await;
    let replies = join_all(
        [&first, &second].map(|who| app.patch(&path, who, &if_match, json!({"assignee": "me"}))),
    )
    .await;
    let winners: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(winners.len(), 1, "{replies:#?}");
    assert!(
        replies
            .iter()
            .all(|r| r.status == 200 || r.status == 412 || r.status == 409),
        "{replies:#?}"
    );
    let winner = if winners[0].body["assignee"]["sub"] == first.sub.as_str() {
        &first
    } else {
        &second
    };
    let loser = if std::ptr::eq(winner, &first) {
        &second
    } else {
        &first
    };
    // Only the winner's list holds it.
    assert_eq!(mine(app, winner, 10).await, vec![id.clone()]);
    assert!(mine(app, loser, 10).await.is_empty());
}

#[tokio::test]
async fn mine_follows_assign_reassign_wait_close_and_reopen() {
    let app = spawn_app().await;
    // It writes, closes and reopens portal-help conversations, which the dashboard test counts.
    let _inbox = app.shared(&counted_inbox("portal-help")).await;
    let patient = app.new_patient().await;
    let me = app
        .new_staff("mine-a", &["clinicians", "response-team"])
        .await;
    let colleague = app.new_staff("mine-b", &["clinicians"]).await;
    assert!(mine(app, &me, 10).await.is_empty());

    let mut started = Vec::new();
    for (category, subject) in [
        ("medical-question", "One"),
        ("prescription", "Two"),
        ("portal-help", "Three"),
        ("medical-question", "Four"),
    ] {
        let (_, id) = start(app, &patient, &patient.actor, category, subject, "x").await;
        started.push(id);
    }
    // Not assigned yet: in the team inboxes, in nobody's list.
    assert!(mine(app, &me, 10).await.is_empty());
    // Assigned in reverse order: the list is still oldest wait first, across categories.
    for id in started.iter().rev() {
        let body = change(app, &patient, id, &me, json!({"assignee": "me"})).await;
        assert_eq!(body["assignee"]["sub"], me.sub.as_str());
    }
    assert_eq!(mine(app, &me, 10).await, started);
    // Pages of one and of three, each page in order and every conversation once.
    assert_eq!(mine(app, &me, 1).await, started);
    assert_eq!(mine(app, &me, 3).await, started);
    let page = mine_page(app, &me, 10, None).await;
    let item = &page.body["items"][0];
    assert_eq!(item["subject"], "One");
    assert_eq!(item["status"], "open");
    assert!(item["dueAt"].is_string() && item["waitedSeconds"].is_number());
    assert_eq!(item["overdue"], false);

    // Reassigned: leaves my list, joins the colleague's.
    change(
        app,
        &patient,
        &started[1],
        &me,
        json!({"assignee": colleague.sub}),
    )
    .await;
    assert_eq!(
        mine(app, &me, 10).await,
        vec![started[0].clone(), started[2].clone(), started[3].clone()]
    );
    assert_eq!(mine(app, &colleague, 10).await, vec![started[1].clone()]);

    // Waiting on the patient stays in the list; closing leaves it; unassigning leaves it.
    let waiting = change(
        app,
        &patient,
        &started[0],
        &me,
        json!({"status": "waiting-on-patient"}),
    )
    .await;
    assert_eq!(waiting["status"], "waiting-on-patient");
    let listed = mine_page(app, &me, 10, None).await;
    let statuses: Vec<(String, String)> = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                item["conversationId"].as_str().expect("id").to_owned(),
                item["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(started[0].clone(), "waiting-on-patient".into())),
        "{statuses:?}"
    );
    change(app, &patient, &started[2], &me, json!({"status": "closed"})).await;
    change(app, &patient, &started[3], &me, json!({"assignee": null})).await;
    assert_eq!(mine(app, &me, 10).await, vec![started[0].clone()]);
    // The unassigned one is back in the team's shared inbox.
    let team = whole_inbox(app, &app.clinician, "category=medical-question", 100).await;
    assert!(ids(&team).contains(&started[3]));

    // The patient answers the closed one: it reopens, still assigned, back in my list (the
    // patient's new wait puts it last).
    let reopened = reply(app, &patient, &started[2], &patient.actor, "Still broken").await;
    assert_eq!(reopened.status, 201, "{reopened:#?}");
    assert_eq!(
        mine(app, &me, 10).await,
        vec![started[0].clone(), started[2].clone()]
    );
    // My answer: nobody waits on me any more, so it leaves my list (still assigned to me).
    let answered = reply(app, &patient, &started[2], &me, "Fixed now").await;
    assert_eq!(answered.status, 201, "{answered:#?}");
    assert_eq!(mine(app, &me, 10).await, vec![started[0].clone()]);

    // Reading the list is an access to the patient, audited.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "message-inbox.read"
            && e["actorSub"] == me.sub.as_str()
            && e["resource"] == format!("conversation/{}", started[0])),
        "{events:#?}"
    );
}

#[tokio::test]
async fn mine_keeps_its_pages_full_after_the_assignee_leaves_a_team() {
    let app = spawn_app().await;
    // It writes portal-help conversations, which the dashboard test counts.
    let _inbox = app.shared(&counted_inbox("portal-help")).await;
    let patient = app.new_patient().await;
    let me = app
        .new_staff("mine-c", &["clinicians", "response-team"])
        .await;
    let mut started = Vec::new();
    for (category, subject) in [
        ("portal-help", "A"),
        ("medical-question", "B"),
        ("portal-help", "C"),
        ("portal-help", "D"),
        ("medical-question", "E"),
    ] {
        let (_, id) = start(app, &patient, &patient.actor, category, subject, "x").await;
        change(app, &patient, &id, &me, json!({"assignee": "me"})).await;
        started.push(id);
    }
    let reply = app
        .send(
            Method::PUT,
            &format!("/admin/staff/{}/roles", me.sub),
            Some(&app.admin),
            Some(json!({"roles": ["clinicians"]})),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let me = app.signed_in(&me.email).await;

    // The portal-help ones stay assigned but are no longer mine to work; the list skips them
    // and still fills each page.
    let clinical = vec![started[1].clone(), started[4].clone()];
    let page = mine_page(app, &me, 2, None).await;
    assert_eq!(page.status, 200, "{page:#?}");
    assert_eq!(ids(page.body["items"].as_array().expect("items")), clinical);
    let first = mine_page(app, &me, 1, None).await;
    assert_eq!(
        ids(first.body["items"].as_array().expect("items")),
        clinical[..1]
    );
    let cursor = first.body["nextCursor"].as_str().expect("a next page");
    let second = mine_page(app, &me, 1, Some(cursor)).await;
    assert_eq!(
        ids(second.body["items"].as_array().expect("items")),
        clinical[1..]
    );
    assert_eq!(mine(app, &me, 1).await, clinical);
}

#[tokio::test]
async fn mine_refuses_bad_input_other_roles_and_foreign_cursors() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let me = app.new_staff("mine-c", &["front-desk"]).await;
    let other = app.new_staff("mine-d", &["front-desk"]).await;
    for subject in ["A", "B"] {
        let (_, id) = start(app, &patient, &patient.actor, "billing", subject, "x").await;
        change(app, &patient, &id, &me, json!({"assignee": "me"})).await;
    }
    for limit in ["0", "101", "many"] {
        let refused = app
            .get(&format!("/staff/inbox/mine?limit={limit}"), &me)
            .await;
        assert_problem(&refused, 422, Some("limit"));
    }
    let refused = app.get("/staff/inbox/mine?cursor=forged", &me).await;
    assert_problem(&refused, 422, Some("cursor"));
    // My cursor does not open someone else's list.
    let first = mine_page(app, &me, 1, None).await;
    let cursor = first.body["nextCursor"].as_str().expect("a second page");
    let refused = mine_page(app, &other, 1, Some(cursor)).await;
    assert_problem(&refused, 422, Some("cursor"));

    for who in [&patient.actor, &app.admin, &app.caregiver] {
        let refused = app.get("/staff/inbox/mine", who).await;
        assert_problem(&refused, 403, None);
    }
    let anonymous = app.send(Method::GET, "/staff/inbox/mine", None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}

#[tokio::test]
async fn due_times_follow_the_practice_zone_and_business_days() {
    let app = spawn_app().await;
    let targets = response_targets(app).await;
    let calendar = targets.calendar();
    // The template's defaults: New York, no holidays (unit tests cover holidays and DST).
    assert_eq!(calendar.zone.name, "America/New_York");
    assert!(calendar.holidays.is_empty());
    let patient = app.new_patient().await;
    let (_, id) = start(app, &patient, &patient.actor, "prescription", "Refill", "x").await;
    // Friday 9 January 2026, 23:30 in New York (already Saturday in UTC): Monday and Tuesday
    // count, so the two-day target ends at midnight local before Wednesday.
    let friday_night = Timestamp::parse("2026-01-10T04:30:00Z").expect("timestamp");
    backdate(app, &patient, &id, friday_night).await;
    let open = whole_inbox(app, &app.clinician, "category=prescription", 100).await;
    let item = open
        .iter()
        .find(|item| item["conversationId"] == id.as_str())
        .expect("in the open inbox");
    assert_eq!(item["dueAt"], "2026-01-14T05:00:00.000Z");
    assert_eq!(item["overdue"], true);
}

/// The kind and the staff group or member a notification record is for.
fn recipient(notification: &Value) -> (String, String) {
    let to = &notification["recipient"];
    let who = to["group"].as_str().or(to["sub"].as_str()).unwrap_or("");
    (
        to["kind"].as_str().expect("kind").to_owned(),
        who.to_owned(),
    )
}

#[tokio::test]
async fn answering_takes_a_conversation_only_for_the_team_of_its_category() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let clinician = app.new_staff("answer-a", &["clinicians"]).await;
    let both = app
        .new_staff("answer-b", &["clinicians", "front-desk"])
        .await;

    // A clinician answers a billing question: the answer shows their own team, and the
    // question stays in the front desk's queue rather than becoming the clinician's.
    let (_, bill) = start(app, &patient, &patient.actor, "billing", "Invoice", "Why?").await;
    let answer = reply(app, &patient, &bill, &clinician, "I will ask the desk.").await;
    assert_eq!(answer.status, 201, "{answer:#?}");
    assert_eq!(answer.body["author"]["role"], "clinicians");
    let thread = read(app, &patient, &bill, &patient.actor).await;
    assert_eq!(thread.body["conversation"]["status"], "answered");
    assert!(
        thread.body["conversation"].get("assignee").is_none(),
        "{thread:#?}"
    );
    let again = reply(app, &patient, &bill, &patient.actor, "Thanks, waiting.").await;
    assert_eq!(again.status, 201, "{again:#?}");
    let told = notifications(app, &bill).await;
    assert_eq!(
        recipient(told.last().expect("a notification")),
        ("staff-team".to_owned(), "front-desk".to_owned())
    );
    assert!(mine(app, &clinician, 10).await.is_empty());
    let queue = whole_inbox(app, &app.front_desk, "category=billing", 100).await;
    assert!(ids(&queue).contains(&bill));

    // Someone in both teams answers it as the front desk, and takes it.
    let answer = reply(app, &patient, &bill, &both, "Paid in full.").await;
    assert_eq!(answer.status, 201, "{answer:#?}");
    assert_eq!(answer.body["author"]["role"], "front-desk");
    let thread = read(app, &patient, &bill, &patient.actor).await;
    let assignee = &thread.body["conversation"]["assignee"];
    assert_eq!(assignee["sub"], both.sub.as_str());
    assert_eq!(assignee["role"], "front-desk");
    let again = reply(app, &patient, &bill, &patient.actor, "Thank you!").await;
    assert_eq!(again.status, 201, "{again:#?}");
    let told = notifications(app, &bill).await;
    assert_eq!(
        recipient(told.last().expect("a notification")),
        ("staff-member".to_owned(), both.sub.clone())
    );
    assert_eq!(mine(app, &both, 10).await, vec![bill.clone()]);

    // The same person answers a medical question as a clinician.
    let (_, rash) = start(
        app,
        &patient,
        &patient.actor,
        "medical-question",
        "Rash",
        "x",
    )
    .await;
    let answer = reply(app, &patient, &rash, &both, "Send a photo.").await;
    assert_eq!(answer.status, 201, "{answer:#?}");
    assert_eq!(answer.body["author"]["role"], "clinicians");
    let thread = read(app, &patient, &rash, &patient.actor).await;
    assert_eq!(
        thread.body["conversation"]["assignee"]["role"],
        "clinicians"
    );
}
