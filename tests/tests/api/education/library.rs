//! The clinicians' library: the starter topics and the practice's own, with their tallies; a
//! topic added (409 for an id in use), edited at its version (428 without If-Match, 412 when
//! stale), retired (no longer matched or readable by patients, still listed for staff).
//!
//! The library is practice-wide: tests add topics of their own (matched by a made-up
//! ingredient word) and change only those; a starter topic is only ever refused a change.

use portal_tests::{Method, Reply, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

async fn put_topic(app: &TestApp, id: &str, body: Value, if_match: Option<&str>) -> Reply {
    let path = format!("{LIBRARY}/{id}");
    match if_match {
        Some(tag) => {
            app.send_with_headers(
                Method::PUT,
                &path,
                &app.clinician,
                body,
                &[("If-Match", tag)],
            )
            .await
        }
        None => {
            app.send(Method::PUT, &path, Some(&app.clinician), Some(body))
                .await
        }
    }
}

#[tokio::test]
async fn the_library_lists_every_starter_topic_with_its_version_and_origin() {
    let app = spawn_app().await;
    let listed = library(app, &app.clinician).await;
    for starter in starter_topics() {
        let id = id_of(&starter, "topicId");
        let topic = listed
            .iter()
            .find(|t| t["topicId"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} is not listed"));
        assert_eq!(topic["kind"], starter["kind"], "{topic:#?}");
        assert!(topic["content"]["en"]["title"].is_string(), "{topic:#?}");
        assert!(topic["content"]["es"]["title"].is_string(), "{topic:#?}");
        assert!(
            matches!(topic["origin"].as_str(), Some("starter" | "practice")),
            "{topic:#?}"
        );
        assert!(topic["version"].is_u64(), "{topic:#?}");
    }
    // Administrators read it too.
    let as_admin = library(app, &app.admin).await;
    assert!(as_admin.len() >= starter_topics().len());
    // The starter library's must-haves are there.
    for id in [
        diabetes_topic(),
        hypertension_topic(),
        metformin_topic(),
        hba1c_topic(),
        starter_topic("rxnorm", "29046"),
        starter_topic("snomed", "91936005"),
    ] {
        assert!(listed.iter().any(|t| t["topicId"] == id.as_str()), "{id}");
    }
}

#[tokio::test]
async fn a_practice_topic_is_added_edited_at_its_version_and_retired() {
    let app = spawn_app().await;
    let ingredient = unique_word();
    let id = unique_topic_id();
    let created = add_topic(app, &app.clinician, topic_body(&id, &ingredient)).await;
    assert_eq!(created.status, 201, "{created:#?}");
    let topic = created.body.clone();
    assert_eq!(topic["topicId"], id.as_str());
    assert_eq!(topic["origin"], "practice");
    assert_eq!(topic["status"], "active");
    assert_eq!(topic["kind"], "medication");
    assert_eq!(topic["ingredients"], json!([ingredient]));
    assert_eq!(topic["updatedBy"]["name"], "Test clinician", "{topic:#?}");
    assert_eq!(topic["version"], 1, "{topic:#?}");
    assert_eq!(
        created.header("etag").as_deref(),
        Some("\"1\""),
        "{created:#?}"
    );
    assert!(topic["content"].get("es").is_none_or(Value::is_null));

    // The id is taken now: 409, and the first topic is unchanged.
    let mut again = topic_body(&id, &ingredient);
    again["content"]["en"]["title"] = json!("Another title");
    let taken = add_topic(app, &app.admin, again).await;
    assert_type(&taken, 409, "conflict");
    // A starter topic's id is taken too.
    let starter = add_topic(
        app,
        &app.clinician,
        topic_body(&hypertension_topic(), &ingredient),
    )
    .await;
    assert_type(&starter, 409, "conflict");
    let stored = library_topic(app, &id).await.expect("listed");
    assert_eq!(stored["content"], topic["content"]);

    // A patient taking it sees it.
    let patient = patient_taking(app, &ingredient).await;
    let list = topics(app, &patient.id, &patient.actor, "").await;
    let matched = item(&list, &id).expect("the practice topic is matched");
    assert_eq!(matched["title"], topic["content"]["en"]["title"]);
    assert_eq!(matched["reasons"][0]["kind"], "medication", "{matched:#?}");

    // Edited at its version: a Spanish version added, the title changed.
    let tag = etag_of(&topic);
    let mut edit = editable(&topic);
    edit["content"]["en"]["title"] = json!("Your new medicine");
    edit["content"]["es"] = json!({
        "title": "Su nuevo medicamento",
        "summary": "Tómelo con comida. Díganos si le cae mal al estómago.",
        "url": "https://medlineplus.gov/spanish/druginfo/meds/a696005-es.html"
    });
    // Without If-Match: 428; at a version that is not the current one: 412.
    let missing = put_topic(app, &id, edit.clone(), None).await;
    assert_problem(&missing, 428, None);
    let stale_tag = format!("\"{}\"", topic["version"].as_u64().expect("version") + 5);
    let stale = put_topic(app, &id, edit.clone(), Some(&stale_tag)).await;
    assert_problem(&stale, 412, None);
    let edited = put_topic(app, &id, edit.clone(), Some(&tag)).await;
    assert_eq!(edited.status, 200, "{edited:#?}");
    assert_eq!(edited.body["content"]["en"]["title"], "Your new medicine");
    assert_eq!(
        edited.body["content"]["es"]["title"],
        "Su nuevo medicamento"
    );
    assert!(
        edited.body["version"].as_u64() > topic["version"].as_u64(),
        "{edited:#?}"
    );
    assert_eq!(
        edited.header("etag"),
        Some(etag_of(&edited.body)),
        "the new version is the ETag: {edited:#?}"
    );
    // The version read before is stale now.
    let late = put_topic(app, &id, edit, Some(&tag)).await;
    assert_problem(&late, 412, None);
    let spanish = topics(app, &patient.id, &patient.actor, "?lang=es").await;
    let shown = item(&spanish, &id).expect("still matched");
    assert_eq!(shown["language"], "es");
    assert_eq!(shown["title"], "Su nuevo medicamento");

    // Retired: gone from the patient's list and unreadable; still in the library, retired.
    let retired = app
        .send(
            Method::DELETE,
            &format!("{LIBRARY}/{id}"),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_eq!(retired.status, 204, "{retired:#?}");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert!(item(&list, &id).is_none(), "{list:#?}");
    let read = app.get(&topic_path(&patient.id, &id), &patient.actor).await;
    assert_type(&read, 404, "not-found");
    let kept = library_topic(app, &id).await.expect("kept for history");
    assert_eq!(kept["status"], "retired");
    // Retiring it again: 204, nothing changed.
    let again = app
        .send(
            Method::DELETE,
            &format!("{LIBRARY}/{id}"),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_eq!(again.status, 204, "{again:#?}");
    let still = library_topic(app, &id).await.expect("kept for history");
    assert_eq!(still["version"], kept["version"], "{still:#?}");
    // Its id stays taken.
    let reused = add_topic(app, &app.clinician, topic_body(&id, &ingredient)).await;
    assert_type(&reused, 409, "conflict");
}

#[tokio::test]
async fn concurrent_edits_at_one_version_have_one_winner() {
    let app = spawn_app().await;
    let topic = new_topic(app, &unique_word()).await;
    let id = id_of(&topic, "topicId");
    let tag = etag_of(&topic);
    let mut first = editable(&topic);
    first["content"]["en"]["title"] = json!("First");
    let mut second = editable(&topic);
    second["content"]["en"]["title"] = json!("Second");
    let (a, b) = tokio::join!(
        put_topic(app, &id, first, Some(&tag)),
        put_topic(app, &id, second, Some(&tag))
    );
    let replies = [a, b];
    let winner = portal_tests::single_winner(&replies, 412);
    let stored = library_topic(app, &id).await.expect("listed");
    assert_eq!(
        stored["content"]["en"]["title"],
        winner.body["content"]["en"]["title"]
    );

    // Two concurrent additions of one new id: one 201, one 409.
    let new_id = unique_topic_id();
    let word = unique_word();
    let (c, d) = tokio::join!(
        add_topic(app, &app.clinician, topic_body(&new_id, &word)),
        add_topic(app, &app.admin, topic_body(&new_id, &word))
    );
    portal_tests::single_winner(&[c, d], 409);
}

#[tokio::test]
async fn a_starter_topic_is_refused_a_stale_change_and_starts_at_version_zero() {
    let app = spawn_app().await;
    let id = hypertension_topic();
    let topic = library_topic(app, &id).await.expect("listed");
    let body = editable(&topic);
    let stale = app
        .send_with_headers(
            Method::PUT,
            &format!("{LIBRARY}/{id}"),
            &app.clinician,
            body,
            &[("If-Match", "\"987654\"")],
        )
        .await;
    assert_problem(&stale, 412, None);
    let after = library_topic(app, &id).await.expect("listed");
    assert_eq!(after["version"], topic["version"]);
    assert_eq!(after["content"], topic["content"]);
    // Unedited on this stack (no test edits a starter topic): the starter's, at version 0.
    assert_eq!(after["origin"], "starter", "{after:#?}");
    assert_eq!(after["version"], 0, "{after:#?}");
}

#[tokio::test]
async fn bad_topics_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let ingredient = unique_word();
    let before = library(app, &app.clinician).await.len();
    let cases: Vec<(Value, &str)> = {
        let valid = || topic_body(&unique_topic_id(), &ingredient);
        let with = |pointer: &str, value: Value| {
            let mut body = valid();
            *body.pointer_mut(pointer).expect("a field") = value;
            body
        };
        let without = |field: &str| {
            let mut body = valid();
            body.as_object_mut().expect("object").remove(field);
            body
        };
        vec![
            (without("topicId"), "topicId"),
            (with("/topicId", json!("Bad Id!")), "topicId"),
            (with("/topicId", json!("x")), "topicId"),
            (with("/kind", json!("procedure")), "kind"),
            (without("content"), "content"),
            (
                with(
                    "/content",
                    json!({"es": {"title": "T", "summary": "S.", "url": "https://medlineplus.gov/spanish/"}}),
                ),
                "content.en",
            ),
            (with("/content/en/title", json!("")), "content.en.title"),
            (
                with("/content/en/summary", json!("  ")),
                "content.en.summary",
            ),
            (
                with("/content/en/url", json!("http://medlineplus.gov/x.html")),
                "content.en.url",
            ),
            (
                with("/content/en/url", json!("not a url")),
                "content.en.url",
            ),
            (
                with(
                    "/content",
                    json!({
                        "en": {"title": "T", "summary": "S.", "url": "https://medlineplus.gov/x.html"},
                        "es": {"title": "T", "summary": "S.", "url": "javascript:alert(1)"}
                    }),
                ),
                "content.es.url",
            ),
            (
                with(
                    "/codes",
                    json!([
                        {"system": "rxnorm", "code": "6809"},
                        {"system": "loinc", "code": "4548-4"},
                        {"system": "icd10cm", "code": ""}
                    ]),
                ),
                "codes[2].code",
            ),
            (
                with("/codes", json!([{"system": "cpt", "code": "99213"}])),
                "codes[0].system",
            ),
            (with("/ingredients", json!([""])), "ingredients[0]"),
        ]
    };
    for (body, field) in cases {
        let reply = add_topic(app, &app.clinician, body.clone()).await;
        assert_invalid(&reply, field);
    }
    // Not JSON at all.
    let garbage = app
        .send_raw(
            Method::POST,
            LIBRARY,
            &app.clinician,
            "application/json",
            "{not json",
        )
        .await;
    assert_type(&garbage, 400, "malformed-request");
    // Nothing written.
    assert!(
        !library(app, &app.clinician)
            .await
            .iter()
            .any(|t| t["ingredients"] == json!([ingredient])),
        "no topic was added"
    );
    assert!(library(app, &app.clinician).await.len() >= before);

    // An edit is checked the same way, and unchanged when refused.
    let topic = new_topic(app, &unique_word()).await;
    let id = id_of(&topic, "topicId");
    let mut bad = editable(&topic);
    bad["content"]["en"]["url"] = json!("ftp://medlineplus.gov/x");
    let refused = put_topic(app, &id, bad, Some(&etag_of(&topic))).await;
    assert_invalid(&refused, "content.en.url");
    // The body may not name another topic than the URL's.
    let mut other = editable(&topic);
    other["topicId"] = json!(hypertension_topic());
    let refused = put_topic(app, &id, other, Some(&etag_of(&topic))).await;
    assert_invalid(&refused, "topicId");
    let stored = library_topic(app, &id).await.expect("listed");
    assert_eq!(stored["version"], topic["version"]);
    assert_eq!(stored["content"], topic["content"]);
    // Unknown topics: 404 to edit and to retire.
    let mut elsewhere = editable(&topic);
    elsewhere["topicId"] = json!("no-such-topic-anywhere");
    let unknown = put_topic(app, "no-such-topic-anywhere", elsewhere, Some("\"1\"")).await;
    assert_type(&unknown, 404, "not-found");
    let unknown = app
        .send(
            Method::DELETE,
            &format!("{LIBRARY}/no-such-topic-anywhere"),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_type(&unknown, 404, "not-found");
}

#[tokio::test]
async fn only_clinicians_and_administrators_manage_the_library() {
    let app = spawn_app().await;
    let topic = new_topic(app, &unique_word()).await;
    let id = id_of(&topic, "topicId");
    let patient = app.new_patient().await;
    for who in [
        &app.front_desk,
        &app.response_team,
        &app.portal_lead,
        &app.caregiver,
        &patient.actor,
    ] {
        assert_problem(&app.get(LIBRARY, who).await, 403, None);
        let added = add_topic(app, who, topic_body(&unique_topic_id(), &unique_word())).await;
        assert_problem(&added, 403, None);
        let edited = app
            .send_with_headers(
                Method::PUT,
                &format!("{LIBRARY}/{id}"),
                who,
                editable(&topic),
                &[("If-Match", &etag_of(&topic))],
            )
            .await;
        assert_problem(&edited, 403, None);
        let retired = app
            .send(Method::DELETE, &format!("{LIBRARY}/{id}"), Some(who), None)
            .await;
        assert_problem(&retired, 403, None);
    }
    let anonymous = app.send(Method::GET, LIBRARY, None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    let stored = library_topic(app, &id).await.expect("listed");
    assert_eq!(stored["status"], "active");
    assert_eq!(stored["version"], topic["version"]);
    // An administrator edits and retires.
    let mut edit = editable(&topic);
    edit["content"]["en"]["title"] = json!("Edited by the administrator");
    let edited = app
        .send_with_headers(
            Method::PUT,
            &format!("{LIBRARY}/{id}"),
            &app.admin,
            edit,
            &[("If-Match", &etag_of(&topic))],
        )
        .await;
    assert_eq!(edited.status, 200, "{edited:#?}");
    assert_eq!(edited.body["updatedBy"]["name"], "Test admin");
    let retired = app
        .send(
            Method::DELETE,
            &format!("{LIBRARY}/{id}"),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(retired.status, 204, "{retired:#?}");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_addition_and_refuses_another_body() {
    let app = spawn_app().await;
    let key = ulid::Ulid::generate().to_string();
    let body = topic_body(&unique_topic_id(), &unique_word());
    let send = |body: Value| {
        let key = key.clone();
        async move {
            app.send_with_headers(
                Method::POST,
                LIBRARY,
                &app.clinician,
                body,
                &[("Idempotency-Key", &key)],
            )
            .await
        }
    };
    let created = send(body.clone()).await;
    assert_eq!(created.status, 201, "{created:#?}");
    // The retry: the first answer (not 409 for the id it took), marked as replayed.
    let replayed = send(body.clone()).await;
    assert_eq!(replayed.status, 201, "{replayed:#?}");
    assert_eq!(
        replayed.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replayed.body, created.body);
    // The same key with another topic: 422, and that topic is not added.
    let other = topic_body(&unique_topic_id(), &unique_word());
    let reused = send(other.clone()).await;
    assert_type(&reused, 422, "idempotency-key-reused");
    assert!(
        library_topic(app, &id_of(&other, "topicId"))
            .await
            .is_none()
    );
    let stored = library_topic(app, &id_of(&body, "topicId"))
        .await
        .expect("added once");
    assert_eq!(stored["version"], created.body["version"]);
}
