//! Ratings of features, the prompt guard, usability surveys, comments and answers.
//!
//! Every test works in cohorts of its own (unique names) and with its own patients. The
//! practice-wide `all` totals of one feature are counted exactly by one test, which holds
//! [`ALL_TOTALS_PART`] alone: no other test on the shared stack rates [`COUNTED_FEATURE`].

use futures::future::join_all;
use portal_shared::domain::ids::{PatientId, SurveyId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::day_range;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item};
use portal_tests::{Method, Patient, Reply, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::support::cohort_of;
use crate::rollout::cohorts::unique_cohort_name;

/// The feature whose `all` totals a test counts exactly; only that test rates it.
const COUNTED_FEATURE: &str = "online-booking";
const ALL_TOTALS_PART: &str = "feedback:ratings:online-booking";

/// The worked example of the System Usability Scale: 85.
const WORKED_EXAMPLE: [u8; 10] = [4, 2, 4, 1, 5, 2, 4, 2, 5, 1];

fn ratings_path(patient: &Patient) -> String {
    format!("/patients/{}/feedback/ratings", patient.id)
}

async fn rate(app: &TestApp, patient: &Patient, body: Value) -> Reply {
    app.send(
        Method::POST,
        &ratings_path(patient),
        Some(&patient.actor),
        Some(body),
    )
    .await
}

/// A rating that must be recorded; its body.
async fn rated(app: &TestApp, patient: &Patient, body: Value) -> Value {
    let reply = rate(app, patient, body).await;
    assert_eq!(reply.status, 201, "rating: {reply:#?}");
    reply.body
}

async fn mine(app: &TestApp, patient: &Patient) -> Value {
    let reply = app
        .get(
            &format!("/patients/{}/feedback", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

async fn prompt(app: &TestApp, patient: &Patient, body: Option<Value>) -> Reply {
    app.send(
        Method::POST,
        &format!("/patients/{}/feedback/prompt", patient.id),
        Some(&patient.actor),
        body,
    )
    .await
}

fn in_days(days: u64) -> String {
    Timestamp::now()
        .plus(std::time::Duration::from_secs(days * 86_400))
        .to_string()
}

/// A survey of `cohort` opened by the portal lead; its id.
async fn open_survey(app: &TestApp, cohort: &str) -> String {
    let reply = app
        .send(
            Method::POST,
            "/feedback/surveys",
            Some(&app.portal_lead),
            Some(json!({"cohort": cohort, "closesAt": in_days(7)})),
        )
        .await;
    assert_eq!(reply.status, 201, "opening a survey: {reply:#?}");
    reply.body["surveyId"]
        .as_str()
        .expect("surveyId")
        .to_owned()
}

fn response_path(patient: &Patient, survey: &str) -> String {
    format!(
        "/patients/{}/feedback/surveys/{survey}/response",
        patient.id
    )
}

async fn answer_survey(app: &TestApp, patient: &Patient, survey: &str, answers: Value) -> Reply {
    app.send(
        Method::POST,
        &response_path(patient, survey),
        Some(&patient.actor),
        Some(json!({ "answers": answers })),
    )
    .await
}

fn answer_path(patient: &Patient, feedback: &str) -> String {
    format!("/patients/{}/feedback/{feedback}/answer", patient.id)
}

fn item(key: keys::Key, attributes: Value) -> Item {
    store::to_item(&key, &attributes).expect("item")
}

async fn summary(app: &TestApp, query: &str) -> Vec<Value> {
    let reply = app
        .get(&format!("/feedback/ratings?{query}"), &app.response_team)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// Every comment listed to the response team (one feature's, or every feature's), following
/// the cursor, newest first.
async fn all_comments(app: &TestApp, feature: Option<&str>, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/feedback/comments?limit={limit}");
        if let Some(feature) = feature {
            path.push_str(&format!("&feature={feature}"));
        }
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let reply = app.get(&path, &app.response_team).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        let page = reply.body["items"].as_array().expect("items");
        assert!(page.len() <= limit as usize, "{reply:#?}");
        items.extend(page.clone());
        match reply.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

async fn prompt_item(app: &TestApp, patient: &Patient) -> Option<Item> {
    let id = PatientId::parse(&patient.id).expect("patient id");
    app.app_item(keys::feedback_prompt(id)).await
}

// ---- ratings -----------------------------------------------------------------------------

#[tokio::test]
async fn a_rating_is_recorded_with_the_cohorts_and_the_switch_state() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let first = cohort_of(app, false, &[&patient]).await;
    let second = cohort_of(app, true, &[&patient]).await;
    let mut cohorts = vec![first.clone(), second.clone()];
    cohorts.sort();

    let body =
        json!({"feature": "messaging", "rating": 4, "comment": "  Quick replies.\r\nThanks!  "});
    let key = ulid::Ulid::generate().to_string();
    let created = app
        .send_with_headers(
            Method::POST,
            "/patients/me/feedback/ratings",
            &patient.actor,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let feedback = &created.body;
    let id = feedback["feedbackId"]
        .as_str()
        .expect("feedbackId")
        .to_owned();
    assert_eq!(feedback["patientId"], patient.id.as_str());
    assert_eq!(feedback["feature"], "messaging");
    assert_eq!(feedback["rating"], 4);
    assert_eq!(feedback["comment"], "Quick replies.\nThanks!");
    assert_eq!(feedback["cohorts"], json!(cohorts));
    // No switch for messaging on the shared stack: on for everyone.
    assert_eq!(
        feedback["switchState"],
        json!({"on": true, "reason": "everyone"})
    );
    assert_eq!(feedback["prompted"], false);
    assert!(feedback["at"].is_string());
    assert!(feedback.get("answer").is_none(), "{feedback}");

    // A retry answers the first response; the key with another body is 422.
    let again = app
        .send_with_headers(
            Method::POST,
            "/patients/me/feedback/ratings",
            &patient.actor,
            body,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(again.status, 201, "{again:#?}");
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, created.body);
    let reused = app
        .send_with_headers(
            Method::POST,
            "/patients/me/feedback/ratings",
            &patient.actor,
            json!({"feature": "messaging", "rating": 2}),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_problem(&reused, 422, None);

    // Stored in the patient's partition and on the feature's index.
    let stored = app
        .app_item(keys::feedback(
            PatientId::parse(&patient.id).expect("id"),
            portal_shared::domain::ids::FeedbackId::parse(&id).expect("feedback id"),
        ))
        .await
        .expect("the rating is stored");
    let stored: Value = serde_dynamo::from_item(stored).expect("item");
    assert_eq!(stored["GSI1PK"], "FEATURE_FEEDBACK#messaging");
    assert_eq!(
        stored["GSI1SK"],
        format!("{}#{id}", feedback["at"].as_str().expect("at"))
    );

    // A prompted rating, without a comment.
    let prompted = rated(
        app,
        &patient,
        json!({"feature": "waitlist", "rating": 2, "prompted": true}),
    )
    .await;
    assert_eq!(prompted["prompted"], true);
    assert!(prompted.get("comment").is_none(), "{prompted}");

    // The patient's list: one rating each (the retry wrote nothing), newest first.
    let listed = mine(app, &patient).await;
    let ratings = listed["ratings"].as_array().expect("ratings");
    let ids: Vec<&str> = ratings
        .iter()
        .map(|r| r["feedbackId"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [prompted["feedbackId"].as_str().expect("id"), id.as_str()]
    );
    assert_eq!(ratings[1], created.body);
    assert_eq!(listed["updates"], json!([]));
    assert_eq!(listed["surveys"], json!([]));

    // Each of the patient's cohorts (and `all`) counts it.
    for cohort in [&first, &second] {
        let rows = summary(app, &format!("feature=messaging&cohort={cohort}")).await;
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0]["count"], 1);
        assert_eq!(rows[0]["average"], 4.0);
        assert_eq!(rows[0]["cohort"], cohort.as_str());
        assert_eq!(rows[0]["feature"], "messaging");
    }
}

#[tokio::test]
async fn averages_per_feature_and_cohort_over_days() {
    let app = spawn_app().await;
    let _alone = app.exclusive(ALL_TOTALS_PART).await;
    let (a, b) = (app.new_patient().await, app.new_patient().await);
    let cohort = cohort_of(app, false, &[&a, &b]).await;
    let before = summary(app, &format!("feature={COUNTED_FEATURE}")).await;

    rated(app, &a, json!({"feature": COUNTED_FEATURE, "rating": 4})).await;
    rated(app, &b, json!({"feature": COUNTED_FEATURE, "rating": 5})).await;

    let rows = summary(app, &format!("feature={COUNTED_FEATURE}&cohort={cohort}")).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let today = rows[0]["day"].as_str().expect("day").to_owned();
    assert_eq!(
        rows[0],
        json!({"feature": COUNTED_FEATURE, "cohort": cohort, "day": today, "count": 2, "average": 4.5})
    );

    // Everyone's totals moved by exactly these two ratings.
    let after = summary(app, &format!("feature={COUNTED_FEATURE}")).await;
    let of_today = |rows: &[Value]| {
        rows.iter()
            .find(|row| row["day"] == today.as_str())
            .map(|row| {
                let count = row["count"].as_u64().expect("count");
                let average = row["average"].as_f64().expect("average");
                (count, (average * count as f64).round() as u64)
            })
            .unwrap_or((0, 0))
    };
    assert!(after.iter().all(|row| row["cohort"] == "all"), "{after:#?}");
    let (count_before, sum_before) = of_today(&before);
    let (count_after, sum_after) = of_today(&after);
    assert_eq!(count_after, count_before + 2, "{before:#?} {after:#?}");
    assert_eq!(sum_after, sum_before + 9, "{before:#?} {after:#?}");

    // An earlier day of the same cohort (as the ratings of that day left it).
    let earlier =
        day_range::text(day_range::parse(&today).expect("a date") - time::Duration::days(3));
    app.put_app_item(item(
        keys::feedback_stats(Feature::OnlineBooking, &cohort, &earlier),
        json!({"feature": COUNTED_FEATURE, "cohort": cohort, "day": earlier, "count": 3, "sum": 4}),
    ))
    .await;
    let rows = summary(app, &format!("cohort={cohort}")).await;
    let days: Vec<(&str, u64, f64)> = rows
        .iter()
        .map(|row| {
            (
                row["day"].as_str().expect("day"),
                row["count"].as_u64().expect("count"),
                row["average"].as_f64().expect("average"),
            )
        })
        .collect();
    assert_eq!(
        days,
        [(earlier.as_str(), 3, 1.33), (today.as_str(), 2, 4.5)]
    );
    // A range that starts after it.
    let rows = summary(app, &format!("cohort={cohort}&from={today}&to={today}")).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["day"], today.as_str());
    // Another feature: nothing for this cohort.
    let rows = summary(app, &format!("cohort={cohort}&feature=messaging")).await;
    assert!(rows.is_empty(), "{rows:#?}");
}

#[tokio::test]
async fn concurrent_ratings_all_count_and_one_key_rates_once() {
    let app = spawn_app().await;
    let mut patients = Vec::new();
    for _ in 0..4 {
        patients.push(app.new_patient().await);
    }
    let members: Vec<&Patient> = patients.iter().collect();
    let cohort = cohort_of(app, false, &members).await;
    let replies = join_all(
        patients
            .iter()
            .map(|p| rate(app, p, json!({"feature": "check-in", "rating": 3}))),
    )
    .await;
    assert!(replies.iter().all(|r| r.status == 201), "{replies:#?}");
    let rows = summary(app, &format!("feature=check-in&cohort={cohort}")).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["count"], 4);
    assert_eq!(rows[0]["average"], 3.0);

    // The same key at once: one rating.
    let patient = &patients[0];
    let key = ulid::Ulid::generate().to_string();
    let body = json!({"feature": "care-circle", "rating": 5});
    let headers = [("Idempotency-Key", key.as_str())];
    let replies = join_all((0..4).map(|_| {
        app.send_with_headers(
            Method::POST,
            "/patients/me/feedback/ratings",
            &patient.actor,
            body.clone(),
            &headers,
        )
    }))
    .await;
    assert!(replies.iter().all(|r| r.status == 201), "{replies:#?}");
    let ids: std::collections::BTreeSet<&str> = replies
        .iter()
        .map(|r| r.body["feedbackId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 1, "{replies:#?}");
    let rows = summary(app, &format!("feature=care-circle&cohort={cohort}")).await;
    assert_eq!(rows[0]["count"], 1, "{rows:#?}");
}

#[tokio::test]
async fn bad_ratings_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let cases = [
        (json!({"feature": "teleport", "rating": 3}), "feature"),
        (json!({"feature": "messaging", "rating": 0}), "rating"),
        (json!({"feature": "messaging", "rating": 6}), "rating"),
        (json!({"feature": "messaging", "rating": 3.5}), "rating"),
        (json!({"feature": "messaging"}), "rating"),
        (json!({"rating": 3}), "feature"),
        (
            json!({"feature": "messaging", "rating": 3, "comment": "x".repeat(2001)}),
            "comment",
        ),
        (
            json!({"feature": "messaging", "rating": 3, "comment": "   "}),
            "comment",
        ),
        (
            json!({"feature": "messaging", "rating": 3, "comment": "a\u{202E}b"}),
            "comment",
        ),
        (
            json!({"feature": "messaging", "rating": 3, "prompted": "yes"}),
            "prompted",
        ),
        (
            json!({"feature": "messaging", "rating": 3, "stars": 3}),
            "stars",
        ),
    ];
    for (body, field) in cases {
        let reply = rate(app, &patient, body.clone()).await;
        assert_problem(&reply, 422, Some(field));
    }
    // Several at once are all named.
    let reply = rate(app, &patient, json!({"feature": "x", "rating": 9})).await;
    assert_problem(&reply, 422, Some("feature"));
    assert_problem(&reply, 422, Some("rating"));
    let not_json = app
        .send_raw(
            Method::POST,
            &ratings_path(&patient),
            &patient.actor,
            "application/json",
            "{\"feature\":",
        )
        .await;
    assert_problem(&not_json, 400, None);
    assert_eq!(mine(app, &patient).await["ratings"], json!([]));
}

#[tokio::test]
async fn patient_routes_refuse_other_patients_staff_and_anonymous_callers() {
    let app = spawn_app().await;
    let (patient, other) = (app.new_patient().await, app.new_patient().await);
    let cohort = cohort_of(app, true, &[&patient]).await;
    let survey = open_survey(app, &cohort).await;
    let routes = [
        (
            Method::POST,
            ratings_path(&patient),
            Some(json!({"feature": "messaging", "rating": 3})),
        ),
        (
            Method::GET,
            format!("/patients/{}/feedback", patient.id),
            None,
        ),
        (
            Method::POST,
            format!("/patients/{}/feedback/prompt", patient.id),
            Some(json!({"feature": "messaging"})),
        ),
        (
            Method::POST,
            response_path(&patient, &survey),
            Some(json!({"answers": WORKED_EXAMPLE})),
        ),
    ];
    for (method, path, body) in routes {
        let foreign = app
            .send(method.clone(), &path, Some(&other.actor), body.clone())
            .await;
        assert_problem(&foreign, 404, None);
        for staff in [
            &app.clinician,
            &app.front_desk,
            &app.response_team,
            &app.portal_lead,
        ] {
            let refused = app
                .send(method.clone(), &path, Some(staff), body.clone())
                .await;
            assert_problem(&refused, 403, None);
        }
        let anonymous = app.send(method.clone(), &path, None, body.clone()).await;
        assert_eq!(anonymous.status, 401, "{anonymous:#?}");
        // An unknown or malformed patient is 404 too.
        let unknown = path.replace(&patient.id, &PatientId::generate().to_string());
        let unknown = app
            .send(method.clone(), &unknown, Some(&patient.actor), body.clone())
            .await;
        assert_problem(&unknown, 404, None);
    }
    // Nothing was written for the patient.
    let listed = mine(app, &patient).await;
    assert_eq!(listed["ratings"], json!([]));
    assert_eq!(listed["surveys"][0]["answered"], false);
    assert!(prompt_item(app, &patient).await.is_none());
}

// ---- the prompt guard ----------------------------------------------------------------------

#[tokio::test]
async fn a_beta_patient_is_prompted_once_per_interval() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    cohort_of(app, true, &[&patient]).await;

    let first = prompt(app, &patient, Some(json!({"feature": "messaging"}))).await;
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(
        first.body,
        json!({"prompt": {"kind": "rating", "feature": "messaging"}})
    );
    let stored: Value =
        serde_dynamo::from_item(prompt_item(app, &patient).await.expect("claimed")).expect("item");
    assert!(stored["lastPromptedAt"].is_string(), "{stored}");

    // Within the interval (30 days on the test stack): no prompt, nothing changed.
    for body in [Some(json!({"feature": "waitlist"})), None, Some(json!({}))] {
        let again = prompt(app, &patient, body).await;
        assert_eq!(again.status, 200, "{again:#?}");
        assert_eq!(again.body, json!({"prompt": null}));
    }
    let still: Value =
        serde_dynamo::from_item(prompt_item(app, &patient).await.expect("kept")).expect("item");
    assert_eq!(still["lastPromptedAt"], stored["lastPromptedAt"]);

    // Once the interval has passed, the patient may be asked again.
    let long_ago = Timestamp::now()
        .minus(std::time::Duration::from_secs(31 * 86_400))
        .to_string();
    app.put_app_item(item(
        keys::feedback_prompt(PatientId::parse(&patient.id).expect("id")),
        json!({"lastPromptedAt": long_ago, "prompt": {"kind": "rating", "feature": "messaging"}}),
    ))
    .await;
    let later = prompt(app, &patient, Some(json!({"feature": "waitlist"}))).await;
    assert_eq!(
        later.body,
        json!({"prompt": {"kind": "rating", "feature": "waitlist"}})
    );
}

#[tokio::test]
async fn concurrent_prompts_prompt_once() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    cohort_of(app, true, &[&patient]).await;
    let replies =
        join_all((0..5).map(|_| prompt(app, &patient, Some(json!({"feature": "check-in"}))))).await;
    assert!(replies.iter().all(|r| r.status == 200), "{replies:#?}");
    let prompted = replies
        .iter()
        .filter(|r| !r.body["prompt"].is_null())
        .count();
    assert_eq!(prompted, 1, "{replies:#?}");
}

#[tokio::test]
async fn patients_outside_beta_cohorts_are_never_prompted() {
    let app = spawn_app().await;
    let (in_none, in_plain) = (app.new_patient().await, app.new_patient().await);
    let plain = cohort_of(app, false, &[&in_plain]).await;
    // Even with a survey open for their cohort.
    open_survey(app, &plain).await;
    for patient in [&in_none, &in_plain] {
        for body in [Some(json!({"feature": "messaging"})), None] {
            let reply = prompt(app, patient, body).await;
            assert_eq!(reply.status, 200, "{reply:#?}");
            assert_eq!(reply.body, json!({"prompt": null}));
        }
        assert!(prompt_item(app, patient).await.is_none(), "nothing written");
    }
}

#[tokio::test]
async fn an_open_survey_comes_first_and_a_rated_feature_is_not_asked_for() {
    let app = spawn_app().await;
    let (surveyed, rater) = (app.new_patient().await, app.new_patient().await);
    let cohort = cohort_of(app, true, &[&surveyed]).await;
    let survey = open_survey(app, &cohort).await;
    let reply = prompt(app, &surveyed, Some(json!({"feature": "messaging"}))).await;
    assert_eq!(
        reply.body,
        json!({"prompt": {"kind": "sus", "surveyId": survey}})
    );
    let listed = mine(app, &surveyed).await;
    let surveys = listed["surveys"].as_array().expect("surveys");
    assert_eq!(surveys.len(), 1, "{listed:#?}");
    assert_eq!(surveys[0]["surveyId"], survey.as_str());
    assert_eq!(surveys[0]["cohort"], cohort.as_str());
    assert_eq!(surveys[0]["answered"], false);
    assert!(surveys[0]["closesAt"].is_string());

    // A feature the patient rated within the interval: no prompt, nothing written.
    cohort_of(app, true, &[&rater]).await;
    rated(app, &rater, json!({"feature": "messaging", "rating": 5})).await;
    let reply = prompt(app, &rater, Some(json!({"feature": "messaging"}))).await;
    assert_eq!(reply.body, json!({"prompt": null}));
    assert!(prompt_item(app, &rater).await.is_none());
    // Nor without a feature (and no survey).
    let reply = prompt(app, &rater, None).await;
    assert_eq!(reply.body, json!({"prompt": null}));
    assert!(prompt_item(app, &rater).await.is_none());
    let reply = prompt(app, &rater, Some(json!({"feature": "waitlist"}))).await;
    assert_eq!(
        reply.body,
        json!({"prompt": {"kind": "rating", "feature": "waitlist"}})
    );

    // An answered survey is not asked for again.
    let answerer = app.new_patient().await;
    let cohort = cohort_of(app, true, &[&answerer]).await;
    let survey = open_survey(app, &cohort).await;
    let answered = answer_survey(app, &answerer, &survey, json!(WORKED_EXAMPLE)).await;
    assert_eq!(answered.status, 201, "{answered:#?}");
    let reply = prompt(app, &answerer, None).await;
    assert_eq!(reply.body, json!({"prompt": null}));
    assert_eq!(mine(app, &answerer).await["surveys"][0]["answered"], true);
}

#[tokio::test]
async fn bad_prompt_requests_are_named() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    cohort_of(app, true, &[&patient]).await;
    let unknown = prompt(app, &patient, Some(json!({"feature": "teleport"}))).await;
    assert_problem(&unknown, 422, Some("feature"));
    let extra = prompt(app, &patient, Some(json!({"surveyId": "x"}))).await;
    assert_problem(&extra, 422, Some("surveyId"));
    assert!(prompt_item(app, &patient).await.is_none());
}

// ---- usability surveys -----------------------------------------------------------------------

#[tokio::test]
async fn the_sus_score_of_the_worked_example_and_the_survey_mean() {
    let app = spawn_app().await;
    let (a, b, outsider) = (
        app.new_patient().await,
        app.new_patient().await,
        app.new_patient().await,
    );
    let cohort = cohort_of(app, true, &[&a, &b]).await;

    let body = json!({"cohort": cohort, "closesAt": in_days(14)});
    let key = ulid::Ulid::generate().to_string();
    let opened = app
        .send_with_headers(
            Method::POST,
            "/feedback/surveys",
            &app.portal_lead,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(opened.status, 201, "{opened:#?}");
    let survey = opened.body["surveyId"].as_str().expect("id").to_owned();
    assert_eq!(
        opened.header("location"),
        Some(format!("/feedback/surveys/{survey}"))
    );
    assert_eq!(opened.body["cohort"], cohort.as_str());
    assert_eq!(opened.body["responses"], 0);
    assert_eq!(opened.body["createdBy"], app.portal_lead.sub.as_str());
    assert_eq!(opened.body["opensAt"], opened.body["createdAt"]);
    assert!(opened.body.get("meanScore").is_none(), "{opened:#?}");
    let replayed = app
        .send_with_headers(
            Method::POST,
            "/feedback/surveys",
            &app.portal_lead,
            body,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(replayed.status, 201);
    assert_eq!(replayed.body, opened.body);

    let scored = answer_survey(app, &a, &survey, json!(WORKED_EXAMPLE)).await;
    assert_eq!(scored.status, 201, "{scored:#?}");
    assert_eq!(scored.body, json!({"surveyId": survey, "score": 85.0}));
    let neutral = answer_survey(app, &b, &survey, json!([3, 3, 3, 3, 3, 3, 3, 3, 3, 3])).await;
    assert_eq!(neutral.body["score"], 50.0, "{neutral:#?}");

    // Once per patient; members only.
    let twice = answer_survey(app, &a, &survey, json!([5, 1, 5, 1, 5, 1, 5, 1, 5, 1])).await;
    assert_problem(&twice, 409, None);
    assert_eq!(
        twice.body["type"], "https://patient-portal.dev/problems/already-answered",
        "{twice:#?}"
    );
    let outside = answer_survey(app, &outsider, &survey, json!(WORKED_EXAMPLE)).await;
    assert_problem(&outside, 404, None);
    let unknown = answer_survey(
        app,
        &a,
        &SurveyId::generate().to_string(),
        json!(WORKED_EXAMPLE),
    )
    .await;
    assert_problem(&unknown, 404, None);

    let read = app
        .get(&format!("/feedback/surveys/{survey}"), &app.response_team)
        .await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.body["responses"], 2);
    assert_eq!(read.body["meanScore"], 67.5);
    assert_eq!(
        read.body["scores"],
        json!({"0-50": 1, "51-67": 0, "68-80": 0, "81-100": 1})
    );
    assert_eq!(read.body["cohort"], cohort.as_str());

    let listed = app.get("/feedback/surveys", &app.admin).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    let item = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["surveyId"] == survey.as_str())
        .expect("listed")
        .clone();
    assert_eq!(item["responses"], 2);
    assert_eq!(item["meanScore"], 67.5);
    assert!(item.get("scores").is_none());

    let missing = app
        .get(
            &format!("/feedback/surveys/{}", SurveyId::generate()),
            &app.response_team,
        )
        .await;
    assert_problem(&missing, 404, None);
}

#[tokio::test]
async fn bad_survey_answers_are_named_and_a_closed_survey_refuses() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let cohort = cohort_of(app, false, &[&patient]).await;
    let survey = open_survey(app, &cohort).await;
    let cases = [
        (json!([3, 3, 3, 3, 3, 3, 3, 3, 3]), "answers"),
        (json!([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]), "answers"),
        (json!([3, 3, 3, 3, 3, 3, 3, 3, 3, 6]), "answers[9]"),
        (json!([0, 3, 3, 3, 3, 3, 3, 3, 3, 3]), "answers[0]"),
        (json!([3, 3, "x", 3, 3, 3, 3, 3, 3, 3]), "answers[2]"),
        (json!([3, 3, 3, 2.5, 3, 3, 3, 3, 3, 3]), "answers[3]"),
        (json!("all good"), "answers"),
    ];
    for (answers, field) in cases {
        let reply = answer_survey(app, &patient, &survey, answers).await;
        assert_problem(&reply, 422, Some(field));
    }
    let read = app
        .get(&format!("/feedback/surveys/{survey}"), &app.portal_lead)
        .await;
    assert_eq!(read.body["responses"], 0, "nothing was written: {read:#?}");

    // A survey whose time is over.
    let closed = SurveyId::generate();
    let past = |days: u64| {
        Timestamp::now()
            .minus(std::time::Duration::from_secs(days * 86_400))
            .to_string()
    };
    app.put_app_item(item(
        keys::survey(closed),
        json!({
            "surveyId": closed.to_string(), "cohort": cohort, "opensAt": past(10),
            "closesAt": past(1), "createdAt": past(10), "createdBy": app.portal_lead.sub,
            "responses": 0, "scoreSum": 0,
        }),
    ))
    .await;
    let late = answer_survey(app, &patient, &closed.to_string(), json!(WORKED_EXAMPLE)).await;
    assert_problem(&late, 409, None);
    assert_eq!(
        late.body["type"], "https://patient-portal.dev/problems/conflict",
        "{late:#?}"
    );
    let read = app
        .get(&format!("/feedback/surveys/{closed}"), &app.portal_lead)
        .await;
    assert_eq!(read.body["responses"], 0, "{read:#?}");
    // Not listed among the patient's open surveys.
    let surveys = mine(app, &patient).await["surveys"].clone();
    assert_eq!(
        surveys,
        json!([{"surveyId": survey, "cohort": cohort, "closesAt": surveys[0]["closesAt"], "answered": false}])
    );
}

#[tokio::test]
async fn concurrent_answers_of_one_patient_count_once() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let cohort = cohort_of(app, false, &[&patient]).await;
    let survey = open_survey(app, &cohort).await;
    let replies =
        join_all((0..4).map(|_| answer_survey(app, &patient, &survey, json!(WORKED_EXAMPLE))))
            .await;
    portal_tests::single_winner(&replies, 409);
    let read = app
        .get(&format!("/feedback/surveys/{survey}"), &app.portal_lead)
        .await;
    assert_eq!(read.body["responses"], 1, "{read:#?}");
    assert_eq!(read.body["meanScore"], 85.0);
}

#[tokio::test]
async fn opening_a_survey_needs_a_cohort_a_future_close_and_the_portal_lead() {
    let app = spawn_app().await;
    let cohort = cohort_of(app, false, &[]).await;
    let open = |body: Value| async move {
        app.send(
            Method::POST,
            "/feedback/surveys",
            Some(&app.portal_lead),
            Some(body),
        )
        .await
    };
    let unknown = unique_cohort_name();
    let cases = [
        (json!({"cohort": unknown, "closesAt": in_days(3)}), "cohort"),
        (
            json!({"cohort": "Not A Name", "closesAt": in_days(3)}),
            "cohort",
        ),
        (json!({"cohort": "all", "closesAt": in_days(3)}), "cohort"),
        (
            json!({"cohort": cohort, "closesAt": Timestamp::now().minus(std::time::Duration::from_secs(60)).to_string()}),
            "closesAt",
        ),
        (
            json!({"cohort": cohort, "closesAt": "next week"}),
            "closesAt",
        ),
        (
            json!({"cohort": cohort, "closesAt": in_days(400)}),
            "closesAt",
        ),
        (json!({"cohort": cohort}), "closesAt"),
        (
            json!({"cohort": cohort, "closesAt": in_days(3), "opensAt": in_days(1)}),
            "opensAt",
        ),
    ];
    for (body, field) in cases {
        let reply = open(body).await;
        assert_problem(&reply, 422, Some(field));
    }
    let listed = app.get("/feedback/surveys", &app.portal_lead).await;
    assert!(
        listed.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|s| s["cohort"] != cohort.as_str()),
        "nothing was opened"
    );

    let body = json!({"cohort": cohort, "closesAt": in_days(3)});
    for staff in [
        &app.response_team,
        &app.admin,
        &app.front_desk,
        &app.clinician,
    ] {
        let refused = app
            .send(
                Method::POST,
                "/feedback/surveys",
                Some(staff),
                Some(body.clone()),
            )
            .await;
        assert_problem(&refused, 403, None);
    }
    let patient = app.new_patient().await;
    for path in [
        "/feedback/surveys",
        "/feedback/ratings",
        "/feedback/comments?feature=messaging",
    ] {
        let refused = app.get(path, &patient.actor).await;
        assert_problem(&refused, 403, None);
        let refused = app.get(path, &app.clinician).await;
        assert_problem(&refused, 403, None);
        let anonymous = app.send(Method::GET, path, None, None).await;
        assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    }
    let anonymous = app
        .send(Method::POST, "/feedback/surveys", None, Some(body))
        .await;
    assert_eq!(anonymous.status, 401);
    let survey = open_survey(app, &cohort).await;
    let refused = app
        .get(&format!("/feedback/surveys/{survey}"), &app.front_desk)
        .await;
    assert_problem(&refused, 403, None);
}

