//! Priority polls: the portal lead starts, reads, closes and counts them; staff (by role),
//! patients (by cohort, or a caregiver for them) and other practices (through a link, no
//! account) cast one ballot each, replaceable until the poll closes.
//!
//! Polls, ideas and cohorts are practice-wide and other tests add theirs at the same time:
//! every test works with its own (unique titles and cohort names) and asserts on its own
//! polls, never on totals. The public routes' limits count per client address: each test that
//! uses them sends from an address of its own (`fresh_client_address`).

use std::net::IpAddr;
use std::time::Duration;

use futures::future::join_all;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::authz::Scope;
use portal_tests::{
    Actor, GrantState, Method, Patient, Reply, TestApp, assert_problem, fresh_client_address,
    spawn_app,
};
use serde_json::{Value, json};

use super::support::{cohort_of, id_of, new_idea, unique};
use crate::rollout::cohorts::unique_cohort_name;

const POLLS: &str = "/feedback/polls";
const STAFF_POLLS: &str = "/account/polls";
const LOOKUP: &str = "/public/polls/lookup";
const PUBLIC_BALLOTS: &str = "/public/polls/ballots";
/// The problem type of a ballot outside the voting period (and of a second close).
const POLL_CLOSED: &str = "https://patient-portal.dev/problems/poll-closed";

fn poll_path(id: &str) -> String {
    format!("{POLLS}/{id}")
}

fn staff_ballot_path(poll: &str) -> String {
    format!("{STAFF_POLLS}/{poll}/ballot")
}

fn patient_polls_path(patient: &Patient) -> String {
    format!("/patients/{}/polls", patient.id)
}

fn patient_ballot_path(patient: &Patient, poll: &str) -> String {
    format!("/patients/{}/polls/{poll}/ballot", patient.id)
}

fn at(offset_seconds: i64) -> String {
    let now = Timestamp::now();
    let by = Duration::from_secs(offset_seconds.unsigned_abs());
    if offset_seconds < 0 {
        now.minus(by)
    } else {
        now.plus(by)
    }
    .to_string()
}

/// A new idea titled `title`, added by the portal lead; its id.
async fn new_idea_id(app: &TestApp, title: &str) -> String {
    id_of(&new_idea(app, title).await, "ideaId")
}

/// `count` new ideas with unique titles.
async fn new_ideas(app: &TestApp, count: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        ids.push(new_idea_id(app, &unique(&format!("Poll idea {n}"))).await);
    }
    ids
}

/// A rank poll over `ideas` open from a minute ago for an hour, asking `audience`, every
/// stratum weighted 1.
fn poll_body(ideas: &[String], audience: Value) -> Value {
    json!({
        "title": unique("What should we build next"),
        "question": "Put the ideas that would help you most first.",
        "ideaIds": ideas,
        "method": "rank",
        "topK": 2,
        "audience": audience,
        "weights": {"staff": 1, "patients": 1, "practices": 1},
        "opensAt": at(-60),
        "closesAt": at(3600),
    })
}

async fn create_poll(app: &TestApp, body: Value) -> Value {
    let created = app
        .send(Method::POST, POLLS, Some(&app.portal_lead), Some(body))
        .await;
    assert_eq!(created.status, 201, "creating a poll: {created:#?}");
    created.body
}

async fn close_poll(app: &TestApp, poll: &str, version: u64) -> Reply {
    app.send_with_headers(
        Method::POST,
        &format!("{}/close", poll_path(poll)),
        &app.portal_lead,
        json!({}),
        &[("If-Match", &format!("\"{version}\""))],
    )
    .await
}

/// Casts `who`'s ballot in `poll` (the request is built at once, so the choices may be
/// temporaries).
fn staff_ballot<'a>(
    app: &'a TestApp,
    who: &'a Actor,
    poll: &str,
    choices: &[&String],
) -> impl std::future::Future<Output = Reply> + use<'a> {
    let path = staff_ballot_path(poll);
    let body = json!({ "choices": choices });
    async move { app.send(Method::PUT, &path, Some(who), Some(body)).await }
}

/// Casts `patient`'s ballot in `poll` as `who` (the patient or a caregiver).
fn patient_ballot<'a>(
    app: &'a TestApp,
    who: &'a Actor,
    patient: &Patient,
    poll: &str,
    choices: &[&String],
) -> impl std::future::Future<Output = Reply> + use<'a> {
    let path = patient_ballot_path(patient, poll);
    let body = json!({ "choices": choices });
    async move { app.send(Method::PUT, &path, Some(who), Some(body)).await }
}

async fn results(app: &TestApp, poll: &str) -> Value {
    let reply = app
        .get(&format!("{}/results", poll_path(poll)), &app.portal_lead)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

/// The stratum's results (`staff`, `patients`, `practices`).
fn stratum<'a>(results: &'a Value, name: &str) -> &'a Value {
    results["strata"]
        .as_array()
        .expect("strata")
        .iter()
        .find(|s| s["stratum"] == name)
        .unwrap_or_else(|| panic!("{name} in {results:#?}"))
}

/// (ideaId, points, rank) of a stratum's ranking.
fn ranking(stratum: &Value) -> Vec<(String, u64, u64)> {
    stratum["ranking"]
        .as_array()
        .expect("ranking")
        .iter()
        .map(|row| {
            (
                id_of(row, "ideaId"),
                row["points"].as_u64().expect("points"),
                row["rank"].as_u64().expect("rank"),
            )
        })
        .collect()
}

/// (ideaId, score, rank) of an overall order.
fn order(rows: &Value) -> Vec<(String, f64, u64)> {
    rows.as_array()
        .expect("an order")
        .iter()
        .map(|row| {
            (
                id_of(row, "ideaId"),
                row["score"].as_f64().expect("score"),
                row["rank"].as_u64().expect("rank"),
            )
        })
        .collect()
}

/// The poll as `who` lists it among their polls (`path`), if it is there.
async fn listed(app: &TestApp, path: &str, who: &Actor, poll: &str) -> Option<Value> {
    let reply = app.get(path, who).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["pollId"] == poll)
        .cloned()
}

async fn public(app: &TestApp, from: IpAddr, path: &str, body: Value) -> Reply {
    app.send_public(from, path, body, None).await
}

