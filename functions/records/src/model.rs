//! A record of the health record: one clinical FHIR resource from one source, with what a
//! patient reads first (title, dates, status, the coded value) taken out of it.

use portal_shared::domain::ids::{ImportId, PatientId, RecordId};
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::fhir::{Bundle, Entry};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Conditions,
    Medications,
    Allergies,
    Immunizations,
    Labs,
    Vitals,
    Visits,
    Procedures,
    CarePlans,
    Documents,
    /// Clinical resources that fit none of the above (devices, a Medication that a medication
    /// statement refers to, social history...): kept, so nothing that went in is lost.
    Other,
    /// Who and where (Practitioner, PractitionerRole, Location, an Organization other than the
    /// source, HealthcareService, Endpoint) that a source's records refer to: kept so the export
    /// resolves every reference and the patient sees their care team; never listed as a record
    /// (not in the index, not in `ALL`, so no list filter names it).
    Directory,
}

impl Category {
    pub const ALL: [Category; 11] = [
        Category::Conditions,
        Category::Medications,
        Category::Allergies,
        Category::Immunizations,
        Category::Labs,
        Category::Vitals,
        Category::Visits,
        Category::Procedures,
        Category::CarePlans,
        Category::Documents,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Conditions => "conditions",
            Category::Medications => "medications",
            Category::Allergies => "allergies",
            Category::Immunizations => "immunizations",
            Category::Labs => "labs",
            Category::Vitals => "vitals",
            Category::Visits => "visits",
            Category::Procedures => "procedures",
            Category::CarePlans => "care-plans",
            Category::Documents => "documents",
            Category::Other => "other",
            Category::Directory => "directory",
        }
    }

    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// The same coded thing reported by two sources is one thing for these.
    pub fn merges_across_sources(self) -> bool {
        !self.preferred_systems().is_empty()
    }

    /// The code systems that say what a record of a merging category is, best first: two
    /// sources' records are one thing when they carry the same code of the first of these
    /// systems that either has. A source that adds other codings (an NDC beside the RxNorm
    /// code) still merges with one that sends the RxNorm code alone. Empty: never merged.
    pub fn preferred_systems(self) -> &'static [&'static str] {
        match self {
            Category::Conditions => &[SNOMED, ICD10_CM, ICD10],
            Category::Medications => &[RXNORM, SNOMED, NDC],
            Category::Allergies => &[SNOMED, RXNORM, UNII],
            Category::Immunizations => &[CVX, SNOMED, NDC],
            // Results, vitals, visits, procedures and documents are events: the same code on
            // the same day (and for a measurement the same value and unit) from two sources
            // is one thing (see `merge_identity`).
            Category::Labs | Category::Vitals | Category::Documents => &[LOINC, SNOMED],
            Category::Visits | Category::Procedures => &[SNOMED, CPT],
            _ => &[],
        }
    }

    pub fn of(entry: &Entry) -> Category {
        match entry.resource_type.as_str() {
            "Condition" => Category::Conditions,
            "MedicationRequest"
            | "MedicationStatement"
            | "MedicationAdministration"
            | "MedicationDispense" => Category::Medications,
            "AllergyIntolerance" => Category::Allergies,
            "Immunization" => Category::Immunizations,
            "Observation" => {
                if has_category_code(entry.get("category"), "vital-signs") {
                    Category::Vitals
                } else if has_category_code(entry.get("category"), "laboratory") {
                    Category::Labs
                } else {
                    Category::Other
                }
            }
            "DiagnosticReport" => Category::Labs,
            "Encounter" => Category::Visits,
            "Procedure" | "ImagingStudy" => Category::Procedures,
            "CarePlan" | "Goal" | "CareTeam" => Category::CarePlans,
            "DocumentReference" | "Composition" => Category::Documents,
            _ => Category::Other,
        }
    }
}

fn has_category_code(category: Option<&Value>, code: &str) -> bool {
    category
        .and_then(Value::as_array)
        .is_some_and(|categories| {
            categories.iter().any(|c| {
                c.get("coding")
                    .and_then(Value::as_array)
                    .is_some_and(|codings| {
                        codings
                            .iter()
                            .any(|coding| coding.get("code").and_then(Value::as_str) == Some(code))
                    })
            })
        })
}

