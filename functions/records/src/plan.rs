//! From a checked bundle to what an import writes and reports (pure: no I/O), and whether the
//! bundle's Patient is the portal's patient.

use std::collections::{BTreeMap, HashMap, HashSet};

use portal_shared::domain::ids::{ImportId, PatientId, RecordId};
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::directory;
use crate::fhir::{Bundle, Entry, Kind, kind_of};
use crate::model::{
    Category, Source, StoredRecord, day_of, extract, index_group, merge_identity, merge_key,
    reading, short_hash,
};
use crate::sources::SourceRules;
use crate::structure;

/// DynamoDB items hold 400 KB; a resource bigger than this (a scan embedded as base64) is
/// reported, not stored.
pub const MAX_RESOURCE_BYTES: usize = 350 * 1024;

/// The report lists this many errors and warnings at most (it is stored, and items hold
/// 400 KB); the counts are complete.
const MAX_LISTED_PROBLEMS: usize = 100;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub resource_type: String,
    pub count: usize,
    pub reason: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryProblem {
    pub entry: usize,
    pub resource_type: String,
    pub message: String,
}

/// What became of one entry of the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A record now (new, or updated when the same resource was imported before).
    Imported,
    /// A record now, and the same thing as an earlier entry of the bundle (from the same or
    /// another source): the record shows them as one item listing every source.
    Merged,
    /// Not a record (finance, the patient, who and where no record names...): `reason` says why.
    Skipped,
    /// Could not be imported (too large to store): `reason` says why.
    Refused,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryOutcome {
    pub entry: usize,
    pub resource_type: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Per resource type: how many entries the bundle sent and what became of them
/// (`sent = imported + merged + skipped + refused`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeCounts {
    pub sent: usize,
    pub imported: usize,
    pub merged: usize,
    pub skipped: usize,
    pub refused: usize,
}

impl TypeCounts {
    fn count(&mut self, outcome: Outcome) {
        self.sent += 1;
        match outcome {
            Outcome::Imported => self.imported += 1,
            Outcome::Merged => self.merged += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Refused => self.refused += 1,
        }
    }
}

/// The report lists what became of this many entries at most (it is stored, and items hold
/// 400 KB); `perType` counts every entry.
const MAX_LISTED_OUTCOMES: usize = 1000;

/// Why a directory entry a record names is kept.
const DIRECTORY_KEPT: &str = "who or where the records name: kept with each source whose records name it (care team, export)";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceCount {
    pub source_id: String,
    pub name: String,
    pub imported: usize,
}

/// The answer to an import.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub import_id: ImportId,
    pub bundle_type: String,
    pub entries: usize,
    /// Entries kept (imported or merged) per resource type.
    pub imported: BTreeMap<String, usize>,
    pub imported_total: usize,
    pub skipped: Vec<Skipped>,
    pub skipped_total: usize,
    pub sources: Vec<SourceCount>,
    /// Entries that could not be imported (the first 100; `errorCount` says how many).
    pub errors: Vec<EntryProblem>,
    pub error_count: usize,
    /// Imported, with something to know (a reference to a resource not in the bundle...): the
    /// first 100; `warningCount` says how many.
    pub warnings: Vec<EntryProblem>,
    pub warning_count: usize,
    pub patient_check: PatientCheck,
    pub imported_at: Timestamp,
    /// Per resource type: entries sent, imported, merged, skipped and refused.
    pub per_type: BTreeMap<String, TypeCounts>,
    /// What became of each entry, in bundle order (the first 1000; `perType` counts them all).
    pub entry_outcomes: Vec<EntryOutcome>,
    pub entry_outcome_count: usize,
}

/// Why a Binary a DocumentReference refers to is not a record of its own.
const BINARY_KEPT: &str =
    "its content is kept in the DocumentReference that refers to it (the attachment's data)";
const BINARY_TOO_LARGE: &str = "too large to keep inside the DocumentReference that refers to \
     it (the record would pass 350 KB): the attachment keeps its url, the content is not kept";

/// DocumentReferences whose attachments point at a Binary of the bundle (`attachment.url`,
/// without `data`): the Binary's content is put into the attachment (`data`, and `contentType`
/// when the attachment has none; the url, which would not resolve outside this bundle, goes),
/// so the document's content stays with its record and comes back out in the export.
#[derive(Default)]
struct Inlined {
    /// The DocumentReference with its content, by entry position.
    documents: HashMap<usize, Map<String, Value>>,
    /// Binaries whose content is kept in a DocumentReference, by entry position.
    kept: HashSet<usize>,
    /// Binaries that would make their DocumentReference too large to store.
    too_large: HashSet<usize>,
}

fn inline_binaries(bundle: &Bundle) -> Inlined {
    let mut inlined = Inlined::default();
    for document in bundle.of_type("DocumentReference") {
        let mut resource = document.resource.clone();
        let mut used = Vec::new();
        let contents = resource
            .get_mut("content")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten();
        for content in contents {
            let Some(attachment) = content.get_mut("attachment").and_then(Value::as_object_mut)
            else {
                continue;
            };
            if attachment.contains_key("data") {
                continue;
            }
            let Some(binary) = attachment
                .get("url")
                .and_then(Value::as_str)
                .and_then(|url| bundle.resolve(url))
                .filter(|target| target.resource_type == "Binary")
            else {
                continue;
            };
            let Some(data) = binary.get("data").filter(|d| d.is_string()) else {
                continue;
            };
            attachment.insert("data".into(), data.clone());
            if !attachment.contains_key("contentType")
                && let Some(content_type) = binary.get("contentType")
            {
                attachment.insert("contentType".into(), content_type.clone());
            }
            attachment.remove("url");
            used.push(binary.index);
        }
        if used.is_empty() {
            continue;
        }
        let size = serde_json::to_string(&resource).map_or(usize::MAX, |text| text.len());
        if size <= MAX_RESOURCE_BYTES {
            inlined.documents.insert(document.index, resource);
            inlined.kept.extend(used);
        } else {
            inlined.too_large.extend(used);
        }
    }
    // A Binary kept by one document and too large for another is kept.
    let kept = inlined.kept.clone();
    inlined.too_large.retain(|binary| !kept.contains(binary));
    inlined
}

