//! `GET /patients/{patientId}/access-log` (the patient's accounting of disclosures) and
//! `GET /admin/audit` (administrators search the trail by actor or patient).

use std::collections::BTreeSet;
use std::time::Duration;

use portal_shared::policy::authz::Scope;
use portal_tests::{Actor, GrantState, Method, Reply, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

/// Every item of a list, following `nextCursor` from `path` (which carries its own query).
/// Returns the items and every page's raw body.
async fn all_pages(app: &TestApp, path: &str, who: &Actor) -> (Vec<Value>, Vec<Value>) {
    let mut items = Vec::new();
    let mut bodies = Vec::new();
    let mut next = path.to_owned();
    for _ in 0..100 {
        let reply = app.get(&next, who).await;
        assert_eq!(reply.status, 200, "{next}: {reply:#?}");
        items.extend(
            reply.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .cloned(),
        );
        let cursor = reply.body["nextCursor"].as_str().map(str::to_owned);
        bodies.push(reply.body);
        match cursor {
            Some(cursor) => next = format!("{path}&cursor={cursor}"),
            None => return (items, bodies),
        }
    }
    panic!("{path}: more than 100 pages");
}

/// Newest first: the (time, event id) pairs, as the sort key orders them, never increase.
#[track_caller]
fn assert_newest_first(items: &[Value]) {
    let keys: Vec<String> = items
        .iter()
        .map(|item| format!("{}#{}", item["at"].as_str().expect("at"), item["eventId"]))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted, "not newest first: {items:#?}");
    let ids: BTreeSet<&str> = items.iter().filter_map(|i| i["eventId"].as_str()).collect();
    assert_eq!(ids.len(), items.len(), "an event listed twice: {items:#?}");
}

fn access_log(patient_id: &str) -> String {
    format!("/patients/{patient_id}/access-log")
}

// ---- the patient's access log ------------------------------------------------------------

#[tokio::test]
async fn a_patient_sees_who_read_their_record_newest_first_across_pages() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let profile = format!("/patients/{}/profile", patient.id);
    assert_eq!(app.get(&profile, &app.clinician).await.status, 200);
    assert_eq!(app.get(&profile, &app.front_desk).await.status, 200);
    assert_eq!(app.get(&profile, &patient.actor).await.status, 200);
    assert_problem(&app.get(&profile, &other.actor).await, 404, None);

    let (items, bodies) = all_pages(
        app,
        &format!("{}?limit=2", access_log(&patient.id)),
        &patient.actor,
    )
    .await;
    assert!(
        bodies.len() >= 3,
        "two per page, so several pages: {bodies:#?}"
    );
    assert!(
        bodies
            .iter()
            .all(|b| b["items"].as_array().expect("items").len() <= 2)
    );
    assert_newest_first(&items);

    let find = |action: &str, outcome: &str, actor: Value| {
        items
            .iter()
            .find(|i| i["action"] == action && i["outcome"] == outcome && i["actor"] == actor)
            .unwrap_or_else(|| panic!("no {action} {outcome} by {actor}: {items:#?}"))
    };
    let clinician = find(
        "profile.read",
        "allowed",
        json!({"kind": "staff", "name": "Test clinician", "role": "clinicians"}),
    );
    assert_eq!(clinician["description"], "Viewed the profile");
    assert_eq!(clinician["resource"], "profile");
    find(
        "profile.read",
        "allowed",
        json!({"kind": "staff", "name": "Test frontdesk", "role": "front-desk"}),
    );
    let registered = find(
        "patient.register",
        "allowed",
        json!({"kind": "staff", "name": "Test frontdesk", "role": "front-desk"}),
    );
    assert_eq!(registered["description"], "Registered the patient");
    find("profile.read", "allowed", json!({"kind": "you"}));
    let own_log = find("access-log.read", "allowed", json!({"kind": "you"}));
    assert_eq!(own_log["description"], "Viewed the access log");
    let refused = find(
        "profile.read",
        "denied",
        json!({"kind": "other", "description": "Someone without access to this record"}),
    );
    assert_eq!(refused["description"], "Viewed the profile");

    // Nothing identifies the other patient, and no actor's account id is shown at all.
    let text = serde_json::to_string(&bodies).expect("json");
    for secret in [
        other.id.as_str(),
        other.actor.sub.as_str(),
        other.family.as_str(),
        other.email.as_str(),
        app.clinician.sub.as_str(),
        app.front_desk.sub.as_str(),
        patient.actor.sub.as_str(),
        "actorSub",
        "requestId",
    ] {
        assert!(
            !text.contains(secret),
            "{secret:?} in the access log: {text}"
        );
    }
}