/// A coded value as the patient sees it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coded {
    #[serde(default)]
    pub system: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub display: Option<String>,
}

/// A measured value (labs, vitals).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Measured {
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    /// A value that is not a number (a coded or text result).
    #[serde(default)]
    pub text: Option<Sensitive<String>>,
    #[serde(default)]
    pub low: Option<f64>,
    #[serde(default)]
    pub high: Option<f64>,
    /// The parts of a panel measured together (a blood pressure's systolic and diastolic),
    /// each with its own code and value; the panel itself usually has no value of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentValue>,
}

/// One part of a panel (FHIR `Observation.component`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentValue {
    pub title: String,
    #[serde(default)]
    pub code: Option<Coded>,
    /// The component's LOINC code, so its values join that code's series.
    #[serde(default)]
    pub loinc: Option<String>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub text: Option<Sensitive<String>>,
    #[serde(default)]
    pub low: Option<f64>,
    #[serde(default)]
    pub high: Option<f64>,
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub source_id: String,
    pub name: String,
}

/// The stored item (app table, `keys::health_record`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRecord {
    pub record_id: RecordId,
    pub patient_id: PatientId,
    pub category: Category,
    pub resource_type: String,
    pub resource_id: String,
    pub title: String,
    #[serde(default)]
    pub status: Option<String>,
    /// The clinically relevant date as the source wrote it (a FHIR date or dateTime).
    #[serde(default)]
    pub date: Option<String>,
    /// `date`'s calendar day (YYYY-MM-DD, or shorter for partial dates), for `since`.
    #[serde(default)]
    pub day: Option<String>,
    #[serde(default)]
    pub code: Option<Coded>,
    /// The LOINC code of an observation, for series.
    #[serde(default)]
    pub loinc: Option<String>,
    #[serde(default)]
    pub measured: Option<Measured>,
    pub source: Source,
    /// Records with the same merge key are one thing reported by several sources.
    pub merge_key: String,
    /// The middle part of the index sort key (see `index_group`).
    pub index_group: String,
    /// The original FHIR resource, as JSON text (what the source sent, reserialised). Empty when
    /// read without it (lists, summary).
    #[serde(default)]
    pub resource: Sensitive<String>,
    /// The entry's fullUrl in the imported bundle.
    #[serde(default)]
    pub full_url: Option<String>,
    /// How the bundle referred to its Patient (rewritten to the portal's patient on export).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patient_references: Vec<String>,
    /// How the bundle referred to this record's source Organization (pointed at the exported
    /// Organization on export).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organization_references: Vec<String>,
    pub import_id: ImportId,
    pub updated_at: Timestamp,
    /// A clinician's explanation for the patient (results the practice added).
    #[serde(default)]
    pub explanation: Option<Sensitive<String>>,
    /// Who and where, for a directory record (a clinician of the care team).
    #[serde(default)]
    pub directory: Option<DirectoryFacts>,
}

/// What the care team shows of a clinician (a Practitioner the source's records name): their
/// name, their role and where they saw the patient, as the bundle says them.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryFacts {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
}

/// Filters of a list of records (`category`, `source`, `since`: a date, YYYY-MM-DD).
pub struct ListFilter {
    pub category: Option<Category>,
    pub source: Option<String>,
    pub since: Option<String>,
}

/// Who brought the records in, as the report shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedBy {
    /// `own` (the patient), `caregiver` or `staff`.
    pub relationship: String,
    /// The name they sign in with, when their sign-in carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An import's report as stored (app table, `keys::health_record_import`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredImport {
    pub import_id: ImportId,
    /// The importer's user sub (for the audit trail; not shown).
    pub imported_by: String,
    /// Absent on imports made before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_as: Option<ImportedBy>,
    pub imported_at: Timestamp,
    /// The report as answered, JSON text.
    pub report: String,
}

/// How full a page of the export is: records are admitted while they fit. The first record of
/// a page is always admitted (one record is at most 350 KB), so every page moves the export on.
#[derive(Debug)]
pub struct PageBudget {
    max_records: usize,
    max_bytes: usize,
    records: usize,
    bytes: usize,
}

