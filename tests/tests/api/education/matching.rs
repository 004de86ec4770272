//! The patient's topics: matched to the coded items of their record (active conditions with the
//! ICD-10 roll-up, current medications by ingredient, lab results of the last 24 months), each
//! with its reasons; in Spanish when asked, falling back to English for a topic without it.

use portal_tests::{Method, assert_problem, spawn_app};
use serde_json::Value;

use super::fixtures::*;

/// The reasons of a list's item.
fn reasons<'a>(list: &'a Value, topic: &str) -> &'a Vec<Value> {
    item(list, topic).unwrap_or_else(|| panic!("{topic} is not in {list:#?}"))["reasons"]
        .as_array()
        .expect("reasons")
}

const KIND_ORDER: [&str; 3] = ["condition", "medication", "test"];

#[tokio::test]
async fn the_record_s_coded_items_match_starter_topics_with_their_reasons() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (old_topic, old_code) = another_starter_topic("test", "loinc");
    let (resolved_topic, resolved_code) = another_starter_topic("condition", "icd10cm");
    import(
        app,
        &patient,
        &record_bundle(&patient.family, &old_code, &resolved_code),
    )
    .await;
    let (diabetes_record, source) = record_coded(app, &patient, DIABETES_CODE).await;
    assert_eq!(source, CLINIC);
    let (hypertension_record, _) = record_coded(app, &patient, HYPERTENSION_SNOMED).await;
    let records = records_of(app, &patient).await;
    let metformin_record = id_of(
        records
            .iter()
            .find(|r| r["resourceType"] == "MedicationRequest")
            .expect("the metformin record"),
        "recordId",
    );
    let recent_a1c = id_of(
        records
            .iter()
            .filter(|r| r["code"]["code"] == HBA1C_LOINC)
            .max_by_key(|r| r["date"].as_str().unwrap_or_default().to_owned())
            .expect("the recent HbA1c"),
        "recordId",
    );

    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(list["language"], "en", "{list:#?}");
    let ids = topic_ids(&list);

    // Type 2 diabetes: E11.65 rolls up to the topic's E11.
    let diabetes = reasons(&list, &diabetes_topic());
    let coded = diabetes
        .iter()
        .find(|r| r["kind"] == "condition")
        .unwrap_or_else(|| panic!("a condition reason: {diabetes:#?}"));
    assert_eq!(coded["code"], DIABETES_CODE, "{coded:#?}");
    assert_eq!(coded["recordId"], diabetes_record.as_str(), "{coded:#?}");
    assert_eq!(coded["sourceName"], CLINIC, "{coded:#?}");
    assert!(coded["display"].is_string(), "{coded:#?}");

    // Hypertension by its SNOMED concept.
    let hypertension = reasons(&list, &hypertension_topic());
    assert!(
        hypertension.iter().any(|r| r["kind"] == "condition"
            && r["code"] == HYPERTENSION_SNOMED
            && r["recordId"] == hypertension_record.as_str()
            && r["sourceName"] == CLINIC),
        "{hypertension:#?}"
    );

    // Metformin by the ingredient named in the medication's text (its NDC code is no topic's).
    let metformin = reasons(&list, &metformin_topic());
    assert!(
        metformin.iter().any(|r| r["kind"] == "medication"
            && r["recordId"] == metformin_record.as_str()
            && r["sourceName"] == CLINIC),
        "{metformin:#?}"
    );

    // HbA1c by last month's result only: the one three years ago is no reason.
    let a1c = reasons(&list, &hba1c_topic());
    let results: Vec<&Value> = a1c.iter().filter(|r| r["kind"] == "result").collect();
    assert_eq!(results.len(), 1, "{a1c:#?}");
    assert_eq!(results[0]["code"], HBA1C_LOINC);
    assert_eq!(results[0]["recordId"], recent_a1c.as_str());
    assert_eq!(results[0]["sourceName"], CLINIC);

    // A test done only three years ago and a resolved condition match nothing.
    assert!(!ids.contains(&old_topic), "{old_topic}: {list:#?}");
    assert!(
        !ids.contains(&resolved_topic),
        "{resolved_topic}: {list:#?}"
    );

    // Each item in the language served, with its text, and no vote yet.
    for entry in list["items"].as_array().expect("items") {
        assert_eq!(entry["language"], "en", "{entry:#?}");
        for field in ["title", "summary", "url", "kind"] {
            assert!(entry[field].is_string(), "{field}: {entry:#?}");
        }
        assert!(
            entry["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")),
            "{entry:#?}"
        );
        assert!(entry["helpful"].is_null(), "{entry:#?}");
        assert!(
            !entry["reasons"].as_array().expect("reasons").is_empty(),
            "{entry:#?}"
        );
    }
    // Conditions first, then medications, then tests.
    let kinds: Vec<usize> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            KIND_ORDER
                .iter()
                .position(|k| i["kind"] == *k)
                .expect("a kind")
        })
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted, "{list:#?}");

    // The clinician sees the same topics; reading them is an access to the patient's record.
    let as_clinician = topics(app, &patient.id, &app.clinician, "").await;
    assert_eq!(topic_ids(&as_clinician), ids);
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

