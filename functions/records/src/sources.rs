//! Which organisation a resource came from: the Organization it names (performer, service
//! provider, recorder...), through its encounter, its `meta.source`, the document's custodian,
//! the bundle's only Organization, or (when the bundle names none) the source the uploader
//! names — in that order: what the bundle says is more precise than the uploader's label.

use serde_json::Value;

use crate::fhir::{Bundle, Entry, references};
use crate::model::{SOURCE_SYSTEM, Source, short_hash};

/// Elements that name who did or recorded something.
const ACTORS: [&str; 12] = [
    "serviceProvider",
    "performer",
    "requester",
    "recorder",
    "asserter",
    "author",
    "custodian",
    "organization",
    "managingOrganization",
    "performingOrganization",
    "manufacturer",
    "owner",
];

/// What the uploader said and what the bundle itself says about where it came from.
pub struct SourceRules<'a> {
    pub bundle: &'a Bundle,
    /// The source the uploader names (`?source=`).
    pub named: Option<&'a str>,
}

pub fn organization_source(org: &Entry) -> Option<Source> {
    let name = org.get("name").and_then(Value::as_str)?.trim().to_owned();
    if name.is_empty() {
        return None;
    }
    // One of ours (an export of this portal): keep the source's id.
    let exported = org
        .get("identifier")
        .and_then(Value::as_array)
        .and_then(|ids| {
            ids.iter().find_map(|id| {
                (id.get("system")?.as_str()? == SOURCE_SYSTEM)
                    .then(|| id.get("value")?.as_str())
                    .flatten()
                    .filter(|v| v.len() == 20 && v.bytes().all(|b| b.is_ascii_hexdigit()))
            })
        });
    if let Some(source_id) = exported {
        return Some(Source {
            source_id: source_id.to_owned(),
            name,
        });
    }
    // Its NPI when it has one (the identifier every US system gives the same organisation),
    // else its first identifier, else its name.
    let identifiers: Vec<(&str, &str)> = org
        .get("identifier")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|id| Some((id.get("system")?.as_str()?, id.get("value")?.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    let identifier = identifiers
        .iter()
        .find(|(system, _)| *system == NPI)
        .or_else(|| identifiers.first());
    let source_id = match identifier {
        Some((system, value)) => identifier_source_id(system, value),
        None => named_source_id(&name),
    };
    Some(Source { source_id, name })
}

/// The identifier system of US National Provider Identifiers.
pub const NPI: &str = "http://hl7.org/fhir/sid/us-npi";

fn identifier_source_id(system: &str, value: &str) -> String {
    short_hash(&format!("org-identifier:{system}|{value}"))
}

/// The practice's own source: the one its imported records have when its Organization carries
/// `npi` (or, without an NPI, the same name), so the results its clinicians add and the records
/// imported from its own system are one source.
pub fn practice_source(name: &str, npi: Option<&str>) -> Source {
    match npi {
        Some(npi) => Source {
            source_id: identifier_source_id(NPI, npi.trim()),
            name: name.trim().to_owned(),
        },
        None => named_source(name),
    }
}

pub fn named_source_id(name: &str) -> String {
    short_hash(&format!("org-name:{}", name.trim().to_lowercase()))
}

pub fn named_source(name: &str) -> Source {
    Source {
        source_id: named_source_id(name),
        name: name.trim().to_owned(),
    }
}

/// When nothing says where a record came from.
pub fn unnamed_source() -> Source {
    named_source("Unnamed source (uploaded file)")
}

impl SourceRules<'_> {
    /// The organisation an entry names directly or through a practitioner role or encounter.
    fn named_organization(&self, entry: &Entry, depth: u8) -> Option<Source> {
        if depth > 2 {
            return None;
        }
        for element in ACTORS {
            let Some(value) = entry.get(element) else {
                continue;
            };
            for reference in references(value) {
                let Some(target) = self.bundle.resolve(reference) else {
                    continue;
                };
                match target.resource_type.as_str() {
                    "Organization" => {
                        if let Some(source) = organization_source(target) {
                            return Some(source);
                        }
                    }
                    "PractitionerRole" => {
                        if let Some(source) = self.named_organization(target, depth + 1) {
                            return Some(source);
                        }
                    }
                    _ => {}
                }
            }
        }
        for element in ["encounter", "context"] {
            if let Some(reference) = entry
                .get(element)
                .and_then(|v| v.get("reference"))
                .and_then(Value::as_str)
                && let Some(encounter) = self.bundle.resolve(reference)
                && let Some(source) = self.named_organization(encounter, depth + 1)
            {
                return Some(source);
            }
        }
        None
    }

    fn meta_source(&self, entry: &Entry) -> Option<Source> {
        let uri = entry
            .get("meta")
            .and_then(|m| m.get("source"))
            .and_then(Value::as_str)?
            .trim();
        // This portal's export names its source Organization in the bundle.
        if let Some(id) = uri.strip_prefix(&format!("{SOURCE_SYSTEM}/"))
            && let Some(source) = self
                .bundle
                .of_type("Organization")
                .filter_map(organization_source)
                .find(|s| s.source_id == id)
        {
            return Some(source);
        }
        (!uri.is_empty()).then(|| Source {
            source_id: short_hash(&format!("meta-source:{uri}")),
            name: uri.to_owned(),
        })
    }

    /// The source of the document as a whole (its Composition's custodian or author).
    fn document_source(&self) -> Option<Source> {
        let composition = self.bundle.of_type("Composition").next()?;
        ["custodian", "author"].iter().find_map(|element| {
            references(composition.get(element)?)
                .into_iter()
                .filter_map(|r| self.bundle.resolve(r))
                .find_map(|target| match target.resource_type.as_str() {
                    "Organization" => organization_source(target),
                    "PractitionerRole" => self.named_organization(target, 1),
                    _ => None,
                })
        })
    }

    fn only_organization(&self) -> Option<Source> {
        let mut organizations = self.bundle.of_type("Organization");
        let only = organizations.next()?;
        organizations
            .next()
            .is_none()
            .then(|| organization_source(only))
            .flatten()
    }

    pub fn source_of(&self, entry: &Entry) -> Source {
        self.named_organization(entry, 0)
            .or_else(|| self.meta_source(entry))
            .or_else(|| self.document_source())
            .or_else(|| self.only_organization())
            .or_else(|| self.named.map(named_source))
            .unwrap_or_else(unnamed_source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encounter_service_provider_then_meta_source_then_named() {
        let bundle = Bundle::parse(json!({
            "resourceType": "Bundle", "type": "transaction",
            "entry": [
                {"fullUrl": "urn:uuid:o1", "resource": {"resourceType": "Organization", "name": "Urgent Care"}},
                {"fullUrl": "urn:uuid:o2", "resource": {"resourceType": "Organization", "name": "Hospital"}},
                {"fullUrl": "urn:uuid:e1", "resource": {"resourceType": "Encounter", "id": "e1", "status": "finished", "class": {}, "serviceProvider": {"reference": "urn:uuid:o1"}}},
                {"fullUrl": "urn:uuid:c1", "resource": {"resourceType": "Condition", "id": "c1", "subject": {}, "encounter": {"reference": "urn:uuid:e1"}}},
                {"fullUrl": "urn:uuid:c2", "resource": {"resourceType": "Condition", "id": "c2", "subject": {}, "meta": {"source": "https://lab.example"}}},
                {"fullUrl": "urn:uuid:c3", "resource": {"resourceType": "Condition", "id": "c3", "subject": {}}},
            ]
        }))
        .expect("valid");
        let rules = SourceRules {
            bundle: &bundle,
            named: Some("Dr Who's Clinic"),
        };
        let entry = |i: usize| &bundle.entries[i];
        assert_eq!(rules.source_of(entry(3)).name, "Urgent Care");
        assert_eq!(rules.source_of(entry(4)).name, "https://lab.example");
        assert_eq!(rules.source_of(entry(5)).name, "Dr Who's Clinic");
        let unnamed = SourceRules {
            bundle: &bundle,
            named: None,
        };
        assert_eq!(unnamed.source_of(entry(5)), unnamed_source());
    }

    #[test]
    fn the_practice_is_one_source_by_npi_or_by_name() {
        let bundle = Bundle::parse(json!({
            "resourceType": "Bundle", "type": "collection",
            "entry": [
                {"resource": {"resourceType": "Organization", "id": "a", "name": "Maple Street Family Practice",
                  "identifier": [{"system": "urn:oid:2.16.840.1.113883.4.4", "value": "12-3456789"},
                                 {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]}},
                {"resource": {"resourceType": "Organization", "id": "b", "name": "maple street family practice"}},
            ]
        }))
        .expect("valid");
        let with_npi = organization_source(&bundle.entries[0]).expect("a source");
        assert_eq!(
            with_npi.source_id,
            practice_source("Maple Street Family Practice", Some("1234567893")).source_id,
            "the NPI decides, whichever identifier comes first"
        );
        let by_name = organization_source(&bundle.entries[1]).expect("a source");
        assert_eq!(
            by_name.source_id,
            practice_source("Maple Street Family Practice", None).source_id
        );
        assert_ne!(with_npi.source_id, by_name.source_id);
    }
}
