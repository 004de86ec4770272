use std::collections::HashMap;

use portal_shared::domain::timestamp::Timestamp;
use serde_json::json;

use super::findings::tests::{TODAY, condition, medication, record, result};
use super::findings::{Finding, finding};
use super::*;
use crate::library::topic::{Content, Origin, Text, TopicCode, TopicStatus};

const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
const SNOMED: &str = "http://snomed.info/sct";

fn topic(id: &str, kind: TopicKind, codes: &[(CodeSystem, &str)], ingredients: &[&str]) -> Topic {
    let text = |title: String| Text {
        title,
        summary: "Plain words.".into(),
        url: format!("https://medlineplus.gov/{id}.html"),
    };
    Topic {
        topic_id: TopicId::parse(id).expect("an id"),
        kind,
        content: Content {
            en: text(format!("{id} (en)")),
            es: (id != "english-only").then(|| text(format!("{id} (es)"))),
        },
        codes: codes
            .iter()
            .map(|(system, code)| TopicCode {
                system: *system,
                code: (*code).to_owned(),
            })
            .collect(),
        ingredients: ingredients.iter().map(|i| (*i).to_owned()).collect(),
        origin: Origin::Starter,
        status: TopicStatus::Active,
        version: 0,
        updated_at: None,
        updated_by: None,
        helpful: None,
    }
}

fn diabetes() -> Topic {
    topic(
        "type-2-diabetes",
        TopicKind::Condition,
        &[
            (CodeSystem::Icd10cm, "E11"),
            (CodeSystem::Snomed, "44054006"),
        ],
        &[],
    )
}

fn metformin() -> Topic {
    topic(
        "metformin",
        TopicKind::Medication,
        &[(CodeSystem::Rxnorm, "6809"), (CodeSystem::Rxnorm, "860975")],
        &["metformin"],
    )
}

fn a1c() -> Topic {
    topic(
        "hba1c",
        TopicKind::Test,
        &[
            (CodeSystem::Loinc, "4548-4"),
            (CodeSystem::Loinc, "17856-6"),
        ],
        &[],
    )
}

fn findings(records: &[portal_records::model::StoredRecord]) -> Vec<Finding> {
    records.iter().filter_map(|r| finding(r, TODAY)).collect()
}

fn matches(topic: &Topic, records: &[portal_records::model::StoredRecord]) -> bool {
    !reasons_for(topic, &findings(records)).is_empty()
}

#[test]
fn icd10_categories_cover_their_subcodes_dotted_or_not() {
    for code in ["E11", "E11.65", "E1165", "e11.9", " E11.9 "] {
        assert!(
            matches(&diabetes(), &[condition(1, ICD10CM, code, Some("active"))]),
            "{code}"
        );
    }
    // The WHO ICD-10 system counts too.
    assert!(matches(&diabetes(), &[condition(1, ICD10, "E11.9", None)]));
    for code in ["E10.9", "E1", "E", "I10"] {
        assert!(
            !matches(&diabetes(), &[condition(1, ICD10CM, code, None)]),
            "{code}"
        );
    }
    let allergy = topic(
        "penicillin-allergy",
        TopicKind::Condition,
        &[(CodeSystem::Icd10cm, "Z88.0")],
        &[],
    );
    assert!(matches(&allergy, &[condition(1, ICD10CM, "Z880", None)]));
    assert!(!matches(&allergy, &[condition(1, ICD10CM, "Z88.1", None)]));
    assert!(same_code(CodeSystem::Icd10cm, "Z88.0", "z88.0"));
    assert!(!same_code(CodeSystem::Icd10cm, "", "E11"));
}

#[test]
fn snomed_loinc_and_rxnorm_match_exactly() {
    assert!(matches(
        &diabetes(),
        &[condition(1, SNOMED, "44054006", None)]
    ));
    assert!(!matches(
        &diabetes(),
        &[condition(1, SNOMED, "4405400", None)]
    ));
    assert!(!matches(
        &diabetes(),
        &[condition(1, SNOMED, "440540061", None)]
    ));
    // A SNOMED code under another system is not the topic's.
    assert!(!matches(
        &diabetes(),
        &[condition(1, "http://example.org/codes", "44054006", None)]
    ));
    assert!(matches(&a1c(), &[result(1, "4548-4", "2026-06-01")]));
    assert!(matches(&a1c(), &[result(1, "17856-6", "2026-06-01")]));
    assert!(!matches(&a1c(), &[result(1, "4548-5", "2026-06-01")]));
    assert!(matches(
        &metformin(),
        &[medication(
            1,
            "MedicationRequest",
            "active",
            "Glucophage",
            Some("860975")
        )]
    ));
    assert!(!matches(
        &metformin(),
        &[medication(
            1,
            "MedicationRequest",
            "active",
            "Lisinopril 10 MG",
            Some("314076")
        )]
    ));
}