impl PageBudget {
    pub fn new(max_records: usize, max_bytes: usize) -> Self {
        PageBudget {
            max_records,
            max_bytes,
            records: 0,
            bytes: 0,
        }
    }

    /// Takes a record of `size` bytes onto the page, or says the page is full.
    pub fn admit(&mut self, size: usize) -> bool {
        let full = self.records >= self.max_records
            || (self.records > 0 && self.bytes + size > self.max_bytes);
        if !full {
            self.records += 1;
            self.bytes += size;
        }
        !full
    }
}

/// A LOINC code: digits, a dash, a check digit.
pub fn valid_loinc(code: &str) -> bool {
    let Some((number, check)) = code.split_once('-') else {
        return false;
    };
    (1..=7).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && check.len() == 1
        && check.bytes().all(|b| b.is_ascii_digit())
}

/// First of the named elements that is present, as a string (dates).
fn first_date(resource: &Map<String, Value>) -> Option<String> {
    const DATES: [&str; 12] = [
        "effectiveDateTime",
        "effectiveInstant",
        "onsetDateTime",
        "occurrenceDateTime",
        "performedDateTime",
        "authoredOn",
        "recordedDate",
        "issued",
        "dateAsserted",
        "date",
        "whenHandedOver",
        "started",
    ];
    const PERIODS: [&str; 4] = [
        "effectivePeriod",
        "performedPeriod",
        "period",
        "onsetPeriod",
    ];
    for name in DATES {
        if let Some(date) = resource.get(name).and_then(Value::as_str) {
            return Some(date.to_owned());
        }
    }
    for name in PERIODS {
        if let Some(date) = resource
            .get(name)
            .and_then(|p| p.get("start").or_else(|| p.get("end")))
            .and_then(Value::as_str)
        {
            return Some(date.to_owned());
        }
    }
    None
}

