//! Reading a FHIR R4 Bundle: the structural checks that make a bundle importable (422 naming
//! the entries otherwise), reference resolution (`urn:uuid:` full URLs, relative `Type/id`
//! and absolute URLs), and what kind of resource each entry is.

use std::collections::HashMap;

use portal_shared::platform::validation::FieldErrors;
use serde_json::{Map, Value};

/// Bundle types an import accepts.
pub const ACCEPTED_TYPES: [&str; 4] = ["transaction", "batch", "collection", "document"];

/// Entries one import may carry: written in well under API Gateway's 29 s, so a retry after a
/// timeout always completes (5 MB of typical entries is a few thousand).
pub const MAX_ENTRIES: usize = 10_000;

/// At most this many problems are listed in a 422 (a broken file would otherwise list
/// thousands).
const MAX_REPORTED_ERRORS: usize = 50;

/// One entry of a bundle that passed the structural checks.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Position in `Bundle.entry` (what reports and errors name).
    pub index: usize,
    pub full_url: Option<String>,
    pub resource_type: String,
    /// The resource's id, or (without one) the last segment of its full URL.
    pub id: Option<String>,
    pub resource: Map<String, Value>,
}

impl Entry {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.resource.get(name)
    }
}

#[derive(Debug)]
pub struct Bundle {
    pub kind: String,
    pub entries: Vec<Entry>,
    /// Entries that are DELETE requests of a transaction or batch (no resource): position and
    /// the resource type their URL names.
    pub deletions: Vec<(usize, String)>,
    /// Full URL, `Type/id` and absolute URLs → entry position in `entries`.
    index: HashMap<String, usize>,
}

/// What the portal does with a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Clinical,
    /// Skipped, with the reason the report gives.
    Skipped(&'static str),
}

pub const FINANCIAL: [&str; 13] = [
    "Account",
    "ChargeItem",
    "Claim",
    "ClaimResponse",
    "Coverage",
    "CoverageEligibilityRequest",
    "CoverageEligibilityResponse",
    "EnrollmentRequest",
    "EnrollmentResponse",
    "ExplanationOfBenefit",
    "Invoice",
    "PaymentNotice",
    "PaymentReconciliation",
];

pub fn kind_of(resource_type: &str) -> Kind {
    match resource_type {
        t if FINANCIAL.contains(&t) => {
            Kind::Skipped("financial (billing and insurance) data is not part of the health record")
        }
        "Patient" => Kind::Skipped("the patient: checked against the portal's profile"),
        "Organization" => Kind::Skipped("an organisation: used as the source of the records"),
        "Practitioner" | "PractitionerRole" | "Location" | "HealthcareService" | "Endpoint" => {
            Kind::Skipped("directory data (who and where), not part of the health record")
        }
        "Provenance" => Kind::Skipped("provenance: every record is labelled with its source"),
        "Bundle" | "OperationOutcome" | "Parameters" => {
            Kind::Skipped("not a health-record resource")
        }
        // A Binary a DocumentReference's attachment points at is kept inside that attachment
        // (see `plan::inline_binaries`, which reports those with their own reason).
        "Binary" => Kind::Skipped(
            "a Binary no DocumentReference of the bundle refers to: content without a description \
             of what it is is not part of the health record",
        ),
        _ => Kind::Clinical,
    }
}

/// Elements FHIR R4 requires (cardinality 1..1) of the resources a record is built from. A
/// choice element is written `name[x]`: FHIR sends it as the name followed by its type
/// (`occurrenceDateTime`, `medicationCodeableConcept`).
fn required_elements(resource_type: &str) -> &'static [&'static str] {
    match resource_type {
        "Observation" => &["status", "code"],
        "Condition" => &["subject"],
        "AllergyIntolerance" => &["patient"],
        "Immunization" => &["status", "vaccineCode", "patient", "occurrence[x]"],
        "MedicationRequest" => &["status", "intent", "medication[x]", "subject"],
        "MedicationStatement" => &["status", "medication[x]", "subject"],
        "MedicationAdministration" => &["status", "medication[x]", "subject", "effective[x]"],
        "MedicationDispense" => &["status", "medication[x]"],
        "Encounter" => &["status", "class"],
        "Procedure" => &["status", "subject"],
        "DiagnosticReport" => &["status", "code"],
        "CarePlan" => &["status", "intent", "subject"],
        "Goal" => &["lifecycleStatus", "description", "subject"],
        "DocumentReference" => &["status", "content"],
        "Composition" => &["status", "type", "date", "author", "title"],
        _ => &[],
    }
}