#[tokio::test]
async fn caregivers_read_the_log_with_the_records_scope_only() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = access_log(&patient.id);
    // No grant: nobody learns the patient exists.
    assert_problem(&app.get(&path, &app.caregiver).await, 404, None);

    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    let reply = app.get(&path, &app.caregiver).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let own_read = &reply.body["items"][0];
    assert_eq!(own_read["action"], "access-log.read");
    assert_eq!(
        own_read["actor"],
        json!({"kind": "caregiver", "name": "Test caregiver"})
    );
    assert!(!reply.body.to_string().contains(&app.caregiver.sub));

    // The patient sees the caregiver's reading, by name.
    let reply = app.get(&path, &patient.actor).await;
    assert!(
        reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| {
                i["action"] == "access-log.read"
                    && i["actor"] == json!({"kind": "caregiver", "name": "Test caregiver"})
            }),
        "{reply:#?}"
    );

    // A grant for other scopes: known to the patient, but not allowed this.
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Profile, Scope::Messages],
        GrantState::Active,
    )
    .await;
    assert_problem(&app.get(&path, &app.caregiver).await, 403, None);
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Revoked,
    )
    .await;
    assert_problem(&app.get(&path, &app.caregiver).await, 404, None);
}

#[tokio::test]
async fn other_patients_staff_without_the_role_and_strangers_are_refused() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let path = access_log(&patient.id);
    let foreign = app.get(&path, &other.actor).await;
    assert_problem(&foreign, 404, None);
    // Indistinguishable from a patient who does not exist.
    let nobody = access_log(&ulid::Ulid::generate().to_string());
    assert_eq!(
        app.get(&nobody, &other.actor).await.body["title"],
        foreign.body["title"]
    );
    assert_problem(&app.get(&path, &app.clinician).await, 403, None);
    assert_problem(&app.get(&path, &app.front_desk).await, 403, None);
    assert_problem(
        &app.get("/patients/me/access-log", &app.clinician).await,
        404,
        None,
    );
    assert_problem(
        &app.get("/patients/not-a-ulid/access-log", &patient.actor)
            .await,
        404,
        None,
    );
    let anonymous = app.send(Method::GET, &path, None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    // Administrators oversee the trail: they may read it.
    assert_eq!(app.get(&path, &app.admin).await.status, 200);
    // As the patient, through `me`.
    let mine = app.get("/patients/me/access-log", &patient.actor).await;
    assert_eq!(mine.status, 200, "{mine:#?}");
}

#[tokio::test]
async fn bad_limits_and_cursors_are_named() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let path = access_log(&patient.id);
    for limit in ["0", "101", "ten", "-1"] {
        let reply = app
            .get(&format!("{path}?limit={limit}"), &patient.actor)
            .await;
        assert_problem(&reply, 422, Some("limit"));
    }
    let reply = app
        .get(&format!("{path}?cursor=garbage"), &patient.actor)
        .await;
    assert_problem(&reply, 422, Some("cursor"));

    // A genuine cursor, from another patient's log, does not open this one.
    let theirs = app
        .get(&format!("{}?limit=1", access_log(&other.id)), &other.actor)
        .await;
    let cursor = theirs.body["nextCursor"]
        .as_str()
        .expect("registration and this read: two events, so a second page");
    let reply = app
        .get(&format!("{path}?cursor={cursor}"), &patient.actor)
        .await;
    assert_problem(&reply, 422, Some("cursor"));
    // Nor does one from the administrators' search of this very patient.
    let search = app
        .get(
            &format!("/admin/audit?patient={}&limit=1", patient.id),
            &app.admin,
        )
        .await;
    let cursor = search.body["nextCursor"].as_str().expect("a second page");
    let reply = app
        .get(&format!("{path}?cursor={cursor}"), &patient.actor)
        .await;
    assert_problem(&reply, 422, Some("cursor"));
}