fn codeable(value: Option<&Value>) -> Option<(Vec<Coded>, Option<String>)> {
    let value = value?;
    let value = match value {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let text = value.get("text").and_then(Value::as_str).map(str::to_owned);
    let codings = value
        .get("coding")
        .and_then(Value::as_array)
        .map(|codings| {
            codings
                .iter()
                .map(|c| Coded {
                    system: c.get("system").and_then(Value::as_str).map(str::to_owned),
                    code: c.get("code").and_then(Value::as_str).map(str::to_owned),
                    display: c.get("display").and_then(Value::as_str).map(str::to_owned),
                })
                .collect()
        })
        .unwrap_or_default();
    Some((codings, text))
}

/// The element that says what a resource is about.
fn concept<'a>(entry: &'a Entry, bundle: &'a Bundle) -> Option<&'a Value> {
    let own = |name: &str| entry.get(name);
    match entry.resource_type.as_str() {
        "Immunization" => own("vaccineCode"),
        "MedicationRequest"
        | "MedicationStatement"
        | "MedicationAdministration"
        | "MedicationDispense" => own("medicationCodeableConcept").or_else(|| {
            let reference = own("medicationReference")?.get("reference")?.as_str()?;
            bundle.resolve(reference)?.get("code")
        }),
        "Encounter" => own("type").or_else(|| own("reasonCode")),
        "DocumentReference" | "Composition" => own("type"),
        "CarePlan" => own("category"),
        "Goal" => own("description"),
        "CareTeam" => own("category"),
        "ImagingStudy" => own("procedureCode").or_else(|| own("modality")),
        "Device" => own("type"),
        _ => own("code"),
    }
}

fn plain_type(resource_type: &str) -> String {
    let mut words = String::new();
    for (i, c) in resource_type.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    words
}

fn status_of(resource: &Map<String, Value>) -> Option<String> {
    for name in ["clinicalStatus", "verificationStatus"] {
        if let Some(code) = resource
            .get(name)
            .and_then(|s| s.get("coding"))
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .and_then(|c| c.get("code"))
            .and_then(Value::as_str)
        {
            return Some(code.to_owned());
        }
    }
    resource
        .get("status")
        .or_else(|| resource.get("lifecycleStatus"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A number DynamoDB can store: 0, or a magnitude from 1e-130 to just under 1e126 (a write of
/// any other fails); this keeps to 1e125.
pub fn storable(value: f64) -> bool {
    value == 0.0 || (1e-130..=1e125).contains(&value.abs())
}

/// A number of a resource, as a record's value or bound. One DynamoDB cannot store stays in the
/// resource as sent but is not read out of it.
fn number(value: Option<&Value>) -> Option<f64> {
    value.and_then(Value::as_f64).filter(|n| storable(*n))
}

/// The first reference range's bounds (of an observation or of one of its components).
fn range_of(element: &Map<String, Value>) -> (Option<f64>, Option<f64>) {
    let range = element
        .get("referenceRange")
        .and_then(Value::as_array)
        .and_then(|r| r.first());
    let bound = |name: &str| number(range.and_then(|r| r.get(name)).and_then(|b| b.get("value")));
    (bound("low"), bound("high"))
}

/// A value: a quantity (number and unit), or a text or coded result as text.
struct ValueOf {
    value: Option<f64>,
    unit: Option<String>,
    text: Option<Sensitive<String>>,
}

fn value_of(element: &Map<String, Value>) -> Option<ValueOf> {
    if let Some(quantity) = element.get("valueQuantity") {
        return Some(ValueOf {
            value: number(quantity.get("value")),
            unit: quantity
                .get("unit")
                .or_else(|| quantity.get("code"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            text: None,
        });
    }
    let text = element
        .get("valueString")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            codeable(element.get("valueCodeableConcept")).and_then(|(codings, text)| {
                text.or_else(|| codings.into_iter().find_map(|c| c.display))
            })
        })?;
    Some(ValueOf {
        value: None,
        unit: None,
        text: Some(Sensitive(text)),
    })
}

fn component_of(component: &Map<String, Value>) -> Option<ComponentValue> {
    let measured = value_of(component)?;
    let (codings, text) = codeable(component.get("code")).unwrap_or_default();
    let loinc = codings
        .iter()
        .find(|c| c.system.as_deref() == Some(LOINC))
        .and_then(|c| c.code.clone());
    let title = text
        .or_else(|| codings.iter().find_map(|c| c.display.clone()))
        .or_else(|| loinc.clone())?;
    let (low, high) = range_of(component);
    Some(ComponentValue {
        title,
        code: codings
            .iter()
            .find(|c| c.code.is_some() && c.system.is_some())
            .or_else(|| codings.first())
            .cloned(),
        loinc,
        value: measured.value,
        unit: measured.unit,
        text: measured.text,
        low,
        high,
    })
}

fn measured(resource: &Map<String, Value>) -> Option<Measured> {
    let (low, high) = range_of(resource);
    let components: Vec<ComponentValue> = resource
        .get("component")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(Value::as_object)
                .filter_map(component_of)
                .collect()
        })
        .unwrap_or_default();
    let own = value_of(resource);
    if own.is_none() && components.is_empty() {
        return None;
    }
    let own = own.unwrap_or(ValueOf {
        value: None,
        unit: None,
        text: None,
    });
    Some(Measured {
        value: own.value,
        unit: own.unit,
        text: own.text,
        low,
        high,
        components,
    })
}

pub const LOINC: &str = "http://loinc.org";
pub const SNOMED: &str = "http://snomed.info/sct";
pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
pub const NDC: &str = "http://hl7.org/fhir/sid/ndc";
pub const CVX: &str = "http://hl7.org/fhir/sid/cvx";
pub const ICD10_CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
pub const UNII: &str = "http://fdasis.nlm.nih.gov";
pub const CPT: &str = "http://www.ama-assn.org/go/cpt";

/// A code system's canonical URI: some systems send the OID form (C-CDA conversions) or a
/// trailing slash.
fn canonical_system(system: &str) -> &str {
    match system.trim().trim_end_matches('/') {
        "urn:oid:2.16.840.1.113883.6.96" => SNOMED,
        "urn:oid:2.16.840.1.113883.6.88" => RXNORM,
        "urn:oid:2.16.840.1.113883.6.69" => NDC,
        "urn:oid:2.16.840.1.113883.12.292" => CVX,
        "urn:oid:2.16.840.1.113883.6.90" => ICD10_CM,
        "urn:oid:2.16.840.1.113883.6.3" => ICD10,
        "urn:oid:2.16.840.1.113883.4.9" => UNII,
        other => other,
    }
}

/// `system|code` of the coding that identifies a concept for `category`: the smallest code of
/// the first preferred system present (so the order of codings does not matter), else the
/// smallest `system|code` of all; without codes, the text.
pub fn same_thing(category: Category, codings: &[Coded], text: Option<&str>) -> Option<String> {
    let coded: Vec<(&str, &str)> = codings
        .iter()
        .filter_map(|c| {
            let system = canonical_system(c.system.as_deref()?);
            let code = c.code.as_deref()?.trim();
            (!system.is_empty() && !code.is_empty()).then_some((system, code))
        })
        .collect();
    category
        .preferred_systems()
        .iter()
        .find_map(|preferred| coded.iter().filter(|(system, _)| system == preferred).min())
        .or_else(|| coded.iter().min())
        .map(|(system, code)| format!("{system}|{code}"))
        .or_else(|| text.map(|t| format!("text|{}", t.trim().to_lowercase())))
}

/// Whether a resource is an event on a date (a vaccination, a dose given, a fill) rather than
/// something that holds over time (a condition, a medication taken, an allergy): the same
/// vaccine on two days is two vaccinations.
pub fn is_event(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "Immunization" | "MedicationAdministration" | "MedicationDispense"
    )
}

/// Categories whose records are events on a date: the same code on another day is another
/// result, visit, procedure or document.
fn dated(category: Category) -> bool {
    matches!(
        category,
        Category::Labs
            | Category::Vitals
            | Category::Visits
            | Category::Procedures
            | Category::Documents
    )
}

/// What a measurement says, as one text: the value and unit (case aside), a text result in
/// lower case, or a panel's parts by code. Equal texts are the same reading. `None` for a
/// record without a value.
pub fn reading(measured: Option<&Measured>) -> Option<String> {
    fn one(value: Option<f64>, unit: Option<&str>, text: Option<&str>) -> Option<String> {
        match (value, text) {
            (Some(value), _) => Some(format!(
                "{value} {}",
                unit.unwrap_or("").trim().to_lowercase()
            )),
            (None, Some(text)) => Some(format!("text:{}", text.trim().to_lowercase())),
            (None, None) => None,
        }
    }
    let measured = measured?;
    let own = one(
        measured.value,
        measured.unit.as_deref(),
        measured.text.as_ref().map(|t| t.as_str()),
    );
    let mut parts: Vec<String> = measured
        .components
        .iter()
        .filter_map(|c| {
            let code = c.loinc.clone().unwrap_or_else(|| c.title.to_lowercase());
            one(
                c.value,
                c.unit.as_deref(),
                c.text.as_ref().map(|t| t.as_str()),
            )
            .map(|r| format!("{code}={r}"))
        })
        .collect();
    parts.sort();
    if own.is_none() && parts.is_empty() {
        return None;
    }
    Some(
        own.into_iter()
            .chain(parts)
            .collect::<Vec<String>>()
            .join(";"),
    )
}

/// When an observation was made, as two sources that copied it agree on it: a full dateTime as
/// the UTC instant to the second (`2024-05-02T10:15:00.5+02:00` → `2024-05-02T08:15:00Z`: time
/// zones and fractions of a second are the tolerance), else the date as written (a source that
/// gives only the day).
pub fn moment(date: &str) -> String {
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::parse(date, &Rfc3339)
        .ok()
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| day_of(date))
}

/// What makes records of a merging category one thing reported by several sources: the code
/// (`same_thing`); for an event also its day as the source wrote it (vaccinations, doses,
/// visits, procedures, documents); for an observation (a result, a vital sign) its moment
/// (`moment`) and its reading (value and unit). `None` (a category that does not merge, no
/// code, an event without a date, an observation without a value): the record stands alone.
pub fn merge_identity(
    category: Category,
    resource_type: &str,
    same_thing: Option<&str>,
    date: Option<&str>,
    reading: Option<&str>,
) -> Option<String> {
    if !category.merges_across_sources() {
        return None;
    }
    let thing = same_thing?;
    if resource_type == "Observation" {
        Some(format!("{thing}@{}={}", moment(date?), reading?))
    } else if is_event(resource_type) || dated(category) {
        Some(format!("{thing}@{}", day_of(date?)))
    } else {
        Some(thing.to_owned())
    }
}

/// The merge key: equal keys are one thing from several sources.
pub fn merge_key(category: Category, identity: Option<&str>, record: &RecordId) -> String {
    match identity {
        Some(identity) => format!("{}#{identity}", category.as_str()),
        None => format!("{}#{record}", category.as_str()),
    }
}

/// The identifier system of the sources in exported Organizations (and `meta.source`): an
/// export imported elsewhere keeps its sources' ids, so its records keep theirs.
pub const SOURCE_SYSTEM: &str = "https://patient-portal.dev/fhir/sources";

/// What the list shows of one entry, taken out of the resource.
pub struct Extract {
    pub category: Category,
    pub title: String,
    pub status: Option<String>,
    pub date: Option<String>,
    pub code: Option<Coded>,
    pub loinc: Option<String>,
    pub measured: Option<Measured>,
    /// What makes two sources' records the same thing (for merging categories).
    pub same_thing: Option<String>,
}

pub fn extract(entry: &Entry, bundle: &Bundle) -> Extract {
    let category = Category::of(entry);
    let (codings, text) = codeable(concept(entry, bundle)).unwrap_or_default();
    let code = codings
        .iter()
        .find(|c| c.code.is_some() && c.system.is_some())
        .or_else(|| codings.first())
        .cloned();
    let title = text
        .clone()
        .or_else(|| codings.iter().find_map(|c| c.display.clone()))
        .or_else(|| {
            ["title", "description"]
                .iter()
                .find_map(|name| entry.get(name).and_then(Value::as_str).map(str::to_owned))
        })
        .unwrap_or_else(|| plain_type(&entry.resource_type));
    let loinc = codings
        .iter()
        .find(|c| c.system.as_deref() == Some(LOINC))
        .and_then(|c| c.code.clone())
        .filter(|_| entry.resource_type == "Observation");
    let same_thing = same_thing(category, &codings, text.as_deref());
    Extract {
        category,
        title,
        status: status_of(&entry.resource),
        date: first_date(&entry.resource),
        code,
        loinc,
        measured: if entry.resource_type == "Observation" {
            measured(&entry.resource)
        } else {
            None
        },
        same_thing,
    }
}

/// The sort part of the index key: a hash of the merge identity for records that merge (so the
/// same thing from several sources sits side by side), else the inverted day so the newest is
/// first.
pub fn index_group(identity: Option<&str>, day: Option<&str>) -> String {
    match identity {
        Some(identity) => short_hash(identity),
        _ => match day {
            Some(day) => day
                .chars()
                .map(|c| match c.to_digit(10) {
                    Some(d) => char::from_digit(9 - d, 10).unwrap_or(c),
                    None => c,
                })
                .collect(),
            None => "~".to_owned(),
        },
    }
}

pub fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(text.as_bytes())[..10])
}

/// `2024-03-05T10:00:00+01:00` → `2024-03-05`; partial dates stay partial.
pub fn day_of(date: &str) -> String {
    date.chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::PageBudget;

    #[test]
    fn a_page_takes_records_while_they_fit_and_always_one() {
        let mut budget = PageBudget::new(3, 100);
        assert!(budget.admit(500), "the first record, however large");
        assert!(
            !budget.admit(1),
            "nothing fits after an oversized first record"
        );

        let mut budget = PageBudget::new(3, 100);
        assert!(budget.admit(60));
        assert!(budget.admit(40), "exactly full");
        assert!(!budget.admit(1));

        let mut budget = PageBudget::new(2, 1000);
        assert!(budget.admit(1));
        assert!(budget.admit(1));
        assert!(!budget.admit(1), "the count is reached");
    }
}
