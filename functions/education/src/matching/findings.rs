//! What matching reads of the consolidated record: the patient's active conditions (and
//! allergies, which are often coded as conditions: "Allergy to penicillin"), current
//! medications and recent laboratory results, each with its codings and its words. Pure:
//! a stored record in, a finding (or nothing: resolved, stopped, too old) out.

use portal_records::model::{Category, Coded, StoredRecord};
use portal_shared::domain::ids::RecordId;
use portal_shared::platform::day_range;
use serde_json::Value;
use time::Date;

use crate::library::topic::CodeSystem;

/// How far back a result still says something about the patient now.
pub const RESULT_MONTHS: u32 = 24;

/// What kind of record a finding is (and what kind of topic it can match).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    Condition,
    Medication,
    Result,
}

/// One coding of a record, its system known to the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    pub system: CodeSystem,
    pub code: String,
}

/// One record that topics may be matched to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// What the patient's record calls it.
    pub display: String,
    pub codings: Vec<Coding>,
    /// Its words (title, texts and displays), lower case, for ingredient names.
    pub words: Vec<String>,
    pub record_id: RecordId,
    pub source_name: String,
    /// The record's day (`YYYY-MM-DD`, or shorter), newest results first.
    pub day: Option<String>,
}

/// The finding of `record` on `today`; `None` when it says nothing current (a resolved or
/// refuted condition, a stopped medication, a result older than [`RESULT_MONTHS`] or undated,
/// any other category).
pub fn finding(record: &StoredRecord, today: Date) -> Option<Finding> {
    let resource = serde_json::from_str::<Value>(&record.resource.0).ok();
    let resource = resource.as_ref();
    let kind = match record.category {
        Category::Conditions | Category::Allergies => {
            active_condition(resource, record.status.as_deref()).then_some(FindingKind::Condition)
        }
        Category::Medications => {
            current_medication(resource, record).then_some(FindingKind::Medication)
        }
        Category::Labs => recent_result(resource, record, today).then_some(FindingKind::Result),
        _ => None,
    }?;
    let concept = resource.and_then(|r| {
        let name = if record.category == Category::Medications {
            "medicationCodeableConcept"
        } else {
            "code"
        };
        r.get(name)
    });
    let mut codings = Vec::new();
    let mut words = vec![record.title.to_lowercase()];
    if let Some(concept) = concept {
        if let Some(text) = concept.get("text").and_then(Value::as_str) {
            words.push(text.to_lowercase());
        }
        for coding in concept
            .get("coding")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = |name: &str| coding.get(name).and_then(Value::as_str);
            push_coding(&mut codings, field("system"), field("code"));
            if let Some(display) = field("display") {
                words.push(display.to_lowercase());
            }
        }
    }
    // The record's own code: what the import resolved (a medication named by reference).
    if let Some(Coded {
        system,
        code,
        display,
    }) = &record.code
    {
        push_coding(&mut codings, system.as_deref(), code.as_deref());
        if let Some(display) = display {
            words.push(display.to_lowercase());
        }
    }
    words.dedup();
    Some(Finding {
        kind,
        display: record.title.clone(),
        codings,
        words,
        record_id: record.record_id.clone(),
        source_name: record.source.name.clone(),
        day: record
            .day
            .clone()
            .or_else(|| record.date.as_deref().map(|d| d.chars().take(10).collect())),
    })
}

fn push_coding(codings: &mut Vec<Coding>, system: Option<&str>, code: Option<&str>) {
    let (Some(system), Some(code)) = (system.and_then(system_of), code.map(str::trim)) else {
        return;
    };
    if code.is_empty() {
        return;
    }
    let coding = Coding {
        system,
        code: code.to_owned(),
    };
    if !codings.contains(&coding) {
        codings.push(coding);
    }
}

/// The library's code system of a FHIR system URI (or its OID form, or with a trailing slash).
pub fn system_of(uri: &str) -> Option<CodeSystem> {
    match uri.trim().trim_end_matches('/') {
        "http://hl7.org/fhir/sid/icd-10-cm"
        | "http://hl7.org/fhir/sid/icd-10"
        | "urn:oid:2.16.840.1.113883.6.90"
        | "urn:oid:2.16.840.1.113883.6.3" => Some(CodeSystem::Icd10cm),
        "http://snomed.info/sct" | "urn:oid:2.16.840.1.113883.6.96" => Some(CodeSystem::Snomed),
        "http://loinc.org" | "urn:oid:2.16.840.1.113883.6.1" => Some(CodeSystem::Loinc),
        "http://www.nlm.nih.gov/research/umls/rxnorm" | "urn:oid:2.16.840.1.113883.6.88" => {
            Some(CodeSystem::Rxnorm)
        }
        _ => None,
    }
}

