//! `GET /patients/{patientId}/records`, `.../records/{recordId}` and `.../sources`.

use std::collections::BTreeMap;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::RecordId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::model::{Category, Coded, Measured, Source, StoredRecord};
use crate::repo::{ListFilter, Records};

/// One line of the record; the same thing from several sources is one line listing them all.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordView {
    pub record_id: RecordId,
    pub category: Category,
    pub resource_type: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Measured>,
    /// Where the shown details come from.
    pub source: Source,
    /// Every source that reported this, with its own record.
    pub sources: Vec<ReportedBy>,
    /// The clinician's explanation for the patient, on results the practice added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    pub updated_at: Timestamp,
}

/// One source that reported the thing, once however often it did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportedBy {
    pub source_id: String,
    pub name: String,
    /// This source's newest record of the thing.
    pub record_id: RecordId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The same source's other records of the same thing (a condition it recorded again at a
    /// later visit), newest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_records: Vec<OtherRecord>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherRecord {
    pub record_id: RecordId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// Newest first; records without a date last; ties in a stable order.
fn newest_first(group: &mut [StoredRecord]) {
    group.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.source.source_id.cmp(&b.source.source_id))
            .then_with(|| a.record_id.as_str().cmp(b.record_id.as_str()))
    });
}

/// Every source of a group of records that are the same thing, each listed once (its newest
/// record first), sources in the order of their newest record.
fn reported_by(group: &[StoredRecord]) -> Vec<ReportedBy> {
    let mut sources: Vec<ReportedBy> = Vec::new();
    for record in group {
        match sources
            .iter_mut()
            .find(|s| s.source_id == record.source.source_id)
        {
            Some(source) => source.other_records.push(OtherRecord {
                record_id: record.record_id.clone(),
                date: record.date.clone(),
            }),
            None => sources.push(ReportedBy {
                source_id: record.source.source_id.clone(),
                name: record.source.name.clone(),
                record_id: record.record_id.clone(),
                date: record.date.clone(),
                other_records: Vec::new(),
            }),
        }
    }
    sources
}

impl RecordView {
    /// One view of records that are the same thing (the newest dated one shown).
    pub fn merged(mut group: Vec<StoredRecord>) -> Option<RecordView> {
        newest_first(&mut group);
        let sources = reported_by(&group);
        let first = group.into_iter().next()?;
        Some(RecordView::showing(first, sources))
    }

    /// `shown` with the sources of its group (which `group` holds; `shown` is added when the
    /// index has not caught up with it yet).
    pub fn of_group(shown: StoredRecord, mut group: Vec<StoredRecord>) -> RecordView {
        if !group.iter().any(|r| r.record_id == shown.record_id) {
            group.push(shown.clone());
        }
        newest_first(&mut group);
        RecordView::showing(shown, reported_by(&group))
    }

    fn showing(record: StoredRecord, sources: Vec<ReportedBy>) -> RecordView {
        RecordView {
            record_id: record.record_id,
            category: record.category,
            resource_type: record.resource_type,
            title: record.title,
            status: record.status,
            date: record.date,
            code: record.code,
            value: record.measured,
            source: record.source,
            sources,
            explanation: record.explanation,
            updated_at: record.updated_at,
        }
    }
}

fn filter_of(call: &Call) -> Result<ListFilter, ApiError> {
    let mut errors = FieldErrors::new();
    let category = call.query("category").and_then(|raw| {
        errors.check(
            "category",
            Category::parse(&raw).ok_or_else(|| {
                format!(
                    "must be one of {}",
                    Category::ALL.map(Category::as_str).join(", ")
                )
            }),
        )
    });
    let source = call.query("source").and_then(|raw| {
        errors.check(
            "source",
            (raw.len() == 20 && raw.bytes().all(|b| b.is_ascii_hexdigit()))
                .then_some(raw)
                .ok_or_else(|| "must be a sourceId from /sources".to_owned()),
        )
    });
    let since = call.query("since").and_then(|raw| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        errors.check(
            "since",
            time::Date::parse(&raw, format)
                .map(|_| raw)
                .map_err(|_| "must be a date (YYYY-MM-DD)".to_owned()),
        )
    });
    errors.finish()?;
    Ok(ListFilter {
        category,
        source,
        since,
    })
}

