//! Who and where (pure): the Practitioner, PractitionerRole, Location, Organization,
//! HealthcareService and Endpoint resources that a source's records refer to. They are kept
//! (one copy per source whose records name them) so the export resolves every reference, and
//! a source's clinicians make its care team: their name, their role and where they saw the
//! patient, as the bundle says them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::fhir::{Bundle, Entry, references};
use crate::model::{DirectoryFacts, Source};
use crate::sources::organization_source;

/// The resource types that say who and where.
pub const DIRECTORY_TYPES: [&str; 6] = [
    "Practitioner",
    "PractitionerRole",
    "Location",
    "Organization",
    "HealthcareService",
    "Endpoint",
];

pub fn is_directory(resource_type: &str) -> bool {
    DIRECTORY_TYPES.contains(&resource_type)
}

/// Why a directory entry no record refers to is not kept.
pub const UNREFERENCED: &str =
    "directory data (who and where) that no record of the bundle refers to";

/// The directory entries the kept records refer to, directly or through one another (a role
/// names its practitioner and location, a location its organisation), by entry position, with
/// the sources whose records lead to them (in order of first use). A source's own Organization
/// is not among them: the export has one Organization per source already.
pub fn referred<'b>(
    bundle: &'b Bundle,
    kept: &[(&'b Entry, Source)],
) -> BTreeMap<usize, (&'b Entry, Vec<Source>)> {
    let mut found: BTreeMap<usize, (&Entry, Vec<Source>)> = BTreeMap::new();
    let mut work: Vec<(&Entry, Source)> = kept.to_vec();
    let mut next = 0;
    while let Some((entry, source)) = work.get(next).cloned() {
        next += 1;
        for reference in entry.resource.values().flat_map(references) {
            let Some(target) = bundle.resolve(reference) else {
                continue;
            };
            if !is_directory(&target.resource_type) || target.index == entry.index {
                continue;
            }
            if target.resource_type == "Organization"
                && organization_source(target).is_some_and(|s| s.source_id == source.source_id)
            {
                continue;
            }
            let (_, sources) = found
                .entry(target.index)
                .or_insert_with(|| (target, Vec::new()));
            if !sources.contains(&source) {
                sources.push(source.clone());
                work.push((target, source.clone()));
            }
        }
    }
    found
}

fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A HumanName as written: its text, or prefix, given names and family name.
fn human_name(resource: &Map<String, Value>) -> Option<String> {
    let names = resource.get("name")?.as_array()?;
    let name = names
        .iter()
        .find(|n| n.get("use").and_then(Value::as_str) == Some("official"))
        .or_else(|| names.first())?;
    if let Some(text) = text(name.get("text")) {
        return Some(text);
    }
    let words = |element: &str| -> Vec<String> {
        match name.get(element) {
            Some(Value::Array(parts)) => parts.iter().filter_map(|p| text(Some(p))).collect(),
            other => text(other).into_iter().collect(),
        }
    };
    let parts: Vec<String> = ["prefix", "given", "family", "suffix"]
        .iter()
        .flat_map(|element| words(element))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// What a CodeableConcept (or the first of a list of them) says in words.
fn concept_text(value: Option<&Value>) -> Option<String> {
    let value = match value? {
        Value::Array(items) => items.first()?,
        other => other,
    };
    text(value.get("text")).or_else(|| {
        value
            .get("coding")?
            .as_array()?
            .iter()
            .find_map(|c| text(c.get("display")))
    })
}

/// The name of the resource a Reference points at (in the bundle), else the reference's own
/// display.
fn referred_name(bundle: &Bundle, reference: Option<&Value>) -> Option<String> {
    let reference = reference?;
    let reference = match reference {
        Value::Array(items) => items.first()?,
        other => other,
    };
    reference
        .get("reference")
        .and_then(Value::as_str)
        .and_then(|r| bundle.resolve(r))
        .and_then(|target| name_of(target, bundle))
        .or_else(|| text(reference.get("display")))
}

/// Whether `reference` (a Reference element) points at `entry`.
fn points_at(bundle: &Bundle, reference: Option<&Value>, entry: &Entry) -> bool {
    reference
        .and_then(|r| r.get("reference"))
        .and_then(Value::as_str)
        .and_then(|r| bundle.resolve(r))
        .is_some_and(|target| target.index == entry.index)
}

/// What a directory resource is called: a person's name, a place's or organisation's name, a
/// role's practitioner (or the role itself).
pub fn name_of(entry: &Entry, bundle: &Bundle) -> Option<String> {
    match entry.resource_type.as_str() {
        "Practitioner" => human_name(&entry.resource),
        "PractitionerRole" => {
            // Not through `name_of` of the practitioner: a role never names a role.
            let practitioner = entry.get("practitioner");
            practitioner
                .and_then(|p| p.get("reference"))
                .and_then(Value::as_str)
                .and_then(|r| bundle.resolve(r))
                .filter(|target| target.resource_type == "Practitioner")
                .and_then(|target| human_name(&target.resource))
                .or_else(|| practitioner.and_then(|p| text(p.get("display"))))
                .or_else(|| concept_text(entry.get("code")))
        }
        _ => text(entry.get("name")).or_else(|| text(entry.get("address"))),
    }
}

/// The care-team facts of a Practitioner: its name; its role and place from a PractitionerRole
/// of the bundle that names it (role code or specialty; its location, else its organisation),
/// else from an encounter it took part in (participant type; the encounter's location, else
/// its service provider).
pub fn clinician(entry: &Entry, bundle: &Bundle) -> Option<DirectoryFacts> {
    if entry.resource_type != "Practitioner" {
        return None;
    }
    let name = human_name(&entry.resource)?;
    let mut role = None;
    let mut place = None;
    for practitioner_role in bundle.of_type("PractitionerRole") {
        if !points_at(bundle, practitioner_role.get("practitioner"), entry) {
            continue;
        }
        role = role
            .or_else(|| concept_text(practitioner_role.get("code")))
            .or_else(|| concept_text(practitioner_role.get("specialty")));
        place = place
            .or_else(|| referred_name(bundle, practitioner_role.get("location")))
            .or_else(|| referred_name(bundle, practitioner_role.get("organization")));
    }
    for encounter in bundle.of_type("Encounter") {
        if role.is_some() && place.is_some() {
            break;
        }
        let participants = encounter
            .get("participant")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for participant in participants {
            if !points_at(bundle, participant.get("individual"), entry) {
                continue;
            }
            role = role.or_else(|| concept_text(participant.get("type")));
            place = place
                .or_else(|| {
                    let location = encounter
                        .get("location")
                        .and_then(Value::as_array)
                        .and_then(|l| l.first())
                        .and_then(|l| l.get("location"));
                    referred_name(bundle, location)
                })
                .or_else(|| referred_name(bundle, encounter.get("serviceProvider")));
        }
    }
    Some(DirectoryFacts { name, role, place })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source(name: &str) -> Source {
        crate::sources::named_source(name)
    }

    fn bundle() -> Bundle {
        Bundle::parse(json!({
            "resourceType": "Bundle", "type": "collection",
            "entry": [
                {"fullUrl": "urn:uuid:org", "resource": {"resourceType": "Organization", "id": "org", "name": "Hillside Hospital"}},
                {"fullUrl": "urn:uuid:lab", "resource": {"resourceType": "Organization", "id": "lab", "name": "Quick Lab"}},
                {"fullUrl": "urn:uuid:dr", "resource": {"resourceType": "Practitioner", "id": "dr",
                  "name": [{"family": "Osei", "given": ["Ama"], "prefix": ["Dr."]}]}},
                {"fullUrl": "urn:uuid:loc", "resource": {"resourceType": "Location", "id": "loc", "name": "Clinic B, floor 2",
                  "managingOrganization": {"reference": "urn:uuid:org"}}},
                {"fullUrl": "urn:uuid:role", "resource": {"resourceType": "PractitionerRole", "id": "role",
                  "practitioner": {"reference": "urn:uuid:dr"}, "location": [{"reference": "urn:uuid:loc"}],
                  "code": [{"coding": [{"code": "cardio", "display": "Cardiologist"}]}]}},
                {"fullUrl": "urn:uuid:nobody", "resource": {"resourceType": "Practitioner", "id": "nobody", "name": [{"text": "Unseen"}]}},
                {"fullUrl": "urn:uuid:enc", "resource": {"resourceType": "Encounter", "id": "enc", "status": "finished", "class": {},
                  "serviceProvider": {"reference": "urn:uuid:org"},
                  "participant": [{"individual": {"reference": "urn:uuid:role"}}]}},
                {"fullUrl": "urn:uuid:obs", "resource": {"resourceType": "Observation", "id": "obs", "status": "final", "code": {},
                  "performer": [{"reference": "urn:uuid:lab"}, {"reference": "urn:uuid:dr"}]}},
            ]
        }))
        .expect("valid")
    }

    #[test]
    fn what_records_refer_to_is_kept_per_source_and_through_one_another() {
        let bundle = bundle();
        let hospital = crate::sources::organization_source(&bundle.entries[0]).expect("source");
        let lab = source("Quick Lab uploads");
        let kept = [
            (&bundle.entries[6], hospital.clone()),
            (&bundle.entries[7], lab.clone()),
        ];
        let found = referred(&bundle, &kept);
        let types: Vec<(&str, usize)> = found
            .values()
            .map(|(entry, sources)| (entry.resource_type.as_str(), sources.len()))
            .collect();
        assert_eq!(
            types,
            [
                ("Organization", 1),
                ("Practitioner", 2),
                ("Location", 1),
                ("PractitionerRole", 1),
            ],
            "{found:#?}"
        );
        assert!(
            !found.contains_key(&0),
            "the hospital is the encounter's own source: the export's Organization of it"
        );
        assert_eq!(found[&1].1, std::slice::from_ref(&lab));
        assert_eq!(found[&2].1, [lab, hospital.clone()], "breadth first");
        assert_eq!(found[&4].1, [hospital]);
        assert!(!found.contains_key(&5), "a practitioner no record names");
    }

    #[test]
    fn a_clinician_has_a_name_a_role_and_a_place() {
        let bundle = bundle();
        let facts = clinician(&bundle.entries[2], &bundle).expect("a clinician");
        assert_eq!(
            facts,
            DirectoryFacts {
                name: "Dr. Ama Osei".into(),
                role: Some("Cardiologist".into()),
                place: Some("Clinic B, floor 2".into()),
            }
        );
        assert_eq!(
            name_of(&bundle.entries[4], &bundle).as_deref(),
            Some("Dr. Ama Osei")
        );
        // Seen at an encounter, without a role resource: the participant type and the
        // encounter's service provider.
        let synthea = Bundle::parse(json!({
            "resourceType": "Bundle", "type": "transaction",
            "entry": [
                {"fullUrl": "urn:uuid:o", "resource": {"resourceType": "Organization", "name": "PCP 1"}},
                {"fullUrl": "urn:uuid:p", "resource": {"resourceType": "Practitioner", "name": [{"family": "Kuhn", "given": ["Lee"]}]}},
                {"fullUrl": "urn:uuid:e", "resource": {"resourceType": "Encounter", "id": "e", "status": "finished", "class": {},
                  "serviceProvider": {"reference": "urn:uuid:o"},
                  "participant": [{"type": [{"text": "primary performer"}], "individual": {"reference": "urn:uuid:p"}}]}},
            ]
        }))
        .expect("valid");
        let facts = clinician(&synthea.entries[1], &synthea).expect("a clinician");
        assert_eq!(facts.name, "Lee Kuhn");
        assert_eq!(facts.role.as_deref(), Some("primary performer"));
        assert_eq!(facts.place.as_deref(), Some("PCP 1"));
        assert!(clinician(&synthea.entries[0], &synthea).is_none());
    }
}