/// A practice link to the poll: (linkId, token).
async fn new_link(app: &TestApp, poll: &str, practice: &str) -> (String, String) {
    let reply = app
        .send(
            Method::POST,
            &format!("{}/links", poll_path(poll)),
            Some(&app.portal_lead),
            Some(json!({ "practiceName": practice })),
        )
        .await;
    assert_eq!(reply.status, 201, "creating a link: {reply:#?}");
    (id_of(&reply.body, "linkId"), id_of(&reply.body, "token"))
}

// ---- definitions ------------------------------------------------------------------------------

#[tokio::test]
async fn a_portal_lead_creates_reads_lists_and_closes_a_poll() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 4).await;
    let mut body = poll_body(&ideas, json!({"staffRoles": ["clinicians", "front-desk"]}));
    body.as_object_mut().expect("a body").remove("topK");
    let key = ulid::Ulid::generate().to_string();
    let created = app
        .send_with_headers(
            Method::POST,
            POLLS,
            &app.portal_lead,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let poll = id_of(&created.body, "pollId");
    assert_eq!(created.header("location"), Some(poll_path(&poll)));
    assert_eq!(created.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(created.body["title"], body["title"]);
    assert_eq!(created.body["ideaIds"], json!(ideas));
    assert_eq!(created.body["method"], "rank");
    assert_eq!(created.body["topK"], 3, "three by default");
    assert_eq!(
        created.body["audience"],
        json!({"staffRoles": ["clinicians", "front-desk"], "cohorts": [], "practices": false})
    );
    assert_eq!(created.body["state"], "open");
    assert_eq!(created.body["version"], 1);
    assert_eq!(created.body["createdBy"], app.portal_lead.sub.as_str());
    assert!(created.body.get("closedAt").is_none());

    // A retry with the same key answers the first response; another body with it is 422.
    let replayed = app
        .send_with_headers(
            Method::POST,
            POLLS,
            &app.portal_lead,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(replayed.status, 201);
    assert_eq!(
        replayed.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replayed.body, created.body);
    let mut other = body.clone();
    other["title"] = json!(unique("Another poll"));
    let reused = app
        .send_with_headers(
            Method::POST,
            POLLS,
            &app.portal_lead,
            other,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_problem(&reused, 422, None);

    // Read: counts and links; the admin reads too.
    let read = app.get(&poll_path(&poll), &app.admin).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(
        read.body["ballots"],
        json!({"staff": 0, "patients": 0, "practices": 0})
    );
    assert_eq!(read.body["links"], json!([]));
    let list = app.get(POLLS, &app.portal_lead).await;
    assert_eq!(list.status, 200, "{list:#?}");
    let items = list.body["items"].as_array().expect("items");
    let mine: Vec<&Value> = items
        .iter()
        .filter(|p| p["pollId"] == poll.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "listed once, the replay made no second poll");
    assert_eq!(mine[0]["ballots"]["staff"], 0);
    assert!(
        app.get(&poll_path("01ARZ3NDEKTSV4RRFFQ69G5FAV"), &app.admin)
            .await
            .status
            == 404
    );
    assert_eq!(
        app.get(&poll_path("not-a-poll"), &app.admin).await.status,
        404
    );

    // Close: If-Match required and current; a closed poll is not closed again.
    let close = format!("{}/close", poll_path(&poll));
    let missing = app
        .send(Method::POST, &close, Some(&app.portal_lead), None)
        .await;
    assert_problem(&missing, 428, None);
    assert_problem(&close_poll(app, &poll, 7).await, 412, None);
    let closed = close_poll(app, &poll, 1).await;
    assert_eq!(closed.status, 200, "{closed:#?}");
    assert_eq!(closed.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(closed.body["state"], "closed");
    assert_eq!(closed.body["version"], 2);
    assert!(closed.body["closedAt"].is_string(), "{closed:#?}");
    assert_eq!(closed.body["closesAt"], closed.body["closedAt"]);
    let again = close_poll(app, &poll, 2).await;
    assert_problem(&again, 409, None);
    let read = app.get(&poll_path(&poll), &app.portal_lead).await;
    assert_eq!(read.body["state"], "closed");
    assert_eq!(read.body["version"], 2);
}

/// A change to a valid request that makes it invalid.
type Change = Box<dyn Fn(&mut Value)>;

#[tokio::test]
async fn creating_a_poll_checks_every_field_and_writes_nothing() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 3).await;
    let cohort = cohort_of(app, false, &[]).await;
    let title = unique("Refused poll");
    let valid = || {
        let mut body = poll_body(
            &ideas,
            json!({"staffRoles": ["clinicians"], "cohorts": [cohort]}),
        );
        body["title"] = json!(title);
        body
    };
    let unknown_idea = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    let cases: Vec<(&str, Change)> = vec![
        ("title", Box::new(|b| b["title"] = json!(""))),
        (
            "question",
            Box::new(|b| b["question"] = json!("x".repeat(501))),
        ),
        (
            "ideaIds",
            Box::new(|b| b["ideaIds"] = json!([b["ideaIds"][0]])),
        ),
        (
            "ideaIds[1]",
            Box::new(|b| b["ideaIds"] = json!([b["ideaIds"][0], b["ideaIds"][0]])),
        ),
        (
            "ideaIds[2]",
            Box::new(move |b| b["ideaIds"][2] = json!(unknown_idea)),
        ),
        ("topK", Box::new(|b| b["topK"] = json!(4))),
        (
            "audience.staffRoles[0]",
            Box::new(|b| b["audience"]["staffRoles"] = json!(["patients"])),
        ),
        (
            "audience.cohorts[0]",
            Box::new(|b| b["audience"]["cohorts"] = json!([unique_cohort_name()])),
        ),
        ("audience", Box::new(|b| b["audience"] = json!({}))),
        (
            "weights",
            Box::new(|b| b["weights"] = json!({"staff": 0, "patients": 0, "practices": 10})),
        ),
        (
            "weights.staff",
            Box::new(|b| b["weights"]["staff"] = json!(101)),
        ),
        ("closesAt", Box::new(|b| b["closesAt"] = json!(at(-10)))),
        (
            "closesAt",
            Box::new(|b| {
                b["opensAt"] = json!(at(7200));
                b["closesAt"] = json!(at(3600));
            }),
        ),
        ("opensAt", Box::new(|b| b["opensAt"] = json!("tomorrow"))),
        ("method", Box::new(|b| b["method"] = json!("score"))),
        ("colour", Box::new(|b| b["colour"] = json!("blue"))),
    ];
    for (field, change) in cases {
        let mut body = valid();
        change(&mut body);
        let reply = app
            .send(Method::POST, POLLS, Some(&app.portal_lead), Some(body))
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let list = app.get(POLLS, &app.portal_lead).await;
    assert!(
        !list.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|p| p["title"] == title.as_str()),
        "nothing was written"
    );
    // The same body, valid, is taken.
    create_poll(app, valid()).await;
}

#[tokio::test]
async fn the_practice_s_poll_routes_refuse_other_roles_and_anonymous_callers() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 2).await;
    let poll = id_of(
        &create_poll(app, poll_body(&ideas, json!({"practices": true}))).await,
        "pollId",
    );
    let patient = app.new_patient().await;
    let reads = [
        POLLS.to_owned(),
        poll_path(&poll),
        format!("{}/results", poll_path(&poll)),
    ];
    for path in &reads {
        for who in [
            &app.front_desk,
            &app.clinician,
            &app.response_team,
            &patient.actor,
        ] {
            assert_problem(&app.get(path, who).await, 403, None);
        }
        assert_eq!(app.get(path, &app.admin).await.status, 200, "{path}");
        assert_eq!(app.send(Method::GET, path, None, None).await.status, 401);
    }
    let writes = [
        (
            POLLS.to_owned(),
            poll_body(&ideas, json!({"practices": true})),
        ),
        (
            format!("{}/links", poll_path(&poll)),
            json!({"practiceName": "Riverside"}),
        ),
        (format!("{}/close", poll_path(&poll)), json!({})),
    ];
    for (path, body) in &writes {
        for who in [&app.admin, &app.clinician, &patient.actor, &app.caregiver] {
            let reply = app
                .send_with_headers(
                    Method::POST,
                    path,
                    who,
                    body.clone(),
                    &[("If-Match", "\"1\"")],
                )
                .await;
            assert_problem(&reply, 403, None);
        }
        let anonymous = app.send(Method::POST, path, None, Some(body.clone())).await;
        assert_eq!(anonymous.status, 401, "{path}");
    }
    // Staff's own polls are staff's: patients and caregivers may not.
    for who in [&patient.actor, &app.caregiver] {
        assert_problem(&app.get(STAFF_POLLS, who).await, 403, None);
        assert_problem(
            &staff_ballot(app, who, &poll, &[&ideas[0]]).await,
            403,
            None,
        );
    }
    assert_eq!(
        app.send(Method::GET, STAFF_POLLS, None, None).await.status,
        401
    );
    let refused = app.actor_audit_events(&app.front_desk).await;
    assert!(
        refused
            .iter()
            .any(|e| e["action"] == "poll-results.read" && e["outcome"] == "denied"),
        "{refused:#?}"
    );
    // Nothing changed.
    let read = app.get(&poll_path(&poll), &app.portal_lead).await;
    assert_eq!(read.body["version"], 1);
    assert_eq!(read.body["links"], json!([]));
}