pub struct Plan {
    pub records: Vec<StoredRecord>,
    pub report: Report,
}

pub fn plan(
    bundle: &Bundle,
    patient: PatientId,
    named_source: Option<&str>,
    patient_check: PatientCheck,
    import_id: ImportId,
    now: Timestamp,
) -> Plan {
    let rules = SourceRules {
        bundle,
        named: named_source,
    };
    let patient_references: Vec<String> = bundle
        .of_type("Patient")
        .flat_map(|p| {
            let mut refs = Vec::new();
            refs.extend(p.full_url.clone());
            refs.extend(p.id.as_ref().map(|id| format!("Patient/{id}")));
            refs
        })
        .collect();
    // How the bundle refers to each source's Organization(s).
    let mut organization_references: HashMap<String, Vec<String>> = HashMap::new();
    for org in bundle.of_type("Organization") {
        if let Some(source) = crate::sources::organization_source(org) {
            let refs = organization_references.entry(source.source_id).or_default();
            refs.extend(org.full_url.clone());
            refs.extend(org.id.as_ref().map(|id| format!("Organization/{id}")));
        }
    }
    let mut imported: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut by_id: HashMap<RecordId, usize> = HashMap::new();
    let mut records: Vec<StoredRecord> = Vec::new();
    let mut source_counts: BTreeMap<String, SourceCount> = BTreeMap::new();
    let inlined = inline_binaries(bundle);
    // Entries that are not records of their own, and the records' entries with their sources
    // (what the directory entries are kept for).
    let mut set_aside: Vec<(&Entry, &'static str)> = Vec::new();
    let mut kept: Vec<(&Entry, Source)> = Vec::new();
    let mut outcomes: Vec<EntryOutcome> = Vec::new();
    let outcome = |entry: &Entry, outcome: Outcome, reason: Option<String>| EntryOutcome {
        entry: entry.index,
        resource_type: entry.resource_type.clone(),
        outcome,
        reason,
    };
    // The entry each record of `records` was made from.
    let mut record_entries: Vec<usize> = Vec::new();
    for entry in &bundle.entries {
        if let Kind::Skipped(reason) = kind_of(&entry.resource_type) {
            let reason = if inlined.kept.contains(&entry.index) {
                BINARY_KEPT
            } else if inlined.too_large.contains(&entry.index) {
                BINARY_TOO_LARGE
            } else {
                reason
            };
            set_aside.push((entry, reason));
            continue;
        }
        // Checked by Bundle::parse: a clinical entry has an id.
        let Some(resource_id) = entry.id.clone() else {
            outcomes.push(outcome(entry, Outcome::Refused, Some("no id".into())));
            continue;
        };
        let mut resource = inlined
            .documents
            .get(&entry.index)
            .unwrap_or(&entry.resource)
            .clone();
        for path in structure::strip_undefined(&mut resource) {
            warnings.push(undefined_element(entry, &path));
        }
        let text = match serde_json::to_string(&resource) {
            Ok(text) if text.len() <= MAX_RESOURCE_BYTES => Sensitive(text),
            _ => {
                let message = format!(
                    "larger than {} KB (embedded attachments?): not imported",
                    MAX_RESOURCE_BYTES / 1024
                );
                outcomes.push(outcome(entry, Outcome::Refused, Some(message.clone())));
                errors.push(EntryProblem {
                    entry: entry.index,
                    resource_type: entry.resource_type.clone(),
                    message,
                });
                continue;
            }
        };
        let unresolved: Vec<&str> = entry
            .resource
            .values()
            .flat_map(crate::fhir::references)
            .filter(|r| !r.starts_with('#') && bundle.resolve(r).is_none())
            .collect();
        if !unresolved.is_empty() {
            warnings.push(EntryProblem {
                entry: entry.index,
                resource_type: entry.resource_type.clone(),
                message: format!(
                    "refers to {} resource(s) not in the bundle; kept as written",
                    unresolved.len()
                ),
            });
        }
        let source = rules.source_of(entry);
        let record_id = RecordId::derive(&source.source_id, &entry.resource_type, &resource_id);
        let facts = extract(entry, bundle);
        let day = facts.date.as_deref().map(day_of);
        let identity = merge_identity(
            facts.category,
            &entry.resource_type,
            facts.same_thing.as_deref(),
            facts.date.as_deref(),
            reading(facts.measured.as_ref()).as_deref(),
        );
        let merge_key = merge_key(facts.category, identity.as_deref(), &record_id);
        let group = index_group(identity.as_deref(), day.as_deref());
        let record = StoredRecord {
            record_id: record_id.clone(),
            patient_id: patient,
            category: facts.category,
            resource_type: entry.resource_type.clone(),
            resource_id,
            title: facts.title,
            status: facts.status,
            date: facts.date,
            day,
            code: facts.code,
            loinc: facts.loinc,
            measured: facts.measured,
            source: source.clone(),
            merge_key,
            index_group: group,
            resource: text,
            full_url: entry.full_url.clone(),
            patient_references: patient_references.clone(),
            organization_references: organization_references
                .get(&source.source_id)
                .cloned()
                .unwrap_or_default(),
            import_id,
            updated_at: now,
            explanation: None,
            directory: None,
        };
        *imported.entry(entry.resource_type.clone()).or_default() += 1;
        source_counts
            .entry(source.source_id.clone())
            .or_insert_with(|| SourceCount {
                source_id: source.source_id.clone(),
                name: source.name.clone(),
                imported: 0,
            })
            .imported += 1;
        kept.push((entry, source.clone()));
        // The same resource twice in one bundle: the later one wins (one write per record).
        match by_id.get(&record_id) {
            Some(&position) => {
                warnings.push(EntryProblem {
                    entry: entry.index,
                    resource_type: entry.resource_type.clone(),
                    message: "the same resource appears earlier in the bundle; this one is kept"
                        .into(),
                });
                // Counted once: the earlier entry is not a record after all.
                let replaced = &records[position];
                if let Some(count) = imported.get_mut(&replaced.resource_type) {
                    *count -= 1;
                }
                if let Some(count) = source_counts.get_mut(&replaced.source.source_id) {
                    count.imported -= 1;
                }
                *skipped
                    .entry((
                        replaced.resource_type.clone(),
                        "the same resource appears again later in the bundle: the later entry is kept",
                    ))
                    .or_default() += 1;
                records[position] = record;
                let earlier = record_entries[position];
                record_entries[position] = entry.index;
                if let Some(earlier) = bundle.entries.iter().find(|e| e.index == earlier) {
                    outcomes.push(outcome(
                        earlier,
                        Outcome::Skipped,
                        Some(format!(
                            "the same resource appears again later (entry {}): that one is kept",
                            entry.index
                        )),
                    ));
                }
            }
            None => {
                by_id.insert(record_id, records.len());
                records.push(record);
                record_entries.push(entry.index);
            }
        }
    }
    // Imported, or merged with an earlier entry that is the same thing.
    let mut stored: Vec<(usize, &StoredRecord)> =
        record_entries.iter().copied().zip(records.iter()).collect();
    stored.sort_by_key(|(index, _)| *index);
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for (index, record) in stored {
        let Some(entry) = bundle.entries.iter().find(|e| e.index == index) else {
            continue;
        };
        match first_of.get(record.merge_key.as_str()) {
            Some(first) => outcomes.push(outcome(
                entry,
                Outcome::Merged,
                Some(format!(
                    "the same thing as entry {first}: one item lists every source"
                )),
            )),
            None => {
                first_of.insert(&record.merge_key, index);
                outcomes.push(outcome(entry, Outcome::Imported, None));
            }
        }
    }
    // Who and where the records refer to: kept under each source whose records name them.
    let referred = directory::referred(bundle, &kept);
    for (entry, reason) in set_aside {
        let Some((_, sources)) = referred.get(&entry.index) else {
            let reason = if directory::is_directory(&entry.resource_type)
                && entry.resource_type != "Organization"
            {
                directory::UNREFERENCED
            } else {
                reason
            };
            *skipped
                .entry((entry.resource_type.clone(), reason))
                .or_default() += 1;
            outcomes.push(outcome(entry, Outcome::Skipped, Some(reason.into())));
            continue;
        };
        *imported.entry(entry.resource_type.clone()).or_default() += 1;
        outcomes.push(outcome(
            entry,
            Outcome::Imported,
            Some(DIRECTORY_KEPT.into()),
        ));
        let mut resource = entry.resource.clone();
        for path in structure::strip_undefined(&mut resource) {
            warnings.push(undefined_element(entry, &path));
        }
        for source in sources {
            let record = directory_record(
                entry,
                &resource,
                bundle,
                source,
                patient,
                &patient_references,
                organization_references
                    .get(&source.source_id)
                    .cloned()
                    .unwrap_or_default(),
                import_id,
                now,
            );
            if let Some(record) = record
                && !by_id.contains_key(&record.record_id)
            {
                by_id.insert(record.record_id.clone(), records.len());
                records.push(record);
            }
        }
    }
    const DELETE: &str =
        "a DELETE request: imports never remove records; ask the practice to correct one";
    for (index, resource_type) in &bundle.deletions {
        *skipped.entry((resource_type.clone(), DELETE)).or_default() += 1;
        outcomes.push(EntryOutcome {
            entry: *index,
            resource_type: resource_type.clone(),
            outcome: Outcome::Skipped,
            reason: Some(DELETE.into()),
        });
    }
    outcomes.sort_by_key(|o| o.entry);
    let mut per_type: BTreeMap<String, TypeCounts> = BTreeMap::new();
    for o in &outcomes {
        per_type
            .entry(o.resource_type.clone())
            .or_default()
            .count(o.outcome);
    }
    let skipped: Vec<Skipped> = skipped
        .into_iter()
        .map(|((resource_type, reason), count)| Skipped {
            resource_type,
            count,
            reason,
        })
        .collect();
    let report = Report {
        import_id,
        bundle_type: bundle.kind.clone(),
        entries: bundle.entries.len() + bundle.deletions.len(),
        imported_total: imported.values().sum(),
        imported,
        skipped_total: skipped.iter().map(|s| s.count).sum(),
        skipped,
        sources: source_counts.into_values().collect(),
        error_count: errors.len(),
        errors: errors.into_iter().take(MAX_LISTED_PROBLEMS).collect(),
        warning_count: warnings.len(),
        warnings: warnings.into_iter().take(MAX_LISTED_PROBLEMS).collect(),
        patient_check,
        imported_at: now,
        per_type,
        entry_outcome_count: outcomes.len(),
        entry_outcomes: outcomes.into_iter().take(MAX_LISTED_OUTCOMES).collect(),
    };
    Plan { records, report }
}

/// An element R4 does not define, dropped from an entry (the rest of it imports).
fn undefined_element(entry: &Entry, path: &str) -> EntryProblem {
    EntryProblem {
        entry: entry.index,
        resource_type: entry.resource_type.clone(),
        message: format!("`{path}` is not an element FHIR R4 defines there: dropped"),
    }
}

/// A directory entry (who or where) as a record of `source`: not indexed, not listed; exported,
/// and a Practitioner is a member of the source's care team. `None` when too large to store.
#[allow(clippy::too_many_arguments)]
fn directory_record(
    entry: &Entry,
    resource: &Map<String, Value>,
    bundle: &Bundle,
    source: &Source,
    patient: PatientId,
    patient_references: &[String],
    organization_references: Vec<String>,
    import_id: ImportId,
    now: Timestamp,
) -> Option<StoredRecord> {
    let text = serde_json::to_string(resource)
        .ok()
        .filter(|text| text.len() <= MAX_RESOURCE_BYTES)?;
    // Directory entries need no id of their own in a bundle: without one, the entry's content
    // names it (the same entry imported again is the same record).
    let resource_id = entry.id.clone().unwrap_or_else(|| short_hash(&text));
    let record_id = RecordId::derive(&source.source_id, &entry.resource_type, &resource_id);
    Some(StoredRecord {
        record_id: record_id.clone(),
        patient_id: patient,
        category: Category::Directory,
        resource_type: entry.resource_type.clone(),
        resource_id,
        title: directory::name_of(entry, bundle).unwrap_or_else(|| entry.resource_type.clone()),
        status: None,
        date: None,
        day: None,
        code: None,
        loinc: None,
        measured: None,
        source: source.clone(),
        merge_key: merge_key(Category::Directory, None, &record_id),
        index_group: index_group(None, None),
        resource: Sensitive(text),
        full_url: entry.full_url.clone(),
        patient_references: patient_references.to_vec(),
        organization_references,
        import_id,
        updated_at: now,
        explanation: None,
        directory: directory::clinician(entry, bundle),
    })
}

/// How the bundle's Patient compares with the portal's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatientCheck {
    /// Name and birth date agree.
    Matched,
    /// The bundle has no Patient to compare.
    NoPatientInBundle,
    /// They differ, and practice staff confirmed the import anyway.
    MismatchConfirmedByStaff,
}

