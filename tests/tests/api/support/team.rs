//! The quick-response team's side: the queue, a report under audit, triage (If-Match), notes,
//! replies that tell the reporters, targets, and merging duplicates.
//!
//! The queue is shared by every test on the stack: tests find their own reports in it by id
//! and never count it whole.

use futures::future::join_all;
use portal_tests::{Method, Reply, TestApp, assert_problem, single_winner, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

async fn note(app: &TestApp, report: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/notes", team_path(report)),
        Some(&app.response_team),
        Some(body),
    )
    .await
}

/// The reporter's own view of a patient's report.
async fn reporter_view(app: &TestApp, patient: &portal_tests::Patient, report: &str) -> Value {
    let reply = app
        .get(&patient_report_path(&patient.id, report), &patient.actor)
        .await;
    assert_eq!(reply.status, 200, "the reporter's view: {reply:#?}");
    reply.body
}

#[tokio::test]
async fn a_new_report_waits_in_the_open_queue_with_its_target() {
    let app = spawn_app().await;
    let what = format!("{} {}", unique("Queue"), "x".repeat(200));
    let (report, patient) = new_report(app, &what).await;

    let open = queue_all(app, &app.response_team, "state=open").await;
    let mine = find(&open, "reportId", &report);
    assert_eq!(mine.len(), 1, "in the open queue once");
    let item = mine[0];
    let mut keys: Vec<&str> = item
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "assignee",
            "breached",
            "createdAt",
            "due",
            "duplicates",
            "feature",
            "reportId",
            "reporterKind",
            "severity",
            "status",
            "summary"
        ],
        "{item:#?}"
    );
    assert_eq!(item["summary"], what.chars().take(120).collect::<String>());
    assert_eq!(item["status"], "new");
    assert_eq!(item["feature"], "messaging");
    assert!(item["severity"].is_null() && item["assignee"].is_null());
    assert_eq!(item["duplicates"], 0);
    assert_eq!(item["reporterKind"], "patient");
    assert_eq!(item["breached"], false);
    let team = team_report(app, &report).await;
    assert_eq!(item["due"], team["targets"]["firstResponseDue"]);
    // Open: soonest due first.
    let dues: Vec<&str> = open.iter().filter_map(|i| i["due"].as_str()).collect();
    let mut sorted = dues.clone();
    sorted.sort_unstable();
    assert_eq!(dues, sorted, "soonest due first");
    // The default is open; resolved does not hold it.
    let default = queue_all(app, &app.response_team, "").await;
    assert_eq!(find(&default, "reportId", &report).len(), 1);
    let resolved = queue_all(app, &app.response_team, "state=resolved").await;
    assert!(find(&resolved, "reportId", &report).is_empty());

    // The team read the patient's words: audited against the patient.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "problem-report.work"
            && e["resource"] == format!("problem-report/{report}")
            && e["actorSub"] == app.response_team.sub.as_str()),
        "{events:#?}"
    );

    for query in ["state=closed", "assignee=someone", "limit=0", "cursor=nope"] {
        let reply = app
            .get(&format!("{QUEUE}?{query}"), &app.response_team)
            .await;
        let field = query.split('=').next().expect("a field");
        assert_problem(&reply, 422, Some(field));
    }
}

#[tokio::test]
async fn an_overdue_report_is_breached_in_the_queue_and_the_report() {
    let app = spawn_app().await;
    let (report, _) = new_report(app, &unique("Overdue")).await;
    assert_eq!(
        team_report(app, &report).await["targets"]["breached"],
        false
    );
    make_overdue(app, &report).await;
    let team = team_report(app, &report).await;
    assert_eq!(team["targets"]["breached"], true, "{team:#?}");
    let open = queue_all(app, &app.response_team, "state=open").await;
    let mine = find(&open, "reportId", &report);
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["breached"], true, "{:#?}", mine[0]);
}

