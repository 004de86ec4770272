//! Whether a medication of the record may be renewed through the portal, and every reason it
//! may not (pure: the facts come in, the answer goes out).
//!
//! Reasons (kebab-case codes; the web catalogue has their text):
//! - `inactive`: the resource's status is not `active` (MedicationRequest.status,
//!   MedicationStatement.status...). A missing status counts as inactive: nothing says the
//!   patient still takes it.
//! - `controlled-substance`: an RxNorm coding is a listed ingredient, or a coding's display or
//!   the medication's text names one ([`crate::controlled`]).
//! - `no-recent-visit`: no visit with the practice on or after the window's first day.
//! - `request-open`: a request for this record is open already.
//! - `not-prescribable`: no code and no text at all: nothing a clinician could renew.

use serde::Serialize;
use serde_json::Value;
use time::Date;

use crate::controlled::{self, RXNORM};
use crate::model::MedicationCode;

/// Why a medication may not be renewed online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Inactive,
    ControlledSubstance,
    NoRecentVisit,
    RequestOpen,
    NotPrescribable,
}

impl Reason {
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Inactive => "inactive",
            Reason::ControlledSubstance => "controlled-substance",
            Reason::NoRecentVisit => "no-recent-visit",
            Reason::RequestOpen => "request-open",
            Reason::NotPrescribable => "not-prescribable",
        }
    }
}

/// What the medication's FHIR resource says, as eligibility reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MedicationFacts {
    /// `active`, `completed`, `stopped`... as the resource has it; `None` when it has none.
    pub status: Option<String>,
    /// Every coding of the medication (own concept, or a contained Medication's code).
    pub codes: Vec<MedicationCode>,
    /// The concept's text, or the medication reference's display.
    pub text: Option<String>,
}

impl MedicationFacts {
    /// Reads a MedicationRequest, MedicationStatement, MedicationDispense or
    /// MedicationAdministration (FHIR R4): `status`; `medicationCodeableConcept`, or the
    /// `code` of the Medication a `medicationReference` names when it is contained (`#id`),
    /// and the reference's `display`.
    pub fn of_resource(resource: &Value) -> Self {
        let status = text_of(resource.get("status"));
        let concept = resource.get("medicationCodeableConcept").or_else(|| {
            let reference = resource.get("medicationReference")?;
            let id = reference.get("reference")?.as_str()?.strip_prefix('#')?;
            resource
                .get("contained")?
                .as_array()?
                .iter()
                .find(|r| {
                    r.get("resourceType").and_then(Value::as_str) == Some("Medication")
                        && r.get("id").and_then(Value::as_str) == Some(id)
                })?
                .get("code")
        });
        let codes = concept
            .and_then(|c| c.get("coding"))
            .and_then(Value::as_array)
            .map(|codings| {
                codings
                    .iter()
                    .map(|c| MedicationCode {
                        system: text_of(c.get("system")),
                        code: text_of(c.get("code")),
                        display: text_of(c.get("display")),
                    })
                    .filter(|c| c.code.is_some() || c.display.is_some())
                    .collect()
            })
            .unwrap_or_default();
        let text = text_of(concept.and_then(|c| c.get("text"))).or_else(|| {
            text_of(
                resource
                    .get("medicationReference")
                    .and_then(|r| r.get("display")),
            )
        });
        MedicationFacts {
            status,
            codes,
            text,
        }
    }

    /// Whether any coding is a controlled ingredient or any text names one.
    pub fn is_controlled(&self) -> bool {
        let coded = self.codes.iter().any(|c| {
            c.system.as_deref() == Some(RXNORM)
                && c.code.as_deref().and_then(controlled::by_rxcui).is_some()
        });
        let named = self
            .codes
            .iter()
            .filter_map(|c| c.display.as_deref())
            .chain(self.text.as_deref())
            .any(|text| controlled::named_in(text).is_some());
        coded || named
    }

    /// Something a clinician could renew: a code, or any text naming it.
    pub fn is_prescribable(&self) -> bool {
        self.codes
            .iter()
            .any(|c| c.code.is_some() || c.display.is_some())
            || self.text.is_some()
    }
}

/// A non-blank string of JSON, trimmed.
fn text_of(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// What else is known about the patient when a medication is assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Circumstances {
    /// The day of the last visit with the practice, if any.
    pub last_visit: Option<Date>,
    /// The first day a visit counts (see `day_range::months_before`).
    pub window_start: Date,
    /// A request for this record is open.
    pub open_request: bool,
}