/// How the bundle's Patient compares with the profile's family name and birth date; the
/// differences when they differ and staff did not confirm the import anyway.
pub fn check_patient(
    bundle: &Bundle,
    family: &str,
    birth_date: &str,
    mismatch_confirmed: bool,
) -> Result<PatientCheck, Vec<&'static str>> {
    if bundle.of_type("Patient").next().is_none() {
        return Ok(PatientCheck::NoPatientInBundle);
    }
    let differences = patient_differences(bundle, family, birth_date);
    if differences.is_empty() {
        Ok(PatientCheck::Matched)
    } else if mismatch_confirmed {
        Ok(PatientCheck::MismatchConfirmedByStaff)
    } else {
        Err(differences)
    }
}

/// What differs between the bundle's Patient(s) and the profile; empty when they agree.
fn patient_differences(bundle: &Bundle, family: &str, birth_date: &str) -> Vec<&'static str> {
    let mut differences = Vec::new();
    for patient in bundle.of_type("Patient") {
        if let Some(born) = patient.get("birthDate").and_then(Value::as_str)
            && born != birth_date
            && !differences.contains(&"birth date")
        {
            differences.push("birth date");
        }
        let families: Vec<String> = patient
            .get("name")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.get("family").and_then(Value::as_str))
                    .map(normalise_name)
                    .collect()
            })
            .unwrap_or_default();
        if !families.is_empty()
            && !families.contains(&normalise_name(family))
            && !differences.contains(&"family name")
        {
            differences.push("family name");
        }
    }
    differences
}

