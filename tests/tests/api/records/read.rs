//! Reading the health record: lists by category with every source, the same thing from two
//! sources shown once, filters, detail with the FHIR resource, and the sources.

use std::collections::BTreeSet;

use portal_shared::policy::authz::Scope;
use portal_tests::fhir::{DEMO_BUNDLES, demo_bundle_for};
use portal_tests::{GrantState, Method, Patient, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

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
            // Four visits (the last, 2026-11-02, makes the demo's metformin renewable online).
            (PRACTICE.to_owned(), 19),
            (URGENT_CARE.to_owned(), 9)
        ]
    );
    assert!(sources.iter().all(|s| s["lastUpdated"].is_string()));
    assert_eq!(sources[1]["perCategory"]["labs"], 3);
    // The specialist's letter names its author: the care team there. The practice's and the
    // urgent care's bundles name no clinician.
    assert_eq!(sources[0]["careTeam"], json!([{"name": "Dr. Lin Chen"}]));
    assert_eq!(sources[1]["careTeam"], json!([]));
    assert_eq!(sources[2]["careTeam"], json!([]));

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

/// A collection bundle from one clinic with `entries` (resources referring to `urn:uuid:pat`).
fn clinic_bundle(family: &str, clinic: &str, resources: Vec<Value>) -> Value {
    let mut entries = vec![
        json!({"fullUrl": "urn:uuid:org", "resource": {"resourceType": "Organization", "id": "org", "name": clinic}}),
        json!({"fullUrl": "urn:uuid:pat", "resource": {"resourceType": "Patient", "id": "pat",
            "name": [{"family": family}], "birthDate": "1984-03-12"}}),
    ];
    entries.extend(
        resources
            .into_iter()
            .map(|resource| json!({"resource": resource})),
    );
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

fn flu_shot(id: &str, when: &str) -> Value {
    json!({"resourceType": "Immunization", "id": id, "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140",
                                    "display": "Influenza, seasonal, injectable, preservative free"}]},
        "patient": {"reference": "urn:uuid:pat"}, "occurrenceDateTime": when})
}

fn metformin(id: &str, codings: Value) -> Value {
    json!({"resourceType": "MedicationRequest", "id": id, "status": "active", "intent": "order",
        "subject": {"reference": "urn:uuid:pat"}, "authoredOn": "2023-02-01",
        "medicationCodeableConcept": {"coding": codings, "text": "Metformin 500 mg"}})
}