#[tokio::test]
async fn reading_the_log_is_itself_audited() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let reply = app.get(&access_log(&patient.id), &patient.actor).await;
    assert_eq!(reply.status, 200);
    assert_problem(
        &app.get(&access_log(&patient.id), &other.actor).await,
        404,
        None,
    );
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "access-log.read"
            && e["resource"] == "access-log"
            && e["outcome"] == "allowed"
            && e["relationship"] == "own"
            && e["actorSub"] == patient.actor.sub.as_str()
            && e["requestId"] == reply.header("x-request-id").unwrap_or_default()),
        "{events:#?}"
    );
    assert!(
        events.iter().any(|e| e["action"] == "access-log.read"
            && e["outcome"] == "denied"
            && e["actorSub"] == other.actor.sub.as_str()),
        "{events:#?}"
    );
    // The read it made is the first line of the next page the patient reads.
    let again = app.get(&access_log(&patient.id), &patient.actor).await;
    assert_eq!(again.body["items"][0]["action"], "access-log.read");
    assert_eq!(again.body["items"][0]["actor"], json!({"kind": "you"}));
}

// ---- the administrators' search ----------------------------------------------------------

fn admin_audit(query: &str) -> String {
    format!("/admin/audit?{query}")
}

#[tokio::test]
async fn admins_search_a_patients_trail_and_are_audited_for_it() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let profile = format!("/patients/{}/profile", patient.id);
    assert_eq!(app.get(&profile, &app.clinician).await.status, 200);
    assert_eq!(app.get(&profile, &patient.actor).await.status, 200);

    let (items, _) = all_pages(
        app,
        &admin_audit(&format!("patient={}&limit=2", patient.id)),
        &app.admin,
    )
    .await;
    assert_newest_first(&items);
    assert!(items.iter().all(|i| i["patientId"] == patient.id.as_str()));
    let clinician = items
        .iter()
        .find(|i| i["actorSub"] == app.clinician.sub.as_str())
        .unwrap_or_else(|| panic!("the clinician's read: {items:#?}"));
    assert_eq!(clinician["action"], "profile.read");
    assert_eq!(clinician["relationship"], "staff");
    assert_eq!(clinician["actorRole"], "clinicians");
    assert_eq!(clinician["actorName"], "Test clinician");
    assert!(clinician["requestId"].is_string() && clinician["eventId"].is_string());
    assert!(
        items
            .iter()
            .any(|i| i["actorSub"] == patient.actor.sub.as_str() && i["relationship"] == "own")
    );
    // The search itself was written before it was read: it is in what it found.
    assert!(
        items.iter().any(|i| i["action"] == "audit-trail.read"
            && i["resource"] == "audit-trail"
            && i["actorSub"] == app.admin.sub.as_str()
            && i["actorRole"] == "admins"),
        "{items:#?}"
    );
    // And the patient sees that an administrator looked.
    let log = app.get(&access_log(&patient.id), &patient.actor).await;
    assert!(
        log.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| {
                i["action"] == "audit-trail.read"
                    && i["actor"]
                        == json!({"kind": "staff", "name": "Test admin", "role": "admins"})
            }),
        "{log:#?}"
    );
}

#[tokio::test]
async fn admins_search_an_actors_trail_including_refused_staff_routes() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let refused = app.get("/staff/profile-changes", &patient.actor).await;
    assert_problem(&refused, 403, None);
    let read = app
        .get(&format!("/patients/{}/profile", patient.id), &patient.actor)
        .await;
    assert_eq!(read.status, 200);

    let query = format!("actor={}", patient.actor.sub);
    let (items, _) = all_pages(app, &admin_audit(&format!("{query}&limit=1")), &app.admin).await;
    assert_eq!(items.len(), 2, "{items:#?}");
    assert_newest_first(&items);
    assert!(
        items
            .iter()
            .all(|i| i["actorSub"] == patient.actor.sub.as_str())
    );
    assert_eq!(items[0]["action"], "profile.read");
    assert_eq!(items[0]["patientId"], patient.id.as_str());
    assert_eq!(items[1]["action"], "profile-change.review");
    assert_eq!(items[1]["outcome"], "denied");
    assert!(items[1].get("patientId").is_none(), "{items:#?}");
    assert_eq!(items[1]["requestId"], refused.body["requestId"]);

    // Each patient the search reached got an event of its own.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "audit-trail.read"
            && e["actorSub"] == app.admin.sub.as_str()
            && e["resource"] == "audit-trail"),
        "{events:#?}"
    );

    // A cursor belongs to its search: not to another actor's, nor to another range.
    let first = app
        .get(&admin_audit(&format!("{query}&limit=1")), &app.admin)
        .await;
    let cursor = first.body["nextCursor"].as_str().expect("a second page");
    let elsewhere = [
        format!("actor={}&cursor={cursor}", app.clinician.sub),
        format!("{query}&from=2020-01-01T00:00:00Z&cursor={cursor}"),
        format!("patient={}&cursor={cursor}", patient.id),
    ];
    for query in elsewhere {
        let reply = app.get(&admin_audit(&query), &app.admin).await;
        assert_problem(&reply, 422, Some("cursor"));
    }
}