#[test]
fn an_ingredient_matches_as_a_word() {
    let named = |text: &str| {
        matches(
            &metformin(),
            &[medication(1, "MedicationStatement", "active", text, None)],
        )
    };
    assert!(named("Metformin 500 MG ER tablet"));
    assert!(named(
        "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"
    ));
    assert!(named("glipizide/metformin"));
    assert!(!named("metforminx 500 mg"));
    assert!(!named("xmetformin"));
    assert!(!named("Lisinopril 10 mg"));
    assert!(names_word(
        "insulin glargine 100 unit/ml",
        "insulin glargine"
    ));
    assert!(!names_word("anything", ""));
    // Ingredient names are for medication topics and medications only.
    let condition_text = record(
        2,
        "conditions",
        json!({"resourceType": "Condition", "code": {"text": "metformin intolerance"}}),
    );
    assert!(!matches(&metformin(), &[condition_text]));
}

#[test]
fn inactive_conditions_stopped_medications_and_old_results_are_ignored() {
    assert!(!matches(
        &diabetes(),
        &[condition(1, ICD10CM, "E11.9", Some("resolved"))]
    ));
    assert!(!matches(
        &diabetes(),
        &[condition(1, ICD10CM, "E11.9", Some("inactive"))]
    ));
    assert!(!matches(
        &metformin(),
        &[medication(
            1,
            "MedicationRequest",
            "stopped",
            "Metformin 500 MG",
            Some("860975")
        )]
    ));
    assert!(!matches(&a1c(), &[result(1, "4548-4", "2023-01-01")]));
}

#[test]
fn topics_match_records_of_their_own_kind() {
    // A test topic's LOINC code on a condition says nothing; a condition topic's code on a
    // result neither.
    let odd = record(
        1,
        "conditions",
        json!({"resourceType": "Condition",
               "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}]}}),
    );
    assert!(!matches(&a1c(), &[odd]));
    let snomed_result = record(
        2,
        "labs",
        json!({"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-01-01",
               "code": {"coding": [{"system": SNOMED, "code": "44054006"}]}}),
    );
    assert!(!matches(&diabetes(), &[snomed_result]));
}

#[test]
fn reasons_name_the_record_and_its_source_once() {
    let records = [
        condition(1, SNOMED, "44054006", Some("active")),
        result(2, "4548-4", "2025-02-10"),
        result(3, "4548-4", "2026-10-20"),
        result(4, "4548-4", "2025-06-16"),
    ];
    let found = findings(&records);
    let reasons = reasons_for(&diabetes(), &found);
    assert_eq!(reasons.len(), 1);
    let reason = &reasons[0];
    assert_eq!(reason.kind, ReasonKind::Condition);
    assert_eq!(reason.system, Some(CodeSystem::Snomed));
    assert_eq!(reason.code.as_deref(), Some("44054006"));
    assert_eq!(reason.record_id.as_ref(), Some(&records[0].record_id));
    assert_eq!(
        reason.source_name.as_deref(),
        Some("Maple Street Family Practice")
    );
    assert_eq!(reason.display.as_deref(), Some("A condition"));
    // Three results of one code from one source: one reason, the newest.
    let reasons = reasons_for(&a1c(), &found);
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].kind, ReasonKind::Result);
    assert_eq!(reasons[0].record_id.as_ref(), Some(&records[2].record_id));
    let json = serde_json::to_value(&reasons[0]).expect("json");
    assert_eq!(json["kind"], "result");
    assert_eq!(json["system"], "loinc");
    assert_eq!(json["sourceName"], "Maple Street Family Practice");
    assert!(json.get("note").is_none());
}

fn assigned(topic: &Topic, at: &str) -> Assigned {
    Assigned {
        topic_id: topic.topic_id.clone(),
        note: Some("Read before your visit".into()),
        assigned_by: StaffName {
            name: "Dr. Priya Raman".into(),
        },
        assigned_at: Timestamp::parse(at).expect("a time"),
    }
}

