//! Ideas and suggestions: the portal lead adds ideas and changes them under If-Match; a
//! patient (or a caregiver) suggests one, the portal lead accepts or declines it and its author
//! is told; when an idea's status changes, everyone who supported it (voted for it in a poll,
//! or rated its feature) is told once.
//!
//! Ideas are practice-wide and other tests add theirs at the same time: every test works with
//! ideas and suggestions of its own (unique titles), never with totals. The closing-the-loop
//! test tells every rater of a feature, so it runs on a stack of its own.

use std::time::Duration;

use futures::future::join_all;
use portal_shared::domain::ids::{PatientId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::policy::authz::Scope;
use portal_tests::{
    GrantState, Method, Patient, Reply, TestApp, assert_problem, single_winner, spawn_app,
    spawn_own_stack,
};
use serde_json::{Value, json};

use super::support::{IDEAS, cohort_of, id_of, new_idea, new_idea_body, unique};

const SUGGESTIONS_QUEUE: &str = "/feedback/suggestions";

fn idea_path(id: &str) -> String {
    format!("{IDEAS}/{id}")
}

fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

async fn put_idea(app: &TestApp, id: &str, if_match: &str, body: Value) -> Reply {
    app.send_with_headers(
        Method::PUT,
        &idea_path(id),
        &app.portal_lead,
        body,
        &[("If-Match", if_match)],
    )
    .await
}

/// The whole idea as an update sends it, with `status` (and the other fields as added).
fn update_body(idea: &Value, status: &str) -> Value {
    json!({
        "title": idea["title"],
        "description": idea["description"],
        "benefit": idea["benefit"],
        "status": status,
    })
}

async fn all_ideas(app: &TestApp) -> Vec<Value> {
    let listed = app.get(IDEAS, &app.portal_lead).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    listed.body["items"].as_array().expect("items").clone()
}

fn suggestions_path(patient_id: &str) -> String {
    format!("/patients/{patient_id}/suggestions")
}

fn decision_path(patient_id: &str, suggestion_id: &str) -> String {
    format!("/patients/{patient_id}/suggestions/{suggestion_id}/decision")
}

/// The patient suggests an idea; its id.
async fn suggest(app: &TestApp, patient: &Patient, title: &str) -> String {
    let reply = app
        .send(
            Method::POST,
            &suggestions_path(&patient.id),
            Some(&patient.actor),
            Some(json!({"title": title, "description": "A message before my medicine runs out."})),
        )
        .await;
    assert_eq!(reply.status, 201, "suggesting: {reply:#?}");
    id_of(&reply.body, "suggestionId")
}

async fn decide(app: &TestApp, patient_id: &str, suggestion_id: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        &decision_path(patient_id, suggestion_id),
        Some(&app.portal_lead),
        Some(body),
    )
    .await
}

/// The suggestions in one status's queue, as the portal lead reads it.
async fn queue(app: &TestApp, status: &str) -> Vec<Value> {
    let reply = app
        .get(
            &format!("{SUGGESTIONS_QUEUE}?status={status}"),
            &app.portal_lead,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

fn find<'a>(items: &'a [Value], field: &str, id: &str) -> Vec<&'a Value> {
    items.iter().filter(|item| item[field] == id).collect()
}

/// The patient's in-app feedback updates, as their feedback page shows them.
async fn updates_of(app: &TestApp, patient: &Patient) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/patients/{}/feedback", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(reply.status, 200, "the patient's feedback: {reply:#?}");
    reply.body["updates"].as_array().expect("updates").clone()
}

/// The stored in-app update `news` of the patient, if any.
async fn stored_update(app: &TestApp, patient_id: &str, news: &str) -> Option<Value> {
    let patient = PatientId::parse(patient_id).expect("patient id");
    app.app_item(keys::feedback_update(patient, news))
        .await
        .map(|item| serde_dynamo::from_item(item).expect("an item"))
}

fn recipient_patient<'a>(records: &'a [Value], patient_id: &str) -> Vec<&'a Value> {
    records
        .iter()
        .filter(|r| {
            r["recipient"]["kind"] == "patient" && r["recipient"]["patientId"] == patient_id
        })
        .collect()
}

// ---- ideas -------------------------------------------------------------------------------

