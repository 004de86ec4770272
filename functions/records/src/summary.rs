//! `GET /patients/{patientId}/summary` — one call for a home screen: active problems, current
//! medications, allergies, the latest vital signs, recent results and counts per source.

use std::collections::{BTreeMap, HashMap};

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::model::{Category, StoredRecord};
use crate::read::{RecordView, SourceView, sources_of};
use crate::repo::Records;

/// How many recent results the summary shows.
const RECENT_RESULTS: usize = 10;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub active_problems: Vec<RecordView>,
    pub current_medications: Vec<RecordView>,
    pub allergies: Vec<RecordView>,
    /// The newest measurement of each vital sign.
    pub latest_vitals: Vec<RecordView>,
    /// The newest lab results, newest first.
    pub recent_results: Vec<RecordView>,
    pub sources: Vec<SourceView>,
}

/// Statuses that mean "no longer the case".
const ENDED: [&str; 9] = [
    "inactive",
    "resolved",
    "remission",
    "stopped",
    "completed",
    "cancelled",
    "entered-in-error",
    "refuted",
    "not-taken",
];

fn in_force(record: &StoredRecord) -> bool {
    record
        .status
        .as_deref()
        .is_none_or(|status| !ENDED.contains(&status))
}

/// The records of a category, merged across sources, newest first.
fn merged(
    all: &[StoredRecord],
    category: Category,
    keep: fn(&StoredRecord) -> bool,
) -> Vec<RecordView> {
    let mut groups: HashMap<&str, Vec<StoredRecord>> = HashMap::new();
    for record in all.iter().filter(|r| r.category == category) {
        groups
            .entry(record.merge_key.as_str())
            .or_default()
            .push(record.clone());
    }
    let mut views: Vec<RecordView> = groups
        .into_values()
        // What the newest report says decides (a medication stopped at one source since).
        .filter_map(RecordView::merged)
        .collect();
    views.retain(|view| {
        all.iter()
            .find(|r| r.record_id == view.record_id)
            .is_some_and(keep)
    });
    views.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
    views
}

pub fn summarise(all: &[StoredRecord]) -> Summary {
    let mut newest_vital: BTreeMap<String, &StoredRecord> = BTreeMap::new();
    for record in all.iter().filter(|r| r.category == Category::Vitals) {
        let kind = record.loinc.clone().unwrap_or_else(|| record.title.clone());
        let newer = newest_vital
            .get(&kind)
            .is_none_or(|current| record.date > current.date);
        if newer {
            newest_vital.insert(kind, record);
        }
    }
    let mut latest_vitals: Vec<RecordView> = newest_vital
        .into_values()
        .filter_map(|r| RecordView::merged(vec![r.clone()]))
        .collect();
    latest_vitals.sort_by(|a, b| a.title.cmp(&b.title));
    let mut recent_results: Vec<&StoredRecord> = all
        .iter()
        .filter(|r| r.category == Category::Labs)
        .collect();
    recent_results.sort_by(|a, b| b.date.cmp(&a.date));
    Summary {
        active_problems: merged(all, Category::Conditions, in_force),
        current_medications: merged(all, Category::Medications, in_force),
        allergies: merged(all, Category::Allergies, in_force),
        latest_vitals,
        recent_results: recent_results
            .into_iter()
            .take(RECENT_RESULTS)
            .filter_map(|r| RecordView::merged(vec![r.clone()]))
            .collect(),
        sources: sources_of(all),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadRecords,
            &AuditResource::RecordSummary,
        )
        .await?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    records.require_patient(&access).await?;
    let all = records.all_summaries(&access).await?;
    json(StatusCode::OK, &summarise(&all))
}