#[tokio::test]
async fn triage_sets_severity_status_assignee_and_feature_under_if_match() {
    let app = spawn_app().await;
    let (report, patient) = new_report(app, &unique("Triage")).await;
    let path = team_path(&report);
    let read = app.get(&path, &app.response_team).await;
    assert_eq!(read.header("etag"), Some(etag(1)));

    // No If-Match, a stale one: nothing written.
    let missing = app
        .send(
            Method::PATCH,
            &path,
            Some(&app.response_team),
            Some(json!({"severity": "high"})),
        )
        .await;
    assert_problem(&missing, 428, None);
    assert_problem(
        &triage(app, &report, &etag(7), json!({"severity": "high"})).await,
        412,
        None,
    );
    // Bad input, each named.
    // (An assignee outside the team is not refused: the design lets the team assign any valid
    // sub when no staff directory can be read cheaply, and the function does so.)
    for (body, field) in [
        (json!({}), "body"),
        (json!({"severity": "urgent"}), "severity"),
        (json!({"status": "closed"}), "status"),
        (json!({"assignee": 42}), "assignee"),
        (json!({"feature": "teleport"}), "feature"),
        (json!({"severity": "high", "colour": "red"}), "colour"),
    ] {
        let reply = triage(app, &report, &etag(1), body.clone()).await;
        assert_problem(&reply, 422, Some(field));
    }
    assert_eq!(version_of(app, &report).await, 1, "nothing written");

    // A severity on a new report triages it: the reporter is told of the new status.
    let triaged = triage(app, &report, &etag(1), json!({"severity": "high"})).await;
    assert_eq!(triaged.status, 200, "{triaged:#?}");
    assert_eq!(triaged.header("etag"), Some(etag(2)));
    assert_eq!(triaged.body["severity"], "high");
    assert_eq!(triaged.body["status"], "triaged");
    assert_eq!(triaged.body["version"], 2);
    assert_eq!(
        reporter_view(app, &patient, &report).await["status"],
        "triaged"
    );
    let records = told(app, &report).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["reportStatus"], "triaged");
    assert_eq!(records[0]["recipient"]["kind"], "patient");
    assert_eq!(records[0]["recipient"]["patientId"], patient.id.as_str());
    assert!(
        !records[0].to_string().contains("Triage"),
        "no words of the report in the record: {:#?}",
        records[0]
    );

    // Assigned to a team member; the feature moved; neither tells anyone.
    let assigned = triage(
        app,
        &report,
        &etag(2),
        json!({"assignee": app.response_team.sub, "feature": "online-booking"}),
    )
    .await;
    assert_eq!(assigned.status, 200, "{assigned:#?}");
    assert_eq!(assigned.body["assignee"], app.response_team.sub.as_str());
    assert_eq!(assigned.body["feature"], "online-booking");
    assert_eq!(told(app, &report).await.len(), 1);
    let mine = queue_all(app, &app.response_team, "assignee=me").await;
    assert_eq!(find(&mine, "reportId", &report).len(), 1);
    let lead_mine = queue_all(app, &app.portal_lead, "assignee=me").await;
    assert!(find(&lead_mine, "reportId", &report).is_empty());

    // A status change tells the reporter; unassigned and no feature with null.
    let started = triage(
        app,
        &report,
        &etag(3),
        json!({"status": "in-progress", "assignee": null, "feature": null}),
    )
    .await;
    assert_eq!(started.status, 200, "{started:#?}");
    assert!(started.body["assignee"].is_null() && started.body["feature"].is_null());
    let records = told(app, &report).await;
    assert_eq!(records.len(), 2, "{records:#?}");
    assert!(records.iter().any(|r| r["reportStatus"] == "in-progress"));
    let mine = queue_all(app, &app.response_team, "assignee=me").await;
    assert!(find(&mine, "reportId", &report).is_empty());
    // Each change is on the team's timeline, by whom.
    let team = team_report(app, &report).await;
    for kind in ["severity", "status", "assignee", "feature"] {
        let found = entries(&team, kind);
        assert!(!found.is_empty(), "{kind}: {team:#?}");
        assert!(
            found
                .iter()
                .all(|e| e["by"] == app.response_team.sub.as_str()),
            "{team:#?}"
        );
    }
    // The reporter sees status changes only.
    let view = reporter_view(app, &patient, &report).await;
    for kind in ["severity", "assignee", "feature"] {
        assert!(entries(&view, kind).is_empty(), "{view:#?}");
    }
    assert!(!entries(&view, "status").is_empty(), "{view:#?}");

    // Resolved: out of the open queue, into the resolved one.
    let resolved = triage(app, &report, &etag(4), json!({"status": "resolved"})).await;
    assert_eq!(resolved.status, 200, "{resolved:#?}");
    let open = queue_all(app, &app.response_team, "state=open").await;
    assert!(find(&open, "reportId", &report).is_empty());
    let done = queue_all(app, &app.response_team, "state=resolved").await;
    assert_eq!(find(&done, "reportId", &report).len(), 1);
}