#[tokio::test]
async fn a_portal_lead_adds_reads_and_lists_an_idea() {
    let app = spawn_app().await;
    let title = unique("Pay a bill online");
    let body = new_idea_body(&title);
    let key = ulid::Ulid::generate().to_string();
    let created = app
        .send_with_headers(
            Method::POST,
            IDEAS,
            &app.portal_lead,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let id = id_of(&created.body, "ideaId");
    assert_eq!(created.header("location"), Some(idea_path(&id)));
    assert_eq!(created.header("etag"), Some(etag(1)));
    assert_eq!(created.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(created.body["title"], title.as_str());
    assert_eq!(created.body["status"], "proposed");
    assert_eq!(created.body["version"], 1);
    assert_eq!(created.body["createdBy"], app.portal_lead.sub.as_str());
    assert!(created.body["createdAt"].is_string());
    assert_eq!(created.body["updatedAt"], created.body["createdAt"]);
    for absent in ["feature", "declineReason", "suggestionId", "told"] {
        assert!(created.body.get(absent).is_none(), "{absent}: {created:#?}");
    }

    // A retry with the same key answers the first response; another body with it is 422.
    let replay = app
        .send_with_headers(
            Method::POST,
            IDEAS,
            &app.portal_lead,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(replay.status, 201, "{replay:#?}");
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replay.body, created.body);
    let mut other = body.clone();
    other["benefit"] = json!("Something else");
    let reused = app
        .send_with_headers(
            Method::POST,
            IDEAS,
            &app.portal_lead,
            other,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_problem(&reused, 422, None);
    assert_eq!(
        reused.body["type"],
        "https://patient-portal.dev/problems/idempotency-key-reused"
    );

    // With a feature linked.
    let mut linked = new_idea_body(&unique("Check in from the car"));
    linked["feature"] = json!("check-in");
    let second = app
        .send(Method::POST, IDEAS, Some(&app.portal_lead), Some(linked))
        .await;
    assert_eq!(second.status, 201, "{second:#?}");
    assert_eq!(second.body["feature"], "check-in");
    let second_id = id_of(&second.body, "ideaId");

    // Those who read ideas: the portal lead, administrators, the response team.
    for reader in [&app.portal_lead, &app.admin, &app.response_team] {
        let read = app.get(&idea_path(&id), reader).await;
        assert_eq!(read.status, 200, "{read:#?}");
        assert_eq!(read.body, created.body);
        assert_eq!(read.header("etag"), Some(etag(1)));
        let listed = app.get(IDEAS, reader).await;
        assert_eq!(listed.status, 200, "{listed:#?}");
    }
    let listed = all_ideas(app).await;
    assert_eq!(find(&listed, "ideaId", &id).len(), 1);
    let position = |wanted: &str| listed.iter().position(|i| i["ideaId"] == wanted);
    assert!(
        position(&second_id) < position(&id),
        "newest first: {listed:#?}"
    );
    // Exactly once, though added with a retry.
    assert_eq!(find(&listed, "title", &title).len(), 1);
}

#[tokio::test]
async fn an_idea_is_changed_under_if_match() {
    let app = spawn_app().await;
    let idea = new_idea(app, &unique("Repeat prescriptions")).await;
    let id = id_of(&idea, "ideaId");

    // If-Match is required; a stale or vague one fails.
    let missing = app
        .send(
            Method::PUT,
            &idea_path(&id),
            Some(&app.portal_lead),
            Some(update_body(&idea, "planned")),
        )
        .await;
    assert_problem(&missing, 428, None);
    for stale in [etag(2), "*".to_owned(), "W/\"1\"".to_owned()] {
        let reply = put_idea(app, &id, &stale, update_body(&idea, "planned")).await;
        assert_problem(&reply, 412, None);
    }

    // A full replacement: new text, linked to a feature. (On this shared stack an idea whose
    // status changes is never linked to a feature: its raters, other tests' patients, would
    // be told.)
    let mut body = update_body(&idea, "proposed");
    body["title"] = json!("  Repeat prescriptions, renewed  ");
    body["feature"] = json!("messaging");
    let linked = put_idea(app, &id, &etag(1), body.clone()).await;
    assert_eq!(linked.status, 200, "{linked:#?}");
    assert_eq!(linked.header("etag"), Some(etag(2)));
    assert_eq!(linked.body["version"], 2);
    assert_eq!(linked.body["status"], "proposed");
    assert_eq!(linked.body["title"], "Repeat prescriptions, renewed");
    assert_eq!(linked.body["feature"], "messaging");
    assert_eq!(linked.body["createdAt"], idea["createdAt"]);
    assert_ne!(linked.body["updatedAt"], idea["updatedAt"]);
    assert_eq!(linked.body["told"], 0);

    // The same again changes nothing: the version stays.
    let same = put_idea(app, &id, &etag(2), body.clone()).await;
    assert_eq!(same.status, 200, "{same:#?}");
    assert_eq!(same.body["version"], 2);
    assert_eq!(same.header("etag"), Some(etag(2)));
    assert_eq!(same.body["told"], 0);
    assert_eq!(same.body["updatedAt"], linked.body["updatedAt"]);

    // Leaving the feature out unlinks it; the status moves (nobody supported it: nobody to
    // tell).
    let mut planned = update_body(&idea, "planned");
    planned["title"] = linked.body["title"].clone();
    let planned = put_idea(app, &id, &etag(2), planned).await;
    assert_eq!(planned.status, 200, "{planned:#?}");
    assert!(planned.body.get("feature").is_none(), "{planned:#?}");
    assert_eq!(planned.body["status"], "planned");
    assert_eq!(planned.body["told"], 0);
    assert_eq!(planned.body["version"], 3);
    assert!(app.outbox_where("ideaId", &id).await.is_empty());

    // Declining needs a reason; a reason goes with declining only.
    let no_reason = put_idea(app, &id, &etag(3), update_body(&idea, "declined")).await;
    assert_problem(&no_reason, 422, Some("declineReason"));
    let mut stray = update_body(&idea, "live");
    stray["declineReason"] = json!("Not now");
    assert_problem(
        &put_idea(app, &id, &etag(3), stray).await,
        422,
        Some("declineReason"),
    );
    let mut declined = update_body(&idea, "declined");
    declined["declineReason"] = json!("Your pharmacy does this already.");
    let reply = put_idea(app, &id, &etag(3), declined).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(
        reply.body["declineReason"],
        "Your pharmacy does this already."
    );
    assert_eq!(reply.body["version"], 4);

    // Moving on from declined drops the reason.
    let live = put_idea(app, &id, &etag(4), update_body(&idea, "live")).await;
    assert_eq!(live.status, 200, "{live:#?}");
    assert!(live.body.get("declineReason").is_none(), "{live:#?}");

    let read = app.get(&idea_path(&id), &app.portal_lead).await;
    assert_eq!(read.header("etag"), Some(etag(5)));
    assert!(read.body.get("told").is_none(), "{read:#?}");
    assert_eq!(read.body["status"], "live");
}

#[tokio::test]
async fn bad_ideas_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let title = unique("Refused");
    let long = "x".repeat(501);
    let cases = [
        (
            json!({"title": "", "description": "d", "benefit": "b"}),
            "title",
        ),
        (
            json!({"title": "two\nlines", "description": "d", "benefit": "b"}),
            "title",
        ),
        (
            json!({"title": title, "description": " ", "benefit": "b"}),
            "description",
        ),
        (
            json!({"title": title, "description": "d", "benefit": long}),
            "benefit",
        ),
        (json!({"title": title, "description": "d"}), "benefit"),
        (
            json!({"title": title, "description": "d", "benefit": "b", "feature": "teleport"}),
            "feature",
        ),
        (
            json!({"title": title, "description": "d", "benefit": "b", "status": "live"}),
            "status",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .send(Method::POST, IDEAS, Some(&app.portal_lead), Some(body))
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    // Every problem at once.
    let reply = app
        .send(
            Method::POST,
            IDEAS,
            Some(&app.portal_lead),
            Some(json!({"title": " ", "description": "", "benefit": ""})),
        )
        .await;
    for field in ["title", "description", "benefit"] {
        assert_problem(&reply, 422, Some(field));
    }
    let not_json = app
        .send_raw(
            Method::POST,
            IDEAS,
            &app.portal_lead,
            "application/json",
            "{",
        )
        .await;
    assert_problem(&not_json, 400, None);
    assert!(find(&all_ideas(app).await, "title", &title).is_empty());

    // An update with bad fields changes nothing.
    let idea = new_idea(app, &unique("Kept")).await;
    let id = id_of(&idea, "ideaId");
    let mut bad = update_body(&idea, "someday");
    assert_problem(
        &put_idea(app, &id, &etag(1), bad.clone()).await,
        422,
        Some("status"),
    );
    bad["status"] = json!("planned");
    bad["title"] = json!("");
    assert_problem(
        &put_idea(app, &id, &etag(1), bad.clone()).await,
        422,
        Some("title"),
    );
    bad["title"] = idea["title"].clone();
    bad["votes"] = json!(3);
    assert_problem(&put_idea(app, &id, &etag(1), bad).await, 422, Some("votes"));
    let read = app.get(&idea_path(&id), &app.portal_lead).await;
    assert_eq!(read.body, idea);
}

#[tokio::test]
async fn an_unknown_idea_is_not_found() {
    let app = spawn_app().await;
    let unknown = ulid::Ulid::generate().to_string();
    for path in [idea_path(&unknown), idea_path("not-an-id")] {
        assert_problem(&app.get(&path, &app.portal_lead).await, 404, None);
    }
    let body = json!({"title": "t", "description": "d", "benefit": "b", "status": "planned"});
    assert_problem(&put_idea(app, &unknown, &etag(1), body).await, 404, None);
}

#[tokio::test]
async fn only_the_portal_lead_manages_ideas_and_staff_read_them() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let idea = new_idea(app, &unique("Roles")).await;
    let id = id_of(&idea, "ideaId");
    let body = new_idea_body(&unique("Not added"));
    for who in [
        &app.front_desk,
        &app.clinician,
        &app.admin,
        &app.response_team,
        &patient.actor,
    ] {
        let added = app
            .send(Method::POST, IDEAS, Some(who), Some(body.clone()))
            .await;
        assert_problem(&added, 403, None);
        let changed = app
            .send_with_headers(
                Method::PUT,
                &idea_path(&id),
                who,
                update_body(&idea, "planned"),
                &[("If-Match", &etag(1))],
            )
            .await;
        assert_problem(&changed, 403, None);
    }
    for who in [
        &app.front_desk,
        &app.clinician,
        &patient.actor,
        &app.caregiver,
    ] {
        assert_problem(&app.get(IDEAS, who).await, 403, None);
        assert_problem(&app.get(&idea_path(&id), who).await, 403, None);
    }
    for (method, path) in [
        (Method::GET, IDEAS.to_owned()),
        (Method::POST, IDEAS.to_owned()),
        (Method::GET, idea_path(&id)),
        (Method::PUT, idea_path(&id)),
    ] {
        let reply = app.send(method, &path, None, Some(body.clone())).await;
        assert_eq!(reply.status, 401, "{reply:#?}");
    }
    assert!(
        find(
            &all_ideas(app).await,
            "title",
            body["title"].as_str().unwrap_or("")
        )
        .is_empty()
    );
    let read = app.get(&idea_path(&id), &app.portal_lead).await;
    assert_eq!(read.body["version"], 1);
}

#[tokio::test]
async fn concurrent_changes_of_an_idea_have_one_winner() {
    let app = spawn_app().await;
    let idea = new_idea(app, &unique("Contested")).await;
    let id = id_of(&idea, "ideaId");
    let replies = join_all(["planned", "in-beta", "live", "planned"].map(|status| {
        let (id, body) = (id.clone(), update_body(&idea, status));
        async move { put_idea(app, &id, &etag(1), body).await }
    }))
    .await;
    let winner = single_winner(&replies, 412);
    assert_eq!(winner.body["version"], 2);
    let read = app.get(&idea_path(&id), &app.portal_lead).await;
    assert_eq!(read.body["status"], winner.body["status"]);
    assert_eq!(read.body["version"], 2);
}

// ---- suggestions -------------------------------------------------------------------------

#[tokio::test]
async fn a_patient_suggests_and_the_portal_lead_accepts() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let title = unique("Prescription reminders");
    let body = json!({"title": title, "description": "A message a week before it runs out."});
    let key = ulid::Ulid::generate().to_string();
    let suggested = app
        .send_with_headers(
            Method::POST,
            &suggestions_path("me"),
            &patient.actor,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(suggested.status, 201, "{suggested:#?}");
    let sid = id_of(&suggested.body, "suggestionId");
    assert_eq!(suggested.body["patientId"], patient.id.as_str());
    assert_eq!(suggested.body["status"], "pending");
    assert_eq!(suggested.body["title"], title.as_str());
    for absent in ["reason", "ideaId", "decidedAt"] {
        assert!(
            suggested.body.get(absent).is_none(),
            "{absent}: {suggested:#?}"
        );
    }
    let replay = app
        .send_with_headers(
            Method::POST,
            &suggestions_path("me"),
            &patient.actor,
            body,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(replay.status, 201, "{replay:#?}");
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replay.body, suggested.body);

    // It waits in the queue, once (the default status is pending); reading it is audited in
    // the patient's log.
    let pending = queue(app, "pending").await;
    assert_eq!(find(&pending, "suggestionId", &sid), [&suggested.body]);
    let default = app.get(SUGGESTIONS_QUEUE, &app.portal_lead).await;
    assert_eq!(default.status, 200, "{default:#?}");
    assert_eq!(
        find(
            default.body["items"].as_array().expect("items"),
            "suggestionId",
            &sid
        )
        .len(),
        1
    );
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "feature-idea.manage"
            && e["resource"] == "suggestions"
            && e["actorSub"] == app.portal_lead.sub.as_str()
            && e["outcome"] == "allowed"),
        "{events:#?}"
    );

    let accepted = decide(app, &patient.id, &sid, json!({"decision": "accept"})).await;
    assert_eq!(accepted.status, 200, "{accepted:#?}");
    assert_eq!(accepted.body["status"], "accepted");
    assert!(accepted.body["decidedAt"].is_string());
    assert!(accepted.body.get("reason").is_none(), "{accepted:#?}");
    let idea_id = id_of(&accepted.body, "ideaId");

    // The idea exists, proposed, from the suggestion.
    let idea = app.get(&idea_path(&idea_id), &app.portal_lead).await;
    assert_eq!(idea.status, 200, "{idea:#?}");
    assert_eq!(idea.body["status"], "proposed");
    assert_eq!(idea.body["suggestionId"], sid.as_str());
    assert_eq!(idea.body["title"], title.as_str());
    assert_eq!(
        idea.body["description"],
        "A message a week before it runs out."
    );
    assert_eq!(idea.body["benefit"], "Suggested by a patient.");
    assert_eq!(idea.body["createdBy"], app.portal_lead.sub.as_str());
    assert_eq!(idea.body["version"], 1);

    // It moved queues.
    assert!(find(&queue(app, "pending").await, "suggestionId", &sid).is_empty());
    let in_accepted = queue(app, "accepted").await;
    assert_eq!(find(&in_accepted, "suggestionId", &sid), [&accepted.body]);

    // The author is told: in the app, and by one outbox record about the suggestion.
    let updates = updates_of(app, &patient).await;
    let told: Vec<&Value> = find(&updates, "suggestionId", &sid);
    assert_eq!(told.len(), 1, "{updates:#?}");
    assert_eq!(told[0]["kind"], "suggestion-decided");
    assert_eq!(told[0]["status"], "accepted");
    assert_eq!(told[0]["ideaId"], idea_id.as_str());
    let records = app.outbox_where("suggestionId", &sid).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["template"], "suggestion-decided");
    assert_eq!(records[0]["accepted"], true);
    assert_eq!(recipient_patient(&records, &patient.id).len(), 1);
    // Neither the title nor the text is in the record.
    let record = records[0].to_string();
    assert!(
        !record.contains(&title) && !record.contains("runs out"),
        "{record}"
    );

    // Decided already: 409, and nothing changes.
    let again = decide(
        app,
        &patient.id,
        &sid,
        json!({"decision": "decline", "reason": "Changed my mind"}),
    )
    .await;
    assert_problem(&again, 409, None);
    assert_eq!(app.outbox_where("suggestionId", &sid).await.len(), 1);
    assert_eq!(
        find(&queue(app, "accepted").await, "suggestionId", &sid).len(),
        1
    );
}