// ---- ballots ----------------------------------------------------------------------------------

#[tokio::test]
async fn staff_see_and_answer_the_polls_addressed_to_their_roles() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 3).await;
    let poll = id_of(
        &create_poll(
            app,
            poll_body(&ideas, json!({"staffRoles": ["clinicians"]})),
        )
        .await,
        "pollId",
    );
    let seen = listed(app, STAFF_POLLS, &app.clinician, &poll)
        .await
        .expect("the clinician is asked");
    assert_eq!(seen["state"], "open");
    assert_eq!(seen["topK"], 2);
    assert_eq!(seen["ideas"].as_array().expect("ideas").len(), 3);
    assert_eq!(seen["ideas"][0]["ideaId"], ideas[0].as_str());
    assert_eq!(seen["ideas"][0]["status"], "proposed");
    assert!(seen["ideas"][0]["benefit"].is_string());
    assert!(seen.get("myBallot").is_none() && seen.get("outcome").is_none());
    // Not addressed to the front desk: not listed, and its ballot is 404.
    assert!(
        listed(app, STAFF_POLLS, &app.front_desk, &poll)
            .await
            .is_none()
    );
    let refused = staff_ballot(app, &app.front_desk, &poll, &[&ideas[0]]).await;
    assert_problem(&refused, 404, None);
    let unknown = staff_ballot(
        app,
        &app.clinician,
        "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        &[&ideas[0]],
    )
    .await;
    assert_problem(&unknown, 404, None);

    // Bad ballots name the field and write nothing.
    let outsider = "01ARZ3NDEKTSV4RRFFQ69G5FAV".to_owned();
    for (choices, field) in [
        (vec![], "choices"),
        (vec![&ideas[0], &ideas[1], &ideas[2]], "choices"),
        (vec![&outsider], "choices[0]"),
        (vec![&ideas[1], &ideas[1]], "choices[1]"),
    ] {
        let reply = staff_ballot(app, &app.clinician, &poll, &choices).await;
        assert_problem(&reply, 422, Some(field));
    }
    let malformed = app
        .send(
            Method::PUT,
            &staff_ballot_path(&poll),
            Some(&app.clinician),
            Some(json!({"choices": [ideas[0]], "weight": 2})),
        )
        .await;
    assert_problem(&malformed, 422, Some("weight"));
    assert_eq!(results(app, &poll).await["strata"][0]["ballots"], 0);

    let first = staff_ballot(app, &app.clinician, &poll, &[&ideas[2], &ideas[0]]).await;
    assert_eq!(first.status, 201, "{first:#?}");
    assert_eq!(first.body["ballot"]["choices"], json!([ideas[2], ideas[0]]));
    assert!(first.body["ballot"]["castAt"].is_string());
    let replaced = staff_ballot(app, &app.clinician, &poll, &[&ideas[1]]).await;
    assert_eq!(replaced.status, 200, "{replaced:#?}");
    let seen = listed(app, STAFF_POLLS, &app.clinician, &poll)
        .await
        .expect("still asked");
    assert_eq!(seen["myBallot"]["choices"], json!([ideas[1]]));
    let counted = results(app, &poll).await;
    assert_eq!(stratum(&counted, "staff")["ballots"], 1);
}