#[tokio::test]
async fn spanish_is_served_when_asked_and_english_stands_in_where_a_topic_has_none() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let ingredient = unique_word();
    // A practice topic in English only, matched by the patient's medication.
    let practice = new_topic(app, &ingredient).await;
    let practice_id = id_of(&practice, "topicId");
    let text = format!("{ingredient} 10 MG Oral Tablet");
    import(
        app,
        &patient,
        &bundle(
            &patient.family,
            vec![
                condition(
                    "ed-diabetes",
                    ICD10CM,
                    "E1165",
                    "Type 2 diabetes mellitus with hyperglycemia",
                    "active",
                ),
                medication("ed-practice-med", &text),
            ],
        ),
    )
    .await;
    let diabetes = diabetes_topic();
    let starter = starter_topics()
        .into_iter()
        .find(|t| t["topicId"] == diabetes.as_str())
        .expect("the diabetes topic");

    // Spanish by the query: the starter topic in Spanish, the practice's in English.
    let spanish = topics(app, &patient.id, &patient.actor, "?lang=es").await;
    assert_eq!(spanish["language"], "es", "{spanish:#?}");
    let diabetes_es = item(&spanish, &diabetes).expect("diabetes (E1165 rolls up to E11)");
    assert_eq!(diabetes_es["language"], "es");
    assert_eq!(diabetes_es["title"], starter["content"]["es"]["title"]);
    assert_eq!(diabetes_es["url"], starter["content"]["es"]["url"]);
    let practice_es = item(&spanish, &practice_id).expect("the practice topic");
    assert_eq!(practice_es["language"], "en", "{practice_es:#?}");
    assert_eq!(practice_es["title"], practice["content"]["en"]["title"]);

    // Spanish by Accept-Language when no query says otherwise; the query wins over it.
    let by_header = app
        .send_with_headers(
            Method::GET,
            &education_path(&patient.id),
            &patient.actor,
            Value::Null,
            &[("Accept-Language", "fr-CA, es-MX;q=0.8, en;q=0.5")],
        )
        .await;
    assert_eq!(by_header.status, 200, "{by_header:#?}");
    assert_eq!(by_header.body["language"], "es", "{by_header:#?}");
    let query_wins = app
        .send_with_headers(
            Method::GET,
            &format!("{}?lang=en", education_path(&patient.id)),
            &patient.actor,
            Value::Null,
            &[("Accept-Language", "es")],
        )
        .await;
    assert_eq!(query_wins.body["language"], "en", "{query_wins:#?}");
    assert_eq!(
        item(&query_wins.body, &diabetes).expect("diabetes")["title"],
        starter["content"]["en"]["title"]
    );

    // One topic: in Spanish, with its reasons; the practice topic falls back to English.
    let one = app
        .get(
            &format!("{}?lang=es", topic_path(&patient.id, &diabetes)),
            &patient.actor,
        )
        .await;
    assert_eq!(one.status, 200, "{one:#?}");
    assert_eq!(one.body["topicId"], diabetes.as_str());
    assert_eq!(one.body["language"], "es");
    assert_eq!(one.body["reasons"][0]["kind"], "condition", "{one:#?}");
    let fallback = app
        .get(
            &format!("{}?lang=es", topic_path(&patient.id, &practice_id)),
            &patient.actor,
        )
        .await;
    assert_eq!(fallback.status, 200, "{fallback:#?}");
    assert_eq!(fallback.body["language"], "en", "{fallback:#?}");

    // Any active topic may be read, with no reason to show.
    let other = lisinopril_or_any_unmatched(&spanish);
    let unmatched = app
        .get(&topic_path(&patient.id, &other), &patient.actor)
        .await;
    assert_eq!(unmatched.status, 200, "{unmatched:#?}");
    assert_eq!(unmatched.body["topicId"], other.as_str());
    assert_eq!(unmatched.body["language"], "en", "{unmatched:#?}");
    assert_eq!(unmatched.body["reasons"], serde_json::json!([]));
    // A language the library is not written in, asked for by the query: 422 naming `lang`
    // (in a header it is only a preference, and English stands in).
    let german = app
        .get(
            &format!("{}?lang=de", topic_path(&patient.id, &other)),
            &patient.actor,
        )
        .await;
    assert_invalid(&german, "lang");
    let by_header = app
        .send_with_headers(
            Method::GET,
            &topic_path(&patient.id, &other),
            &patient.actor,
            Value::Null,
            &[("Accept-Language", "de-DE, fr;q=0.8")],
        )
        .await;
    assert_eq!(by_header.status, 200, "{by_header:#?}");
    assert_eq!(by_header.body["language"], "en", "{by_header:#?}");
}

