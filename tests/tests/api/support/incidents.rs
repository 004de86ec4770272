//! Incidents on features: the team opens them (once per Idempotency-Key) and posts updates
//! (If-Match); the public status route shows the active and recently resolved ones to anyone,
//! and nothing else.
//!
//! Incidents are practice-wide and every test on the stack sees the others': tests find their
//! own by id or by a unique title, and never count the list whole.

use std::collections::BTreeSet;

use futures::future::join_all;
use portal_tests::{Method, Reply, TestApp, assert_problem, single_winner, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

fn keys_of(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value:#?}"))
        .keys()
        .map(String::as_str)
        .collect()
}

async fn list(app: &TestApp, query: &str) -> Vec<Value> {
    let reply = app
        .get(&format!("{INCIDENTS}{query}"), &app.response_team)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// The status page, fetched with no token at all.
async fn public_status(app: &TestApp) -> Reply {
    app.send(Method::GET, "/public/status", None, None).await
}

#[tokio::test]
async fn the_team_opens_an_incident_once_per_key() {
    let app = spawn_app().await;
    let title = unique("Messages delayed");
    let body = json!({
        "title": title,
        "features": ["messaging", "feedback"],
        "text": "  Messages take minutes to arrive.  ",
    });
    let key = ulid::Ulid::generate().to_string();
    let created = app
        .send_with_headers(
            Method::POST,
            INCIDENTS,
            &app.response_team,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let incident = &created.body;
    let id = id_of(incident, "incidentId");
    assert_eq!(created.header("location"), Some(incident_path(&id)));
    assert_eq!(created.header("etag"), Some(etag(1)));
    assert_eq!(incident["title"], title.as_str());
    assert_eq!(incident["features"], json!(["messaging", "feedback"]));
    assert_eq!(incident["status"], "investigating");
    assert_eq!(incident["version"], 1);
    assert!(incident["startedAt"].is_string(), "{incident:#?}");
    assert!(incident["resolvedAt"].is_null(), "{incident:#?}");
    let updates = incident["updates"].as_array().expect("updates");
    assert_eq!(updates.len(), 1, "{incident:#?}");
    assert_eq!(updates[0]["status"], "investigating");
    assert_eq!(updates[0]["text"], "Messages take minutes to arrive.");

    let again = app
        .send_with_headers(
            Method::POST,
            INCIDENTS,
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
            INCIDENTS,
            &app.response_team,
            new_incident_body("Another"),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_problem(&reused, 422, None);

    // The same key at once: one incident.
    let key = ulid::Ulid::generate().to_string();
    let raced_title = unique("Raced");
    let headers = [("Idempotency-Key", key.as_str())];
    let replies = join_all((0..3).map(|_| {
        app.send_with_headers(
            Method::POST,
            INCIDENTS,
            &app.response_team,
            new_incident_body(&raced_title),
            &headers,
        )
    }))
    .await;
    assert!(replies.iter().all(|r| r.status == 201), "{replies:#?}");

    // Listed once each, and read back as opened.
    let all = list(app, "").await;
    assert_eq!(find(&all, "title", &title).len(), 1);
    assert_eq!(find(&all, "title", &raced_title).len(), 1);
    let read = app.get(&incident_path(&id), &app.response_team).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.header("etag"), Some(etag(1)));
    assert_eq!(read.body, created.body);
    // A status given at opening is kept.
    let mut identified = new_incident_body(&unique("Known cause"));
    identified["status"] = json!("identified");
    let reply = app
        .send(
            Method::POST,
            INCIDENTS,
            Some(&app.portal_lead),
            Some(identified),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["status"], "identified");
}

#[tokio::test]
async fn bad_incidents_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let title = unique("Bad");
    let valid = new_incident_body(&title);
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let eleven: Vec<&str> = std::iter::repeat_n("messaging", 11).collect();
    let cases = [
        (with("title", json!("")), "title"),
        (with("title", json!("  ")), "title"),
        (with("features", json!([])), "features"),
        (with("features", json!(["teleport"])), "features"),
        (
            with("features", json!(["messaging", "messaging"])),
            "features",
        ),
        (with("features", json!(eleven)), "features"),
        (with("features", json!("messaging")), "features"),
        (with("status", json!("resolved")), "status"),
        (with("status", json!("on-fire")), "status"),
        (with("text", json!("")), "text"),
        (with("createdBy", json!("someone")), "createdBy"),
    ];
    for (body, field) in cases {
        let reply = app
            .send(
                Method::POST,
                INCIDENTS,
                Some(&app.response_team),
                Some(body),
            )
            .await;
        assert_invalid(&reply, field);
    }
    let mut no_text = valid.clone();
    no_text.as_object_mut().expect("object").remove("text");
    let reply = app
        .send(
            Method::POST,
            INCIDENTS,
            Some(&app.response_team),
            Some(no_text),
        )
        .await;
    assert_problem(&reply, 422, Some("text"));
    assert!(find(&list(app, "").await, "title", &title).is_empty());
    for query in ["?state=closed", "?state="] {
        let reply = app
            .get(&format!("{INCIDENTS}{query}"), &app.response_team)
            .await;
        assert_problem(&reply, 422, Some("state"));
    }
}

#[tokio::test]
async fn updates_move_an_incident_to_resolved_and_back_under_if_match() {
    let app = spawn_app().await;
    let title = unique("Booking errors");
    let incident = opened(app, &title).await;
    let id = id_of(&incident, "incidentId");

    let path = format!("{}/updates", incident_path(&id));
    let missing = app
        .send(
            Method::POST,
            &path,
            Some(&app.response_team),
            Some(json!({"status": "identified", "text": "Found it"})),
        )
        .await;
    assert_problem(&missing, 428, None);
    let stale = update_incident(
        app,
        &id,
        &etag(9),
        json!({"status": "identified", "text": "x"}),
    )
    .await;
    assert_problem(&stale, 412, None);
    for (body, field) in [
        (json!({"status": "fixed", "text": "x"}), "status"),
        (json!({"text": "x"}), "status"),
        (json!({"status": "identified", "text": ""}), "text"),
        (json!({"status": "identified"}), "text"),
    ] {
        assert_problem(
            &update_incident(app, &id, &etag(1), body).await,
            422,
            Some(field),
        );
    }

    let identified = update_incident(
        app,
        &id,
        &etag(1),
        json!({"status": "identified", "text": "A certificate expired."}),
    )
    .await;
    assert!(matches!(identified.status, 200 | 201), "{identified:#?}");
    assert_eq!(identified.header("etag"), Some(etag(2)));
    assert_eq!(identified.body["status"], "identified");
    assert_eq!(identified.body["version"], 2);
    assert_eq!(
        identified.body["updates"]
            .as_array()
            .expect("updates")
            .len(),
        2
    );

    let resolved = update_incident(
        app,
        &id,
        &etag(2),
        json!({"status": "resolved", "text": "Renewed; bookings work."}),
    )
    .await;
    assert!(matches!(resolved.status, 200 | 201), "{resolved:#?}");
    assert!(resolved.body["resolvedAt"].is_string(), "{resolved:#?}");
    let active = list(app, "?state=active").await;
    assert!(
        find(&active, "incidentId", &id).is_empty(),
        "resolved is not active"
    );
    assert_eq!(
        find(&list(app, "?state=all").await, "incidentId", &id).len(),
        1
    );

    // Back to monitoring: no longer resolved.
    let reopened = update_incident(
        app,
        &id,
        &etag(3),
        json!({"status": "monitoring", "text": "Some still fail."}),
    )
    .await;
    assert!(matches!(reopened.status, 200 | 201), "{reopened:#?}");
    assert!(reopened.body["resolvedAt"].is_null(), "{reopened:#?}");
    assert_eq!(
        find(&list(app, "?state=active").await, "incidentId", &id).len(),
        1
    );

    // Of two updates from one version, one lands.
    let replies = join_all([
        update_incident(
            app,
            &id,
            &etag(4),
            json!({"status": "resolved", "text": "One"}),
        ),
        update_incident(
            app,
            &id,
            &etag(4),
            json!({"status": "resolved", "text": "Two"}),
        ),
    ])
    .await;
    single_winner(&replies, 412);
    let read = app.get(&incident_path(&id), &app.response_team).await;
    assert_eq!(read.body["version"], 5);
    assert_eq!(read.body["updates"].as_array().expect("updates").len(), 5);

    // Unknown incidents.
    for unknown in [ulid::Ulid::generate().to_string(), "not-an-id".to_owned()] {
        assert_problem(
            &app.get(&incident_path(&unknown), &app.response_team).await,
            404,
            None,
        );
        let reply = update_incident(
            app,
            &unknown,
            &etag(1),
            json!({"status": "resolved", "text": "x"}),
        )
        .await;
        assert_problem(&reply, 404, None);
    }
}

#[tokio::test]
async fn the_incident_list_is_newest_first() {
    let app = spawn_app().await;
    let older = id_of(&opened(app, &unique("Older")).await, "incidentId");
    let newer = id_of(&opened(app, &unique("Newer")).await, "incidentId");
    let all = list(app, "").await;
    let position = |id: &str| {
        all.iter()
            .position(|i| i["incidentId"] == id)
            .unwrap_or_else(|| panic!("{id} listed: {all:#?}"))
    };
    assert!(position(&newer) < position(&older), "{all:#?}");
    assert!(all.len() <= 100);
}

#[tokio::test]
async fn the_public_status_shows_incidents_and_nothing_else() {
    let app = spawn_app().await;
    let active_title = unique("Sign-in slow");
    let active = id_of(&opened(app, &active_title).await, "incidentId");
    let resolved = id_of(&opened(app, &unique("Fixed already")).await, "incidentId");
    let done = update_incident(
        app,
        &resolved,
        &etag(1),
        json!({"status": "resolved", "text": "All good."}),
    )
    .await;
    assert!(matches!(done.status, 200 | 201), "{done:#?}");

    let status = public_status(app).await;
    assert_eq!(status.status, 200, "{status:#?}");
    assert_eq!(
        status.header("cache-control").as_deref(),
        Some("public, max-age=30")
    );
    assert_eq!(keys_of(&status.body), ["generatedAt", "incidents"].into());
    let incidents = status.body["incidents"].as_array().expect("incidents");
    let incident_keys: BTreeSet<&str> = [
        "incidentId",
        "title",
        "features",
        "status",
        "startedAt",
        "updatedAt",
        "resolvedAt",
        "updates",
    ]
    .into();
    for incident in incidents {
        assert_eq!(keys_of(incident), incident_keys, "{incident:#?}");
        for update in incident["updates"].as_array().expect("updates") {
            assert_eq!(
                keys_of(update),
                ["at", "status", "text"].into(),
                "{update:#?}"
            );
        }
    }
    let text = status.body.to_string();
    // Field names and who wrote it (the exact key sets above already hold each incident to its
    // public fields). Not words like "patients": other tests' incidents, on the same stack, may
    // well say them.
    for leak in ["createdBy", "version", app.response_team.sub.as_str()] {
        assert!(!text.contains(leak), "{leak} on the status page: {text}");
    }
    let shown = find(incidents, "incidentId", &active);
    assert_eq!(shown.len(), 1, "the active incident");
    assert_eq!(shown[0]["title"], active_title.as_str());
    assert!(shown[0]["resolvedAt"].is_null());
    let shown = find(incidents, "incidentId", &resolved);
    assert_eq!(shown.len(), 1, "resolved today is still shown");
    assert_eq!(shown[0]["status"], "resolved");
    assert!(shown[0]["resolvedAt"].is_string());
    // Resolved more than 7 days ago is absent: that needs an incident resolved in the past,
    // which the API cannot make and whose stored shape is the incidents module's to choose
    // (covered by its unit tests).

    // The same with a token, whoever holds it.
    let patient = app.new_patient().await;
    let with_token = app.get("/public/status", &patient.actor).await;
    assert_eq!(with_token.status, 200, "{with_token:#?}");
    assert_eq!(
        keys_of(&with_token.body),
        ["generatedAt", "incidents"].into()
    );
}

#[tokio::test]
async fn incidents_are_the_teams() {
    let app = spawn_app().await;
    let incident = id_of(&opened(app, &unique("Roles")).await, "incidentId");
    let patient = app.new_patient().await;
    let routes = [
        (Method::GET, INCIDENTS.to_owned(), None),
        (
            Method::POST,
            INCIDENTS.to_owned(),
            Some(new_incident_body("Refused")),
        ),
        (Method::GET, incident_path(&incident), None),
        (
            Method::POST,
            format!("{}/updates", incident_path(&incident)),
            Some(json!({"status": "resolved", "text": "Refused"})),
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
    let read = app.get(&incident_path(&incident), &app.portal_lead).await;
    assert_eq!(read.status, 200);
    assert_eq!(
        read.body["version"], 1,
        "nothing written by the refused calls"
    );
}

/// The authorisation matrix's requests for the incident routes and the status page.
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    _patient: &portal_tests::Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("GET", "/support/incidents") => (Method::GET, INCIDENTS.to_owned(), None, None),
        ("POST", "/support/incidents") => (
            Method::POST,
            INCIDENTS.to_owned(),
            Some(new_incident_body(&unique("Matrix"))),
            None,
        ),
        ("GET", "/support/incidents/{incidentId}") => {
            let incident = id_of(&opened(app, &unique("Matrix")).await, "incidentId");
            (Method::GET, incident_path(&incident), None, None)
        }
        ("POST", "/support/incidents/{incidentId}/updates") => {
            let incident = id_of(&opened(app, &unique("Matrix")).await, "incidentId");
            (
                Method::POST,
                format!("{}/updates", incident_path(&incident)),
                Some(json!({"status": "monitoring", "text": "Matrix update"})),
                Some(etag(1)),
            )
        }
        ("GET", "/public/status") => (Method::GET, "/public/status".to_owned(), None, None),
        _ => return None,
    };
    Some(request)
}