#[tokio::test]
async fn patients_in_the_poll_s_cohorts_see_and_answer_it_and_nobody_else() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 3).await;
    let member = app.new_patient().await;
    let outsider = app.new_patient().await;
    let cohort = cohort_of(app, false, &[&member]).await;
    let poll = id_of(
        &create_poll(app, poll_body(&ideas, json!({"cohorts": [cohort]}))).await,
        "pollId",
    );
    let seen = listed(app, &patient_polls_path(&member), &member.actor, &poll)
        .await
        .expect("the member is asked");
    assert_eq!(seen["state"], "open");
    assert_eq!(seen["ideas"].as_array().expect("ideas").len(), 3);
    assert!(
        listed(app, &patient_polls_path(&outsider), &outsider.actor, &poll)
            .await
            .is_none(),
        "a patient outside the cohorts does not see it"
    );
    let refused = patient_ballot(app, &outsider.actor, &outsider, &poll, &[&ideas[0]]).await;
    assert_problem(&refused, 404, None);

    // Another patient's polls and ballots are 404; staff may not cast a patient's ballot.
    assert_problem(
        &app.get(&patient_polls_path(&member), &outsider.actor).await,
        404,
        None,
    );
    let foreign = patient_ballot(app, &outsider.actor, &member, &poll, &[&ideas[0]]).await;
    assert_problem(&foreign, 404, None);
    for who in [&app.portal_lead, &app.front_desk] {
        assert_problem(&app.get(&patient_polls_path(&member), who).await, 403, None);
        assert_problem(
            &patient_ballot(app, who, &member, &poll, &[&ideas[0]]).await,
            403,
            None,
        );
    }
    let anonymous = app
        .send(
            Method::PUT,
            &patient_ballot_path(&member, &poll),
            None,
            Some(json!({"choices": [ideas[0]]})),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    let bad = patient_ballot(app, &member.actor, &member, &poll, &[&ideas[0], &ideas[0]]).await;
    assert_problem(&bad, 422, Some("choices[1]"));
    assert_eq!(
        stratum(&results(app, &poll).await, "patients")["ballots"],
        0
    );

    let first = patient_ballot(app, &member.actor, &member, &poll, &[&ideas[0], &ideas[1]]).await;
    assert_eq!(first.status, 201, "{first:#?}");
    // A caregiver casts it for the patient: the same ballot, replaced.
    app.grant(
        &member.id,
        &app.caregiver,
        &[Scope::Messages],
        GrantState::Active,
    )
    .await;
    let by_caregiver = patient_ballot(app, &app.caregiver, &member, &poll, &[&ideas[2]]).await;
    assert_eq!(by_caregiver.status, 200, "{by_caregiver:#?}");
    let seen = listed(app, &patient_polls_path(&member), &member.actor, &poll)
        .await
        .expect("asked");
    assert_eq!(seen["myBallot"]["choices"], json!([ideas[2]]));
    assert_eq!(
        stratum(&results(app, &poll).await, "patients")["ballots"],
        1
    );

    let events = app.audit_events(&member.id).await;
    let resource = format!("polls/{poll}/ballot");
    assert!(
        events.iter().any(|e| e["action"] == "poll.respond"
            && e["resource"] == resource.as_str()
            && e["outcome"] == "allowed"
            && e["relationship"] == "caregiver"),
        "{events:#?}"
    );
    assert!(
        events.iter().any(|e| e["action"] == "poll.respond"
            && e["resource"] == resource.as_str()
            && e["outcome"] == "denied"),
        "the foreign attempt is in the patient's log: {events:#?}"
    );
}

#[tokio::test]
async fn concurrent_submissions_are_each_counted_exactly_once() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 3).await;
    let patients = join_all((0..5).map(|_| app.new_patient())).await;
    let members: Vec<&Patient> = patients.iter().collect();
    let cohort = cohort_of(app, false, &members).await;
    let poll = id_of(
        &create_poll(
            app,
            poll_body(
                &ideas,
                json!({
                    "staffRoles": ["clinicians", "front-desk", "response-team", "admins"],
                    "cohorts": [cohort],
                }),
            ),
        )
        .await,
        "pollId",
    );

    // One patient, ten submissions at once: one ballot, created once and replaced the rest.
    let one = &patients[0];
    let replies = join_all((0..10).map(|n| {
        let choice = &ideas[n % 3];
        patient_ballot(app, &one.actor, one, &poll, &[choice])
    }))
    .await;
    assert!(
        replies.iter().all(|r| r.status == 200 || r.status == 201),
        "{replies:#?}"
    );
    assert_eq!(
        replies.iter().filter(|r| r.status == 201).count(),
        1,
        "one creation: {replies:#?}"
    );
    let counted = results(app, &poll).await;
    assert_eq!(stratum(&counted, "patients")["ballots"], 1);
    let points: u64 = ranking(stratum(&counted, "patients"))
        .iter()
        .map(|(_, points, _)| points)
        .sum();
    assert_eq!(points, 2, "one ballot's points (k = 2, one choice)");

    // Eight different respondents at once: four staff, four patients; each counted once.
    let staff = [
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.admin,
    ];
    let by_staff = staff
        .iter()
        .map(|who| staff_ballot(app, who, &poll, &[&ideas[0], &ideas[1]]));
    let by_patients = patients[1..]
        .iter()
        .map(|p| patient_ballot(app, &p.actor, p, &poll, &[&ideas[1]]));
    let (staff_replies, patient_replies) =
        futures::join!(join_all(by_staff), join_all(by_patients));
    for reply in staff_replies.iter().chain(&patient_replies) {
        assert_eq!(reply.status, 201, "{reply:#?}");
    }
    let counted = results(app, &poll).await;
    assert_eq!(stratum(&counted, "staff")["ballots"], 4);
    assert_eq!(stratum(&counted, "patients")["ballots"], 5);
    let read = app.get(&poll_path(&poll), &app.portal_lead).await;
    assert_eq!(
        read.body["ballots"],
        json!({"staff": 4, "patients": 5, "practices": 0})
    );
    // The staff ranked ideas[0] first (2 points each) and ideas[1] second (1 each).
    let staff_ranking = ranking(stratum(&counted, "staff"));
    assert_eq!(staff_ranking[0], (ideas[0].clone(), 8, 1));
    assert_eq!(staff_ranking[1], (ideas[1].clone(), 4, 2));
}