#[tokio::test]
async fn of_concurrent_triages_with_one_version_one_wins() {
    let app = spawn_app().await;
    let (report, _) = new_report(app, &unique("Race")).await;
    let replies = join_all([
        triage(app, &report, &etag(1), json!({"severity": "critical"})),
        triage(app, &report, &etag(1), json!({"severity": "low"})),
    ])
    .await;
    let winner = single_winner(&replies, 412);
    assert_eq!(winner.status, 200);
    let team = team_report(app, &report).await;
    assert_eq!(team["version"], 2);
    assert_eq!(team["severity"], winner.body["severity"]);
    assert_eq!(entries(&team, "severity").len(), 1, "{team:#?}");
}

#[tokio::test]
async fn notes_are_the_teams_alone() {
    let app = spawn_app().await;
    let (report, patient) = new_report(app, &unique("Notes")).await;
    let written = note(app, &report, json!({"text": "  Looks like the CDN.  "})).await;
    assert_eq!(written.status, 201, "{written:#?}");
    let team = team_report(app, &report).await;
    let notes = entries(&team, "note");
    assert_eq!(notes.len(), 1, "{team:#?}");
    assert_eq!(notes[0]["text"], "Looks like the CDN.");
    assert_eq!(notes[0]["by"], app.response_team.sub.as_str());
    let view = reporter_view(app, &patient, &report).await;
    assert!(!view.to_string().contains("CDN"), "{view:#?}");
    assert!(told(app, &report).await.is_empty(), "a note tells nobody");

    for body in [
        json!({}),
        json!({"text": ""}),
        json!({"text": "x".repeat(4001)}),
    ] {
        assert_problem(&note(app, &report, body).await, 422, Some("text"));
    }
    assert_eq!(entries(&team_report(app, &report).await, "note").len(), 1);
    let unknown = note(
        app,
        &ulid::Ulid::generate().to_string(),
        json!({"text": "x"}),
    )
    .await;
    assert_problem(&unknown, 404, None);
}

#[tokio::test]
async fn a_reply_meets_the_first_response_and_tells_the_reporter() {
    let app = spawn_app().await;
    let (report, patient) = new_report(app, &unique("Reply")).await;
    let key = ulid::Ulid::generate().to_string();
    let body = json!({"text": "We are on it."});
    let path = format!("{}/replies", team_path(&report));
    let first = app
        .send_with_headers(
            Method::POST,
            &path,
            &app.response_team,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(first.status, 201, "{first:#?}");
    let again = app
        .send_with_headers(
            Method::POST,
            &path,
            &app.response_team,
            body,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(again.status, 201, "{again:#?}");
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));

    let team = team_report(app, &report).await;
    assert_eq!(entries(&team, "reply").len(), 1, "one reply per key");
    let targets = &team["targets"];
    assert!(targets["firstRespondedAt"].is_string(), "{team:#?}");
    assert!(targets["nextUpdateDue"].is_string(), "{team:#?}");
    assert_eq!(targets["breached"], false);
    let records = told(app, &report).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["recipient"]["patientId"], patient.id.as_str());
    let view = reporter_view(app, &patient, &report).await;
    let replies = entries(&view, "reply");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["from"], "team");
    assert_eq!(replies[0]["text"], "We are on it.");

    // Bad replies: named, nothing written.
    for (body, field) in [
        (json!({}), "text"),
        (json!({"text": ""}), "text"),
        (json!({"text": "ok", "status": "closed"}), "status"),
        (json!({"text": "ok", "severity": "high"}), "severity"),
    ] {
        assert_problem(&answer(app, &report, body).await, 422, Some(field));
    }
    assert_eq!(entries(&team_report(app, &report).await, "reply").len(), 1);
}