#[tokio::test]
async fn declining_a_suggestion_needs_a_reason() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let sid = suggest(app, &patient, &unique("Dark mode")).await;

    let no_reason = decide(app, &patient.id, &sid, json!({"decision": "decline"})).await;
    assert_problem(&no_reason, 422, Some("reason"));
    let blank = decide(
        app,
        &patient.id,
        &sid,
        json!({"decision": "decline", "reason": " "}),
    )
    .await;
    assert_problem(&blank, 422, Some("reason"));
    let accept_with_reason = decide(
        app,
        &patient.id,
        &sid,
        json!({"decision": "accept", "reason": "Good one"}),
    )
    .await;
    assert_problem(&accept_with_reason, 422, Some("reason"));
    let unknown = decide(app, &patient.id, &sid, json!({"decision": "maybe"})).await;
    assert_problem(&unknown, 422, Some("decision"));
    let extra = decide(
        app,
        &patient.id,
        &sid,
        json!({"decision": "accept", "benefit": "x"}),
    )
    .await;
    assert_problem(&extra, 422, Some("benefit"));
    // Nothing was written by any of them.
    assert_eq!(
        find(&queue(app, "pending").await, "suggestionId", &sid).len(),
        1
    );
    assert!(app.outbox_where("suggestionId", &sid).await.is_empty());

    let declined = decide(
        app,
        &patient.id,
        &sid,
        json!({"decision": "decline", "reason": "The app already has a dark theme."}),
    )
    .await;
    assert_eq!(declined.status, 200, "{declined:#?}");
    assert_eq!(declined.body["status"], "declined");
    assert_eq!(declined.body["reason"], "The app already has a dark theme.");
    assert!(declined.body.get("ideaId").is_none(), "{declined:#?}");
    assert_eq!(
        find(&queue(app, "declined").await, "suggestionId", &sid).len(),
        1
    );
    assert!(find(&all_ideas(app).await, "suggestionId", &sid).is_empty());

    let records = app.outbox_where("suggestionId", &sid).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["template"], "suggestion-decided");
    assert_eq!(records[0]["accepted"], false);
    assert_eq!(recipient_patient(&records, &patient.id).len(), 1);
    let update = stored_update(app, &patient.id, &format!("suggestion:{sid}"))
        .await
        .expect("the author's update");
    assert_eq!(update["status"], "declined");
    assert_eq!(update["kind"], "suggestion-decided");
}