#[tokio::test]
async fn a_replaced_ballot_replaces_its_points() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 3).await;
    let poll = id_of(
        &create_poll(
            app,
            poll_body(&ideas, json!({"staffRoles": ["clinicians"]})),
        )
        .await,
        "pollId",
    );
    let first = staff_ballot(app, &app.clinician, &poll, &[&ideas[0], &ideas[1]]).await;
    assert_eq!(first.status, 201, "{first:#?}");
    let before = ranking(stratum(&results(app, &poll).await, "staff"));
    assert_eq!(
        before,
        vec![
            (ideas[0].clone(), 2, 1),
            (ideas[1].clone(), 1, 2),
            (ideas[2].clone(), 0, 3)
        ]
    );
    let replaced = staff_ballot(app, &app.clinician, &poll, &[&ideas[2]]).await;
    assert_eq!(replaced.status, 200, "{replaced:#?}");
    let counted = results(app, &poll).await;
    assert_eq!(stratum(&counted, "staff")["ballots"], 1);
    let after = ranking(stratum(&counted, "staff"));
    assert_eq!(after[0], (ideas[2].clone(), 2, 1));
    assert!(
        after[1..]
            .iter()
            .all(|(_, points, rank)| *points == 0 && *rank == 2)
    );
}

#[tokio::test]
async fn a_poll_takes_ballots_only_while_it_is_open() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 2).await;
    let member = app.new_patient().await;
    let cohort = cohort_of(app, false, &[&member]).await;
    let audience = json!({"staffRoles": ["clinicians"], "cohorts": [cohort]});

    // Not open yet.
    let mut body = poll_body(&ideas, audience.clone());
    body["opensAt"] = json!(at(3600));
    body["closesAt"] = json!(at(7200));
    let scheduled = create_poll(app, body).await;
    assert_eq!(scheduled["state"], "scheduled");
    let scheduled = id_of(&scheduled, "pollId");
    let early = staff_ballot(app, &app.clinician, &scheduled, &[&ideas[0]]).await;
    assert_problem(&early, 409, None);
    assert_eq!(early.body["type"], POLL_CLOSED);
    assert!(
        early.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("not open yet")),
        "{early:#?}"
    );
    let early = patient_ballot(app, &member.actor, &member, &scheduled, &[&ideas[0]]).await;
    assert_problem(&early, 409, None);
    let seen = listed(app, &patient_polls_path(&member), &member.actor, &scheduled)
        .await
        .expect("a scheduled poll is listed");
    assert_eq!(seen["state"], "scheduled");
    assert_eq!(
        app.get(&poll_path(&scheduled), &app.portal_lead).await.body["ballots"],
        json!({"staff": 0, "patients": 0, "practices": 0})
    );

    // Open, then closed: the ballot cast before stays; none is taken after.
    let poll = id_of(
        &create_poll(app, poll_body(&ideas, audience)).await,
        "pollId",
    );
    let cast = patient_ballot(app, &member.actor, &member, &poll, &[&ideas[1]]).await;
    assert_eq!(cast.status, 201, "{cast:#?}");
    assert_eq!(close_poll(app, &poll, 1).await.status, 200);
    let late = patient_ballot(app, &member.actor, &member, &poll, &[&ideas[0]]).await;
    assert_problem(&late, 409, None);
    assert_eq!(late.body["type"], POLL_CLOSED);
    assert!(
        late.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("closed")),
        "{late:#?}"
    );
    let late = staff_ballot(app, &app.clinician, &poll, &[&ideas[0]]).await;
    assert_problem(&late, 409, None);
    let counted = results(app, &poll).await;
    assert_eq!(counted["state"], "closed");
    assert_eq!(stratum(&counted, "patients")["ballots"], 1);
    assert_eq!(stratum(&counted, "staff")["ballots"], 0);
    assert_eq!(
        ranking(stratum(&counted, "patients"))[0],
        (ideas[1].clone(), 2, 1),
        "the ballot cast before closing, unchanged"
    );
}

// ---- practice links ---------------------------------------------------------------------------

