//! "Was this helpful?": one vote per patient and topic; the first is also a feedback rating of
//! the `education` feature; a changed vote moves the topic's tally the staff see.
//!
//! Tallies are practice-wide: each test votes on a practice topic of its own, so it can count.

use portal_tests::{Method, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

/// The library's tally of `topic`: (yes, no).
async fn tally(app: &portal_tests::TestApp, topic: &str) -> (u64, u64) {
    let listed = library_topic(app, topic)
        .await
        .unwrap_or_else(|| panic!("{topic} is not in the library"));
    let helpful = &listed["helpful"];
    (
        helpful["yes"].as_u64().unwrap_or(0),
        helpful["no"].as_u64().unwrap_or(0),
    )
}

#[tokio::test]
async fn a_vote_is_kept_changed_and_counted_and_the_first_is_a_rating() {
    let app = spawn_app().await;
    let ingredient = unique_word();
    let topic = id_of(&new_topic(app, &ingredient).await, "topicId");
    let patient = patient_taking(app, &ingredient).await;
    assert_eq!(tally(app, &topic).await, (0, 0));

    let first = vote(app, &patient, &topic, true).await;
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(first.body["topicId"], topic.as_str());
    assert_eq!(first.body["helpful"], true);
    assert!(first.body["at"].is_string(), "{first:#?}");
    assert_eq!(tally(app, &topic).await, (1, 0));
    // The list shows the patient's vote.
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(item(&list, &topic).expect("the topic")["helpful"], true);

    // The first vote is a rating of the education feature (5: helpful).
    let ratings = education_ratings(app, &patient).await;
    assert_eq!(ratings.len(), 1, "{ratings:#?}");
    assert_eq!(ratings[0]["rating"], 5, "{ratings:#?}");

    // Changed: the tally moves from yes to no; no second rating.
    let changed = vote(app, &patient, &topic, false).await;
    assert_eq!(changed.status, 200, "{changed:#?}");
    assert_eq!(changed.body["helpful"], false);
    assert_eq!(tally(app, &topic).await, (0, 1));
    // The same vote again changes nothing.
    let same = vote(app, &patient, &topic, false).await;
    assert_eq!(same.status, 200, "{same:#?}");
    assert_eq!(tally(app, &topic).await, (0, 1));
    assert_eq!(education_ratings(app, &patient).await.len(), 1);
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(item(&list, &topic).expect("the topic")["helpful"], false);

    // Another patient who found it unhelpful first: a rating of 1, counted with the others.
    let other = patient_taking(app, &ingredient).await;
    let theirs = vote(app, &other, &topic, false).await;
    assert_eq!(theirs.status, 200, "{theirs:#?}");
    assert_eq!(tally(app, &topic).await, (0, 2));
    let ratings = education_ratings(app, &other).await;
    assert_eq!(ratings.len(), 1, "{ratings:#?}");
    assert_eq!(ratings[0]["rating"], 1, "{ratings:#?}");
}

#[tokio::test]
async fn a_caregiver_trusted_with_the_records_votes_for_the_patient() {
    let app = spawn_app().await;
    let ingredient = unique_word();
    let topic = id_of(&new_topic(app, &ingredient).await, "topicId");
    let patient = patient_taking(app, &ingredient).await;
    // Trusted with the messages only: 403, nothing counted.
    app.grant(
        &patient.id,
        &app.caregiver,
        &[portal_shared::policy::authz::Scope::Messages],
        portal_tests::GrantState::Active,
    )
    .await;
    let refused = app
        .send(
            Method::PUT,
            &helpful_path(&patient.id, &topic),
            Some(&app.caregiver),
            Some(json!({"helpful": true})),
        )
        .await;
    assert_problem(&refused, 403, None);
    assert_eq!(tally(app, &topic).await, (0, 0));
    // Reading the topics needs the records scope too.
    assert_problem(
        &app.get(&education_path(&patient.id), &app.caregiver).await,
        403,
        None,
    );
    // Trusted with the records: the vote counts, as the patient's.
    app.grant(
        &patient.id,
        &app.caregiver,
        &[portal_shared::policy::authz::Scope::Records],
        portal_tests::GrantState::Active,
    )
    .await;
    let listed = topics(app, &patient.id, &app.caregiver, "").await;
    assert!(item(&listed, &topic).is_some(), "{listed:#?}");
    let voted = app
        .send(
            Method::PUT,
            &helpful_path(&patient.id, &topic),
            Some(&app.caregiver),
            Some(json!({"helpful": true})),
        )
        .await;
    assert_eq!(voted.status, 200, "{voted:#?}");
    assert_eq!(tally(app, &topic).await, (1, 0));
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(item(&list, &topic).expect("the topic")["helpful"], true);
}

#[tokio::test]
async fn concurrent_first_votes_count_once_and_rate_once() {
    let app = spawn_app().await;
    let ingredient = unique_word();
    let topic = id_of(&new_topic(app, &ingredient).await, "topicId");
    let patient = patient_taking(app, &ingredient).await;
    let (a, b) = tokio::join!(
        vote(app, &patient, &topic, true),
        vote(app, &patient, &topic, true)
    );
    assert_eq!(a.status, 200, "{a:#?}");
    assert_eq!(b.status, 200, "{b:#?}");
    assert_eq!(tally(app, &topic).await, (1, 0));
    assert_eq!(education_ratings(app, &patient).await.len(), 1);

    // Two concurrent changes the other way and back: the tally still counts one vote.
    let (c, d) = tokio::join!(
        vote(app, &patient, &topic, false),
        vote(app, &patient, &topic, true)
    );
    assert_eq!(c.status, 200, "{c:#?}");
    assert_eq!(d.status, 200, "{d:#?}");
    let (yes, no) = tally(app, &topic).await;
    assert_eq!(yes + no, 1, "one vote, whichever came last");
    let list = topics(app, &patient.id, &patient.actor, "").await;
    let shown = &item(&list, &topic).expect("the topic")["helpful"];
    assert_eq!(shown == true, yes == 1, "the vote and the tally agree");
}

#[tokio::test]
async fn bad_votes_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let ingredient = unique_word();
    let topic = id_of(&new_topic(app, &ingredient).await, "topicId");
    let patient = patient_taking(app, &ingredient).await;
    for body in [
        json!({}),
        json!({"helpful": "yes"}),
        json!({"helpful": null}),
        json!({"helpful": 1}),
    ] {
        let reply = app
            .send(
                Method::PUT,
                &helpful_path(&patient.id, &topic),
                Some(&patient.actor),
                Some(body.clone()),
            )
            .await;
        assert_invalid(&reply, "helpful");
    }
    // Unknown topic, and an id no topic could have: 404.
    let unknown = vote(app, &patient, "no-such-topic-anywhere", true).await;
    assert_type(&unknown, 404, "not-found");
    let malformed = vote(app, &patient, "Not_A_Slug", true).await;
    assert_type(&malformed, 404, "not-found");
    assert_eq!(tally(app, &topic).await, (0, 0));
    assert!(education_ratings(app, &patient).await.is_empty());
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert!(item(&list, &topic).expect("the topic")["helpful"].is_null());
}

#[tokio::test]
async fn votes_are_the_patient_s_own() {
    let app = spawn_app().await;
    let ingredient = unique_word();
    let topic = id_of(&new_topic(app, &ingredient).await, "topicId");
    let patient = patient_taking(app, &ingredient).await;
    let stranger = app.new_patient().await;
    let path = helpful_path(&patient.id, &topic);
    let body = Some(json!({"helpful": true}));
    let foreign = app
        .send(Method::PUT, &path, Some(&stranger.actor), body.clone())
        .await;
    assert_type(&foreign, 404, "not-found");
    for who in [
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.admin,
        &app.portal_lead,
    ] {
        let refused = app.send(Method::PUT, &path, Some(who), body.clone()).await;
        assert_problem(&refused, 403, None);
    }
    let anonymous = app.send(Method::PUT, &path, None, body).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    assert_eq!(tally(app, &topic).await, (0, 0));
    let _: Value = topics(app, &patient.id, &patient.actor, "").await;
}