#[tokio::test]
async fn repeated_vaccinations_stay_apart_and_one_record_lists_every_source() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let rxnorm = json!({"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "860975"});
    let ndc = json!({"system": "http://hl7.org/fhir/sid/ndc", "code": "00093104801"});
    let practice = clinic_bundle(
        &patient.family,
        "Yearly Shots Practice",
        vec![
            flu_shot("f2021", "2021-10-05"),
            flu_shot("f2022", "2022-10-03T09:30:00Z"),
            flu_shot("f2023", "2023-10-01"),
            flu_shot("f2023-again", "2023-10-01T15:00:00Z"),
            // NDC first, then RxNorm: the RxNorm code says what it is.
            metformin("met", json!([ndc, rxnorm])),
        ],
    );
    let pharmacy = clinic_bundle(
        &patient.family,
        "Corner Pharmacy",
        vec![
            flu_shot("p2022", "2022-10-03"),
            metformin("met-rx", json!([rxnorm])),
        ],
    );
    for bundle in [&practice, &pharmacy] {
        let reply = app
            .import_bundle(&patient.id, &patient.actor, bundle, "")
            .await;
        assert_eq!(reply.status, 201, "{reply:#?}");
    }
    let shots = app
        .all_records(&patient.id, &patient.actor, "?category=immunizations")
        .await;
    let mut days: Vec<(String, BTreeSet<String>, usize)> = shots
        .iter()
        .map(|shot| {
            let sources = shot["sources"].as_array().expect("sources");
            (
                shot["date"].as_str().expect("date")[..10].to_owned(),
                source_names(shot),
                sources.len(),
            )
        })
        .collect();
    days.sort();
    assert_eq!(
        days,
        [
            (
                "2021-10-05".to_owned(),
                names(&["Yearly Shots Practice"]),
                1
            ),
            (
                "2022-10-03".to_owned(),
                names(&["Corner Pharmacy", "Yearly Shots Practice"]),
                2
            ),
            (
                "2023-10-01".to_owned(),
                names(&["Yearly Shots Practice"]),
                1
            ),
        ],
        "one line per vaccination day; a source once per line: {shots:#?}"
    );
    let twice = shots
        .iter()
        .find(|s| s["date"].as_str().is_some_and(|d| d.starts_with("2023")))
        .expect("2023");
    assert_eq!(
        twice["sources"][0]["otherRecords"].as_array().map(Vec::len),
        Some(1),
        "the practice's second record of that day: {twice:#?}"
    );

    let medications = app
        .all_records(&patient.id, &patient.actor, "?category=medications")
        .await;
    assert_eq!(medications.len(), 1, "{medications:#?}");
    assert_eq!(
        source_names(&medications[0]),
        names(&["Corner Pharmacy", "Yearly Shots Practice"])
    );

    // Each record's detail shows itself, with every source that reported the same thing.
    for item in [&medications[0], &days_item(&shots, "2022-10-03")] {
        for reported in item["sources"].as_array().expect("sources") {
            let id = reported["recordId"].as_str().expect("recordId");
            let detail = app
                .get(
                    &format!("/patients/{}/records/{id}", patient.id),
                    &patient.actor,
                )
                .await;
            assert_eq!(detail.status, 200, "{detail:#?}");
            assert_eq!(detail.body["recordId"], id);
            assert_eq!(detail.body["source"]["name"], reported["name"]);
            assert_eq!(
                source_names(&detail.body),
                source_names(item),
                "{detail:#?}"
            );
        }
    }
    // A record that merges with nothing lists its own source.
    let alone = days_item(&shots, "2021-10-05");
    let id = alone["recordId"].as_str().expect("recordId");
    let detail = app
        .get(
            &format!("/patients/{}/records/{id}", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(
        source_names(&detail.body),
        names(&["Yearly Shots Practice"])
    );
}

fn days_item(items: &[Value], day: &str) -> Value {
    items
        .iter()
        .find(|i| i["date"].as_str().is_some_and(|d| d.starts_with(day)))
        .cloned()
        .unwrap_or_else(|| panic!("nothing on {day}: {items:#?}"))
}

#[tokio::test]
async fn a_cursor_resumes_only_the_filters_it_was_issued_for() {
    let app = spawn_app().await;
    let patient = patient_with_three_sources(app).await;
    let path = |query: &str| format!("/patients/{}/records?{query}", patient.id);
    let first = app
        .get(&path("category=labs&limit=1"), &patient.actor)
        .await;
    assert_eq!(first.status, 200, "{first:#?}");
    let cursor = first.body["nextCursor"].as_str().expect("more labs");
    for other in [
        format!("category=conditions&cursor={cursor}"),
        format!("cursor={cursor}"),
        format!("category=labs&since=2020-01-01&cursor={cursor}"),
        format!("category=labs&source={}&cursor={cursor}", "a".repeat(20)),
    ] {
        let reply = app.get(&path(&other), &patient.actor).await;
        assert_problem(&reply, 422, Some("cursor"));
    }
    let next = app
        .get(
            &path(&format!("category=labs&limit=1&cursor={cursor}")),
            &patient.actor,
        )
        .await;
    assert_eq!(next.status, 200, "{next:#?}");
    assert_eq!(next.body["items"][0]["category"], "labs");
    assert_ne!(
        next.body["items"][0]["recordId"],
        first.body["items"][0]["recordId"]
    );
}

#[tokio::test]
async fn since_counts_a_partial_date_by_the_period_it_covers() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let condition = |id: &str, onset: &str| {
        json!({"resourceType": "Condition", "id": id, "subject": {"reference": "urn:uuid:pat"},
            "onsetDateTime": onset, "code": {"text": format!("Condition {id}")}})
    };
    let bundle = clinic_bundle(
        &patient.family,
        "Partial Dates Clinic",
        vec![
            condition("year-before", "2023"),
            condition("same-year", "2024"),
            condition("month-before", "2024-05"),
            condition("same-month", "2024-06"),
            condition("day-before", "2024-05-31"),
            condition("day-after", "2024-06-15T08:00:00Z"),
            condition("year-after", "2025"),
        ],
    );
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let found: BTreeSet<String> = app
        .all_records(&patient.id, &patient.actor, "?since=2024-06-01")
        .await
        .iter()
        .map(|r| r["title"].as_str().expect("title").to_owned())
        .collect();
    assert_eq!(
        found,
        names(&[
            "Condition same-year",
            "Condition same-month",
            "Condition day-after",
            "Condition year-after"
        ])
    );
}

#[tokio::test]
async fn each_source_shows_the_clinicians_seen_there_with_role_and_place() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let text = std::fs::read_to_string(
        portal_tests::workspace_root().join("tests/fixtures/fhir/inferno_pdex_patient_999.json"),
    )
    .expect("the fixture");
    let bundle: Value = serde_json::from_str(&text).expect("JSON");
    let reply = app
        .import_bundle(
            &patient.id,
            &app.front_desk,
            &bundle,
            "?confirmPatientMismatch=true",
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(
        reply.body["imported"]["Practitioner"], 1,
        "{:#}",
        reply.body
    );
    assert_eq!(reply.body["imported"]["PractitionerRole"], 1);
    assert_eq!(reply.body["imported"]["Location"], 1);
    for who in [&patient.actor, &app.clinician] {
        let reply = app
            .get(&format!("/patients/{}/sources", patient.id), who)
            .await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        let team: Vec<&Value> = reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .flat_map(|s| s["careTeam"].as_array().expect("careTeam"))
            .collect();
        assert_eq!(
            team,
            [
                &json!({"name": "pdex-Practitioner", "role": "primary care physician",
                     "place": "pdex-Location"})
            ],
            "{:#}",
            reply.body
        );
        // Who and where are not records of their own.
        let records = app.all_records(&patient.id, who, "").await;
        assert!(
            records
                .iter()
                .all(|r| !["Practitioner", "PractitionerRole", "Location"]
                    .contains(&r["resourceType"].as_str().unwrap_or(""))),
            "{records:#?}"
        );
    }
}

/// A bundle from `clinic` with one glucose result, one visit, one procedure and one document,
/// all of 2024-05-02, made out to `family`; `at` is when the result was taken (any time zone).
fn one_day_at(clinic: &str, family: &str, at: &str, glucose: f64) -> Value {
    let id = |what: &str| format!("{}-{what}", clinic.to_lowercase().replace(' ', "-"));
    let by = json!([{"reference": "urn:uuid:org"}]);
    json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:org", "resource": {"resourceType": "Organization", "name": clinic}},
        {"fullUrl": "urn:uuid:pat", "resource": {"resourceType": "Patient",
            "name": [{"family": family}], "birthDate": "1984-03-12"}},
        {"resource": {"resourceType": "Observation", "id": id("glucose"), "status": "final",
            "category": [{"coding": [{"code": "laboratory"}]}], "performer": by,
            "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7", "display": "Glucose"}]},
            "subject": {"reference": "urn:uuid:pat"}, "effectiveDateTime": at,
            "valueQuantity": {"value": glucose, "unit": "mg/dL"}}},
        {"resource": {"resourceType": "Encounter", "id": id("visit"), "status": "finished",
            "class": {"code": "AMB"}, "serviceProvider": {"reference": "urn:uuid:org"},
            "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003", "display": "Check-up"}]}],
            "period": {"start": "2024-05-02T07:30:00Z"}}},
        {"resource": {"resourceType": "Procedure", "id": id("procedure"), "status": "completed",
            "subject": {"reference": "urn:uuid:pat"}, "performer": [{"actor": {"reference": "urn:uuid:org"}}],
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "430193006", "display": "Medication reconciliation"}]},
            "performedDateTime": "2024-05-02"}},
        {"resource": {"resourceType": "DocumentReference", "id": id("letter"), "status": "current",
            "custodian": {"reference": "urn:uuid:org"},
            "type": {"coding": [{"system": "http://loinc.org", "code": "34117-2", "display": "History and physical note"}]},
            "date": "2024-05-02T09:00:00Z",
            "content": [{"attachment": {"contentType": "text/plain", "data": "SGk="}}]}},
    ]})
}

