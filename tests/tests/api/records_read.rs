//! Reading the health record: lists by category with every source, the same thing from two
//! sources shown once, filters, detail with the FHIR resource, and the sources.

use std::collections::BTreeSet;

use portal_shared::authz::Scope;
use portal_tests::fhir::{DEMO_BUNDLES, demo_bundle_for};
use portal_tests::{GrantState, Method, Patient, TestApp, assert_problem, spawn_app};
use serde_json::Value;

/// A patient whose record holds the three demo sources.
pub async fn patient_with_three_sources(app: &TestApp) -> Patient {
    let patient = app.new_patient().await;
    for name in DEMO_BUNDLES {
        let reply = app
            .import_bundle(
                &patient.id,
                &app.front_desk,
                &demo_bundle_for(name, &patient.family),
                "",
            )
            .await;
        assert_eq!(reply.status, 201, "{name}: {reply:#?}");
    }
    patient
}

fn source_names(item: &Value) -> BTreeSet<String> {
    item["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["name"].as_str().expect("name").to_owned())
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

pub const PRACTICE: &str = "Maple Street Family Practice";
pub const URGENT_CARE: &str = "Riverside Urgent Care";
pub const SPECIALIST: &str = "Lakeside Endocrinology Clinic";

#[tokio::test]
async fn the_same_thing_from_two_sources_is_shown_once_with_both() {
    let app = spawn_app().await;
    let patient = patient_with_three_sources(app).await;
    let medications = app
        .all_records(&patient.id, &patient.actor, "?category=medications")
        .await;
    assert_eq!(medications.len(), 2, "{medications:#?}");
    let lisinopril = medications
        .iter()
        .find(|m| m["code"]["code"] == "314076")
        .expect("lisinopril");
    assert_eq!(source_names(lisinopril), names(&[PRACTICE, URGENT_CARE]));
    let metformin = medications
        .iter()
        .find(|m| m["code"]["code"] == "860975")
        .expect("metformin, coded through a Medication resource at the specialist");
    assert_eq!(source_names(metformin), names(&[PRACTICE, SPECIALIST]));
    assert_eq!(
        metformin["code"]["system"],
        "http://www.nlm.nih.gov/research/umls/rxnorm"
    );

    let allergies = app
        .all_records(&patient.id, &patient.actor, "?category=allergies")
        .await;
    assert_eq!(allergies.len(), 1, "{allergies:#?}");
    assert_eq!(source_names(&allergies[0]), names(&[PRACTICE, URGENT_CARE]));

    let conditions = app
        .all_records(&patient.id, &patient.actor, "?category=conditions")
        .await;
    assert_eq!(conditions.len(), 3, "{conditions:#?}");
    let diabetes = conditions
        .iter()
        .find(|c| c["code"]["code"] == "44054006")
        .expect("diabetes");
    assert_eq!(source_names(diabetes), names(&[PRACTICE, SPECIALIST]));
    assert!(diabetes["title"].is_string());
    assert!(diabetes["date"].is_string());
    assert!(diabetes["status"].is_string());

    // Immunisations from two sources, different vaccines: two lines.
    let immunizations = app
        .all_records(&patient.id, &patient.actor, "?category=immunizations")
        .await;
    assert_eq!(immunizations.len(), 2, "{immunizations:#?}");

    // One item per page still never splits what is merged.
    let paged = app
        .all_records(&patient.id, &patient.actor, "?category=conditions&limit=1")
        .await;
    assert_eq!(paged.len(), 3);
    let hypertension = paged
        .iter()
        .find(|c| c["code"]["code"] == "38341003")
        .expect("hypertension");
    assert_eq!(source_names(hypertension), names(&[PRACTICE, URGENT_CARE]));
}

#[tokio::test]
async fn sources_list_counts_and_filter_the_record() {
    let app = spawn_app().await;
    let patient = patient_with_three_sources(app).await;
    let reply = app
        .get(&format!("/patients/{}/sources", patient.id), &patient.actor)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let sources = reply.body["items"].as_array().expect("items");
    let counts: Vec<(String, u64)> = sources
        .iter()
        .map(|s| {
            (
                s["name"].as_str().expect("name").to_owned(),
                s["records"].as_u64().expect("records"),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            (SPECIALIST.to_owned(), 7),
            (PRACTICE.to_owned(), 18),
            (URGENT_CARE.to_owned(), 9)
        ]
    );
    assert!(sources.iter().all(|s| s["lastUpdated"].is_string()));
    assert_eq!(sources[1]["perCategory"]["labs"], 3);

    let urgent_care = sources[2]["sourceId"].as_str().expect("sourceId");
    let only_there = app
        .all_records(
            &patient.id,
            &patient.actor,
            &format!("?source={urgent_care}"),
        )
        .await;
    assert_eq!(only_there.len(), 9, "{only_there:#?}");
    assert!(
        only_there
            .iter()
            .all(|r| r["source"]["name"] == URGENT_CARE)
    );

    let recent = app
        .all_records(&patient.id, &patient.actor, "?since=2025-09-01")
        .await;
    assert!(!recent.is_empty());
    assert!(
        recent
            .iter()
            .all(|r| r["date"].as_str().is_some_and(|d| &d[..10] >= "2025-09-01")),
        "{recent:#?}"
    );
    let everything = app.all_records(&patient.id, &patient.actor, "").await;
    assert!(recent.len() < everything.len());
}

#[tokio::test]
async fn one_record_comes_with_its_original_fhir_resource() {
    let app = spawn_app().await;
    let patient = patient_with_three_sources(app).await;
    let labs = app
        .all_records(&patient.id, &patient.actor, "?category=labs")
        .await;
    let specialist_a1c = labs
        .iter()
        .find(|l| l["source"]["name"] == SPECIALIST)
        .expect("the specialist's HbA1c");
    assert_eq!(specialist_a1c["value"]["value"], 53.0);
    assert_eq!(specialist_a1c["value"]["unit"], "mmol/mol");
    let id = specialist_a1c["recordId"].as_str().expect("recordId");
    let reply = app
        .get(
            &format!("/patients/{}/records/{id}", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["resource"]["resourceType"], "Observation");
    assert_eq!(reply.body["resource"]["id"], "lk-a1c");
    assert_eq!(reply.body["loinc"], "4548-4");
    assert_eq!(reply.body["source"]["name"], SPECIALIST);

    // Someone else's record, an unknown id, a malformed id: all 404.
    let other = app.new_patient().await;
    for path in [
        format!("/patients/{}/records/{id}", other.id),
        format!("/patients/{}/records/{}", patient.id, "0".repeat(32)),
        format!("/patients/{}/records/not-an-id", patient.id),
    ] {
        let who = if path.contains(&other.id) {
            &other.actor
        } else {
            &patient.actor
        };
        assert_problem(&app.get(&path, who).await, 404, None);
    }
    assert_problem(
        &app.get(
            &format!("/patients/{}/records/{id}", patient.id),
            &other.actor,
        )
        .await,
        404,
        None,
    );
}

#[tokio::test]
async fn bad_filters_are_named() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for (query, field) in [
        ("category=dreams", "category"),
        ("source=maple", "source"),
        ("since=yesterday", "since"),
        ("limit=0", "limit"),
        ("cursor=forged", "cursor"),
    ] {
        let reply = app
            .get(
                &format!("/patients/{}/records?{query}", patient.id),
                &patient.actor,
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
}

#[tokio::test]
async fn who_may_read_the_record() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let routes = [
        format!("/patients/{}/records", patient.id),
        format!("/patients/{}/sources", patient.id),
        format!("/patients/{}/export", patient.id),
        format!("/patients/{}/summary", patient.id),
        format!("/patients/{}/observations/4548-4/series", patient.id),
    ];
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    for path in &routes {
        assert_eq!(app.send(Method::GET, path, None, None).await.status, 401);
        assert_problem(&app.get(path, &other.actor).await, 404, None);
        for who in [&patient.actor, &app.clinician, &app.caregiver] {
            assert_eq!(app.get(path, who).await.status, 200, "{path}");
        }
        for who in [&app.front_desk, &app.response_team, &app.admin] {
            assert_problem(&app.get(path, who).await, 403, None);
        }
    }
    let unscoped = app.new_patient().await;
    app.grant(
        &unscoped.id,
        &app.caregiver,
        &[Scope::Billing],
        GrantState::Active,
    )
    .await;
    assert_problem(
        &app.get(
            &format!("/patients/{}/records", unscoped.id),
            &app.caregiver,
        )
        .await,
        403,
        None,
    );
}
