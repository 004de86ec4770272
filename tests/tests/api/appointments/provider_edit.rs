//! Editing a provider after adding it (`PATCH /staff/providers/{providerId}`): only with the
//! current ETag (`If-Match`), so two front-desk staff cannot overwrite each other unseen; only
//! the front desk; bad input names the field and writes nothing.

use futures::future::join_all;
use portal_tests::{Method, Reply, TestApp, assert_problem, single_winner, spawn_app};
use serde_json::{Value, json};

use crate::appointments::support::{booked, unscheduled_provider, upcoming};

fn path(provider: &str) -> String {
    format!("/staff/providers/{provider}")
}

async fn edit(app: &TestApp, provider: &str, changes: Value, if_match: &str) -> Reply {
    app.send_with_headers(
        Method::PATCH,
        &path(provider),
        &app.front_desk,
        changes,
        &[("If-Match", if_match)],
    )
    .await
}

async fn read(app: &TestApp, provider: &str) -> Reply {
    let reply = app
        .get(&format!("/providers/{provider}"), &app.front_desk)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply
}

#[tokio::test]
async fn appointments_an_edit_changes_the_provider_and_moves_its_etag_on() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    let before = read(app, &provider).await;
    assert_eq!(before.header("etag").as_deref(), Some("\"1\""));

    let name = format!("Dr. Renamed {}", ulid::Ulid::generate());
    // A specialty of this test's own, so the directory's filter finds only this provider.
    let specialty = format!("Pediatrics-{}", ulid::Ulid::generate());
    let changes = json!({
        "name": name,
        "specialty": specialty,
        "acceptingNewPatients": false,
        "visitTypes": ["telehealth", "follow-up", "telehealth"],
    });
    let edited = edit(app, &provider, changes, "\"1\"").await;
    assert_eq!(edited.status, 200, "{edited:#?}");
    assert_eq!(edited.header("etag").as_deref(), Some("\"2\""));
    let now = read(app, &provider).await;
    assert_eq!(now.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(now.body, edited.body);
    assert_eq!(now.body["name"], name.as_str());
    assert_eq!(now.body["specialty"], specialty.to_lowercase());
    assert_eq!(now.body["acceptingNewPatients"], false);
    assert_eq!(now.body["visitTypes"], json!(["follow-up", "telehealth"]));
    assert_eq!(now.body["providerId"], provider.as_str());
    assert_eq!(now.body["createdAt"], before.body["createdAt"]);

    // Absent fields stay; the directory finds the provider under its new specialty.
    let again = edit(
        app,
        &provider,
        json!({"acceptingNewPatients": true}),
        "\"2\"",
    )
    .await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["name"], name.as_str());
    assert_eq!(again.body["acceptingNewPatients"], true);
    let directory = app
        .get(
            &format!("/providers?specialty={specialty}"),
            &app.front_desk,
        )
        .await;
    assert_eq!(directory.status, 200, "{directory:#?}");
    let items = directory.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{directory:#?}");
    assert_eq!(items[0]["providerId"], provider.as_str());
    assert_eq!(items[0]["name"], name.as_str());
}

#[tokio::test]
async fn appointments_a_booked_visit_keeps_the_provider_name_it_was_booked_with() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (provider, appointment, _) = booked(app, &patient.id, 48).await;
    let old_name = read(app, &provider).await.body["name"].clone();
    let edited = edit(app, &provider, json!({"name": "Dr. New Name"}), "\"1\"").await;
    assert_eq!(edited.status, 200, "{edited:#?}");
    let visit = upcoming(app, &patient.id)
        .await
        .into_iter()
        .find(|item| item["appointmentId"] == appointment.as_str())
        .expect("the booked visit");
    assert_eq!(visit["providerName"], old_name);
}

#[tokio::test]
async fn appointments_editing_a_provider_needs_its_current_etag() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    let change = json!({"acceptingNewPatients": false});

    let missing = app
        .send(
            Method::PATCH,
            &path(&provider),
            Some(&app.front_desk),
            Some(change.clone()),
        )
        .await;
    assert_problem(&missing, 428, None);
    for stale in ["\"0\"", "\"2\"", "W/\"1\"", "*", "1"] {
        assert_problem(
            &edit(app, &provider, change.clone(), stale).await,
            412,
            None,
        );
    }
    let unchanged = read(app, &provider).await;
    assert_eq!(unchanged.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(unchanged.body["acceptingNewPatients"], true);
}

#[tokio::test]
async fn appointments_of_two_edits_from_one_reading_one_wins() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    let names: Vec<String> = (0..6).map(|n| format!("Dr. Concurrent {n}")).collect();
    let replies = join_all(
        names
            .iter()
            .map(|name| edit(app, &provider, json!({"name": name}), "\"1\"")),
    )
    .await;
    let winner = single_winner(&replies, 412);
    assert_eq!(winner.header("etag").as_deref(), Some("\"2\""));
    let now = read(app, &provider).await;
    assert_eq!(now.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(
        now.body["name"], winner.body["name"],
        "the winner's edit only"
    );
}

#[tokio::test]
async fn appointments_a_bad_edit_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    for (body, field) in [
        (json!({"name": "   "}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"specialty": ""}), "specialty"),
        (json!({"visitTypes": []}), "visitTypes"),
        (
            json!({"visitTypes": ["follow-up", "massage"]}),
            "visitTypes[1]",
        ),
    ] {
        assert_problem(&edit(app, &provider, body, "\"1\"").await, 422, Some(field));
    }
    // Unknown fields (the id among them) are refused too.
    let renamed_id = edit(
        app,
        &provider,
        json!({"providerId": "01KAZ0DEM0PR0V1DER00000001"}),
        "\"1\"",
    )
    .await;
    assert_eq!(renamed_id.status / 100, 4, "{renamed_id:#?}");
    let wrong_type = edit(
        app,
        &provider,
        json!({"acceptingNewPatients": "no"}),
        "\"1\"",
    )
    .await;
    assert_eq!(wrong_type.status / 100, 4, "{wrong_type:#?}");
    let unchanged = read(app, &provider).await;
    assert_eq!(unchanged.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(unchanged.body["acceptingNewPatients"], true);
}

#[tokio::test]
async fn appointments_only_the_front_desk_edits_a_known_provider() {
    let app = spawn_app().await;
    let provider = unscheduled_provider(app).await;
    let change = json!({"acceptingNewPatients": false});

    // Unknown or malformed id: 404.
    for unknown in ["01KAZ0DEM0PR0V1DER00000009", "not-a-provider"] {
        assert_problem(
            &edit(app, unknown, change.clone(), "\"1\"").await,
            404,
            None,
        );
    }

    // Wrong role or no token, even with the current ETag.
    let patient = app.new_patient().await;
    for who in [&app.clinician, &patient.actor, &app.admin] {
        let reply = app
            .send_with_headers(
                Method::PATCH,
                &path(&provider),
                who,
                change.clone(),
                &[("If-Match", "\"1\"")],
            )
            .await;
        assert_problem(&reply, 403, None);
    }
    let anonymous = app
        .send(Method::PATCH, &path(&provider), None, Some(change.clone()))
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    let unchanged = read(app, &provider).await;
    assert_eq!(unchanged.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(unchanged.body["acceptingNewPatients"], true);
}