/// A starter topic the list does not hold.
fn lisinopril_or_any_unmatched(list: &Value) -> String {
    let listed = topic_ids(list);
    starter_topics()
        .iter()
        .map(|t| id_of(t, "topicId"))
        .find(|id| !listed.contains(id))
        .expect("an unmatched starter topic")
}

#[tokio::test]
async fn a_patient_with_nothing_coded_gets_an_empty_list() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let list = topics(app, &patient.id, &patient.actor, "").await;
    assert_eq!(list["items"], serde_json::json!([]), "{list:#?}");
    assert_eq!(list["language"], "en");
}

#[tokio::test]
async fn unknown_and_malformed_topics_and_bad_languages() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // Unknown, and ids no topic could have: 404 (an impossible id in a path names nothing).
    let unknown = app
        .get(
            &topic_path(&patient.id, "no-such-topic-anywhere"),
            &patient.actor,
        )
        .await;
    assert_type(&unknown, 404, "not-found");
    for bad in ["Bad_Id", "x", "-leading-dash"] {
        let reply = app.get(&topic_path(&patient.id, bad), &patient.actor).await;
        assert_type(&reply, 404, "not-found");
    }
    // A language the query asks for that is not `en` or `es` (malformed, unsupported, empty)
    // is named; upper case is fine.
    for lang in ["%3Ces%3E", "de", "", "spanish"] {
        let reply = app
            .get(
                &format!("{}?lang={lang}", education_path(&patient.id)),
                &patient.actor,
            )
            .await;
        assert_invalid(&reply, "lang");
    }
    let upper = topics(app, &patient.id, &patient.actor, "?lang=ES").await;
    assert_eq!(upper["language"], "es", "{upper:#?}");
}

#[tokio::test]
async fn the_patient_s_topics_refuse_others() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let stranger = app.new_patient().await;
    let topic = hypertension_topic();
    for path in [education_path(&patient.id), topic_path(&patient.id, &topic)] {
        // Another patient: 404, as if there were no such patient.
        let foreign = app.get(&path, &stranger.actor).await;
        assert_type(&foreign, 404, "not-found");
        // Staff other than clinicians: 403.
        for who in [
            &app.front_desk,
            &app.response_team,
            &app.admin,
            &app.portal_lead,
        ] {
            let refused = app.get(&path, who).await;
            assert_problem(&refused, 403, None);
        }
        // No token: 401.
        let anonymous = app.send(Method::GET, &path, None, None).await;
        assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    }
    // Nothing about the patient leaks into the refusal.
    let foreign = app.get(&education_path(&patient.id), &stranger.actor).await;
    assert!(!foreign.body.to_string().contains(&patient.family));
}
