//! `GET /patients/{patientId}/export` — the whole record as a FHIR R4 `collection` Bundle: the
//! patient (from the profile), one Organization per source, and every stored resource as its
//! source sent it, with `meta.source` naming the source. References the source made between its
//! own resources (and to its Patient) are pointed at the exported entries, so they resolve.

use std::collections::{BTreeMap, HashMap};

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::authz::Action;
use portal_shared::http::Call;
use portal_shared::timestamp::Timestamp;
use serde_json::{Value, json};

use crate::Deps;
use crate::fhir::rewrite_references;
use crate::model::{Source, StoredRecord};
use crate::repo::Records;

pub use crate::model::SOURCE_SYSTEM;

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` from 32 hex digits (or a hash of anything else).
fn uuid_of(hex: &str) -> String {
    let hex = if hex.len() == 32 {
        hex.to_owned()
    } else {
        crate::model::short_hash(hex) + &crate::model::short_hash(&format!("{hex}#2"))[..12]
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

pub fn source_uri(source: &Source) -> String {
    format!("{SOURCE_SYSTEM}/{}", source.source_id)
}

pub fn bundle(
    patient_id: &str,
    profile: Option<&Value>,
    records: &[StoredRecord],
    now: Timestamp,
) -> Result<Value, ApiError> {
    let patient_url = uuid_of(&crate::model::short_hash(patient_id).repeat(2)[..32]);
    let mut patient = json!({"resourceType": "Patient", "id": patient_id});
    if let Some(profile) = profile {
        if let Some(name) = profile.get("legalName") {
            let given: Vec<Value> = name
                .get("given")
                .and_then(Value::as_str)
                .map(|g| vec![json!(g)])
                .unwrap_or_default();
            patient["name"] = json!([{"family": name.get("family"), "given": given}]);
        }
        if let Some(born) = profile.get("dateOfBirth").and_then(Value::as_str) {
            patient["birthDate"] = json!(born);
        }
        if let Some(sex) = profile.get("sex").and_then(Value::as_str) {
            let gender = match sex {
                "female" | "male" | "other" => sex,
                _ => "unknown",
            };
            patient["gender"] = json!(gender);
        }
    }
    let mut entries = vec![json!({"fullUrl": patient_url, "resource": patient})];
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    // Per source: how its bundles referred to a resource → the exported entry's fullUrl.
    let mut targets: HashMap<(String, String), String> = HashMap::new();
    for record in records {
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
    for record in records {
        let mut resource: Value =
            serde_json::from_str(&record.resource).map_err(ApiError::internal)?;
        let source = record.source.source_id.clone();
        rewrite_references(&mut resource, &|reference| {
            targets
                .get(&(source.clone(), reference.to_owned()))
                .cloned()
        });
        if let Value::Object(map) = &mut resource {
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
    Ok(json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.to_string(),
        "entry": entries,
    }))
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(call, patient, Action::ExportRecords, "records/export")
        .await?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    let profile = records.profile(&access).await?.ok_or(ApiError::NotFound)?;
    let all = records.all(&access).await?;
    let document = bundle(&patient.to_string(), Some(&profile), &all, Timestamp::now())?;
    let text = serde_json::to_string(&document).map_err(ApiError::internal)?;
    Response::builder()
        .status(StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "application/fhir+json")
        .header(http::header::CACHE_CONTROL, "no-store")
        .header(
            http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"health-record.json\"",
        )
        .body(Body::Text(text))
        .map_err(ApiError::internal)
}
