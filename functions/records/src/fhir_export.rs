//! The export's FHIR R4 `collection` Bundle (pure): the patient (from the profile), one
//! Organization per source, and every stored resource of the page as its source sent it, with
//! `meta.source` naming the source. References the source made between its own resources (and
//! to its Patient, and to the clinicians and places its records name) are pointed at the
//! exported entries, so they resolve; entries keep one `fullUrl` across pages, so references
//! between pages resolve once the pages are put together. A reference to what was never sent or
//! not kept (a claim, a coverage) goes, keeping its display: no reference resolves nowhere.

use std::collections::{BTreeMap, HashMap};

use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::profile_facts::ProfileFacts;
use serde_json::{Value, json};

use crate::fhir::resolve_or_drop_references;
use crate::model::{SOURCE_SYSTEM, Source, StoredRecord, short_hash};

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` from 32 hex digits (or a hash of anything else).
fn uuid_of(hex: &str) -> String {
    let hex = if hex.len() == 32 {
        hex.to_owned()
    } else {
        short_hash(hex) + &short_hash(&format!("{hex}#2"))[..12]
    };
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn source_uri(source: &Source) -> String {
    format!("{SOURCE_SYSTEM}/{}", source.source_id)
}

/// The export Bundle of `page` (records with their resources). `all` is every record of the
/// patient (without resources is enough): every source's Organization is on every page, and a
/// reference to a record on another page still names that record's entry.
pub fn bundle(
    patient_id: &str,
    profile: Option<&ProfileFacts>,
    all: &[StoredRecord],
    page: &[StoredRecord],
    now: Timestamp,
    next: Option<&str>,
) -> Result<Value, ApiError> {
    let patient_url = uuid_of(&short_hash(patient_id).repeat(2)[..32]);
    let mut patient = json!({"resourceType": "Patient", "id": patient_id});
    if let Some(profile) = profile {
        if let Some(name) = &profile.legal_name {
            patient["name"] =
                json!([{"family": name.family.as_str(), "given": [name.given.as_str()]}]);
        }
        if let Some(born) = &profile.date_of_birth {
            patient["birthDate"] = json!(born.to_iso());
        }
        if let Some(sex) = profile.sex {
            // The profile's values are FHIR's AdministrativeGender codes.
            patient["gender"] = serde_json::to_value(sex).map_err(ApiError::internal)?;
        }
    }
    let mut entries = vec![json!({"fullUrl": patient_url, "resource": patient})];
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    // Per source: how its bundles referred to a resource → the exported entry's fullUrl.
    let mut targets: HashMap<(String, String), String> = HashMap::new();
    // Any source's: a record naming a resource that came in under another source (a Medication
    // of one organisation that another's prescription names, in the same bundle).
    let mut anywhere: HashMap<String, String> = HashMap::new();
    for record in all {
        if let Some(full_url) = &record.full_url {
            anywhere
                .entry(full_url.clone())
                .or_insert_with(|| uuid_of(record.record_id.as_str()));
        }
        anywhere
            .entry(format!("{}/{}", record.resource_type, record.resource_id))
            .or_insert_with(|| uuid_of(record.record_id.as_str()));
    }
    for record in all {
        sources.insert(record.source.source_id.clone(), record.source.clone());
        let url = uuid_of(record.record_id.as_str());
        let source = record.source.source_id.clone();
        targets.insert(
            (
                source.clone(),
                format!("{}/{}", record.resource_type, record.resource_id),
            ),
            url.clone(),
        );
        if let Some(full_url) = &record.full_url {
            targets.insert((source.clone(), full_url.clone()), url.clone());
        }
        for reference in &record.patient_references {
            targets.insert((source.clone(), reference.clone()), patient_url.clone());
        }
        for reference in &record.organization_references {
            targets.insert(
                (source.clone(), reference.clone()),
                uuid_of(&format!("source:{source}")),
            );
        }
    }
    for source in sources.values() {
        entries.push(json!({
            "fullUrl": uuid_of(&format!("source:{}", source.source_id)),
            "resource": {
                "resourceType": "Organization",
                "id": source.source_id,
                "identifier": [{"system": SOURCE_SYSTEM, "value": source.source_id}],
                "name": source.name,
            }
        }));
    }
    for record in page {
        let mut resource: Value =
            serde_json::from_str(&record.resource).map_err(ApiError::internal)?;
        let source = record.source.source_id.clone();
        // Every reference resolves in the export (once its pages are put together), or goes.
        resolve_or_drop_references(&mut resource, &|reference| {
            targets
                .get(&(source.clone(), reference.to_owned()))
                .or_else(|| anywhere.get(reference))
                .cloned()
        });
        if let Value::Object(map) = &mut resource {
            // Records stored before the import checked structure: still never exported.
            crate::structure::strip_undefined(map);
            map.insert("id".into(), json!(record.resource_id));
            let meta = map.entry("meta").or_insert_with(|| json!({}));
            if !meta.is_object() {
                *meta = json!({});
            }
            meta["source"] = json!(source_uri(&record.source));
        }
        entries.push(json!({
            "fullUrl": uuid_of(record.record_id.as_str()),
            "resource": resource,
        }));
    }
    let mut document = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.to_string(),
        "entry": entries,
    });
    if let Some(next) = next {
        document["link"] = json!([{"relation": "next", "url": next}]);
    }
    Ok(document)
}