/// A family name as compared: letters folded to ASCII (`López` → `lopez`, `Søren` → `soren`),
/// lower case, without spaces, hyphens or apostrophes (`García-López`, `O'Brien`), and without
/// the digits some generators append (`Trantow751`).
fn normalise_name(name: &str) -> String {
    deunicode::deunicode(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle(entries: Value) -> Bundle {
        Bundle::parse(json!({"resourceType": "Bundle", "type": "collection", "entry": entries}))
            .expect("valid")
    }

    #[test]
    fn patients_match_on_family_name_and_birth_date() {
        let b = bundle(json!([{"resource": {"resourceType": "Patient", "id": "p",
            "name": [{"family": "Lopez42", "given": ["Ana"]}], "birthDate": "1984-03-12"}}]));
        assert!(patient_differences(&b, "Lopez", "1984-03-12").is_empty());
        assert_eq!(
            patient_differences(&b, "Lopez", "1984-03-13"),
            ["birth date"]
        );
        assert_eq!(
            patient_differences(&b, "Smith", "1984-03-13"),
            ["birth date", "family name"]
        );
    }

    #[test]
    fn accents_case_and_punctuation_do_not_make_another_name() {
        let b = bundle(json!([{"resource": {"resourceType": "Patient", "id": "p",
            "name": [{"family": "López"}], "birthDate": "1984-03-12"}}]));
        for same in ["Lopez", "LÓPEZ", "lópez", " Lopez "] {
            assert!(
                patient_differences(&b, same, "1984-03-12").is_empty(),
                "{same}"
            );
        }
        assert_eq!(
            patient_differences(&b, "Lopes", "1984-03-12"),
            ["family name"]
        );
        assert_eq!(
            patient_differences(&b, "Lopez", "1984-12-03"),
            ["birth date"]
        );
        assert_eq!(
            normalise_name("García-López"),
            normalise_name("Garcia Lopez")
        );
        assert_eq!(normalise_name("O'Brien"), "obrien");
        assert_eq!(normalise_name("Søren Strauß"), "sorenstrauss");
        assert_eq!(normalise_name("Trantow751"), "trantow");
        assert_ne!(normalise_name("Müller"), normalise_name("Miller"));
    }

    #[test]
    fn the_same_resource_names_the_same_record_and_finance_is_skipped() {
        let entries = json!([
            {"fullUrl": "urn:uuid:o", "resource": {"resourceType": "Organization", "name": "Clinic"}},
            {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "urn:uuid:p"},
              "asserter": {"reference": "urn:uuid:o"},
              "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes"}]}}},
            {"resource": {"resourceType": "Claim", "id": "x"}},
        ]);
        let now = Timestamp::now();
        let first = plan_at(&bundle(entries.clone()), now);
        let again = plan_at(&bundle(entries), now);
        assert_eq!(first.records.len(), 1);
        assert_eq!(first.records[0].record_id, again.records[0].record_id);
        assert_eq!(first.records[0].source.name, "Clinic");
        assert_eq!(first.records[0].title, "Diabetes");
        assert_eq!(first.report.skipped_total, 2);
        assert_eq!(
            first.report.warnings.len(),
            1,
            "{:?}",
            first.report.warnings
        );
    }

    #[test]
    fn who_and_where_the_records_name_are_kept_once_per_source_and_never_indexed() {
        let planned = plan_at(
            &bundle(json!([
                {"fullUrl": "urn:uuid:o1", "resource": {"resourceType": "Organization", "name": "Hospital"}},
                {"fullUrl": "urn:uuid:o2", "resource": {"resourceType": "Organization", "name": "Urgent Care"}},
                {"fullUrl": "urn:uuid:dr", "resource": {"resourceType": "Practitioner",
                  "name": [{"given": ["Lee"], "family": "Kuhn"}]}},
                {"fullUrl": "urn:uuid:idle", "resource": {"resourceType": "Practitioner", "id": "idle"}},
                {"fullUrl": "urn:uuid:e1", "resource": {"resourceType": "Encounter", "id": "e1", "status": "finished",
                  "class": {}, "serviceProvider": {"reference": "urn:uuid:o1"},
                  "participant": [{"individual": {"reference": "urn:uuid:dr"}}]}},
                {"fullUrl": "urn:uuid:e2", "resource": {"resourceType": "Encounter", "id": "e2", "status": "finished",
                  "class": {}, "serviceProvider": {"reference": "urn:uuid:o2"},
                  "participant": [{"individual": {"reference": "urn:uuid:dr"}}]}},
            ])),
            Timestamp::now(),
        );
        let directory: Vec<&StoredRecord> = planned
            .records
            .iter()
            .filter(|r| r.category == Category::Directory)
            .collect();
        let sources: Vec<&str> = directory.iter().map(|r| r.source.name.as_str()).collect();
        assert_eq!(sources, ["Hospital", "Urgent Care"], "one copy per source");
        assert!(directory.iter().all(|r| r.title == "Lee Kuhn"
            && r.resource_type == "Practitioner"
            && r.full_url.as_deref() == Some("urn:uuid:dr")
            && r.directory.as_ref().map(|d| d.name.as_str()) == Some("Lee Kuhn")));
        assert_ne!(directory[0].record_id, directory[1].record_id);
        let report = &planned.report;
        assert_eq!(report.imported.get("Practitioner"), Some(&1), "one entry");
        assert_eq!(report.imported.get("Encounter"), Some(&2));
        let idle: Vec<(&str, usize, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.resource_type.as_str(), s.count, s.reason))
            .filter(|(t, _, _)| *t == "Practitioner")
            .collect();
        assert_eq!(idle, [("Practitioner", 1, directory::UNREFERENCED)]);
        assert_eq!(
            report.sources.iter().map(|s| s.imported).sum::<usize>(),
            2,
            "directory records are not counted as a source's records"
        );
    }

    #[test]
    fn the_report_says_what_became_of_every_entry() {
        let flu = |id: &str, org: &str| {
            json!({"resource": {"resourceType": "Immunization", "id": id, "status": "completed",
                "patient": {}, "occurrenceDateTime": "2024-10-01", "performer": [{"actor": {"reference": org}}],
                "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]}}})
        };
        let big = "x".repeat(MAX_RESOURCE_BYTES);
        let planned = plan_at(
            &bundle(json!([
                {"fullUrl": "urn:uuid:a", "resource": {"resourceType": "Organization", "name": "Clinic A"}},
                {"fullUrl": "urn:uuid:b", "resource": {"resourceType": "Organization", "name": "Clinic B"}},
                flu("f1", "urn:uuid:a"),
                flu("f2", "urn:uuid:b"),
                {"resource": {"resourceType": "Claim", "id": "c"}},
                {"resource": {"resourceType": "Condition", "id": "dup", "subject": {}, "note": [{"text": "first"}]}},
                {"resource": {"resourceType": "Condition", "id": "dup", "subject": {}, "note": [{"text": "second"}]}},
                {"resource": {"resourceType": "Observation", "id": "huge", "status": "final", "code": {"text": big}}},
                {"request": {"method": "DELETE", "url": "Observation/old"}},
            ])),
            Timestamp::now(),
        );
        let report = &planned.report;
        let outcomes: Vec<(usize, &str, Outcome)> = report
            .entry_outcomes
            .iter()
            .map(|o| (o.entry, o.resource_type.as_str(), o.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                (0, "Organization", Outcome::Skipped),
                (1, "Organization", Outcome::Skipped),
                (2, "Immunization", Outcome::Imported),
                (3, "Immunization", Outcome::Merged),
                (4, "Claim", Outcome::Skipped),
                (5, "Condition", Outcome::Skipped),
                (6, "Condition", Outcome::Imported),
                (7, "Observation", Outcome::Refused),
                (8, "Observation", Outcome::Skipped),
            ]
        );
        assert_eq!(report.entry_outcome_count, 9);
        assert!(
            report.entry_outcomes[3]
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("entry 2")),
            "{:?}",
            report.entry_outcomes[3]
        );
        assert!(
            report
                .entry_outcomes
                .iter()
                .all(|o| o.outcome == Outcome::Imported
                    || o.reason.as_deref().is_some_and(|r| !r.is_empty()))
        );
        assert_eq!(
            report.per_type["Immunization"],
            TypeCounts {
                sent: 2,
                imported: 1,
                merged: 1,
                ..TypeCounts::default()
            }
        );
        assert_eq!(
            report.per_type["Observation"],
            TypeCounts {
                sent: 2,
                skipped: 1,
                refused: 1,
                ..TypeCounts::default()
            }
        );
        // The totals agree with the entries: the earlier of two copies is not counted twice.
        assert_eq!(report.imported.get("Condition"), Some(&1));
        assert_eq!(
            report.imported_total + report.skipped_total + report.error_count,
            report.entries
        );
    }

    #[test]
    fn results_visits_procedures_and_documents_from_two_sources_are_one_item_and_one_point() {
        let glucose = |id: &str, when: &str, value: f64, unit: &str| {
            json!({"resource": {"resourceType": "Observation", "id": id, "status": "final",
                "category": [{"coding": [{"code": "laboratory"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7", "display": "Glucose"}]},
                "effectiveDateTime": when, "valueQuantity": {"value": value, "unit": unit}}})
        };
        let visit = |id: &str, when: &str| {
            json!({"resource": {"resourceType": "Encounter", "id": id, "status": "finished", "class": {},
                "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003"}]}],
                "period": {"start": when}}})
        };
        let procedure = |id: &str, when: &str| {
            json!({"resource": {"resourceType": "Procedure", "id": id, "status": "completed", "subject": {},
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "430193006"}]},
                "performedDateTime": when}})
        };
        let document = |id: &str, when: &str| {
            json!({"resource": {"resourceType": "DocumentReference", "id": id, "status": "current",
                "type": {"coding": [{"system": "http://loinc.org", "code": "34117-2"}]}, "date": when,
                "content": [{"attachment": {"contentType": "text/plain", "data": "SGk="}}]}})
        };
        let hospital = planned(json!([
            {"resource": {"resourceType": "Organization", "name": "Hospital"}},
            glucose("g1", "2024-05-02T08:00:00Z", 5.4, "mmol/L"),
            glucose("g2", "2024-05-03T08:00:00Z", 6.1, "mmol/L"),
            visit("v1", "2024-05-02T07:30:00Z"),
            procedure("p1", "2024-05-02"),
            document("d1", "2024-05-02T09:00:00Z"),
        ]));
        let clinic = planned(json!([
            {"resource": {"resourceType": "Organization", "name": "Clinic"}},
            // The same instant written in another time zone, the unit in another case: the same.
            glucose("x1", "2024-05-02T10:00:00.4+02:00", 5.4, "mmol/l"),
            // Another value the same day: another reading.
            glucose("x2", "2024-05-03T08:00:00Z", 6.2, "mmol/L"),
            visit("w1", "2024-05-02T09:00:00+02:00"),
            visit("w2", "2024-06-02"),
            procedure("q1", "2024-05-02T11:00:00Z"),
            document("e1", "2024-05-02"),
        ]));
        let key = |records: &[StoredRecord], id: &str| {
            records
                .iter()
                .find(|r| r.resource_id == id)
                .map(|r| (r.merge_key.clone(), r.index_group.clone()))
                .unwrap_or_else(|| panic!("{id}"))
        };
        for (ours, theirs) in [("g1", "x1"), ("v1", "w1"), ("p1", "q1"), ("d1", "e1")] {
            assert_eq!(
                key(&hospital, ours),
                key(&clinic, theirs),
                "{ours} {theirs}"
            );
        }
        assert_eq!(
            key(&hospital, "g1").0,
            "labs#http://loinc.org|2345-7@2024-05-02T08:00:00Z=5.4 mmol/l"
        );
        assert_ne!(key(&hospital, "g2"), key(&clinic, "x2"), "another value");
        assert_eq!(
            crate::model::moment("2024-05-02"),
            "2024-05-02",
            "a date alone"
        );
        assert_ne!(
            crate::model::moment("2024-05-02T08:00:01Z"),
            crate::model::moment("2024-05-02T08:00:00Z"),
            "another second is another reading (a monitor's readings stay apart)"
        );
        assert_ne!(key(&hospital, "v1"), key(&clinic, "w2"), "another day");

        let all: Vec<StoredRecord> = hospital.iter().chain(&clinic).cloned().collect();
        let series = crate::view::series_of(&all, "2345-7");
        let points: Vec<(Option<f64>, Vec<&str>)> = series.series[0]
            .points
            .iter()
            .map(|p| (p.value, p.sources.iter().map(|s| s.name.as_str()).collect()))
            .collect();
        assert_eq!(
            points,
            [
                (Some(97.0), vec!["Hospital", "Clinic"]),
                (Some(110.0), vec!["Hospital"]),
                (Some(112.0), vec!["Clinic"]),
            ],
            "each reading plotted once, with every source (in the mg/dL of 2345-7)"
        );
    }

    #[test]
    fn a_series_converts_the_analytes_other_unit_and_marks_the_point() {
        let hba1c = |id: &str, code: &str, when: &str, value: f64, unit: &str| {
            json!({"resource": {"resourceType": "Observation", "id": id, "status": "final",
                "category": [{"coding": [{"code": "laboratory"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
                "effectiveDateTime": when, "valueQuantity": {"value": value, "unit": unit},
                "referenceRange": [{"high": {"value": 5.7, "unit": unit}}]}})
        };
        let records = planned(json!([
            {"resource": {"resourceType": "Organization", "name": "Clinic"}},
            hba1c("a", "4548-4", "2024-01-10", 7.4, "%"),
            // IFCC, under its own code: 53 mmol/mol is 7.0 % by the master equation.
            {"resource": {"resourceType": "Observation", "id": "b", "status": "final",
                "category": [{"coding": [{"code": "laboratory"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": "59261-8"}]},
                "effectiveDateTime": "2024-04-10", "valueQuantity": {"value": 53.0, "unit": "mmol/mol"}}},
            // A unit that is not HbA1c's: kept apart, never guessed at.
            hba1c("c", "4548-4", "2024-07-10", 6.9, "mg/dL"),
        ]));
        let series = crate::view::series_of(&records, "4548-4");
        let percent = series
            .series
            .iter()
            .find(|s| s.unit.as_deref() == Some("%"))
            .expect("in %");
        let shown: Vec<String> = percent
            .points
            .iter()
            .map(|p| format!("{:?} {:?}", p.value, p.converted))
            .collect();
        assert_eq!(
            shown,
            [
                "Some(7.4) None",
                r#"Some(7.0) Some(Converted { value: 53.0, unit: "mmol/mol" })"#
            ]
        );
        assert_eq!(percent.points[0].high, Some(5.7));
        assert_eq!(series.series.len(), 2, "the mg/dL point stays apart");
        assert!(series.units_differ);
        // The IFCC series shows the NGSP points converted the other way.
        let ifcc = crate::view::series_of(&records, "59261-8");
        let mmol = ifcc
            .series
            .iter()
            .find(|s| s.unit.as_deref() == Some("mmol/mol"))
            .expect("in mmol/mol");
        let values: Vec<Option<f64>> = mmol.points.iter().map(|p| p.value).collect();
        // (7.4 − 2.15) × 10.929 = 57.4 → 57.
        assert_eq!(values, [Some(57.0), Some(53.0)]);
        // 5.7 % as IFCC: (5.7 − 2.15) × 10.929 = 38.8 → 39.
        assert_eq!(mmol.points[0].high, Some(39.0));
    }

    fn planned(entries: Value) -> Vec<StoredRecord> {
        plan_at(&bundle(entries), Timestamp::now()).records
    }

    /// The plan of a bundle without a Patient, no source named by the uploader.
    fn plan_at(bundle: &Bundle, now: Timestamp) -> Plan {
        plan(
            bundle,
            PatientId::generate(),
            None,
            PatientCheck::NoPatientInBundle,
            ImportId::generate(),
            now,
        )
    }

    fn flu_shot(id: &str, when: &str) -> Value {
        json!({"resource": {"resourceType": "Immunization", "id": id, "status": "completed",
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140",
                                        "display": "Influenza, seasonal, injectable"}]},
            "patient": {"reference": "Patient/p"}, "occurrenceDateTime": when}})
    }

    #[test]
    fn events_merge_on_code_and_day_and_ongoing_things_on_code() {
        let clinic =
            |name: &str| json!({"resource": {"resourceType": "Organization", "name": name}});
        let metformin = |id: &str, extra: Value| {
            let mut coding = vec![
                json!({"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                          "code": "860975"}),
            ];
            if !extra.is_null() {
                coding.insert(0, extra);
            }
            json!({"resource": {"resourceType": "MedicationRequest", "id": id, "status": "active",
                "intent": "order", "subject": {"reference": "Patient/p"},
                "medicationCodeableConcept": {"coding": coding}, "authoredOn": "2023-01-01"}})
        };
        let diabetes = |id: &str, onset: &str| {
            json!({"resource": {"resourceType": "Condition", "id": id,
                "subject": {"reference": "Patient/p"}, "onsetDateTime": onset,
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9"},
                                    {"system": "http://snomed.info/sct", "code": "44054006"}]}}})
        };
        let practice = planned(json!([
            clinic("Practice"),
            flu_shot("f1", "2019-10-01T09:00:00Z"),
            flu_shot("f2", "2020-10-02"),
            flu_shot("f3", "2021-10-05"),
            flu_shot("f4", "2022-10-03"),
            flu_shot("f5", "2023-10-01"),
            json!({"resource": {"resourceType": "Immunization", "id": "undated",
                "status": "completed", "patient": {}, "occurrenceString": "as a child",
                "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]}}}),
            // RxNorm and NDC here, RxNorm alone at the pharmacy: the RxNorm code decides.
            metformin(
                "m1",
                json!({"system": "http://hl7.org/fhir/sid/ndc", "code": "0093-1048-01"})
            ),
            diabetes("d1", "2015-01-01"),
        ]));
        let pharmacy = planned(json!([
            clinic("Pharmacy"),
            flu_shot("p1", "2021-10-05T16:30:00-04:00"),
            metformin("m2", Value::Null),
            json!({"resource": {"resourceType": "Condition", "id": "d2",
                "subject": {"reference": "Patient/p"}, "onsetDateTime": "2020-05-05",
                "code": {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.96", "code": "44054006"}]}}}),
        ]));
        let key = |records: &[StoredRecord], id: &str| {
            let record = records
                .iter()
                .find(|r| r.resource_id == id)
                .unwrap_or_else(|| panic!("{id}"));
            (record.merge_key.clone(), record.index_group.clone())
        };
        let shots: std::collections::BTreeSet<String> = ["f1", "f2", "f3", "f4", "f5", "undated"]
            .iter()
            .map(|id| key(&practice, id).0)
            .collect();
        assert_eq!(
            shots.len(),
            6,
            "five yearly flu shots and an undated one: {shots:?}"
        );
        assert_eq!(
            key(&practice, "f3").0,
            "immunizations#http://hl7.org/fhir/sid/cvx|140@2021-10-05"
        );
        assert_eq!(
            key(&practice, "f3"),
            key(&pharmacy, "p1"),
            "the same shot, the same day"
        );
        assert_eq!(
            key(&practice, "m1").0,
            "medications#http://www.nlm.nih.gov/research/umls/rxnorm|860975"
        );
        assert_eq!(key(&practice, "m1"), key(&pharmacy, "m2"));
        assert_eq!(
            key(&practice, "d1"),
            key(&pharmacy, "d2"),
            "a condition is one thing whenever it was recorded; SNOMED over ICD-10, OID or URI"
        );
    }

    #[test]
    fn a_source_is_listed_once_on_a_merged_item() {
        let practice = planned(json!([
            {"resource": {"resourceType": "Organization", "name": "Practice"}},
            {"resource": {"resourceType": "Condition", "id": "a", "subject": {}, "recordedDate": "2020-01-01",
              "code": {"coding": [{"system": "http://snomed.info/sct", "code": "444814009"}]}}},
            {"resource": {"resourceType": "Condition", "id": "b", "subject": {}, "recordedDate": "2022-01-01",
              "code": {"coding": [{"system": "http://snomed.info/sct", "code": "444814009"}]}}},
        ]));
        let clinic = planned(json!([
            {"resource": {"resourceType": "Organization", "name": "Clinic"}},
            {"resource": {"resourceType": "Condition", "id": "c", "subject": {}, "recordedDate": "2021-01-01",
              "code": {"coding": [{"system": "http://snomed.info/sct", "code": "444814009"}]}}},
        ]));
        let group: Vec<StoredRecord> = practice.iter().chain(&clinic).cloned().collect();
        let view = crate::view::RecordView::merged(group.clone()).expect("a view");
        let view = serde_json::to_value(&view).expect("serialises");
        let sources = view["sources"].as_array().expect("sources");
        let names: Vec<&str> = sources.iter().filter_map(|s| s["name"].as_str()).collect();
        assert_eq!(names, ["Practice", "Clinic"], "{view:#}");
        assert_eq!(sources[0]["date"], "2022-01-01");
        assert_eq!(sources[0]["otherRecords"][0]["date"], "2020-01-01");
        assert!(sources[1].get("otherRecords").is_none());

        // The detail of the clinic's record shows it, with the same sources.
        let shown = clinic[0].clone();
        let detail = crate::view::RecordView::of_group(shown, group);
        let detail = serde_json::to_value(&detail).expect("serialises");
        assert_eq!(detail["source"]["name"], "Clinic");
        assert_eq!(detail["sources"], view["sources"]);
    }

    #[test]
    fn a_documents_binary_content_is_kept_in_its_attachment() {
        let records_and_report = plan_at(
            &bundle(json!([
                {"resource": {"resourceType": "Organization", "name": "Clinic"}},
                {"resource": {"resourceType": "DocumentReference", "id": "d", "status": "current",
                  "content": [{"attachment": {"url": "urn:uuid:bin-1", "title": "Letter"}},
                              {"attachment": {"url": "https://elsewhere.example/letter.pdf"}}]}},
                {"fullUrl": "urn:uuid:bin-1", "resource": {"resourceType": "Binary", "id": "bin-1",
                  "contentType": "text/plain", "data": "SGVsbG8="}},
                {"resource": {"resourceType": "Binary", "id": "lone", "contentType": "application/pdf",
                  "data": "JVBERi0="}},
            ])),
            Timestamp::now(),
        );
        let document: Value =
            serde_json::from_str(&records_and_report.records[0].resource).expect("JSON");
        assert_eq!(
            document["content"][0]["attachment"],
            json!({"title": "Letter", "contentType": "text/plain", "data": "SGVsbG8="})
        );
        assert_eq!(
            document["content"][1]["attachment"]["url"],
            "https://elsewhere.example/letter.pdf"
        );
        let binaries: Vec<(usize, &str)> = records_and_report
            .report
            .skipped
            .iter()
            .filter(|s| s.resource_type == "Binary")
            .map(|s| (s.count, s.reason))
            .collect();
        assert_eq!(binaries.len(), 2, "{binaries:?}");
        assert!(binaries.contains(&(1, BINARY_KEPT)));
        assert!(
            binaries
                .iter()
                .any(|(n, reason)| *n == 1 && reason.starts_with("a Binary no DocumentReference"))
        );
    }

    fn blood_pressure(id: &str, when: &str, systolic: f64, diastolic: f64) -> Value {
        let part = |code: &str, name: &str, value: f64| {
            json!({"code": {"coding": [{"system": "http://loinc.org", "code": code, "display": name}]},
                   "valueQuantity": {"value": value, "unit": "mm[Hg]"},
                   "referenceRange": [{"high": {"value": 120.0}}]})
        };
        json!({"resource": {"resourceType": "Observation", "id": id, "status": "final",
            "category": [{"coding": [{"code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9", "display": "Blood pressure panel"}]},
            "effectiveDateTime": when,
            "component": [part("8480-6", "Systolic blood pressure", systolic),
                          part("8462-4", "Diastolic blood pressure", diastolic)]}})
    }

    #[test]
    fn a_panel_keeps_its_components_and_they_join_their_codes_series() {
        let entries = json!([
            {"resource": {"resourceType": "Organization", "name": "Clinic"}},
            blood_pressure("bp1", "2025-01-10", 142.0, 91.0),
            blood_pressure("bp2", "2025-03-10", 128.0, 82.0),
            {"resource": {"resourceType": "Observation", "id": "sys", "status": "final",
              "category": [{"coding": [{"code": "vital-signs"}]}],
              "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
              "effectiveDateTime": "2025-02-10", "valueQuantity": {"value": 135.0, "unit": "mm[Hg]"}}},
        ]);
        let planned = plan_at(&bundle(entries), Timestamp::now());
        let panel = planned
            .records
            .iter()
            .find(|r| r.resource_id == "bp2")
            .expect("the panel is a record");
        let measured = panel.measured.as_ref().expect("the panel is measured");
        assert_eq!(measured.value, None);
        let parts: Vec<String> = measured
            .components
            .iter()
            .map(|c| format!("{:?} {:?} {:?} {:?}", c.loinc, c.value, c.unit, c.high))
            .collect();
        assert_eq!(
            parts,
            [
                r#"Some("8480-6") Some(128.0) Some("mm[Hg]") Some(120.0)"#,
                r#"Some("8462-4") Some(82.0) Some("mm[Hg]") Some(120.0)"#,
            ]
        );

        let systolic = crate::view::series_of(&planned.records, "8480-6");
        assert_eq!(systolic.title.as_deref(), Some("Systolic blood pressure"));
        let values: Vec<Option<f64>> = systolic.series[0].points.iter().map(|p| p.value).collect();
        assert_eq!(
            values,
            [Some(142.0), Some(135.0), Some(128.0)],
            "oldest first"
        );

        let panels = crate::view::series_of(&planned.records, "85354-9");
        assert_eq!(panels.series.len(), 1);
        assert!(
            panels.series[0]
                .points
                .iter()
                .all(|p| p.components.len() == 2)
        );

        let summary = crate::view::summarise(&planned.records);
        let vitals = serde_json::to_value(&summary.latest_vitals).expect("serialises");
        let panel_view = vitals
            .as_array()
            .and_then(|v| v.iter().find(|r| r["code"]["code"] == "85354-9"))
            .expect("the latest blood pressure is a vital");
        assert_eq!(panel_view["value"]["components"][0]["value"], 128.0);
        assert_eq!(panel_view["value"]["components"][1]["value"], 82.0);
    }
}