#[tokio::test]
async fn a_practice_link_casts_one_ballot_that_it_can_replace() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 3).await;
    let poll = id_of(
        &create_poll(app, poll_body(&ideas, json!({"practices": true}))).await,
        "pollId",
    );
    let practice = unique("Riverside Family Practice");
    let created = app
        .send(
            Method::POST,
            &format!("{}/links", poll_path(&poll)),
            Some(&app.portal_lead),
            Some(json!({ "practiceName": practice })),
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let link = id_of(&created.body, "linkId");
    let token = id_of(&created.body, "token");
    assert_eq!(token.len(), 43, "32 bytes, base64url");
    assert_eq!(created.body["practiceName"], practice.as_str());
    assert!(
        created.body["url"]
            .as_str()
            .is_some_and(|url| url.ends_with(&format!("/vote#{token}"))),
        "{created:#?}"
    );
    let read = app.get(&poll_path(&poll), &app.portal_lead).await;
    assert_eq!(read.body["links"][0]["linkId"], link.as_str());
    assert_eq!(read.body["links"][0]["voted"], false);
    assert!(
        !read.body.to_string().contains(&token),
        "the token is shown once"
    );

    let from = fresh_client_address();
    let looked = public(app, from, LOOKUP, json!({ "token": token })).await;
    assert_eq!(looked.status, 200, "{looked:#?}");
    assert_eq!(looked.body["pollId"], poll.as_str());
    assert_eq!(looked.body["state"], "open");
    assert_eq!(looked.body["ideas"].as_array().expect("ideas").len(), 3);
    assert!(looked.body.get("myBallot").is_none());

    let bad = public(
        app,
        from,
        PUBLIC_BALLOTS,
        json!({"token": token, "choices": [ideas[0], ideas[0]]}),
    )
    .await;
    assert_problem(&bad, 422, Some("choices[1]"));
    let first = public(
        app,
        from,
        PUBLIC_BALLOTS,
        json!({"token": token, "choices": [ideas[0], ideas[1]]}),
    )
    .await;
    assert_eq!(first.status, 201, "{first:#?}");
    let second = public(
        app,
        from,
        PUBLIC_BALLOTS,
        json!({"token": token, "choices": [ideas[2]]}),
    )
    .await;
    assert_eq!(second.status, 200, "replaced: {second:#?}");
    let counted = results(app, &poll).await;
    let practices = stratum(&counted, "practices");
    assert_eq!(practices["ballots"], 1);
    assert_eq!(ranking(practices)[0], (ideas[2].clone(), 2, 1));
    let looked = public(app, from, LOOKUP, json!({ "token": token })).await;
    assert_eq!(looked.body["myBallot"]["choices"], json!([ideas[2]]));
    let read = app.get(&poll_path(&poll), &app.portal_lead).await;
    assert_eq!(read.body["links"][0]["voted"], true);
    assert_eq!(read.body["ballots"]["practices"], 1);

    // Another link is another practice: its own ballot.
    let (_, other) = new_link(app, &poll, "Hillside Clinic").await;
    let cast = public(
        app,
        from,
        PUBLIC_BALLOTS,
        json!({"token": other, "choices": [ideas[2], ideas[1]]}),
    )
    .await;
    assert_eq!(cast.status, 201, "{cast:#?}");
    assert_eq!(
        stratum(&results(app, &poll).await, "practices")["ballots"],
        2
    );

    // Once closed: no more ballots, and the link shows the outcome.
    assert_eq!(close_poll(app, &poll, 1).await.status, 200);
    let late = public(
        app,
        from,
        PUBLIC_BALLOTS,
        json!({"token": token, "choices": [ideas[0]]}),
    )
    .await;
    assert_problem(&late, 409, None);
    let looked = public(app, from, LOOKUP, json!({ "token": token })).await;
    assert_eq!(looked.body["state"], "closed");
    assert_eq!(looked.body["outcome"][0]["ideaId"], ideas[2].as_str());
}

#[tokio::test]
async fn links_are_for_polls_that_ask_practices_and_for_portal_leads() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 2).await;
    let staff_only = id_of(
        &create_poll(
            app,
            poll_body(&ideas, json!({"staffRoles": ["clinicians"]})),
        )
        .await,
        "pollId",
    );
    let path = format!("{}/links", poll_path(&staff_only));
    let refused = app
        .send(
            Method::POST,
            &path,
            Some(&app.portal_lead),
            Some(json!({"practiceName": "Riverside"})),
        )
        .await;
    assert_problem(&refused, 422, Some("audience.practices"));
    let poll = id_of(
        &create_poll(app, poll_body(&ideas, json!({"practices": true}))).await,
        "pollId",
    );
    let path = format!("{}/links", poll_path(&poll));
    for (body, field) in [
        (json!({"practiceName": ""}), "practiceName"),
        (json!({"practiceName": "x".repeat(121)}), "practiceName"),
        (json!({"practiceName": "Line\nbreak"}), "practiceName"),
        (json!({"practiceName": "A", "token": "mine"}), "token"),
    ] {
        let reply = app
            .send(Method::POST, &path, Some(&app.portal_lead), Some(body))
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let unknown = app
        .send(
            Method::POST,
            &format!("{}/links", poll_path("01ARZ3NDEKTSV4RRFFQ69G5FAV")),
            Some(&app.portal_lead),
            Some(json!({"practiceName": "Riverside"})),
        )
        .await;
    assert_problem(&unknown, 404, None);
    let read = app.get(&poll_path(&poll), &app.portal_lead).await;
    assert_eq!(read.body["links"], json!([]), "nothing written");
}

#[tokio::test]
async fn unknown_tokens_are_not_found_and_guessing_them_is_limited() {
    let app = spawn_app().await;
    let ideas = new_ideas(app, 2).await;
    let poll = id_of(
        &create_poll(app, poll_body(&ideas, json!({"practices": true}))).await,
        "pollId",
    );
    let (_, token) = new_link(app, &poll, "Lakeside Practice").await;

    // Tokens that work never count: many lookups from one address all answer.
    let busy = fresh_client_address();
    for _ in 0..32 {
        let looked = public(app, busy, LOOKUP, json!({ "token": token })).await;
        assert_eq!(looked.status, 200, "{looked:#?}");
    }

    let guesser = fresh_client_address();
    let unknown_token = "A".repeat(42) + "Q";
    let malformed = public(app, guesser, LOOKUP, json!({"token": "not-a-token"})).await;
    assert_problem(&malformed, 404, None);
    let mut refused = None;
    for attempt in 0..40 {
        let reply = public(app, guesser, LOOKUP, json!({ "token": unknown_token })).await;
        if reply.status == 429 {
            refused = Some((attempt, reply));
            break;
        }
        assert_problem(&reply, 404, None);
    }
    let (attempt, refused) = refused.expect("guessing is limited");
    assert_eq!(attempt, 29, "30 failures in the window, the 31st refused");
    assert_problem(&refused, 429, None);
    assert!(refused.header("retry-after").is_some(), "{refused:#?}");
    assert_eq!(refused.body["limit"], 30);
    // Refused whatever it sends now, until the window ends.
    let blocked = public(app, guesser, LOOKUP, json!({ "token": token })).await;
    assert_problem(&blocked, 429, None);
    // The ballots' limit is its own; another address is not limited at all.
    let guessed_ballot = public(
        app,
        guesser,
        PUBLIC_BALLOTS,
        json!({"token": unknown_token, "choices": [ideas[0]]}),
    )
    .await;
    assert_problem(&guessed_ballot, 404, None);
    let elsewhere = public(
        app,
        fresh_client_address(),
        LOOKUP,
        json!({ "token": token }),
    )
    .await;
    assert_eq!(elsewhere.status, 200);
    // The token field itself is checked before anything is counted.
    let empty = public(app, fresh_client_address(), LOOKUP, json!({"token": ""})).await;
    assert_problem(&empty, 422, Some("token"));
    // Nothing about the poll's respondents leaks to a guesser.
    assert!(!refused.body.to_string().contains(&poll));
}

// ---- results ----------------------------------------------------------------------------------