/// The first coding's code of a status CodeableConcept (`clinicalStatus`).
fn status_code<'a>(resource: &'a Value, name: &str) -> Option<&'a str> {
    resource
        .get(name)?
        .get("coding")?
        .as_array()?
        .iter()
        .find_map(|c| c.get("code").and_then(Value::as_str))
}

/// A condition (or allergy) that holds now: its clinical status active (or a recurrence or
/// relapse) or not given, and not refuted or entered in error. Without a readable resource,
/// the record's status says the same.
fn active_condition(resource: Option<&Value>, status: Option<&str>) -> bool {
    const NOT_NOW: [&str; 6] = [
        "inactive",
        "resolved",
        "remission",
        "refuted",
        "entered-in-error",
        "unconfirmed",
    ];
    match resource {
        Some(resource) => {
            let clinical_ok = status_code(resource, "clinicalStatus")
                .is_none_or(|s| matches!(s, "active" | "recurrence" | "relapse"));
            let verification_ok = status_code(resource, "verificationStatus")
                .is_none_or(|s| !matches!(s, "refuted" | "entered-in-error"));
            clinical_ok && verification_ok
        }
        None => status.is_none_or(|s| !NOT_NOW.contains(&s)),
    }
}

/// A medication taken now: a request or statement whose status is active (a statement may
/// also say `intended`: about to start).
fn current_medication(resource: Option<&Value>, record: &StoredRecord) -> bool {
    let status = resource
        .and_then(|r| r.get("status"))
        .and_then(Value::as_str)
        .or(record.status.as_deref());
    match status {
        Some("active") => true,
        Some("intended") => record.resource_type == "MedicationStatement",
        _ => false,
    }
}