/// Whether `resource` has the element: by its exact name, or for a choice element `name[x]`,
/// as the name followed by a type that starts with a capital (`onsetDateTime`; never
/// `statusReason` for `status`). Null does not count.
fn has_element(resource: &Map<String, Value>, element: &str) -> bool {
    match element.strip_suffix("[x]") {
        None => resource.get(element).is_some_and(|v| !v.is_null()),
        Some(stem) => resource.iter().any(|(key, value)| {
            key.strip_prefix(stem)
                .and_then(|suffix| suffix.chars().next())
                .is_some_and(|c| c.is_ascii_uppercase())
                && !value.is_null()
        }),
    }
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn valid_resource_type(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

impl Bundle {
    /// Checks the document's structure; every problem names its place (`entry[3].resource.status`).
    pub fn parse(document: Value) -> Result<Bundle, portal_shared::ApiError> {
        let mut errors = FieldErrors::new();
        let Value::Object(mut bundle) = document else {
            return Err(portal_shared::ApiError::invalid(
                "body",
                "must be a FHIR Bundle (a JSON object)",
            ));
        };
        if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
            errors.add("resourceType", "must be \"Bundle\"");
        }
        let kind = bundle
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !ACCEPTED_TYPES.contains(&kind.as_str()) {
            errors.add(
                "type",
                format!("must be one of {}", ACCEPTED_TYPES.join(", ")),
            );
        }
        let raw_entries = match bundle.remove("entry") {
            Some(Value::Array(entries)) if entries.len() > MAX_ENTRIES => {
                errors.add(
                    "entry",
                    format!(
                        "{} entries: one import takes at most {MAX_ENTRIES}; split the bundle",
                        entries.len()
                    ),
                );
                Vec::new()
            }
            Some(Value::Array(entries)) if !entries.is_empty() => entries,
            Some(Value::Array(_)) | None => {
                errors.add("entry", "the bundle has no entries");
                Vec::new()
            }
            Some(_) => {
                errors.add("entry", "must be an array");
                Vec::new()
            }
        };
        let mut entries = Vec::with_capacity(raw_entries.len());
        let mut deletions = Vec::new();
        let mut count = 0usize;
        let mut add = |errors: &mut FieldErrors, field: String, message: &str| {
            count += 1;
            if count <= MAX_REPORTED_ERRORS {
                errors.add(field, message);
            }
        };
        for (index, raw) in raw_entries.into_iter().enumerate() {
            let Value::Object(mut entry) = raw else {
                add(&mut errors, format!("entry[{index}]"), "must be an object");
                continue;
            };
            let full_url = match entry.get("fullUrl") {
                None => None,
                Some(Value::String(url)) if !url.is_empty() => Some(url.clone()),
                Some(_) => {
                    add(
                        &mut errors,
                        format!("entry[{index}].fullUrl"),
                        "must be a URI",
                    );
                    None
                }
            };
            let method = entry
                .get("request")
                .and_then(|r| r.get("method"))
                .and_then(Value::as_str);
            if method == Some("DELETE") && entry.get("resource").is_none() {
                let url = entry
                    .get("request")
                    .and_then(|r| r.get("url"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let resource_type = url.split(['/', '?']).next().unwrap_or("");
                let resource_type = if valid_resource_type(resource_type) {
                    resource_type.to_owned()
                } else {
                    "Unknown".to_owned()
                };
                deletions.push((index, resource_type));
                continue;
            }
            let Some(Value::Object(resource)) = entry.remove("resource") else {
                add(
                    &mut errors,
                    format!("entry[{index}].resource"),
                    "must be a FHIR resource (a JSON object)",
                );
                continue;
            };
            let Some(resource_type) = resource
                .get("resourceType")
                .and_then(Value::as_str)
                .filter(|t| valid_resource_type(t))
                .map(str::to_owned)
            else {
                add(
                    &mut errors,
                    format!("entry[{index}].resource.resourceType"),
                    "must name a FHIR resource type",
                );
                continue;
            };
            let id = match resource.get("id") {
                None => None,
                Some(Value::String(id)) if valid_id(id) => Some(id.clone()),
                Some(_) => {
                    add(
                        &mut errors,
                        format!("entry[{index}].resource.id"),
                        "must be 1 to 64 letters, digits, '-' or '.'",
                    );
                    continue;
                }
            };
            let id = id.or_else(|| {
                full_url
                    .as_deref()
                    .and_then(|url| url.rsplit(['/', ':']).next())
                    .filter(|last| valid_id(last))
                    .map(str::to_owned)
            });
            if kind_of(&resource_type) == Kind::Clinical {
                if id.is_none() {
                    add(
                        &mut errors,
                        format!("entry[{index}].resource.id"),
                        "is required (or a fullUrl), so that a re-import updates the same record",
                    );
                }
                for element in required_elements(&resource_type) {
                    if !has_element(&resource, element) {
                        add(
                            &mut errors,
                            format!("entry[{index}].resource.{element}"),
                            &format!("is required in a FHIR R4 {resource_type}"),
                        );
                    }
                }
            }
            entries.push(Entry {
                index,
                full_url,
                resource_type,
                id,
                resource,
            });
        }
        if count > MAX_REPORTED_ERRORS {
            errors.add(
                "entry",
                format!(
                    "{} more problems are not listed",
                    count - MAX_REPORTED_ERRORS
                ),
            );
        }
        errors.finish()?;
        let mut index = HashMap::new();
        for (position, entry) in entries.iter().enumerate() {
            if let Some(url) = &entry.full_url {
                index.insert(url.clone(), position);
                if let Some(tail) = type_and_id_of_url(url) {
                    index.entry(tail).or_insert(position);
                }
            }
            if let Some(id) = &entry.id {
                index
                    .entry(format!("{}/{id}", entry.resource_type))
                    .or_insert(position);
            }
        }
        Ok(Bundle {
            kind,
            entries,
            deletions,
            index,
        })
    }

    /// The entry a reference points at, when it is in this bundle.
    pub fn resolve(&self, reference: &str) -> Option<&Entry> {
        let position = self.index.get(reference).copied().or_else(|| {
            type_and_id_of_url(reference).and_then(|tail| self.index.get(&tail).copied())
        })?;
        self.entries.get(position)
    }

    /// The entries of one resource type.
    pub fn of_type<'a>(&'a self, resource_type: &'a str) -> impl Iterator<Item = &'a Entry> {
        self.entries
            .iter()
            .filter(move |e| e.resource_type == resource_type)
    }
}

/// `Type/id` from `http://host/fhir/Type/id` or `Type/id/_history/2`.
fn type_and_id_of_url(url: &str) -> Option<String> {
    let url = url.split("/_history/").next().unwrap_or(url);
    let mut parts = url.rsplit('/');
    let id = parts.next()?;
    let resource_type = parts.next()?;
    (valid_resource_type(resource_type) && valid_id(id)).then(|| format!("{resource_type}/{id}"))
}

/// Every `reference` string inside a JSON value (nested anywhere).
pub fn references(value: &Value) -> Vec<&str> {
    let mut found = Vec::new();
    collect_references(value, &mut found);
    found
}

fn collect_references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("reference", Value::String(reference)) => found.push(reference),
                    _ => collect_references(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, found)),
        _ => {}
    }
}