#[tokio::test]
async fn deciding_twice_at_once_has_one_winner() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let sid = suggest(app, &patient, &unique("Raced")).await;
    let bodies = [
        json!({"decision": "accept"}),
        json!({"decision": "decline", "reason": "No"}),
        json!({"decision": "accept"}),
        json!({"decision": "decline", "reason": "Not now"}),
    ];
    let replies = join_all(bodies.map(|body| {
        let (patient_id, sid) = (patient.id.clone(), sid.clone());
        async move { decide(app, &patient_id, &sid, body).await }
    }))
    .await;
    let winner = single_winner(&replies, 409);
    let accepted = winner.body["status"] == "accepted";
    assert_eq!(app.outbox_where("suggestionId", &sid).await.len(), 1);
    let ideas = all_ideas(app).await;
    assert_eq!(
        find(&ideas, "suggestionId", &sid).len(),
        usize::from(accepted),
        "one idea when accepted, none when declined"
    );
    let update = stored_update(app, &patient.id, &format!("suggestion:{sid}"))
        .await
        .expect("the author's update");
    assert_eq!(update["status"], winner.body["status"]);
}

#[tokio::test]
async fn a_suggestion_is_the_patients_or_their_caregivers() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let body = json!({"title": unique("By a caregiver"), "description": "Please."});

    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Messages],
        GrantState::Active,
    )
    .await;
    let by_caregiver = app
        .send(
            Method::POST,
            &suggestions_path(&patient.id),
            Some(&app.caregiver),
            Some(body.clone()),
        )
        .await;
    assert_eq!(by_caregiver.status, 201, "{by_caregiver:#?}");
    assert_eq!(by_caregiver.body["patientId"], patient.id.as_str());

    let foreign = app
        .send(
            Method::POST,
            &suggestions_path(&patient.id),
            Some(&other.actor),
            Some(body.clone()),
        )
        .await;
    assert_problem(&foreign, 404, None);
    for staff in [&app.front_desk, &app.portal_lead, &app.clinician] {
        let reply = app
            .send(
                Method::POST,
                &suggestions_path(&patient.id),
                Some(staff),
                Some(body.clone()),
            )
            .await;
        assert_problem(&reply, 403, None);
    }
    let anonymous = app
        .send(
            Method::POST,
            &suggestions_path(&patient.id),
            None,
            Some(body),
        )
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");

    let marker = unique("Never stored");
    for (bad, field) in [
        (json!({"title": "", "description": marker}), "title"),
        (
            json!({"title": "a\u{202E}b", "description": marker}),
            "title",
        ),
        (
            json!({"title": "Fine", "description": "x".repeat(2001)}),
            "description",
        ),
        (json!({"title": "Fine"}), "description"),
        (
            json!({"title": "Fine", "description": marker, "status": "accepted"}),
            "status",
        ),
    ] {
        let reply = app
            .send(
                Method::POST,
                &suggestions_path(&patient.id),
                Some(&patient.actor),
                Some(bad),
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let pending = queue(app, "pending").await;
    assert!(find(&pending, "description", &marker).is_empty());
    assert_eq!(
        find(&pending, "patientId", &patient.id).len(),
        1,
        "the caregiver's only"
    );
}

#[tokio::test]
async fn only_the_portal_lead_reads_the_queue_and_decides() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let sid = suggest(app, &patient, &unique("Decided by the lead")).await;
    let accept = json!({"decision": "accept"});

    for staff in [
        &app.front_desk,
        &app.clinician,
        &app.admin,
        &app.response_team,
    ] {
        assert_problem(&app.get(SUGGESTIONS_QUEUE, staff).await, 403, None);
        let reply = app
            .send(
                Method::POST,
                &decision_path(&patient.id, &sid),
                Some(staff),
                Some(accept.clone()),
            )
            .await;
        assert_problem(&reply, 403, None);
    }
    assert_problem(&app.get(SUGGESTIONS_QUEUE, &patient.actor).await, 403, None);
    let own = app
        .send(
            Method::POST,
            &decision_path(&patient.id, &sid),
            Some(&patient.actor),
            Some(accept.clone()),
        )
        .await;
    assert_problem(&own, 403, None);
    let foreign = app
        .send(
            Method::POST,
            &decision_path(&patient.id, &sid),
            Some(&other.actor),
            Some(accept.clone()),
        )
        .await;
    assert_problem(&foreign, 404, None);
    assert_eq!(app.get(SUGGESTIONS_QUEUE, &app.caregiver).await.status, 403);
    let anonymous = app.send(Method::GET, SUGGESTIONS_QUEUE, None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    let anonymous = app
        .send(
            Method::POST,
            &decision_path(&patient.id, &sid),
            None,
            Some(accept.clone()),
        )
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");

    // Unknown or misplaced suggestions are not found.
    let unknown = SuggestionId::generate().to_string();
    assert_problem(
        &decide(app, &patient.id, &unknown, accept.clone()).await,
        404,
        None,
    );
    assert_problem(
        &decide(app, &patient.id, "nope", accept.clone()).await,
        404,
        None,
    );
    assert_problem(
        &decide(app, &other.id, &sid, accept.clone()).await,
        404,
        None,
    );
    let nobody = PatientId::generate().to_string();
    assert_problem(&decide(app, &nobody, &sid, accept.clone()).await, 404, None);

    let bad_status = app
        .get(
            &format!("{SUGGESTIONS_QUEUE}?status=done"),
            &app.portal_lead,
        )
        .await;
    assert_problem(&bad_status, 422, Some("status"));

    // Still pending after all of that.
    assert_eq!(
        find(&queue(app, "pending").await, "suggestionId", &sid).len(),
        1
    );
    assert!(app.outbox_where("suggestionId", &sid).await.is_empty());
}

// ---- closing the loop --------------------------------------------------------------------

/// The idea-status updates a patient has about `idea`.
async fn idea_updates(app: &TestApp, patient: &Patient, idea: &str) -> Vec<Value> {
    updates_of(app, patient)
        .await
        .into_iter()
        .filter(|u| u["kind"] == "idea-status" && u["ideaId"] == idea)
        .collect()
}

/// A status change tells each supporter once: the patients and the staff member who voted for
/// the idea and the patients who rated its feature (one who did both, once), and nobody else;
/// the same save again tells nobody.
///
/// Relies on the polls module (`POST /feedback/polls`, the patients' and staff's ballots,
/// `polls::supporters_of`) and the ratings module (`POST .../feedback/ratings`,
/// `GET /patients/{patientId}/feedback`, `ratings::raters_of`). It runs on a stack of its own:
/// every rater of the feature is told, whichever test rated it.
#[tokio::test]
async fn a_status_change_tells_each_supporter_once() {
    let app = spawn_own_stack("feedback-loop").await;
    let voter = app.new_patient().await;
    let voter_and_rater = app.new_patient().await;
    let rater = app.new_patient().await;
    let bystander = app.new_patient().await;
    let staff_voter = app.new_staff("ideavoter", &["clinicians"]).await;

    let cohort = cohort_of(app, false, &[&voter, &voter_and_rater, &bystander]).await;

    let mut body = new_idea_body(&unique("Check in from the car park"));
    body["feature"] = json!("check-in");
    let created = app
        .send(Method::POST, IDEAS, Some(&app.portal_lead), Some(body))
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let idea = created.body;
    let id = id_of(&idea, "ideaId");
    let other_idea = id_of(&new_idea(app, &unique("Something else")).await, "ideaId");

    let now = Timestamp::now();
    let poll = app
        .send(
            Method::POST,
            "/feedback/polls",
            Some(&app.portal_lead),
            Some(json!({
                "title": unique("What next"),
                "question": "Which would help you most?",
                "ideaIds": [id, other_idea],
                "method": "approval",
                "audience": {"staffRoles": ["clinicians"], "cohorts": [cohort], "practices": false},
                "weights": {"staff": 50, "patients": 50, "practices": 0},
                "opensAt": now.minus(Duration::from_secs(60)).to_string(),
                "closesAt": now.plus(Duration::from_secs(3600)).to_string(),
            })),
        )
        .await;
    assert_eq!(poll.status, 201, "creating the poll: {poll:#?}");
    let poll_id = id_of(&poll.body, "pollId");
    let ballot = |patient: &Patient, choices: Value| {
        let path = format!("/patients/{}/polls/{poll_id}/ballot", patient.id);
        let actor = patient.actor.clone();
        async move {
            let reply = app
                .send(
                    Method::PUT,
                    &path,
                    Some(&actor),
                    Some(json!({"choices": choices})),
                )
                .await;
            assert_eq!(reply.status, 201, "casting a ballot: {reply:#?}");
        }
    };
    ballot(&voter, json!([id])).await;
    ballot(&voter_and_rater, json!([other_idea, id])).await;
    // Voted, but not for this idea.
    ballot(&bystander, json!([other_idea])).await;
    let staff_ballot = app
        .send(
            Method::PUT,
            &format!("/account/polls/{poll_id}/ballot"),
            Some(&staff_voter),
            Some(json!({"choices": [id]})),
        )
        .await;
    assert_eq!(
        staff_ballot.status, 201,
        "the staff ballot: {staff_ballot:#?}"
    );

    let rate = |patient: &Patient, feature: &'static str| {
        let path = format!("/patients/{}/feedback/ratings", patient.id);
        let actor = patient.actor.clone();
        async move {
            let reply = app
                .send(
                    Method::POST,
                    &path,
                    Some(&actor),
                    Some(json!({"feature": feature, "rating": 4})),
                )
                .await;
            assert_eq!(reply.status, 201, "rating: {reply:#?}");
        }
    };
    rate(&voter_and_rater, "check-in").await;
    rate(&rater, "check-in").await;
    rate(&rater, "check-in").await;
    rate(&bystander, "messaging").await;

    let planned = put_idea(app, &id, &etag(1), {
        let mut body = update_body(&idea, "planned");
        body["feature"] = json!("check-in");
        body
    })
    .await;
    assert_eq!(planned.status, 200, "{planned:#?}");
    assert_eq!(
        planned.body["told"], 4,
        "three patients and a staff member: {planned:#?}"
    );

    let records = app.outbox_where("ideaId", &id).await;
    assert_eq!(records.len(), 4, "{records:#?}");
    assert!(
        records
            .iter()
            .all(|r| r["template"] == "idea-status-changed" && r["ideaStatus"] == "planned")
    );
    for patient in [&voter, &voter_and_rater, &rater] {
        assert_eq!(
            recipient_patient(&records, &patient.id).len(),
            1,
            "{records:#?}"
        );
        let updates = idea_updates(app, patient, &id).await;
        assert_eq!(updates.len(), 1, "{updates:#?}");
        assert_eq!(updates[0]["status"], "planned");
        assert_eq!(updates[0]["title"], idea["title"]);
    }
    let to_staff: Vec<&Value> = records
        .iter()
        .filter(|r| {
            r["recipient"]["kind"] == "staff-member"
                && r["recipient"]["sub"] == staff_voter.sub.as_str()
        })
        .collect();
    assert_eq!(to_staff.len(), 1, "{records:#?}");
    assert!(recipient_patient(&records, &bystander.id).is_empty());
    assert!(idea_updates(app, &bystander, &id).await.is_empty());

    // The same save again, with the new ETag: nothing to tell.
    let again = put_idea(app, &id, &etag(2), {
        let mut body = update_body(&idea, "planned");
        body["feature"] = json!("check-in");
        body
    })
    .await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["told"], 0);
    // A change of text only tells nobody either.
    let mut reworded = update_body(&idea, "planned");
    reworded["feature"] = json!("check-in");
    reworded["benefit"] = json!("No queue at the desk.");
    let reworded = put_idea(app, &id, &etag(2), reworded).await;
    assert_eq!(reworded.status, 200, "{reworded:#?}");
    assert_eq!(reworded.body["told"], 0);
    assert_eq!(app.outbox_where("ideaId", &id).await.len(), 4);
    for patient in [&voter, &voter_and_rater, &rater] {
        assert_eq!(idea_updates(app, patient, &id).await.len(), 1);
    }

    // The next change is news again, once more each.
    let mut in_beta = update_body(&idea, "in-beta");
    in_beta["feature"] = json!("check-in");
    let in_beta = put_idea(app, &id, &etag(3), in_beta).await;
    assert_eq!(in_beta.status, 200, "{in_beta:#?}");
    assert_eq!(in_beta.body["told"], 4);
    assert_eq!(app.outbox_where("ideaId", &id).await.len(), 8);
    for patient in [&voter, &voter_and_rater, &rater] {
        let updates = idea_updates(app, patient, &id).await;
        let mut statuses: Vec<&str> = updates
            .iter()
            .filter_map(|u| u["status"].as_str())
            .collect();
        statuses.sort_unstable();
        assert_eq!(statuses, ["in-beta", "planned"], "{updates:#?}");
    }
}