/// A laboratory result dated within [`RESULT_MONTHS`] of `today`, not cancelled or entered in
/// error.
fn recent_result(resource: Option<&Value>, record: &StoredRecord, today: Date) -> bool {
    let status = resource
        .and_then(|r| r.get("status"))
        .and_then(Value::as_str)
        .or(record.status.as_deref());
    if matches!(status, Some("cancelled" | "entered-in-error")) {
        return false;
    }
    let day = record
        .day
        .as_deref()
        .or(record.date.as_deref())
        .map(|d| d.chars().take(10).collect::<String>());
    // ISO days sort as text; a partial date ("2025-06") counts as its period's start.
    day.is_some_and(|day| {
        day.as_str() >= day_range::text(day_range::months_before(today, RESULT_MONTHS)).as_str()
    })
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    pub const TODAY: Date = date!(2026 - 12 - 07);

    /// A stored record of `category` with `resource` (its title from the concept's text).
    pub fn record(id: u8, category: &str, resource: Value) -> StoredRecord {
        let title = resource
            .get("code")
            .or_else(|| resource.get("medicationCodeableConcept"))
            .and_then(|c| c.get("text"))
            .and_then(Value::as_str)
            .unwrap_or("Record")
            .to_owned();
        let date = ["onsetDateTime", "effectiveDateTime", "authoredOn"]
            .iter()
            .find_map(|name| resource.get(*name).and_then(Value::as_str))
            .map(str::to_owned);
        serde_json::from_value(json!({
            "recordId": format!("0123456789abcdef0123456789abcd{id:02x}"),
            "patientId": portal_shared::domain::ids::PatientId::generate().to_string(),
            "category": category,
            "resourceType": resource["resourceType"],
            "resourceId": format!("r{id}"),
            "title": title,
            "date": date,
            "day": date.as_deref().map(|d| d.chars().take(10).collect::<String>()),
            "source": {"sourceId": "maple", "name": "Maple Street Family Practice"},
            "mergeKey": format!("{category}#{id}"),
            "indexGroup": "x",
            "resource": resource.to_string(),
            "importId": portal_shared::domain::ids::ImportId::generate().to_string(),
            "updatedAt": "2026-01-01T00:00:00Z",
        }))
        .expect("a stored record")
    }

    pub fn condition(id: u8, system: &str, code: &str, status: Option<&str>) -> StoredRecord {
        let mut resource = json!({"resourceType": "Condition",
            "code": {"coding": [{"system": system, "code": code}], "text": "A condition"}});
        if let Some(status) = status {
            resource["clinicalStatus"] = json!({"coding": [{"code": status}]});
        }
        record(id, "conditions", resource)
    }

    pub fn medication(
        id: u8,
        kind: &str,
        status: &str,
        text: &str,
        rxcui: Option<&str>,
    ) -> StoredRecord {
        let coding: Vec<Value> = rxcui
            .map(|code| json!({"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code}))
            .into_iter()
            .collect();
        record(
            id,
            "medications",
            json!({"resourceType": kind, "status": status,
                   "medicationCodeableConcept": {"coding": coding, "text": text}}),
        )
    }

    pub fn result(id: u8, loinc: &str, date: &str) -> StoredRecord {
        record(
            id,
            "labs",
            json!({"resourceType": "Observation", "status": "final",
                   "code": {"coding": [{"system": "http://loinc.org", "code": loinc}], "text": "HbA1c"},
                   "effectiveDateTime": date}),
        )
    }

    #[test]
    fn resolved_and_refuted_conditions_say_nothing() {
        let icd = "http://hl7.org/fhir/sid/icd-10-cm";
        assert!(finding(&condition(1, icd, "E11.9", Some("active")), TODAY).is_some());
        assert!(finding(&condition(2, icd, "E11.9", None), TODAY).is_some());
        assert!(finding(&condition(3, icd, "E11.9", Some("relapse")), TODAY).is_some());
        for status in ["resolved", "inactive", "remission"] {
            assert!(finding(&condition(4, icd, "E11.9", Some(status)), TODAY).is_none());
        }
        let mut refuted = json!({"resourceType": "Condition",
            "code": {"coding": [{"system": icd, "code": "I10"}]},
            "verificationStatus": {"coding": [{"code": "refuted"}]}});
        assert!(finding(&record(5, "conditions", refuted.clone()), TODAY).is_none());
        refuted["verificationStatus"] = json!({"coding": [{"code": "confirmed"}]});
        assert!(finding(&record(5, "conditions", refuted), TODAY).is_some());
    }

    #[test]
    fn only_current_medications() {
        let active = finding(
            &medication(
                1,
                "MedicationRequest",
                "active",
                "Metformin",
                Some("860975"),
            ),
            TODAY,
        );
        let Some(active) = active else {
            panic!("an active request is current");
        };
        assert_eq!(active.kind, FindingKind::Medication);
        assert_eq!(
            active.codings,
            [Coding {
                system: CodeSystem::Rxnorm,
                code: "860975".into()
            }]
        );
        assert!(
            finding(
                &medication(2, "MedicationStatement", "intended", "Metformin", None),
                TODAY
            )
            .is_some()
        );
        assert!(
            finding(
                &medication(3, "MedicationRequest", "intended", "Metformin", None),
                TODAY
            )
            .is_none()
        );
        for status in [
            "stopped",
            "completed",
            "cancelled",
            "on-hold",
            "entered-in-error",
        ] {
            assert!(
                finding(
                    &medication(4, "MedicationRequest", status, "Metformin", None),
                    TODAY
                )
                .is_none(),
                "{status}"
            );
        }
    }

    #[test]
    fn results_older_than_two_years_say_nothing() {
        assert!(finding(&result(1, "4548-4", "2025-02-10T09:10:00-05:00"), TODAY).is_some());
        assert!(finding(&result(2, "4548-4", "2024-12-07"), TODAY).is_some());
        assert!(finding(&result(3, "4548-4", "2024-12-06"), TODAY).is_none());
        assert!(finding(&result(4, "4548-4", "2019-01-01"), TODAY).is_none());
        let undated = record(
            5,
            "labs",
            json!({"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}]}}),
        );
        assert!(finding(&undated, TODAY).is_none());
        // Vital signs and other categories are never findings.
        let vitals = record(
            6,
            "vitals",
            json!({"resourceType": "Observation",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
            "effectiveDateTime": "2026-10-01"}),
        );
        assert!(finding(&vitals, TODAY).is_none());
    }

    #[test]
    fn systems_by_uri_or_oid() {
        assert_eq!(
            system_of("http://snomed.info/sct/"),
            Some(CodeSystem::Snomed)
        );
        assert_eq!(
            system_of("urn:oid:2.16.840.1.113883.6.90"),
            Some(CodeSystem::Icd10cm)
        );
        assert_eq!(
            system_of("http://hl7.org/fhir/sid/icd-10"),
            Some(CodeSystem::Icd10cm)
        );
        assert_eq!(system_of("http://hl7.org/fhir/sid/ndc"), None);
    }
}