#[tokio::test]
async fn time_ranges_narrow_the_search() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let profile = format!("/patients/{}/profile", patient.id);
    for _ in 0..3 {
        assert_eq!(app.get(&profile, &patient.actor).await.status, 200);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let actor = format!("actor={}", patient.actor.sub);
    let everything = app.get(&admin_audit(&actor), &app.admin).await;
    let items = everything.body["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 3, "{items:#?}");
    let at: Vec<&str> = items
        .iter()
        .map(|i| i["at"].as_str().expect("at"))
        .collect();
    let (newest, middle, oldest) = (at[0], at[1], at[2]);
    assert!(oldest < middle && middle < newest, "{at:?}");

    let ids = |reply: &Reply| -> Vec<String> {
        assert_eq!(reply.status, 200, "{reply:#?}");
        reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["at"].as_str().expect("at").to_owned())
            .collect()
    };
    let search = |range: String| admin_audit(&format!("{actor}&{range}"));
    let exactly_middle = app
        .get(&search(format!("from={middle}&to={middle}")), &app.admin)
        .await;
    assert_eq!(ids(&exactly_middle), [middle]);
    let older = app
        .get(&search(format!("from={oldest}&to={middle}")), &app.admin)
        .await;
    assert_eq!(ids(&older), [middle, oldest]);
    let since = app.get(&search(format!("from={middle}")), &app.admin).await;
    assert_eq!(ids(&since), [newest, middle]);
    let until = app.get(&search(format!("to={oldest}")), &app.admin).await;
    assert_eq!(ids(&until), [oldest]);
    let before_all = app
        .get(&search("to=2020-01-01T00:00:00Z".into()), &app.admin)
        .await;
    assert!(ids(&before_all).is_empty());
}

#[tokio::test]
async fn the_search_needs_exactly_one_subject_and_a_valid_range() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let both = format!("actor={}&patient={}", patient.actor.sub, patient.id);
    for query in ["limit=5".to_owned(), both] {
        let reply = app.get(&admin_audit(&query), &app.admin).await;
        assert_problem(&reply, 422, Some("actor"));
        assert_problem(&reply, 422, Some("patient"));
    }
    let patient_query = format!("patient={}", patient.id);
    for (query, field) in [
        ("patient=not-a-ulid".to_owned(), "patient"),
        ("actor=not%20a%20sub".to_owned(), "actor"),
        (format!("{patient_query}&from=yesterday"), "from"),
        (format!("{patient_query}&to=2026-02-30T00:00:00Z"), "to"),
        (
            format!("{patient_query}&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"),
            "from",
        ),
        (format!("{patient_query}&limit=0"), "limit"),
        (format!("{patient_query}&cursor=garbage"), "cursor"),
    ] {
        let reply = app.get(&admin_audit(&query), &app.admin).await;
        assert_problem(&reply, 422, Some(field));
    }
}

#[tokio::test]
async fn only_admins_search_the_trail_and_refusals_are_audited() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = admin_audit(&format!("patient={}", patient.id));
    for actor in [
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.caregiver,
        &patient.actor,
    ] {
        let reply = app.get(&path, actor).await;
        assert_problem(&reply, 403, None);
    }
    let anonymous = app.send(Method::GET, &path, None, None).await;
    assert_eq!(anonymous.status, 401);
    let events = app.actor_audit_events(&patient.actor).await;
    assert!(
        events.iter().any(|e| e["action"] == "audit-trail.read"
            && e["outcome"] == "denied"
            && e["resource"] == "/admin/audit"),
        "{events:#?}"
    );
    // Nobody reached the patient's trail, so nothing was recorded against the patient.
    let events = app.audit_events(&patient.id).await;
    assert!(
        !events.iter().any(|e| e["action"] == "audit-trail.read"),
        "{events:#?}"
    );
}