/// The filters a list cursor is sealed with (its scope): a cursor resumes only the same query.
/// Another category's start key lies outside the query's key condition (DynamoDB refuses it),
/// and another source or date would skip or repeat records; such a cursor is 422 `cursor`.
fn filters_sealed(filter: &ListFilter) -> String {
    format!(
        "category={}&source={}&since={}",
        filter.category.map_or("", Category::as_str),
        filter.source.as_deref().unwrap_or_default(),
        filter.since.as_deref().unwrap_or_default(),
    )
}

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(call, patient, Action::ReadRecords, &AuditResource::Records)
        .await?;
    let filter = filter_of(call)?;
    let page = PageRequest::from_call(
        call,
        format!("records:{patient}:{}", filters_sealed(&filter)),
        &deps.platform.cursor_key,
    )?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    // Read until one group more than the page holds has begun (or the end): the same thing
    // from several sources sits side by side in the index, and a page never splits it.
    records.require_patient(&access).await?;
    let wanted = page.limit as usize;
    let mut groups: Vec<(
        String,
        Vec<StoredRecord>,
        portal_shared::platform::store::Item,
    )> = Vec::new();
    let mut start = page.start_after.clone();
    let mut more = false;
    loop {
        let (items, last) = records.index_page(&access, &filter, start, 100).await?;
        for (record, key) in items {
            match groups.last_mut() {
                Some((merge_key, group, last_key)) if *merge_key == record.merge_key => {
                    group.push(record);
                    *last_key = key;
                }
                _ => groups.push((record.merge_key.clone(), vec![record], key)),
            }
        }
        start = last;
        if groups.len() > wanted {
            more = true;
            break;
        }
        if start.is_none() {
            break;
        }
    }
    groups.truncate(wanted);
    let next = if more {
        groups.last().map(|(_, _, key)| key.clone())
    } else {
        None
    };
    let views: Vec<RecordView> = groups
        .into_iter()
        .filter_map(|(_, group, _)| RecordView::merged(group))
        .collect();
    json(
        StatusCode::OK,
        &page.page(views, next, &deps.platform.cursor_key)?,
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailView {
    #[serde(flatten)]
    summary: RecordView,
    /// The FHIR resource as the source sent it.
    resource: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    loinc: Option<String>,
}

pub async fn detail(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let raw = call.path_param("recordId").unwrap_or_default();
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadRecords,
            &AuditResource::record(&raw),
        )
        .await?;
    let id = RecordId::parse(&raw).ok_or(ApiError::NotFound)?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    let mut record = records.get(&access, &id).await?.ok_or(ApiError::NotFound)?;
    let resource =
        serde_json::from_str(&std::mem::take(&mut record.resource)).map_err(ApiError::internal)?;
    let loinc = record.loinc.clone();
    // Every source that reported the same thing, as the list shows them.
    let group = records.same_thing(&access, &record).await?;
    let summary = RecordView::of_group(record, group);
    json(
        StatusCode::OK,
        &DetailView {
            summary,
            resource,
            loinc,
        },
    )
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceView {
    pub source_id: String,
    pub name: String,
    pub records: usize,
    pub per_category: BTreeMap<Category, usize>,
    pub last_updated: Timestamp,
}

/// Every source of the records, with counts (what the summary shows too).
pub fn sources_of(all: &[StoredRecord]) -> Vec<SourceView> {
    let mut by_id: BTreeMap<String, SourceView> = BTreeMap::new();
    for record in all {
        let view = by_id
            .entry(record.source.source_id.clone())
            .or_insert_with(|| SourceView {
                source_id: record.source.source_id.clone(),
                name: record.source.name.clone(),
                records: 0,
                per_category: BTreeMap::new(),
                last_updated: record.updated_at,
            });
        view.records += 1;
        *view.per_category.entry(record.category).or_default() += 1;
        if record.updated_at > view.last_updated {
            view.last_updated = record.updated_at;
        }
    }
    let mut views: Vec<SourceView> = by_id.into_values().collect();
    views.sort_by_key(|a| a.name.to_lowercase());
    views
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SourceList {
    items: Vec<SourceView>,
}

pub async fn sources(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadRecords,
            &AuditResource::RecordSources,
        )
        .await?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    records.require_patient(&access).await?;
    let all = records.all_summaries(&access).await?;
    json(
        StatusCode::OK,
        &SourceList {
            items: sources_of(&all),
        },
    )
}