#[tokio::test]
async fn waiting_on_the_reporter_pauses_the_clock_until_they_reply() {
    let app = spawn_app().await;
    let (report, patient) = new_report(app, &unique("Waiting")).await;
    let reporter_reply = |text: &'static str| {
        let path = format!("{}/replies", patient_report_path(&patient.id, &report));
        let actor = patient.actor.clone();
        async move {
            app.send(
                Method::POST,
                &path,
                Some(&actor),
                Some(json!({ "text": text })),
            )
            .await
        }
    };
    let waiting = answer(
        app,
        &report,
        json!({"text": "Could you send a screenshot?", "status": "waiting-on-reporter"}),
    )
    .await;
    assert_eq!(waiting.status, 201, "{waiting:#?}");
    assert_eq!(
        team_report(app, &report).await["status"],
        "waiting-on-reporter"
    );

    // The reporter's reply moves it to in-progress and restarts the clock from the reply.
    let replied = reporter_reply("Sent by email").await;
    assert_eq!(replied.status, 201, "{replied:#?}");
    assert_eq!(replied.body["status"], "in-progress");
    let team = team_report(app, &report).await;
    assert_eq!(team["status"], "in-progress");
    let due = team["targets"]["nextUpdateDue"]
        .as_str()
        .unwrap_or_else(|| panic!("a next update due: {team:#?}"));
    let reply_at = entries(&team, "reply")
        .last()
        .and_then(|e| e["at"].as_str())
        .expect("the reporter's reply")
        .to_owned();
    assert!(due > reply_at.as_str(), "{team:#?}");
    assert_eq!(entries(&team, "reply").len(), 2);

    // Waiting again, and resolved: no next update is due.
    for status in ["waiting-on-reporter", "resolved"] {
        let reply = answer(
            app,
            &report,
            json!({"text": "Over to you", "status": status}),
        )
        .await;
        assert_eq!(reply.status, 201, "{reply:#?}");
        let team = team_report(app, &report).await;
        assert_eq!(team["status"], status);
        assert!(
            team["targets"]["nextUpdateDue"].is_null(),
            "no next update while {status}: {:#?}",
            team["targets"]
        );
        assert_eq!(team["targets"]["breached"], false);
    }
}

#[tokio::test]
async fn concurrent_team_replies_both_land() {
    let app = spawn_app().await;
    let (report, patient) = new_report(app, &unique("Both")).await;
    let replies =
        join_all((0..3).map(|n| answer(app, &report, json!({"text": format!("Reply {n}")})))).await;
    assert!(replies.iter().all(|r| r.status == 201), "{replies:#?}");
    let team = team_report(app, &report).await;
    let mut texts: Vec<&str> = entries(&team, "reply")
        .iter()
        .filter_map(|e| e["text"].as_str())
        .collect();
    texts.sort_unstable();
    assert_eq!(texts, ["Reply 0", "Reply 1", "Reply 2"]);
    assert_eq!(
        entries(&reporter_view(app, &patient, &report).await, "reply").len(),
        3
    );
}

