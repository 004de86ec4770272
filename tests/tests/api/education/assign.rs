//! A clinician shares a topic with a patient: it comes first in the patient's list with the
//! clinician's name and note; the patient is told (an outbox record with ids only); assigning
//! again replaces the note; an Idempotency-Key replays; unassigning takes it away.

use portal_tests::{Method, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

/// The assigned reason of a list's item, if any.
fn assigned_reason<'a>(list: &'a Value, topic: &str) -> Option<&'a Value> {
    item(list, topic)?["reasons"]
        .as_array()?
        .iter()
        .find(|r| r["kind"] == "assigned")
}

#[tokio::test]
async fn a_clinician_shares_a_topic_which_comes_first_and_the_patient_is_told() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // The patient's record matches the diabetes topic; the clinician shares the lab test's.
    import(
        app,
        &patient,
        &bundle(
            &patient.family,
            vec![condition(
                "ed-diabetes",
                ICD10CM,
                DIABETES_CODE,
                "Type 2 diabetes mellitus with hyperglycemia",
                "active",
            )],
        ),
    )
    .await;
    let topic = hba1c_topic();
    let key = ulid::Ulid::generate().to_string();
    let body = json!({"topicId": topic, "note": "Please read this before your next lab visit."});
    let created = app
        .send_with_headers(
            Method::POST,
            &assign_path(&patient.id),
            &app.clinician,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    assert_eq!(created.body["topicId"], topic.as_str());
    assert_eq!(
        created.body["note"],
        "Please read this before your next lab visit."
    );
    assert_eq!(created.body["assignedBy"]["name"], "Test clinician");
    assert!(created.body["assignedAt"].is_string(), "{created:#?}");
    assert_eq!(
        created.header("location").as_deref(),
        Some(topic_path(&patient.id, &topic).as_str()),
        "{created:#?}"
    );

    // The patient is told, with ids only: no topic, no note.
    let records = told(app, &patient.id).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    let text = records[0].to_string();
    assert!(!text.contains("lab visit"), "{text}");
    assert!(!text.contains(&format!("\"{topic}\"")), "{text}");

    // The same key again: the first answer, nothing written.
    let replayed = app
        .send_with_headers(
            Method::POST,
            &assign_path(&patient.id),
            &app.clinician,
            body,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(replayed.status, 201, "{replayed:#?}");
    assert_eq!(
        replayed.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replayed.body, created.body);
    assert_eq!(told(app, &patient.id).await.len(), 1);
    // The same key for another topic: 422, and that topic is not shared.
    let reused = app
        .send_with_headers(
            Method::POST,
            &assign_path(&patient.id),
            &app.clinician,
            json!({"topicId": hypertension_topic()}),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_type(&reused, 422, "idempotency-key-reused");
    assert_eq!(told(app, &patient.id).await.len(), 1);
    assert!(
        !topic_ids(&topics(app, &patient.id, &patient.actor, "").await)
            .contains(&hypertension_topic())
    );

    // First in the patient's list, with the note and who shared it; the matched one after.
    let list = topics(app, &patient.id, &patient.actor, "").await;
    let ids = topic_ids(&list);
    assert_eq!(ids.first(), Some(&topic), "{list:#?}");
    assert!(ids.contains(&diabetes_topic()), "{list:#?}");
    let reason = assigned_reason(&list, &topic).expect("an assigned reason");
    assert_eq!(
        reason["note"],
        "Please read this before your next lab visit."
    );
    assert_eq!(reason["assignedBy"]["name"], "Test clinician");
    assert_eq!(reason["assignedAt"], created.body["assignedAt"]);

    // Assigned again: 200, the note replaced (and no note at all is fine).
    let again = assign(
        app,
        &patient.id,
        &app.clinician,
        json!({"topicId": topic, "note": "New note."}),
    )
    .await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["note"], "New note.");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(
        assigned_reason(&list, &topic).expect("assigned")["note"],
        "New note."
    );
    assert_eq!(
        topic_ids(&list).iter().filter(|id| **id == topic).count(),
        1,
        "listed once: {list:#?}"
    );

    // A second topic shared later comes first (newest assigned first).
    let second = hypertension_topic();
    let shared = assign(app, &patient.id, &app.clinician, json!({"topicId": second})).await;
    assert_eq!(shared.status, 201, "{shared:#?}");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(&topic_ids(&list)[..2], &[second.clone(), topic.clone()]);

    // Unassigned: the topic leaves the list (nothing in the record matches it); again, 404.
    let removed = app
        .send(
            Method::DELETE,
            &unassign_path(&patient.id, &topic),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_eq!(removed.status, 204, "{removed:#?}");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert!(!topic_ids(&list).contains(&topic), "{list:#?}");
    assert!(topic_ids(&list).contains(&diabetes_topic()));
    let twice = app
        .send(
            Method::DELETE,
            &unassign_path(&patient.id, &topic),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_type(&twice, 404, "not-found");
    // Unassigning a matched topic never assigned: 404, and it stays matched.
    let never = app
        .send(
            Method::DELETE,
            &unassign_path(&patient.id, &diabetes_topic()),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_type(&never, 404, "not-found");
    assert!(
        topic_ids(&topics(app, &patient.id, &patient.actor, "").await).contains(&diabetes_topic())
    );
}

#[tokio::test]
async fn concurrent_assignments_make_one_assignment() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let topic = hypertension_topic();
    let (a, b) = tokio::join!(
        assign(
            app,
            &patient.id,
            &app.clinician,
            json!({"topicId": topic, "note": "A"})
        ),
        assign(
            app,
            &patient.id,
            &app.clinician,
            json!({"topicId": topic, "note": "B"})
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 201], "{a:#?} {b:#?}");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(topic_ids(&list), std::slice::from_ref(&topic), "{list:#?}");
    let note = &assigned_reason(&list, &topic).expect("assigned")["note"];
    assert!(note == "A" || note == "B", "{list:#?}");
}

#[tokio::test]
async fn bad_assignments_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let retired = id_of(&new_topic(app, &unique_word()).await, "topicId");
    let gone = app
        .send(
            Method::DELETE,
            &format!("{LIBRARY}/{retired}"),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{gone:#?}");
    let topic = hypertension_topic();
    for (body, field) in [
        (json!({}), "topicId"),
        (json!({"topicId": 7}), "topicId"),
        (json!({"topicId": "Not_A_Slug"}), "topicId"),
        (json!({"topicId": "no-such-topic-anywhere"}), "topicId"),
        (json!({"topicId": retired}), "topicId"),
        (json!({"topicId": topic, "note": "x".repeat(1001)}), "note"),
        (json!({"topicId": topic, "note": 12}), "note"),
    ] {
        let reply = assign(app, &patient.id, &app.clinician, body.clone()).await;
        assert_invalid(&reply, field);
    }
    // Unassigning an id that cannot be a topic's: 422 naming it.
    let malformed = app
        .send(
            Method::DELETE,
            &unassign_path(&patient.id, "Not_A_Slug"),
            Some(&app.clinician),
            None,
        )
        .await;
    assert_type(&malformed, 404, "not-found");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(list["items"], json!([]), "{list:#?}");
    assert!(told(app, &patient.id).await.is_empty());
    // A note of exactly 1000 characters is fine.
    let longest = assign(
        app,
        &patient.id,
        &app.clinician,
        json!({"topicId": topic, "note": "x".repeat(1000)}),
    )
    .await;
    assert_eq!(longest.status, 201, "{longest:#?}");
}

#[tokio::test]
async fn only_clinicians_assign_and_only_their_patients() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let stranger = app.new_patient().await;
    let topic = hypertension_topic();
    let body = json!({"topicId": topic});
    // Other staff and the patient themselves: 403. No token: 401.
    for who in [
        &app.front_desk,
        &app.response_team,
        &app.admin,
        &app.portal_lead,
        &patient.actor,
    ] {
        let refused = assign(app, &patient.id, who, body.clone()).await;
        assert_problem(&refused, 403, None);
    }
    // Another patient, on this patient's data: 404.
    let foreign = assign(app, &patient.id, &stranger.actor, body.clone()).await;
    assert_type(&foreign, 404, "not-found");
    let anonymous = app
        .send(Method::POST, &assign_path(&patient.id), None, Some(body))
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    // Nothing was assigned.
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(list["items"], json!([]), "{list:#?}");

    // Assigned by the clinician, the others may not take it away either.
    let assigned = assign(app, &patient.id, &app.clinician, json!({"topicId": topic})).await;
    assert_eq!(assigned.status, 201, "{assigned:#?}");
    let path = unassign_path(&patient.id, &topic);
    for who in [&app.front_desk, &app.admin, &patient.actor] {
        let refused = app.send(Method::DELETE, &path, Some(who), None).await;
        assert_problem(&refused, 403, None);
    }
    let foreign = app
        .send(Method::DELETE, &path, Some(&stranger.actor), None)
        .await;
    assert_type(&foreign, 404, "not-found");
    let anonymous = app.send(Method::DELETE, &path, None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(topic_ids(&list), [topic]);
    // Assigning is audited against the patient.
    let audited = app.audit_events(&patient.id).await;
    assert!(
        audited
            .iter()
            .any(|e| e["actorSub"] == app.clinician.sub.as_str()
                && e["outcome"] == "allowed"
                && e["action"]
                    .as_str()
                    .is_some_and(|a| a.contains("education"))),
        "{audited:#?}"
    );
}
