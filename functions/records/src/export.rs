//! `GET /patients/{patientId}/export` — the whole record as a FHIR R4 `collection` Bundle: the
//! patient (from the profile), one Organization per source, and every stored resource as its
//! source sent it, with `meta.source` naming the source. References the source made between its
//! own resources (and to its Patient) are pointed at the exported entries, so they resolve.
//!
//! A record larger than one response may carry (Lambda answers at most 6 MB) comes in pages:
//! each page is a Bundle with the Patient, every source's Organization and the next records, and
//! a `next` link (also in the `Link` header) to the page after it. Entries keep one `fullUrl`
//! across pages, so references between pages resolve once the pages are put together.
//! `_count` asks for smaller pages.

use portal_shared::features::profile_facts::ProfileFacts;
use portal_shared::policy::audit::AuditResource;
use std::collections::{BTreeMap, HashMap};

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::keys;
use portal_shared::platform::store::Item;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
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

/// What the resources of one page may add up to: Lambda's 6 MB response limit less room for
/// the Patient, the Organizations, the entry wrappers and the escaping of the body as text.
pub const EXPORT_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// The largest `_count`.
pub const MAX_COUNT: usize = 1000;

/// How full a page is: records are admitted while they fit. The first record of a page is
/// always admitted (one record is at most 350 KB), so every page moves the export on.
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
    let patient_url = uuid_of(&crate::model::short_hash(patient_id).repeat(2)[..32]);
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

/// `_count` and `cursor` of a page request.
fn page_of(call: &Call, deps: &Deps, scope: &str) -> Result<(usize, Option<Item>), ApiError> {
    let mut errors = FieldErrors::new();
    let count = match call.query("_count") {
        None => Some(MAX_COUNT),
        Some(raw) => errors.check(
            "_count",
            raw.parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_COUNT).contains(n))
                .ok_or_else(|| format!("must be a whole number from 1 to {MAX_COUNT}")),
        ),
    };
    let start = match call.query("cursor") {
        None => None,
        Some(raw) => match deps.platform.cursor_key.open(scope, &raw) {
            Ok(start) => Some(start),
            Err(ApiError::Invalid(found)) => {
                for error in found {
                    errors.add(error.field, error.message);
                }
                None
            }
            Err(other) => return Err(other),
        },
    };
    errors.finish()?;
    Ok((count.unwrap_or(MAX_COUNT), start))
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ExportRecords,
            &AuditResource::RecordExport,
        )
        .await?;
    let scope = format!("export:{patient}");
    let (count, start) = page_of(call, deps, &scope)?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    let profile = records.profile(&access).await?.ok_or(ApiError::NotFound)?;
    let all = records.all_summaries(&access).await?;
    let (page, more) = records
        .export_page(&access, start, PageBudget::new(count, EXPORT_PAGE_BYTES))
        .await?;
    let next = match page.last().filter(|_| more) {
        Some(last) => {
            let after = keys::health_record(patient, &last.record_id).attributes();
            let cursor = deps.platform.cursor_key.seal(&scope, &after)?;
            let mut url = format!("/patients/{patient}/export?cursor={cursor}");
            if count != MAX_COUNT {
                url.push_str(&format!("&_count={count}"));
            }
            Some(url)
        }
        None => None,
    };
    let document = bundle(
        &patient.to_string(),
        Some(&profile),
        &all,
        &page,
        Timestamp::now(),
        next.as_deref(),
    )?;
    drop(page);
    let text = serde_json::to_string(&document).map_err(ApiError::internal)?;
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "application/fhir+json")
        .header(http::header::CACHE_CONTROL, "no-store")
        .header(
            http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"health-record.json\"",
        );
    if let Some(next) = &next {
        response = response.header(http::header::LINK, format!("<{next}>; rel=\"next\""));
    }
    response.body(Body::Text(text)).map_err(ApiError::internal)
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