/// The worked example of `polls::count` (its doc comment), through the API: three ideas, rank
/// top 2, weights staff 1, patients 2, practices 1; four staff ballots, two patients', one
/// practice's. Respondents see the outcome only once the poll has closed.
#[tokio::test]
async fn borda_per_stratum_and_the_weighted_order_follow_the_worked_example() {
    let app = spawn_app().await;
    let suffix = ulid::Ulid::generate().to_string();
    // Titles in the order A < B < C, whatever the suffix.
    let a = new_idea_id(app, &format!("Bills online {suffix}")).await;
    let b = new_idea_id(app, &format!("Booking {suffix}")).await;
    let c = new_idea_id(app, &format!("Check-in {suffix}")).await;
    let first = app.new_patient().await;
    let second = app.new_patient().await;
    let cohort = cohort_of(app, false, &[&first, &second]).await;
    let mut body = poll_body(
        &[c.clone(), a.clone(), b.clone()],
        json!({
            "staffRoles": ["clinicians", "front-desk", "response-team", "admins"],
            "cohorts": [cohort],
            "practices": true,
        }),
    );
    body["weights"] = json!({"staff": 1, "patients": 2, "practices": 1});
    let poll = id_of(&create_poll(app, body).await, "pollId");
    let (_, token) = new_link(app, &poll, "Riverside").await;

    for (who, choices) in [
        (&app.clinician, vec![&a, &b]),
        (&app.front_desk, vec![&a, &c]),
        (&app.response_team, vec![&b, &a]),
        (&app.admin, vec![&c]),
    ] {
        assert_eq!(staff_ballot(app, who, &poll, &choices).await.status, 201);
    }
    for (patient, choices) in [(&first, vec![&c, &b]), (&second, vec![&c, &a])] {
        let reply = patient_ballot(app, &patient.actor, patient, &poll, &choices).await;
        assert_eq!(reply.status, 201, "{reply:#?}");
    }
    let cast = public(
        app,
        fresh_client_address(),
        PUBLIC_BALLOTS,
        json!({"token": token, "choices": [b]}),
    )
    .await;
    assert_eq!(cast.status, 201, "{cast:#?}");

    let counted = results(app, &poll).await;
    assert_eq!(counted["pollId"], poll.as_str());
    assert_eq!(counted["method"], "rank");
    assert_eq!(counted["state"], "open");
    let staff = stratum(&counted, "staff");
    assert_eq!(
        (staff["ballots"].as_u64(), staff["weight"].as_f64()),
        (Some(4), Some(1.0))
    );
    assert_eq!(
        ranking(staff),
        vec![(a.clone(), 5, 1), (b.clone(), 3, 2), (c.clone(), 3, 2)]
    );
    let patients = stratum(&counted, "patients");
    assert_eq!(patients["ballots"], 2);
    assert_eq!(patients["weight"].as_f64(), Some(2.0));
    assert_eq!(
        ranking(patients),
        vec![(c.clone(), 4, 1), (a.clone(), 1, 2), (b.clone(), 1, 2)]
    );
    let practices = stratum(&counted, "practices");
    assert_eq!(practices["ballots"], 1);
    assert_eq!(
        ranking(practices),
        vec![(b.clone(), 2, 1), (a.clone(), 0, 2), (c.clone(), 0, 2)]
    );
    assert_eq!(
        order(&counted["overall"]),
        vec![
            (c.clone(), 4.75, 1),
            (b.clone(), 3.75, 2),
            (a.clone(), 2.25, 3)
        ]
    );
    assert_eq!(
        counted["overall"][0]["title"],
        format!("Check-in {suffix}").as_str()
    );

    // CSV: each stratum's rows, then the overall order.
    let csv = app
        .send_raw_with_headers(
            Method::GET,
            &format!("{}/results", poll_path(&poll)),
            &app.admin,
            "application/json",
            "",
            &[("Accept", "text/csv")],
        )
        .await;
    assert_eq!(csv.status, 200, "{csv:#?}");
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        csv.header("content-disposition")
            .is_some_and(|d| d.contains(&format!("poll-{poll}.csv")))
    );
    let text = csv.body.as_str().expect("CSV text").to_owned();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "stratum,rank,ideaId,title,points,ballots");
    assert_eq!(lines[1], format!("staff,1,{a},Bills online {suffix},5,4"));
    assert_eq!(lines[4], format!("patients,1,{c},Check-in {suffix},4,2"));
    assert_eq!(lines[7], format!("practices,1,{b},Booking {suffix},2,1"));
    assert_eq!(lines[10], format!("overall,1,{c},Check-in {suffix},4.75,7"));
    assert_eq!(
        lines[12],
        format!("overall,3,{a},Bills online {suffix},2.25,7")
    );
    assert_eq!(lines.len(), 13);
    let by_query = app
        .get(
            &format!("{}/results?format=csv", poll_path(&poll)),
            &app.admin,
        )
        .await;
    assert_eq!(by_query.body, csv.body);
    let bad_format = app
        .get(
            &format!("{}/results?format=xml", poll_path(&poll)),
            &app.admin,
        )
        .await;
    assert_problem(&bad_format, 422, Some("format"));

    // The outcome: not while open; to every kind of respondent once closed.
    let open = listed(app, &patient_polls_path(&first), &first.actor, &poll)
        .await
        .expect("asked");
    assert!(open.get("outcome").is_none(), "{open:#?}");
    assert_eq!(close_poll(app, &poll, 1).await.status, 200);
    let expected = vec![
        (c.clone(), 4.75, 1),
        (b.clone(), 3.75, 2),
        (a.clone(), 2.25, 3),
    ];
    let closed = listed(app, &patient_polls_path(&first), &first.actor, &poll)
        .await
        .expect("asked");
    assert_eq!(closed["state"], "closed");
    assert_eq!(order(&closed["outcome"]), expected);
    assert_eq!(closed["myBallot"]["choices"], json!([c, b]));
    let staff_view = listed(app, STAFF_POLLS, &app.admin, &poll)
        .await
        .expect("asked");
    assert_eq!(order(&staff_view["outcome"]), expected);
    let practice_view = public(
        app,
        fresh_client_address(),
        LOOKUP,
        json!({ "token": token }),
    )
    .await;
    assert_eq!(order(&practice_view.body["outcome"]), expected);
    // Nothing about any patient in the practice's view.
    let text = practice_view.body.to_string();
    assert!(!text.contains(&first.id) && !text.contains(&second.id));
}