#[tokio::test]
async fn a_merged_duplicate_follows_its_primary_and_both_reporters_are_told() {
    let app = spawn_app().await;
    let (primary, first) = new_report(app, &unique("Primary")).await;
    let (duplicate, second) = new_report(app, &unique("Duplicate")).await;

    // Self, unknown, then the real merge.
    assert_problem(&merge(app, &duplicate, &duplicate).await, 422, Some("into"));
    let unknown = ulid::Ulid::generate().to_string();
    assert_problem(&merge(app, &duplicate, &unknown).await, 422, Some("into"));
    assert_problem(
        &merge(app, &duplicate, "not-an-id").await,
        422,
        Some("into"),
    );
    assert_problem(&merge(app, &unknown, &primary).await, 404, None);
    let merged = merge(app, &duplicate, &primary).await;
    assert_eq!(merged.status, 200, "{merged:#?}");

    let dup_team = team_report(app, &duplicate).await;
    assert_eq!(dup_team["mergedInto"], primary.as_str());
    let primary_team = team_report(app, &primary).await;
    assert_eq!(primary_team["duplicates"], json!([duplicate]));
    assert_eq!(
        entries(&primary_team, "merged").len(),
        1,
        "{primary_team:#?}"
    );
    let open = queue_all(app, &app.response_team, "state=open").await;
    assert!(
        find(&open, "reportId", &duplicate).is_empty(),
        "out of the queue"
    );
    assert_eq!(find(&open, "reportId", &primary)[0]["duplicates"], 1);

    // Already merged, either way: nothing changes (`into` merged: 422 naming it; this report
    // merged: 409, as a change since it was read).
    let (third, _) = new_report(app, &unique("Third")).await;
    let again = merge(app, &duplicate, &third).await;
    assert!(matches!(again.status, 409 | 422), "{again:#?}");
    assert_problem(&again, again.status, None);
    assert_problem(&merge(app, &third, &duplicate).await, 422, Some("into"));
    assert_eq!(
        team_report(app, &primary).await["version"],
        primary_team["version"]
    );

    // The team answers the primary and resolves it: both reporters hear, each of their own.
    let answered = answer(
        app,
        &primary,
        json!({"text": "Fixed in 1.4.3", "status": "resolved"}),
    )
    .await;
    assert_eq!(answered.status, 201, "{answered:#?}");
    let dup_view = reporter_view(app, &second, &duplicate).await;
    assert_eq!(dup_view["status"], "resolved", "{dup_view:#?}");
    assert!(
        entries(&dup_view, "reply")
            .iter()
            .any(|e| e["from"] == "team" && e["text"] == "Fixed in 1.4.3"),
        "{dup_view:#?}"
    );
    let to_first = told(app, &primary).await;
    assert!(
        to_first
            .iter()
            .any(|r| r["reportStatus"] == "resolved"
                && r["recipient"]["patientId"] == first.id.as_str()),
        "{to_first:#?}"
    );
    let to_second = told(app, &duplicate).await;
    assert!(
        to_second.iter().any(|r| r["reportStatus"] == "resolved"
            && r["recipient"]["patientId"] == second.id.as_str()),
        "{to_second:#?}"
    );
    assert!(
        to_first
            .iter()
            .all(|r| r["recipient"]["patientId"] == first.id.as_str()),
        "{to_first:#?}"
    );

    // The duplicate's reporter replies: the team sees it on the primary.
    let replied = app
        .send(
            Method::POST,
            &format!("{}/replies", patient_report_path(&second.id, &duplicate)),
            Some(&second.actor),
            Some(json!({"text": "Still broken for me"})),
        )
        .await;
    assert_eq!(replied.status, 201, "{replied:#?}");
    let primary_team = team_report(app, &primary).await;
    assert!(
        entries(&primary_team, "reply")
            .iter()
            .any(|e| e["text"] == "Still broken for me"),
        "{primary_team:#?}"
    );
    // The first reporter sees neither the other reporter nor their words.
    let first_view = reporter_view(app, &first, &primary).await;
    assert!(
        !first_view.to_string().contains("Still broken"),
        "{first_view:#?}"
    );
}

#[tokio::test]
async fn of_racing_merges_one_wins() {
    let app = spawn_app().await;
    // One duplicate merged into two primaries at once.
    let (a, _) = new_report(app, &unique("A")).await;
    let (b, _) = new_report(app, &unique("B")).await;
    let (c, _) = new_report(app, &unique("C")).await;
    let replies = join_all([merge(app, &a, &b), merge(app, &a, &c)]).await;
    let winner = single_winner_of(&replies);
    let into = if winner == 0 { &b } else { &c };
    assert_eq!(team_report(app, &a).await["mergedInto"], into.as_str());
    let other = if winner == 0 { &c } else { &b };
    assert_eq!(team_report(app, other).await["duplicates"], json!([]));

    // Two reports merged into each other at once: one wins, no cycle.
    let (x, _) = new_report(app, &unique("X")).await;
    let (y, _) = new_report(app, &unique("Y")).await;
    let replies = join_all([merge(app, &x, &y), merge(app, &y, &x)]).await;
    single_winner_of(&replies);
    let (tx, ty) = (team_report(app, &x).await, team_report(app, &y).await);
    assert!(
        tx["mergedInto"].is_null() != ty["mergedInto"].is_null(),
        "exactly one is merged: {tx:#?} {ty:#?}"
    );
}