/// The answer for one medication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub eligible: bool,
    /// All that apply, in the order of [`Reason`].
    pub reasons: Vec<Reason>,
}

/// Every rule, every reason that applies.
pub fn assess(facts: &MedicationFacts, circumstances: &Circumstances) -> Assessment {
    let mut reasons = Vec::new();
    let active = facts
        .status
        .as_deref()
        .is_some_and(|status| status.eq_ignore_ascii_case("active"));
    if !active {
        reasons.push(Reason::Inactive);
    }
    if facts.is_controlled() {
        reasons.push(Reason::ControlledSubstance);
    }
    if circumstances
        .last_visit
        .is_none_or(|day| day < circumstances.window_start)
    {
        reasons.push(Reason::NoRecentVisit);
    }
    if circumstances.open_request {
        reasons.push(Reason::RequestOpen);
    }
    if !facts.is_prescribable() {
        reasons.push(Reason::NotPrescribable);
    }
    Assessment {
        eligible: reasons.is_empty(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    const METFORMIN: &str = "860975";

    fn recent() -> Circumstances {
        Circumstances {
            last_visit: Some(date!(2026 - 11 - 02)),
            window_start: date!(2025 - 12 - 07),
            open_request: false,
        }
    }

    fn rxnorm(code: &str, display: &str) -> Value {
        json!({"system": RXNORM, "code": code, "display": display})
    }

    fn reasons(resource: Value, circumstances: Circumstances) -> Vec<&'static str> {
        assess(&MedicationFacts::of_resource(&resource), &circumstances)
            .reasons
            .into_iter()
            .map(Reason::as_str)
            .collect()
    }

    /// The table of cases: real-world shapes of medication records, one rule at a time and
    /// together.
    #[test]
    fn the_rules_on_real_world_shapes() {
        let cases: Vec<(&str, Value, Circumstances, Vec<&str>)> = vec![
            (
                "an active MedicationRequest coded in RxNorm",
                json!({"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                       "medicationCodeableConcept": {"coding": [rxnorm(METFORMIN,
                           "Metformin hydrochloride 500 MG Oral Tablet")]}}),
                recent(),
                vec![],
            ),
            (
                "an active MedicationStatement with text only",
                json!({"resourceType": "MedicationStatement", "status": "active",
                       "medicationCodeableConcept": {"text": "Lisinopril 10 mg daily"}}),
                recent(),
                vec![],
            ),
            (
                "codes without RxNorm (NDC, SNOMED)",
                json!({"resourceType": "MedicationStatement", "status": "active",
                       "medicationCodeableConcept": {"coding": [
                           {"system": "http://hl7.org/fhir/sid/ndc", "code": "0093-1048-01"},
                           {"system": "http://snomed.info/sct", "code": "325278007"}]}}),
                recent(),
                vec![],
            ),
            (
                "a MedicationStatement without a status",
                json!({"resourceType": "MedicationStatement",
                       "medicationCodeableConcept": {"text": "Atorvastatin 20 mg"}}),
                recent(),
                vec!["inactive"],
            ),
            (
                "a completed MedicationRequest",
                json!({"resourceType": "MedicationRequest", "status": "completed",
                       "medicationCodeableConcept": {"coding": [rxnorm(METFORMIN, "Metformin")]}}),
                recent(),
                vec!["inactive"],
            ),
            (
                "a stopped MedicationStatement",
                json!({"resourceType": "MedicationStatement", "status": "stopped",
                       "medicationCodeableConcept": {"text": "Amoxicillin"}}),
                recent(),
                vec!["inactive"],
            ),
            (
                "an intended MedicationStatement (not taken yet)",
                json!({"resourceType": "MedicationStatement", "status": "intended",
                       "medicationCodeableConcept": {"text": "Amoxicillin"}}),
                recent(),
                vec!["inactive"],
            ),
            (
                "a controlled ingredient code",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationCodeableConcept": {"coding": [rxnorm("7804", "oxycodone")]}}),
                recent(),
                vec!["controlled-substance"],
            ),
            (
                "a controlled product named in its display (SCD code)",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationCodeableConcept": {"coding": [rxnorm("1049621",
                           "Oxycodone Hydrochloride 5 MG Oral Tablet")]}}),
                recent(),
                vec!["controlled-substance"],
            ),
            (
                "a controlled medication as text only (a brand)",
                json!({"resourceType": "MedicationStatement", "status": "active",
                       "medicationCodeableConcept": {"text": "Adderall XR 20mg"}}),
                recent(),
                vec!["controlled-substance"],
            ),
            (
                "an RxNorm code of another system's number is not an ingredient match",
                json!({"resourceType": "MedicationStatement", "status": "active",
                       "medicationCodeableConcept": {"coding": [
                           {"system": "http://snomed.info/sct", "code": "7804"}]}}),
                recent(),
                vec![],
            ),
            (
                "no visit at all",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationCodeableConcept": {"text": "Metformin 500 mg"}}),
                Circumstances {
                    last_visit: None,
                    ..recent()
                },
                vec!["no-recent-visit"],
            ),
            (
                "the last visit the day before the window",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationCodeableConcept": {"text": "Metformin 500 mg"}}),
                Circumstances {
                    last_visit: Some(date!(2025 - 12 - 06)),
                    ..recent()
                },
                vec!["no-recent-visit"],
            ),
            (
                "the last visit on the window's first day",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationCodeableConcept": {"text": "Metformin 500 mg"}}),
                Circumstances {
                    last_visit: Some(date!(2025 - 12 - 07)),
                    ..recent()
                },
                vec![],
            ),
            (
                "a request already open",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationCodeableConcept": {"text": "Metformin 500 mg"}}),
                Circumstances {
                    open_request: true,
                    ..recent()
                },
                vec!["request-open"],
            ),
            (
                "no code and no text",
                json!({"resourceType": "MedicationStatement", "status": "active",
                       "medicationCodeableConcept": {"coding": [{"system": RXNORM}]}}),
                recent(),
                vec!["not-prescribable"],
            ),
            (
                "a reference to a Medication elsewhere, without display",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationReference": {"reference": "Medication/med-1"}}),
                recent(),
                vec!["not-prescribable"],
            ),
            (
                "a reference with a display",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "medicationReference": {"reference": "Medication/med-1",
                                               "display": "Amlodipine 5 mg"}}),
                recent(),
                vec![],
            ),
            (
                "a contained Medication's code",
                json!({"resourceType": "MedicationRequest", "status": "active",
                       "contained": [{"resourceType": "Medication", "id": "m1",
                                      "code": {"coding": [rxnorm("2598", "clonazepam")]}}],
                       "medicationReference": {"reference": "#m1"}}),
                recent(),
                vec!["controlled-substance"],
            ),
            (
                "everything at once",
                json!({"resourceType": "MedicationStatement", "status": "on-hold",
                       "medicationCodeableConcept": {"text": "Tramadol 50 mg"}}),
                Circumstances {
                    last_visit: None,
                    open_request: true,
                    ..recent()
                },
                vec![
                    "inactive",
                    "controlled-substance",
                    "no-recent-visit",
                    "request-open",
                ],
            ),
            (
                "nothing at all",
                json!({"resourceType": "MedicationStatement"}),
                Circumstances {
                    last_visit: None,
                    ..recent()
                },
                vec!["inactive", "no-recent-visit", "not-prescribable"],
            ),
        ];
        for (case, resource, circumstances, expected) in cases {
            assert_eq!(reasons(resource, circumstances), expected, "{case}");
        }
    }

    #[test]
    fn eligible_exactly_when_no_reason_applies() {
        let facts = MedicationFacts {
            status: Some("ACTIVE".into()),
            codes: vec![],
            text: Some("Metformin".into()),
        };
        let answer = assess(&facts, &recent());
        assert!(answer.eligible && answer.reasons.is_empty());
        let answer = assess(
            &facts,
            &Circumstances {
                open_request: true,
                ..recent()
            },
        );
        assert!(!answer.eligible);
    }

    #[test]
    fn facts_keep_every_coding_and_the_text() {
        let facts = MedicationFacts::of_resource(&json!({
            "status": " active ",
            "medicationCodeableConcept": {"text": "  ", "coding": [
                rxnorm(METFORMIN, "Metformin 500"),
                {"system": "http://hl7.org/fhir/sid/ndc", "code": "0093-1048-01"},
                {"system": "urn:empty"}
            ]}
        }));
        assert_eq!(facts.status.as_deref(), Some("active"));
        assert_eq!(facts.codes.len(), 2);
        assert_eq!(facts.text, None);
        assert_eq!(facts.codes[1].display, None);
    }
}
