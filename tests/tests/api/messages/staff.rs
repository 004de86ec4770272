//! Secure messaging, the staff side: inboxes per category (oldest wait first, across shards),
//! overdue against the response-time target, assigning, statuses, moving, dashboard counts,
//! and two staff answering at once.

use futures::future::join_all;
use portal_messages::model::Category;
use portal_messages::targets::ResponseTargets;
use portal_shared::domain::timestamp::Timestamp;
use portal_tests::{Method, assert_problem, spawn_app};
use serde_json::{Value, json};

use crate::messages::support::{
    backdate, conversation_path, counted_inbox, ids, minutes_ago, read, reply, response_targets,
    start, whole_inbox,
};

/// An inbox item's place in the inbox: since when it is there, then its id (the GSI1 order).
fn place(item: &Value) -> (String, String) {
    (
        item["inInboxSince"].as_str().expect("since").to_owned(),
        item["conversationId"].as_str().expect("id").to_owned(),
    )
}

#[tokio::test]
async fn each_team_sees_its_categories_oldest_wait_first() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut asked = Vec::new();
    for subject in ["A", "B", "C", "D", "E"] {
        let (_, id) = start(
            app,
            &patient,
            &patient.actor,
            "medical-question",
            subject,
            "a",
        )
        .await;
        asked.push(id);
    }
    let (_, billing) = start(app, &patient, &patient.actor, "billing", "C", "c").await;
    let older = asked[0].clone();

    // Small pages: the merge of the category's shards must come out in order, each place once.
    // Other tests write this inbox meanwhile, and a conversation that leaves it and comes back
    // (answered, then reopened by the patient) is listed again at its new place, after the
    // cursor; so what must hold for the whole listing is that places only grow. This test
    // makes that happen to its own oldest question once the page holding it has been read.
    let mut inbox: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut reopened = false;
    loop {
        let path = match &cursor {
            None => "/staff/inbox?category=medical-question&limit=3".to_owned(),
            Some(c) => format!("/staff/inbox?category=medical-question&limit=3&cursor={c}"),
        };
        let page = app.get(&path, &app.clinician).await;
        assert_eq!(page.status, 200, "{page:#?}");
        let items = page.body["items"].as_array().expect("items");
        assert!(items.len() <= 3, "{page:#?}");
        inbox.extend(items.iter().cloned());
        if !reopened && ids(&inbox).contains(&older) {
            let answer = reply(app, &patient, &older, &app.clinician, "Come in.").await;
            assert_eq!(answer.status, 201, "{answer:#?}");
            let again = reply(app, &patient, &older, &patient.actor, "When?").await;
            assert_eq!(again.status, 201, "{again:#?}");
            reopened = true;
        }
        match page.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let places: Vec<(String, String)> = inbox.iter().map(place).collect();
    assert!(
        places.windows(2).all(|w| w[0] < w[1]),
        "places must only grow: {places:#?}"
    );
    // Its own questions in the order they were asked, each once, and the reopened one again
    // at its new place after them all.
    let listed = ids(&inbox);
    let mine: Vec<&String> = listed.iter().filter(|id| asked.contains(id)).collect();
    let mut expected: Vec<&String> = asked.iter().collect();
    expected.push(&older);
    assert_eq!(mine, expected, "{listed:?}");
    assert!(!listed.contains(&billing), "{listed:?}");
    let first = inbox
        .iter()
        .find(|item| item["conversationId"] == older.as_str())
        .expect("listed");
    let last = inbox
        .iter()
        .rfind(|item| item["conversationId"] == older.as_str())
        .expect("listed");
    assert!(place(first) < place(last));
    assert_eq!(last["waitingSince"], last["inInboxSince"]);
    assert_eq!(first["overdue"], false);
    assert!(first["dueAt"].is_string() && first["waitedSeconds"].is_number());
    assert_eq!(first["subject"], "A");

    let desk = whole_inbox(app, &app.front_desk, "category=billing", 100).await;
    assert!(ids(&desk).contains(&billing));
    // Another team's inbox, and bad parameters.
    let refused = app
        .get("/staff/inbox?category=medical-question", &app.front_desk)
        .await;
    assert_problem(&refused, 403, None);
    let refused = app.get("/staff/inbox", &app.clinician).await;
    assert_problem(&refused, 422, Some("category"));
    let refused = app
        .get(
            "/staff/inbox?category=medical-question&view=later",
            &app.clinician,
        )
        .await;
    assert_problem(&refused, 422, Some("view"));
    let refused = app
        .get("/staff/inbox?category=billing", &patient.actor)
        .await;
    assert_problem(&refused, 403, None);
    let refused = app.get("/staff/inbox?category=billing", &app.admin).await;
    assert_problem(&refused, 403, None);

    // Listing a patient's conversation is an access to that patient, audited.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "message-inbox.read"
            && e["actorSub"] == app.clinician.sub.as_str()
            && e["resource"] == format!("conversation/{older}")),
        "{events:#?}"
    );
}