/// Of concurrent merges, exactly one 200; the others 409 (a version changed) or 422 (merged
/// already). The winner's index.
#[track_caller]
fn single_winner_of(replies: &[Reply]) -> usize {
    let winners: Vec<usize> = (0..replies.len())
        .filter(|i| replies[*i].status == 200)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one must win: {replies:#?}");
    assert!(
        replies.iter().all(|r| matches!(r.status, 200 | 409 | 422)),
        "{replies:#?}"
    );
    winners[0]
}

#[tokio::test]
async fn the_team_routes_are_the_teams() {
    let app = spawn_app().await;
    let (report, patient) = new_report(app, &unique("Roles")).await;
    let (into, _) = new_report(app, &unique("Roles into")).await;
    let routes = [
        (Method::GET, QUEUE.to_owned(), None),
        (Method::GET, team_path(&report), None),
        (
            Method::PATCH,
            team_path(&report),
            Some(json!({"severity": "low"})),
        ),
        (
            Method::POST,
            format!("{}/notes", team_path(&report)),
            Some(json!({"text": "x"})),
        ),
        (
            Method::POST,
            format!("{}/replies", team_path(&report)),
            Some(json!({"text": "x"})),
        ),
        (
            Method::POST,
            format!("{}/merge", team_path(&report)),
            Some(json!({"into": into})),
        ),
        (
            Method::POST,
            format!("{}/switch-off", team_path(&report)),
            Some(json!({"scope": "everyone", "reason": "x"})),
        ),
    ];
    for (method, path, body) in &routes {
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
    // Nothing was written by the refused calls.
    let team = team_report(app, &report).await;
    assert_eq!(team["version"], 1);
    // Unknown and malformed report ids.
    for id in [ulid::Ulid::generate().to_string(), "not-an-id".to_owned()] {
        assert_problem(
            &app.get(&team_path(&id), &app.response_team).await,
            404,
            None,
        );
        assert_problem(
            &triage(app, &id, &etag(1), json!({"severity": "low"})).await,
            404,
            None,
        );
        assert_problem(&answer(app, &id, json!({"text": "x"})).await, 404, None);
    }
    // The portal lead works the queue too.
    assert_eq!(
        app.get(&team_path(&report), &app.portal_lead).await.status,
        200
    );
}

/// The authorisation matrix's requests for the team's report routes (not switch-off: see
/// `switch_off::matrix_request`).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &portal_tests::Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let filed_report = || async { id_of(&filed(app, patient, "Matrix").await, "reportId") };
    let request = match route {
        ("GET", "/support/reports") => (Method::GET, QUEUE.to_owned(), None, None),
        ("GET", "/support/reports/{reportId}") => {
            (Method::GET, team_path(&filed_report().await), None, None)
        }
        ("PATCH", "/support/reports/{reportId}") => (
            Method::PATCH,
            team_path(&filed_report().await),
            Some(json!({"severity": "low"})),
            Some(etag(1)),
        ),
        ("POST", "/support/reports/{reportId}/notes") => (
            Method::POST,
            format!("{}/notes", team_path(&filed_report().await)),
            Some(json!({"text": "Matrix note"})),
            None,
        ),
        ("POST", "/support/reports/{reportId}/replies") => (
            Method::POST,
            format!("{}/replies", team_path(&filed_report().await)),
            Some(json!({"text": "Matrix reply"})),
            None,
        ),
        ("POST", "/support/reports/{reportId}/merge") => {
            let duplicate = filed_report().await;
            let into = filed_report().await;
            (
                Method::POST,
                format!("{}/merge", team_path(&duplicate)),
                Some(json!({ "into": into })),
                None,
            )
        }
        _ => return None,
    };
    let (method, path, body, if_match) = request;
    Some((method, path, body, if_match))
}