// ---- the authorisation matrix -----------------------------------------------------------------

/// A fresh open poll over two new ideas, asking every staff role, a new cohort holding
/// `patient`, and practices; its id.
async fn matrix_poll(app: &TestApp, patient: &Patient) -> (String, Vec<String>) {
    let ideas = new_ideas(app, 2).await;
    let cohort = cohort_of(app, false, &[patient]).await;
    let body = poll_body(
        &ideas,
        json!({
            "staffRoles": ["clinicians", "front-desk", "response-team", "admins", "portal-leads"],
            "cohorts": [cohort],
            "practices": true,
        }),
    );
    (id_of(&create_poll(app, body).await, "pollId"), ideas)
}

/// The request the authorisation matrix sends on each of this module's routes, about
/// `patient`, with a fresh fixture each call (two ideas and an open poll asking every staff
/// role, a new cohort holding the patient, and practices; a practice link for the public
/// routes); `None` for routes not this module's. Returns (method, path, body, If-Match).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("GET", "/feedback/polls") => (Method::GET, POLLS.to_owned(), None, None),
        ("POST", "/feedback/polls") => {
            let ideas = new_ideas(app, 2).await;
            let body = poll_body(&ideas, json!({"staffRoles": ["clinicians"]}));
            (Method::POST, POLLS.to_owned(), Some(body), None)
        }
        ("GET", "/feedback/polls/{pollId}") => {
            let (poll, _) = matrix_poll(app, patient).await;
            (Method::GET, poll_path(&poll), None, None)
        }
        ("POST", "/feedback/polls/{pollId}/close") => {
            let (poll, _) = matrix_poll(app, patient).await;
            (
                Method::POST,
                format!("{}/close", poll_path(&poll)),
                None,
                Some("\"1\"".to_owned()),
            )
        }
        ("GET", "/feedback/polls/{pollId}/results") => {
            let (poll, _) = matrix_poll(app, patient).await;
            (
                Method::GET,
                format!("{}/results", poll_path(&poll)),
                None,
                None,
            )
        }
        ("POST", "/feedback/polls/{pollId}/links") => {
            let (poll, _) = matrix_poll(app, patient).await;
            (
                Method::POST,
                format!("{}/links", poll_path(&poll)),
                Some(json!({"practiceName": "Matrix Practice"})),
                None,
            )
        }
        ("GET", "/account/polls") => (Method::GET, STAFF_POLLS.to_owned(), None, None),
        ("PUT", "/account/polls/{pollId}/ballot") => {
            let (poll, ideas) = matrix_poll(app, patient).await;
            (
                Method::PUT,
                staff_ballot_path(&poll),
                Some(json!({"choices": [ideas[0]]})),
                None,
            )
        }
        ("GET", "/patients/{patientId}/polls") => {
            (Method::GET, patient_polls_path(patient), None, None)
        }
        ("PUT", "/patients/{patientId}/polls/{pollId}/ballot") => {
            let (poll, ideas) = matrix_poll(app, patient).await;
            (
                Method::PUT,
                patient_ballot_path(patient, &poll),
                Some(json!({"choices": [ideas[0]]})),
                None,
            )
        }
        ("POST", "/public/polls/lookup") => {
            let (poll, _) = matrix_poll(app, patient).await;
            let (_, token) = new_link(app, &poll, "Matrix Practice").await;
            (
                Method::POST,
                LOOKUP.to_owned(),
                Some(json!({ "token": token })),
                None,
            )
        }
        ("POST", "/public/polls/ballots") => {
            let (poll, ideas) = matrix_poll(app, patient).await;
            let (_, token) = new_link(app, &poll, "Matrix Practice").await;
            (
                Method::POST,
                PUBLIC_BALLOTS.to_owned(),
                Some(json!({"token": token, "choices": [ideas[0]]})),
                None,
            )
        }
        _ => return None,
    };
    Some(request)
}

#[tokio::test]
async fn the_matrix_requests_succeed_for_an_allowed_caller() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // (method, path, status, caller: None for the public routes)
    let routes: [(&str, &str, u16, Option<&Actor>); 12] = [
        ("GET", "/feedback/polls", 200, Some(&app.admin)),
        ("POST", "/feedback/polls", 201, Some(&app.portal_lead)),
        ("GET", "/feedback/polls/{pollId}", 200, Some(&app.admin)),
        (
            "POST",
            "/feedback/polls/{pollId}/close",
            200,
            Some(&app.portal_lead),
        ),
        (
            "GET",
            "/feedback/polls/{pollId}/results",
            200,
            Some(&app.admin),
        ),
        (
            "POST",
            "/feedback/polls/{pollId}/links",
            201,
            Some(&app.portal_lead),
        ),
        ("GET", "/account/polls", 200, Some(&app.front_desk)),
        (
            "PUT",
            "/account/polls/{pollId}/ballot",
            201,
            Some(&app.clinician),
        ),
        (
            "GET",
            "/patients/{patientId}/polls",
            200,
            Some(&patient.actor),
        ),
        (
            "PUT",
            "/patients/{patientId}/polls/{pollId}/ballot",
            201,
            Some(&patient.actor),
        ),
        ("POST", "/public/polls/lookup", 200, None),
        ("POST", "/public/polls/ballots", 201, None),
    ];
    for (method, path, status, who) in routes {
        let (method, url, body, if_match) = matrix_request(app, (method, path), &patient)
            .await
            .expect("a request");
        let reply = match (who, if_match) {
            (None, _) => public(app, fresh_client_address(), &url, body.expect("a body")).await,
            (Some(who), Some(if_match)) => {
                app.send_with_headers(
                    method,
                    &url,
                    who,
                    body.unwrap_or_else(|| json!({})),
                    &[("If-Match", &if_match)],
                )
                .await
            }
            (Some(who), None) => app.send(method, &url, Some(who), body).await,
        };
        assert_eq!(reply.status, status, "{path}: {reply:#?}");
    }
    assert!(
        matrix_request(app, ("GET", "/feedback/ideas"), &patient)
            .await
            .is_none()
    );
}