#[tokio::test]
async fn the_averages_name_bad_parameters() {
    let app = spawn_app().await;
    let cases = [
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("feature=teleport", "feature"),
        ("cohort=Not%20A%20Name", "cohort"),
        ("from=2020-01-01&to=2020-12-31", "from"),
        ("from=2020-02-01&to=2020-01-01", "from"),
        ("to=2999-01-01", "to"),
    ];
    for (query, field) in cases {
        let reply = app
            .get(&format!("/feedback/ratings?{query}"), &app.portal_lead)
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    // The longest range is allowed.
    let reply = app
        .get(
            "/feedback/ratings?from=2020-01-01&to=2020-04-01",
            &app.admin,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
}

// ---- comments and answers --------------------------------------------------------------------

#[tokio::test]
async fn comments_are_listed_newest_first_and_reading_them_is_audited() {
    let app = spawn_app().await;
    let (a, b) = (app.new_patient().await, app.new_patient().await);
    let cohort = cohort_of(app, true, &[&a]).await;
    let first = rated(
        app,
        &a,
        json!({"feature": "record-import", "rating": 2, "comment": "The import failed twice."}),
    )
    .await;
    let silent = rated(app, &b, json!({"feature": "record-import", "rating": 5})).await;
    let second = rated(
        app,
        &b,
        json!({"feature": "record-import", "rating": 4, "comment": "Works now."}),
    )
    .await;

    let third = rated(
        app,
        &a,
        json!({"feature": "waitlist", "rating": 1, "comment": "I was never offered a slot."}),
    )
    .await;

    // One feature's, a page of one at a time.
    let listed = all_comments(app, Some("record-import"), 1).await;
    let position = |listed: &[Value], feedback: &Value| {
        listed
            .iter()
            .position(|c| c["feedbackId"] == feedback["feedbackId"])
    };
    let (first_at, second_at) = (
        position(&listed, &first).expect("first listed"),
        position(&listed, &second).expect("second listed"),
    );
    assert!(second_at < first_at, "newest first: {listed:#?}");
    assert!(
        position(&listed, &silent).is_none(),
        "no comment, not listed"
    );
    assert!(position(&listed, &third).is_none(), "another feature's");
    assert!(listed.iter().all(|c| c["comment"].is_string()));
    assert!(listed.iter().all(|c| c["feature"] == "record-import"));
    // Every feature's, merged newest first, in small pages and in one.
    for limit in [2, 100] {
        let everyone = all_comments(app, None, limit).await;
        let at = |feedback: &Value| position(&everyone, feedback).expect("listed");
        assert!(
            at(&third) < at(&second) && at(&second) < at(&first),
            "{everyone:#?}"
        );
        assert!(position(&everyone, &silent).is_none());
        let ids: std::collections::BTreeSet<&str> = everyone
            .iter()
            .map(|c| c["feedbackId"].as_str().expect("id"))
            .collect();
        assert_eq!(ids.len(), everyone.len(), "each comment once");
    }
    let shown = &listed[first_at];
    assert_eq!(
        *shown,
        json!({
            "feedbackId": first["feedbackId"], "patientId": a.id, "feature": "record-import",
            "rating": 2, "comment": "The import failed twice.", "cohorts": [cohort],
            "switchState": {"on": true, "reason": "everyone"}, "at": first["at"],
        })
    );

    // Each comment read is in its patient's access log.
    let events = app.audit_events(&a.id).await;
    let read = events.iter().find(|e| {
        e["action"] == "feedback-comment.read"
            && e["resource"] == format!("feedback/{}", first["feedbackId"].as_str().expect("id"))
    });
    let read = read.expect("the read is audited");
    assert_eq!(read["actorSub"], app.response_team.sub.as_str());
    assert_eq!(read["outcome"], "allowed");
    assert_eq!(read["relationship"], "staff");
    let events = app.audit_events(&b.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "feedback-comment.read"
            && e["resource"] == format!("feedback/{}", second["feedbackId"].as_str().expect("id"))),
        "{events:#?}"
    );

    // The portal lead reads them too; bad parameters are named; other roles may not.
    let lead = app
        .get("/feedback/comments?feature=record-import", &app.portal_lead)
        .await;
    assert_eq!(lead.status, 200, "{lead:#?}");
    for query in ["?feature=teleport", "?feature=record-import&limit=0"] {
        let reply = app
            .get(&format!("/feedback/comments{query}"), &app.response_team)
            .await;
        let field = if query.contains("limit") {
            "limit"
        } else {
            "feature"
        };
        assert_problem(&reply, 422, Some(field));
    }
    let tampered = app
        .get(
            "/feedback/comments?feature=record-import&cursor=not-a-cursor",
            &app.response_team,
        )
        .await;
    assert_problem(&tampered, 422, Some("cursor"));
    // A cursor of one feature's list does not page another list.
    let one = app
        .get(
            "/feedback/comments?feature=record-import&limit=1",
            &app.response_team,
        )
        .await;
    let cursor = one.body["nextCursor"]
        .as_str()
        .expect("more than one comment");
    let moved = app
        .get(
            &format!("/feedback/comments?cursor={cursor}"),
            &app.response_team,
        )
        .await;
    assert_problem(&moved, 422, Some("cursor"));
    for staff in [&app.admin, &app.front_desk, &app.clinician] {
        let refused = app
            .get("/feedback/comments?feature=record-import", staff)
            .await;
        assert_problem(&refused, 403, None);
    }
}

#[tokio::test]
async fn answering_a_comment_tells_its_author() {
    let app = spawn_app().await;
    let (patient, other) = (app.new_patient().await, app.new_patient().await);
    let feedback = rated(
        app,
        &patient,
        json!({"feature": "messaging", "rating": 3, "comment": "Hard to find the send button."}),
    )
    .await;
    let id = feedback["feedbackId"].as_str().expect("id").to_owned();

    let answered = app
        .send(
            Method::POST,
            &answer_path(&patient, &id),
            Some(&app.response_team),
            Some(json!({"text": "We moved it to the top. Thank you!"})),
        )
        .await;
    assert_eq!(answered.status, 200, "{answered:#?}");
    let answer = &answered.body["answer"];
    assert_eq!(answer["text"], "We moved it to the top. Thank you!");
    assert_eq!(answer["by"], app.response_team.sub.as_str());
    assert!(answer["at"].is_string());
    assert_eq!(answered.body["comment"], "Hard to find the send button.");
    assert_eq!(answered.body["feedbackId"], id.as_str());

    // The author is told: an outbox record (ids only) and an in-app update.
    let outbox = app.outbox_where("feedbackId", &id).await;
    assert_eq!(outbox.len(), 1, "{outbox:#?}");
    assert_eq!(outbox[0]["template"], "feedback-answered");
    assert_eq!(
        outbox[0]["recipient"],
        json!({"kind": "patient", "patientId": patient.id})
    );
    let text = outbox[0].to_string();
    assert!(
        !text.contains("send button") && !text.contains("top"),
        "{text}"
    );
    let listed = mine(app, &patient).await;
    assert_eq!(listed["ratings"][0]["answer"], *answer);
    let updates = listed["updates"].as_array().expect("updates");
    assert_eq!(updates.len(), 1, "{listed:#?}");
    assert_eq!(updates[0]["kind"], "feedback-answered");
    assert_eq!(updates[0]["feedbackId"], id.as_str());
    assert_eq!(updates[0]["at"], answer["at"]);

    // Answered again: replaced, and told again.
    let again = app
        .send(
            Method::POST,
            &answer_path(&patient, &id),
            Some(&app.portal_lead),
            Some(json!({"text": "It is now bigger too."})),
        )
        .await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["answer"]["by"], app.portal_lead.sub.as_str());
    let listed = mine(app, &patient).await;
    assert_eq!(
        listed["ratings"][0]["answer"]["text"],
        "It is now bigger too."
    );
    assert_eq!(listed["updates"].as_array().expect("updates").len(), 2);
    assert_eq!(app.outbox_where("feedbackId", &id).await.len(), 2);
    // The staff list shows the answer with the comment.
    let comments = all_comments(app, Some("messaging"), 100).await;
    let shown = comments
        .iter()
        .find(|c| c["feedbackId"] == id.as_str())
        .expect("listed");
    assert_eq!(shown["answer"]["text"], "It is now bigger too.");

    // Bad text; a rating without a comment; unknown and foreign ratings.
    for (body, field) in [
        (json!({"text": ""}), "text"),
        (json!({"text": "x".repeat(2001)}), "text"),
        (json!({}), "text"),
        (json!({"text": "ok", "to": "you"}), "to"),
    ] {
        let reply = app
            .send(
                Method::POST,
                &answer_path(&patient, &id),
                Some(&app.response_team),
                Some(body),
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let bare = rated(app, &patient, json!({"feature": "messaging", "rating": 5})).await;
    let reply = app
        .send(
            Method::POST,
            &answer_path(&patient, bare["feedbackId"].as_str().expect("id")),
            Some(&app.response_team),
            Some(json!({"text": "Thanks"})),
        )
        .await;
    assert_problem(&reply, 409, None);
    let body = json!({"text": "Thanks"});
    for path in [
        answer_path(
            &patient,
            &portal_shared::domain::ids::FeedbackId::generate().to_string(),
        ),
        answer_path(&patient, "not-an-id"),
        // Another patient's path with this patient's rating.
        answer_path(&other, &id),
    ] {
        let reply = app
            .send(
                Method::POST,
                &path,
                Some(&app.response_team),
                Some(body.clone()),
            )
            .await;
        assert_problem(&reply, 404, None);
    }
    // Only the response team and the portal lead answer; never the patient.
    for who in [&patient.actor, &app.admin, &app.front_desk, &app.clinician] {
        let reply = app
            .send(
                Method::POST,
                &answer_path(&patient, &id),
                Some(who),
                Some(body.clone()),
            )
            .await;
        assert_problem(&reply, 403, None);
    }
    let reply = app
        .send(
            Method::POST,
            &answer_path(&patient, &id),
            Some(&other.actor),
            Some(body.clone()),
        )
        .await;
    assert_problem(&reply, 404, None);
    let anonymous = app
        .send(Method::POST, &answer_path(&patient, &id), None, Some(body))
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        app.outbox_where("feedbackId", &id).await.len(),
        2,
        "nothing more told"
    );
}

// ---- the authorisation matrix -----------------------------------------------------------------

/// The request the authorisation matrix sends on each of this module's routes, about
/// `patient`, with a fresh fixture each call (a cohort holding the patient and a survey of it,
/// a rating with a comment by the patient); `None` for routes not this module's. Returns
/// (method, path, body, If-Match).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("POST", "/patients/{patientId}/feedback/ratings") => (
            Method::POST,
            ratings_path(patient),
            Some(json!({"feature": "messaging", "rating": 4, "comment": "Matrix"})),
        ),
        ("GET", "/patients/{patientId}/feedback") => (
            Method::GET,
            format!("/patients/{}/feedback", patient.id),
            None,
        ),
        ("POST", "/patients/{patientId}/feedback/prompt") => (
            Method::POST,
            format!("/patients/{}/feedback/prompt", patient.id),
            Some(json!({"feature": "messaging"})),
        ),
        ("POST", "/patients/{patientId}/feedback/surveys/{surveyId}/response") => {
            let cohort = cohort_of(app, false, &[patient]).await;
            let survey = open_survey(app, &cohort).await;
            (
                Method::POST,
                response_path(patient, &survey),
                Some(json!({ "answers": WORKED_EXAMPLE })),
            )
        }
        ("POST", "/feedback/surveys") => {
            let cohort = cohort_of(app, false, &[]).await;
            (
                Method::POST,
                "/feedback/surveys".to_owned(),
                Some(json!({"cohort": cohort, "closesAt": in_days(7)})),
            )
        }
        ("GET", "/feedback/surveys") => (Method::GET, "/feedback/surveys".to_owned(), None),
        ("GET", "/feedback/surveys/{surveyId}") => {
            let cohort = cohort_of(app, false, &[]).await;
            let survey = open_survey(app, &cohort).await;
            (Method::GET, format!("/feedback/surveys/{survey}"), None)
        }
        ("GET", "/feedback/ratings") => (Method::GET, "/feedback/ratings".to_owned(), None),
        ("GET", "/feedback/comments") => (
            Method::GET,
            "/feedback/comments?feature=messaging".to_owned(),
            None,
        ),
        ("POST", "/patients/{patientId}/feedback/{feedbackId}/answer") => {
            let feedback = rated(
                app,
                patient,
                json!({"feature": "messaging", "rating": 2, "comment": "Matrix comment"}),
            )
            .await;
            let id = feedback["feedbackId"].as_str().expect("feedbackId");
            (
                Method::POST,
                answer_path(patient, id),
                Some(json!({"text": "Matrix answer"})),
            )
        }
        _ => return None,
    };
    let (method, path, body) = request;
    Some((method, path, body, None))
}