/// The latest start (to the minute) that was overdue an hour ago already, and the earliest
/// start that will not be overdue for another hour: just overdue, just not yet.
fn around_the_target(
    targets: &ResponseTargets,
    category: Category,
    now: Timestamp,
) -> (Timestamp, Timestamp) {
    // Wide enough that a slow run cannot change the answer while the test reads the inbox.
    let margin = std::time::Duration::from_secs(60 * 60);
    let mut just_overdue = None;
    let mut not_yet = None;
    for minutes in 0..(20 * 24 * 60) {
        let since = minutes_before(now, minutes);
        let due = targets.due(category, since);
        if due > now.plus(margin) {
            not_yet = Some(since);
        } else if due.plus(margin) <= now && just_overdue.is_none() {
            just_overdue = Some(since);
            break;
        }
    }
    (
        just_overdue.expect("an overdue start"),
        not_yet.expect("a start not yet due"),
    )
}

fn minutes_before(now: Timestamp, minutes: i64) -> Timestamp {
    let text = now.to_string();
    let at = time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
        .expect("parse")
        - time::Duration::minutes(minutes);
    Timestamp::parse(
        &at.format(&time::format_description::well_known::Rfc3339)
            .expect("format"),
    )
    .expect("timestamp")
}

#[tokio::test]
async fn overdue_means_past_the_business_day_target() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let targets = response_targets(app).await;
    let (just_overdue, not_yet) =
        around_the_target(&targets, Category::Prescription, Timestamp::now());
    let (_, late) = start(app, &patient, &patient.actor, "prescription", "Late", "x").await;
    let (_, early) = start(app, &patient, &patient.actor, "prescription", "Early", "y").await;
    let (_, fresh) = start(app, &patient, &patient.actor, "prescription", "Fresh", "z").await;
    backdate(app, &patient, &late, just_overdue).await;
    backdate(app, &patient, &early, not_yet).await;

    let overdue =
        ids(&whole_inbox(app, &app.clinician, "category=prescription&view=overdue", 2).await);
    assert!(overdue.contains(&late), "{overdue:?}");
    assert!(
        !overdue.contains(&early) && !overdue.contains(&fresh),
        "{overdue:?}"
    );
    let open = whole_inbox(app, &app.clinician, "category=prescription", 100).await;
    let find = |id: &str| {
        open.iter()
            .find(|item| item["conversationId"] == id)
            .unwrap_or_else(|| panic!("{id} not in the open inbox"))
    };
    assert_eq!(find(&late)["overdue"], true);
    assert_eq!(find(&early)["overdue"], false);
    assert_eq!(
        find(&late)["dueAt"],
        targets
            .due(Category::Prescription, just_overdue)
            .to_string()
    );
    assert!(find(&late)["waitedSeconds"].as_i64() > find(&early)["waitedSeconds"].as_i64());
}