// ---- the authorisation matrix ------------------------------------------------------------

/// A request to one of this module's routes that succeeds for a caller allowed to make it,
/// about `patient` (a fresh fixture each call): (method, path, body, If-Match). `None` for the
/// other modules' routes. For `authz_matrix::feedback_request`.
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let built = match route {
        ("GET", "/feedback/ideas") => (Method::GET, IDEAS.to_owned(), None, None),
        ("POST", "/feedback/ideas") => (
            Method::POST,
            IDEAS.to_owned(),
            Some(new_idea_body(&unique("Matrix idea"))),
            None,
        ),
        ("GET", "/feedback/ideas/{ideaId}") => {
            let idea = new_idea(app, &unique("Matrix idea")).await;
            (Method::GET, idea_path(&id_of(&idea, "ideaId")), None, None)
        }
        ("PUT", "/feedback/ideas/{ideaId}") => {
            let idea = new_idea(app, &unique("Matrix idea")).await;
            (
                Method::PUT,
                idea_path(&id_of(&idea, "ideaId")),
                Some(update_body(&idea, "planned")),
                Some(etag(1)),
            )
        }
        ("POST", "/patients/{patientId}/suggestions") => (
            Method::POST,
            suggestions_path(&patient.id),
            Some(json!({"title": unique("Matrix suggestion"), "description": "Please."})),
            None,
        ),
        ("GET", "/feedback/suggestions") => (Method::GET, SUGGESTIONS_QUEUE.to_owned(), None, None),
        ("POST", "/patients/{patientId}/suggestions/{suggestionId}/decision") => {
            let sid = suggest(app, patient, &unique("Matrix suggestion")).await;
            (
                Method::POST,
                decision_path(&patient.id, &sid),
                Some(json!({"decision": "accept"})),
                None,
            )
        }
        _ => return None,
    };
    Some(built)
}