/// Points every `reference` at what `mapping` names; a reference it names nothing for (to a
/// resource that was never sent, or was not kept) goes, so that no reference resolves nowhere,
/// and the Reference keeps its `display` (or says that what it named is not included). Local
/// references (`#id`, to a contained resource) stay.
pub fn resolve_or_drop_references(value: &mut Value, mapping: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("reference")
                && !reference.starts_with('#')
            {
                match mapping(reference) {
                    Some(new) => {
                        map.insert("reference".into(), Value::String(new));
                    }
                    None => {
                        let kind = type_and_id_of_url(reference)
                            .and_then(|t| t.split('/').next().map(str::to_owned));
                        map.remove("reference");
                        if !map.contains_key("display") {
                            let display = match kind {
                                Some(kind) => format!("{kind} not included in this record"),
                                None => "Not included in this record".to_owned(),
                            };
                            map.insert("display".into(), Value::String(display));
                        }
                    }
                }
            }
            for (key, inner) in map.iter_mut() {
                if key != "reference" {
                    resolve_or_drop_references(inner, mapping);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| resolve_or_drop_references(v, mapping)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(error: portal_shared::ApiError) -> Vec<String> {
        match error {
            portal_shared::ApiError::Invalid(errors) => {
                errors.into_iter().map(|e| e.field).collect()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_the_broken_entries() {
        let error = Bundle::parse(json!({
            "resourceType": "Bundle", "type": "collection",
            "entry": [
                {"resource": {"resourceType": "Observation", "id": "a", "status": "final", "code": {}}},
                {"resource": {"resourceType": "Observation", "id": "b", "status": "final"}},
                {"fullUrl": "urn:uuid:1"},
                {"resource": {"resourceType": "Condition", "id": "bad id!", "subject": {}}},
            ]
        }))
        .unwrap_err();
        assert_eq!(
            fields(error),
            [
                "entry[1].resource.code",
                "entry[2].resource",
                "entry[3].resource.id"
            ]
        );
        let error = Bundle::parse(json!({"resourceType": "Patient", "type": "searchset"}));
        assert_eq!(
            fields(error.unwrap_err()),
            ["resourceType", "type", "entry"]
        );
    }

    #[test]
    fn required_elements_match_by_exact_name_and_choice_types_by_type_suffix() {
        let error = Bundle::parse(json!({
            "resourceType": "Bundle", "type": "collection",
            "entry": [
                // statusReason is not status; classHistory is not class.
                {"resource": {"resourceType": "Immunization", "id": "i", "statusReason": {},
                  "vaccineCode": {}, "patient": {}, "occurrenceDateTime": "2024-10-01"}},
                {"resource": {"resourceType": "Encounter", "id": "e", "status": "finished",
                  "classHistory": [{"class": {}}]}},
                // A choice element: only the name followed by a type counts, and not null.
                {"resource": {"resourceType": "MedicationRequest", "id": "m", "status": "active",
                  "intent": "order", "subject": {}, "medicationcodeable": {}}},
                {"resource": {"resourceType": "Immunization", "id": "j", "status": "completed",
                  "vaccineCode": {}, "patient": {}, "occurrenceString": null}},
            ]
        }))
        .unwrap_err();
        assert_eq!(
            fields(error),
            [
                "entry[0].resource.status",
                "entry[1].resource.class",
                "entry[2].resource.medication[x]",
                "entry[3].resource.occurrence[x]",
            ]
        );
        Bundle::parse(json!({
            "resourceType": "Bundle", "type": "collection",
            "entry": [
                {"resource": {"resourceType": "Immunization", "id": "i", "status": "completed",
                  "statusReason": {}, "vaccineCode": {}, "patient": {}, "occurrenceString": "2019"}},
                {"resource": {"resourceType": "MedicationRequest", "id": "m", "status": "active",
                  "intent": "order", "subject": {}, "medicationReference": {"reference": "Medication/x"}}},
            ]
        }))
        .expect("exact names and typed choice elements are present");
    }

    #[test]
    fn delete_requests_are_set_aside() {
        let bundle = Bundle::parse(json!({
            "resourceType": "Bundle", "type": "transaction",
            "entry": [
                {"request": {"method": "DELETE", "url": "Observation/x"}},
                {"resource": {"resourceType": "Basic", "id": "b"}, "request": {"method": "PUT", "url": "Basic/b"}},
            ]
        }))
        .expect("valid");
        assert_eq!(bundle.deletions, [(0, "Observation".to_owned())]);
        assert_eq!(bundle.entries.len(), 1);
    }

    #[test]
    fn resolves_uuid_relative_and_absolute_references() {
        let bundle = Bundle::parse(json!({
            "resourceType": "Bundle", "type": "transaction",
            "entry": [
                {"fullUrl": "urn:uuid:abc", "resource": {"resourceType": "Organization", "id": "o1"}},
                {"fullUrl": "http://x.org/fhir/Practitioner/p1", "resource": {"resourceType": "Practitioner"}},
            ]
        }))
        .expect("valid");
        assert_eq!(bundle.resolve("urn:uuid:abc").map(|e| e.index), Some(0));
        assert_eq!(bundle.resolve("Organization/o1").map(|e| e.index), Some(0));
        assert_eq!(bundle.resolve("Practitioner/p1").map(|e| e.index), Some(1));
        assert_eq!(
            bundle
                .resolve("https://elsewhere/Practitioner/p1/_history/3")
                .map(|e| e.index),
            Some(1)
        );
        assert!(bundle.resolve("Organization/nope").is_none());
    }

    #[test]
    fn references_resolve_or_go_keeping_their_display() {
        let mut resource = json!({
            "subject": {"reference": "urn:uuid:p"},
            "performer": [{"reference": "Practitioner/gone", "display": "Dr Gone"},
                          {"reference": "urn:uuid:nowhere"}],
            "insurance": [{"reference": "Coverage/c1"}],
            "contained": [{"id": "x"}],
            "basedOn": [{"reference": "#x"}],
        });
        resolve_or_drop_references(&mut resource, &|r| {
            (r == "urn:uuid:p").then(|| "urn:uuid:patient".to_owned())
        });
        assert_eq!(
            resource,
            json!({
                "subject": {"reference": "urn:uuid:patient"},
                "performer": [{"display": "Dr Gone"}, {"display": "Not included in this record"}],
                "insurance": [{"display": "Coverage not included in this record"}],
                "contained": [{"id": "x"}],
                "basedOn": [{"reference": "#x"}],
            })
        );
    }

    #[test]
    fn finance_is_skipped_and_clinical_kept() {
        assert!(matches!(kind_of("ExplanationOfBenefit"), Kind::Skipped(_)));
        assert!(matches!(kind_of("Coverage"), Kind::Skipped(_)));
        assert_eq!(kind_of("Observation"), Kind::Clinical);
        assert_eq!(kind_of("Device"), Kind::Clinical);
    }
}