#[tokio::test]
async fn results_visits_procedures_and_documents_from_two_sources_are_shown_once() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for (clinic, at, value) in [
        ("Hillside Hospital", "2024-05-02T08:00:00Z", 99.0),
        // The same reading, written in another time zone.
        ("Corner Clinic", "2024-05-02T10:00:00+02:00", 99.0),
        // Another reading at the same time: its own point.
        ("Night Lab", "2024-05-02T08:00:00Z", 104.0),
    ] {
        let bundle = one_day_at(clinic, &patient.family, at, value);
        let reply = app
            .import_bundle(&patient.id, &patient.actor, &bundle, "")
            .await;
        assert_eq!(reply.status, 201, "{reply:#?}");
    }
    for (category, lines) in [
        ("labs", 2),
        ("visits", 1),
        ("procedures", 1),
        ("documents", 1),
    ] {
        let items = app
            .all_records(
                &patient.id,
                &patient.actor,
                &format!("?category={category}"),
            )
            .await;
        assert_eq!(items.len(), lines, "{category}: {items:#?}");
        for item in &items {
            let expected = if category == "labs" && item["value"]["value"] == 104.0 {
                names(&["Night Lab"])
            } else if category == "labs" {
                names(&["Hillside Hospital", "Corner Clinic"])
            } else {
                names(&["Hillside Hospital", "Corner Clinic", "Night Lab"])
            };
            assert_eq!(source_names(item), expected, "{category}: {items:#?}");
        }
    }
    let series = app
        .get(
            &format!("/patients/{}/observations/2345-7/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(series.status, 200, "{series:#?}");
    let points = series.body["series"][0]["points"]
        .as_array()
        .expect("points");
    let plotted: Vec<(f64, usize)> = points
        .iter()
        .map(|p| {
            (
                p["value"].as_f64().expect("value"),
                p["sources"].as_array().expect("sources").len(),
            )
        })
        .collect();
    let mut plotted_sorted = plotted.clone();
    plotted_sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(plotted_sorted, [(99.0, 2), (104.0, 1)], "{:#}", series.body);

    // One bundle holding the same reading twice (two sources): the report says it merged.
    let mut twice = one_day_at(
        "Hillside Hospital",
        &patient.family,
        "2024-06-01T08:00:00Z",
        97.0,
    );
    let mut copy = twice["entry"][2].clone();
    copy["resource"]["id"] = json!("copied-glucose");
    copy["resource"]["performer"] = json!([{"display": "Copy Lab"}]);
    copy["resource"]["meta"] = json!({"source": "https://copy-lab.example"});
    twice["entry"].as_array_mut().expect("entries").push(copy);
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &twice, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let report = &reply.body;
    assert_eq!(
        report["perType"]["Observation"],
        json!({"sent": 2, "imported": 1, "merged": 1, "skipped": 0, "refused": 0}),
        "{report:#}"
    );
    let last = &report["entryOutcomes"][6];
    assert_eq!(last["outcome"], "merged", "{report:#}");
    assert_eq!(
        last["reason"],
        "the same thing as entry 2: one item lists every source"
    );
}