#[tokio::test]
async fn the_matrix_requests_succeed_for_an_allowed_caller() {
    let app = spawn_app().await;
    let routes = [
        ("POST", "/patients/{patientId}/feedback/ratings", 201, false),
        ("GET", "/patients/{patientId}/feedback", 200, false),
        ("POST", "/patients/{patientId}/feedback/prompt", 200, false),
        (
            "POST",
            "/patients/{patientId}/feedback/surveys/{surveyId}/response",
            201,
            false,
        ),
        ("POST", "/feedback/surveys", 201, true),
        ("GET", "/feedback/surveys", 200, true),
        ("GET", "/feedback/surveys/{surveyId}", 200, true),
        ("GET", "/feedback/ratings", 200, true),
        ("GET", "/feedback/comments", 200, true),
        (
            "POST",
            "/patients/{patientId}/feedback/{feedbackId}/answer",
            200,
            true,
        ),
    ];
    let patient = app.new_patient().await;
    for (method, path, status, staff) in routes {
        let (method, path, body, _) = matrix_request(app, (method, path), &patient)
            .await
            .expect("a request");
        let who = if staff {
            &app.portal_lead
        } else {
            &patient.actor
        };
        let reply = app.send(method, &path, Some(who), body).await;
        assert_eq!(reply.status, status, "{path}: {reply:#?}");
    }
    assert!(
        matrix_request(app, ("GET", "/feedback/ideas"), &patient)
            .await
            .is_none()
    );
}