fn counts_of(reply: &Value, category: &str) -> (i64, i64, i64) {
    let entry = reply["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["category"] == category)
        .unwrap_or_else(|| panic!("no {category} in {reply:#}"));
    (
        entry["open"].as_i64().expect("open"),
        entry["overdue"].as_i64().expect("overdue"),
        entry["waiting"].as_i64().expect("waiting"),
    )
}

/// Counts one category exactly: it holds the portal-help inbox alone (every other test that
/// writes portal-help conversations holds it shared, see `COUNTED_CATEGORIES`).
#[tokio::test]
async fn dashboard_counts_open_overdue_and_waiting_per_category() {
    let app = spawn_app().await;
    let _inbox = app.exclusive(&counted_inbox("portal-help")).await;
    let patient = app.new_patient().await;
    let before = app.get("/staff/inbox/counts", &app.response_team).await;
    assert_eq!(before.status, 200, "{before:#?}");
    let categories: Vec<&str> = before.body["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| c["category"].as_str().expect("category"))
        .collect();
    assert_eq!(categories, ["portal-help"]);
    let (open, overdue, waiting) = counts_of(&before.body, "portal-help");

    let (_, long_ago) = start(app, &patient, &patient.actor, "portal-help", "Login", "x").await;
    let (_, late) = start(app, &patient, &patient.actor, "portal-help", "Email", "w").await;
    let (_, early) = start(app, &patient, &patient.actor, "portal-help", "Font", "v").await;
    let (_, asked) = start(app, &patient, &patient.actor, "portal-help", "Reset", "y").await;
    let (_, fresh) = start(app, &patient, &patient.actor, "portal-help", "App", "z").await;
    // Either side of the instant that makes a conversation overdue now: the count is one key
    // range of the inbox, and its end must fall exactly there.
    let targets = response_targets(app).await;
    let (just_overdue, not_yet) =
        around_the_target(&targets, Category::PortalHelp, Timestamp::now());
    backdate(app, &patient, &long_ago, minutes_ago(30 * 24 * 60)).await;
    backdate(app, &patient, &late, just_overdue).await;
    backdate(app, &patient, &early, not_yet).await;
    let etag = read(app, &patient, &asked, &app.response_team)
        .await
        .header("etag")
        .expect("etag");
    let waiting_now = app
        .patch(
            &conversation_path(&patient, &asked),
            &app.response_team,
            &etag,
            json!({"status": "waiting-on-patient"}),
        )
        .await;
    assert_eq!(waiting_now.status, 200, "{waiting_now:#?}");
    let after = app.get("/staff/inbox/counts", &app.response_team).await;
    assert_eq!(
        counts_of(&after.body, "portal-help"),
        (open + 4, overdue + 2, waiting + 1)
    );
    let waiting_list = whole_inbox(
        app,
        &app.response_team,
        "category=portal-help&view=waiting",
        50,
    )
    .await;
    assert!(ids(&waiting_list).contains(&asked));
    assert!(!ids(&waiting_list).contains(&fresh));

    // The front desk's dashboard has its two categories; patients have none.
    let desk = app.get("/staff/inbox/counts", &app.front_desk).await;
    let names: Vec<&str> = desk.body["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| c["category"].as_str().expect("category"))
        .collect();
    assert_eq!(names, ["appointment", "billing"]);
    assert_eq!(
        desk.body["categories"][1]["targetBusinessDays"],
        targets.days(Category::Billing)
    );
    let refused = app.get("/staff/inbox/counts", &patient.actor).await;
    assert_problem(&refused, 403, None);
}

/// The practice chooses the targets at deploy time (stack parameter `MessageResponseTargets`);
/// the local stack passes the parameter's value to the function like CloudFormation would.
#[tokio::test]
async fn response_targets_are_the_practices_stack_parameter() {
    let app = spawn_app().await;
    let template =
        portal_local::Template::load(&portal_tests::workspace_root().join("template.yaml"))
            .expect("template.yaml");
    let chosen = template
        .parameter_default("MessageResponseTargets")
        .expect("the stack parameter with the targets");
    let env = app
        .on_stack(|stack| async move { stack.env_for("MessagesFunction") })
        .await
        .expect("the messages function's environment");
    assert_eq!(env.get("RESPONSE_TARGET_BUSINESS_DAYS"), Some(&chosen));
    let targets = response_targets(app).await;
    let counts = app.get("/staff/inbox/counts", &app.clinician).await;
    assert_eq!(counts.status, 200, "{counts:#?}");
    let categories = counts.body["categories"].as_array().expect("categories");
    // A clinician's dashboard: the clinical categories.
    let names: Vec<&str> = categories
        .iter()
        .filter_map(|entry| entry["category"].as_str())
        .collect();
    assert_eq!(names, ["medical-question", "prescription"], "{counts:#?}");
    for entry in categories {
        let category =
            Category::parse(entry["category"].as_str().expect("category")).expect("a category");
        assert_eq!(
            entry["targetBusinessDays"],
            targets.days(category),
            "{entry}"
        );
    }
}

#[tokio::test]
async fn staff_assign_move_and_change_status_with_if_match() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, id) = start(
        app,
        &patient,
        &patient.actor,
        "medical-question",
        "Bill?",
        "x",
    )
    .await;
    let path = conversation_path(&patient, &id);
    let first = read(app, &patient, &id, &app.clinician).await;
    let etag = first.header("etag").expect("etag");
    let since = first.body["conversation"]["waitingSince"].clone();

    // Missing and stale If-Match; bad bodies; the patient may not.
    let missing = app
        .send(
            Method::PATCH,
            &path,
            Some(&app.clinician),
            Some(json!({"assignee": "me"})),
        )
        .await;
    assert_problem(&missing, 428, None);
    let stale = app
        .patch(&path, &app.clinician, "\"9\"", json!({"assignee": "me"}))
        .await;
    assert_problem(&stale, 412, None);
    for (body, field) in [
        (json!({}), "body"),
        (json!({"status": "answered"}), "status"),
        (json!({"category": "gossip"}), "category"),
        (json!({"assignee": "not a sub!"}), "assignee"),
        (json!({"priority": 1}), "priority"),
    ] {
        let refused = app.patch(&path, &app.clinician, &etag, body).await;
        assert_problem(&refused, 422, Some(field));
    }
    let refused = app
        .patch(&path, &patient.actor, &etag, json!({"status": "closed"}))
        .await;
    assert_problem(&refused, 403, None);

    let assigned = app
        .patch(&path, &app.clinician, &etag, json!({"assignee": "me"}))
        .await;
    assert_eq!(assigned.status, 200, "{assigned:#?}");
    assert_eq!(assigned.body["assignee"]["sub"], app.clinician.sub.as_str());
    assert_eq!(assigned.body["assignee"]["name"], "Test clinician");
    let etag = assigned.header("etag").expect("etag");
    assert_eq!(etag, "\"2\"");

    // It is about a bill: to the front desk, who keep the patient's place in the queue.
    let moved = app
        .patch(
            &path,
            &app.clinician,
            &etag,
            json!({"category": "billing", "assignee": app.front_desk.sub}),
        )
        .await;
    assert_eq!(moved.status, 200, "{moved:#?}");
    assert_eq!(moved.body["category"], "billing");
    assert_eq!(moved.body["waitingSince"], since);
    assert_eq!(moved.body["assignee"]["sub"], app.front_desk.sub.as_str());
    let billing = whole_inbox(app, &app.front_desk, "category=billing", 100).await;
    assert!(ids(&billing).contains(&id));
    let clinical = whole_inbox(app, &app.clinician, "category=medical-question", 100).await;
    assert!(!ids(&clinical).contains(&id));
}

#[tokio::test]
async fn two_staff_answering_at_once_both_land_in_order() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, id) = start(
        app,
        &patient,
        &patient.actor,
        "appointment",
        "Time",
        "When?",
    )
    .await;
    let writers = [
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.front_desk,
    ];
    let texts: Vec<String> = (0..writers.len()).map(|n| format!("answer {n}")).collect();
    let replies = join_all(
        writers
            .iter()
            .zip(&texts)
            .map(|(who, text)| reply(app, &patient, &id, who, text)),
    )
    .await;
    let mut seqs: Vec<i64> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{r:#?}");
            r.body["seq"].as_i64().expect("seq")
        })
        .collect();
    seqs.sort();
    assert_eq!(seqs, [2, 3, 4, 5]);
    let thread = read(app, &patient, &id, &patient.actor).await;
    let conversation = &thread.body["conversation"];
    assert_eq!(conversation["messageCount"], 5);
    assert_eq!(conversation["patientUnread"], 4);
    assert_eq!(conversation["version"], 5);
    let messages = thread.body["items"].as_array().expect("items");
    assert_eq!(messages.len(), 5);
    let times: Vec<&str> = messages
        .iter()
        .map(|m| m["sentAt"].as_str().expect("sentAt"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let list = app
        .get(
            &crate::messages::support::conversations_path(&patient),
            &patient.actor,
        )
        .await;
    assert_eq!(list.body["totalUnread"], 4);
    // The patient's answer and a staff answer at once: both land as well.
    let (a, b) = futures::join!(
        reply(app, &patient, &id, &patient.actor, "Thanks"),
        reply(app, &patient, &id, &app.clinician, "One more thing")
    );
    assert_eq!((a.status, b.status), (201, 201));
    let thread = read(app, &patient, &id, &patient.actor).await;
    assert_eq!(thread.body["conversation"]["messageCount"], 7);
}