#[test]
fn assigned_first_then_conditions_medications_tests_by_title() {
    let hypertension = topic(
        "hypertension",
        TopicKind::Condition,
        &[(CodeSystem::Icd10cm, "I10")],
        &[],
    );
    let asthma = topic(
        "asthma",
        TopicKind::Condition,
        &[(CodeSystem::Icd10cm, "J45")],
        &[],
    );
    let sleep = topic("sleep", TopicKind::Condition, &[], &[]);
    let unmatched = topic(
        "gout",
        TopicKind::Condition,
        &[(CodeSystem::Icd10cm, "M10")],
        &[],
    );
    let mut retired = topic(
        "retired",
        TopicKind::Condition,
        &[(CodeSystem::Icd10cm, "E11")],
        &[],
    );
    retired.status = TopicStatus::Retired;
    let records = [
        result(1, "4548-4", "2026-06-01"),
        medication(2, "MedicationRequest", "active", "Metformin 500 MG", None),
        condition(3, ICD10CM, "E11.9", None),
        condition(4, ICD10CM, "J45.909", None),
        condition(5, ICD10CM, "I10", None),
    ];
    let library = [
        a1c(),
        metformin(),
        diabetes(),
        asthma.clone(),
        hypertension.clone(),
        sleep.clone(),
        unmatched,
        retired,
    ];
    let assignments = [
        assigned(&hypertension, "2026-11-01T10:00:00Z"),
        assigned(&sleep, "2026-12-01T10:00:00Z"),
    ];
    let votes = HashMap::from([(metformin().topic_id, true)]);
    let listed = patient_topics(
        &library,
        &findings(&records),
        &assignments,
        &votes,
        Language::En,
    );
    let ids: Vec<&str> = listed.iter().map(|t| t.topic_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "sleep",
            "hypertension",
            "asthma",
            "type-2-diabetes",
            "metformin",
            "hba1c"
        ]
    );
    // An assigned topic the record also names: the assignment first, then the record.
    let kinds: Vec<ReasonKind> = listed[1].reasons.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [ReasonKind::Assigned, ReasonKind::Condition]);
    assert_eq!(listed[4].helpful, Some(true));
    assert_eq!(listed[3].helpful, None);
    let json = serde_json::to_value(&listed[0]).expect("json");
    assert_eq!(json["helpful"], serde_json::Value::Null);
    assert_eq!(json["reasons"][0]["assignedBy"]["name"], "Dr. Priya Raman");
    assert_eq!(json["reasons"][0]["note"], "Read before your visit");
    assert_eq!(json["language"], "en");
    // The medication matched by its ingredient: no code in the reason.
    assert_eq!(listed[4].reasons[0].code, None);
    assert_eq!(
        listed[4].reasons[0].display.as_deref(),
        Some("Metformin 500 MG")
    );
}

#[test]
fn a_topic_without_the_language_falls_back_to_english() {
    let english_only = topic(
        "english-only",
        TopicKind::Condition,
        &[(CodeSystem::Icd10cm, "E11")],
        &[],
    );
    let records = [condition(1, ICD10CM, "E11.9", None)];
    let listed = patient_topics(
        &[english_only, diabetes()],
        &findings(&records),
        &[],
        &HashMap::new(),
        Language::Es,
    );
    let served: Vec<(&str, Language)> = listed
        .iter()
        .map(|t| (t.title.as_str(), t.language))
        .collect();
    assert_eq!(
        served,
        [
            ("english-only (en)", Language::En),
            ("type-2-diabetes (es)", Language::Es)
        ]
    );
}

#[test]
fn the_demo_record_finds_its_starter_topics() {
    let allergy = record(
        7,
        "allergies",
        json!({"resourceType": "AllergyIntolerance",
               "clinicalStatus": {"coding": [{"code": "active"}]},
               "code": {"coding": [{"system": SNOMED, "code": "91936005"}],
                        "text": "Allergy to penicillin"}}),
    );
    let records = [
        condition(1, SNOMED, "38341003", Some("active")),
        condition(2, SNOMED, "44054006", Some("active")),
        medication(
            3,
            "MedicationRequest",
            "active",
            "lisinopril 10 MG Oral Tablet",
            Some("314076"),
        ),
        medication(
            4,
            "MedicationRequest",
            "active",
            "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet",
            Some("860975"),
        ),
        result(5, "4548-4", "2025-10-20T09:10:00-05:00"),
        // A statement naming its medication by text alone: matched by the ingredient.
        medication(
            6,
            "MedicationStatement",
            "active",
            "Metformin ER 500 mg",
            None,
        ),
        allergy,
    ];
    let listed = patient_topics(
        crate::library::starter::starter(),
        &findings(&records),
        &[],
        &HashMap::new(),
        Language::Es,
    );
    let kinds: Vec<TopicKind> = listed.iter().map(|t| t.kind).collect();
    assert!(listed.len() >= 6, "{listed:#?}");
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted, "conditions, then medications, then tests");
    let with_code = |code: &str| {
        listed
            .iter()
            .any(|t| t.reasons.iter().any(|r| r.code.as_deref() == Some(code)))
    };
    for code in [
        "38341003", "44054006", "314076", "860975", "4548-4", "91936005",
    ] {
        assert!(with_code(code), "{code}: {listed:#?}");
    }
    assert!(listed.iter().all(|t| t.language == Language::Es));
    // The metformin topic has both prescriptions as reasons: one by code, one by name.
    let metformin = listed.iter().find(|t| {
        t.reasons
            .iter()
            .any(|r| r.code.as_deref() == Some("860975"))
    });
    assert_eq!(metformin.map(|t| t.reasons.len()), Some(2));
}
