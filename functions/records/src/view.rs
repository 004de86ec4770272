//! The record as the API shows it: one line per thing (the same thing from several sources is
//! one line listing them all), a record's detail, the sources, the home screen's summary, one
//! code's series, and the reports of past imports. Pure: built from stored records.

use std::collections::{BTreeMap, HashMap};

use portal_shared::ApiError;
use portal_shared::domain::ids::{ImportId, RecordId};
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{
    Category, Coded, ComponentValue, DirectoryFacts, ImportedBy, LOINC, Measured, Source,
    StoredImport, StoredRecord,
};
use crate::units;

// ---------------------------------------------------------------------------------------------
// Records

/// One line of the record; the same thing from several sources is one line listing them all.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordView {
    pub record_id: RecordId,
    pub category: Category,
    pub resource_type: String,
    pub title: String,
    pub status: Option<String>,
    pub date: Option<String>,
    pub code: Option<Coded>,
    pub value: Option<Measured>,
    /// Where the shown details come from.
    pub source: Source,
    /// Every source that reported this, with its own record.
    pub sources: Vec<ReportedBy>,
    /// The clinician's explanation for the patient, on results the practice added.
    pub explanation: Option<Sensitive<String>>,
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

/// One record with its FHIR resource and every source that reported the same thing.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordDetail {
    #[serde(flatten)]
    summary: RecordView,
    /// The FHIR resource as the source sent it.
    resource: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    loinc: Option<String>,
}

impl RecordDetail {
    /// `record` (read with its resource) among `group`, the records that are the same thing.
    pub fn new(mut record: StoredRecord, group: Vec<StoredRecord>) -> Result<Self, ApiError> {
        let resource = serde_json::from_str(&std::mem::take(&mut record.resource).into_inner())
            .map_err(ApiError::internal)?;
        let loinc = record.loinc.clone();
        Ok(RecordDetail {
            summary: RecordView::of_group(record, group),
            resource,
            loinc,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Sources

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceView {
    pub source_id: String,
    pub name: String,
    pub records: usize,
    pub per_category: BTreeMap<Category, usize>,
    pub last_updated: Timestamp,
    /// The clinicians the source's records name (who the patient saw there), by name.
    pub care_team: Vec<DirectoryFacts>,
}

/// Every source of the records, with counts and its care team (what the summary shows too).
/// Directory records (who and where) are not counted as records.
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
                care_team: Vec::new(),
            });
        if record.category == Category::Directory {
            if let Some(clinician) = &record.directory
                && !view.care_team.contains(clinician)
            {
                view.care_team.push(clinician.clone());
            }
        } else {
            view.records += 1;
            *view.per_category.entry(record.category).or_default() += 1;
        }
        if record.updated_at > view.last_updated {
            view.last_updated = record.updated_at;
        }
    }
    let mut views: Vec<SourceView> = by_id.into_values().collect();
    for view in &mut views {
        view.care_team
            .sort_by_key(|member| member.name.to_lowercase());
    }
    views.sort_by_key(|a| a.name.to_lowercase());
    views
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceList {
    items: Vec<SourceView>,
}

impl SourceList {
    pub fn of(all: &[StoredRecord]) -> Self {
        SourceList {
            items: sources_of(all),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Summary

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

/// The summary of every record (read without resources).
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

// ---------------------------------------------------------------------------------------------
// Series

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// A result that is not a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Sensitive<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// The panel's parts (a blood pressure's systolic and diastolic), on a panel's series.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentValue>,
    pub source: Source,
    /// Every source that reported this reading (the same code, day, value and unit): the
    /// point is plotted once.
    pub sources: Vec<Source>,
    /// The record the point comes from (for a component: its panel's record).
    pub record_id: RecordId,
    /// Set on a point converted into the series' unit: the value and unit the source reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted: Option<Converted>,
}

/// What a source reported, on a point shown converted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Converted {
    pub value: f64,
    pub unit: String,
}

/// A point of `own_code` reported in `unit`, in the unit of the series of `series_code` when
/// the analyte's units convert (value and range, marked with what the source reported); else as
/// reported. Returns the unit it is drawn in.
fn in_chart_unit_of(
    series_code: &str,
    own_code: &str,
    unit: Option<String>,
    mut point: Point,
) -> (Option<String>, Point) {
    let (Some(chart), Some(reported)) = (units::chart_unit(series_code), unit.clone()) else {
        return (unit, point);
    };
    if units::same_unit(&reported, chart) {
        // The same unit, perhaps spelt another way (`mmol/l`): drawn as the chart's.
        return (Some(chart.to_owned()), point);
    }
    let convert = |v: f64| units::convert(own_code, v, &reported, chart);
    let (Some(value), Some(shown)) = (point.value, point.value.and_then(convert)) else {
        return (unit, point);
    };
    point.low = point.low.and_then(convert);
    point.high = point.high.and_then(convert);
    point.value = Some(shown);
    point.converted = Some(Converted {
        value,
        unit: reported.clone(),
    });
    (Some(chart.to_owned()), point)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitSeries {
    /// `null` for results without a unit (text results).
    pub unit: Option<String>,
    /// Oldest first.
    pub points: Vec<Point>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    pub system: &'static str,
    pub code: String,
    pub title: Option<String>,
    /// True when sources reported it in different units: plot the series separately.
    pub units_differ: bool,
    pub series: Vec<UnitSeries>,
}

/// One LOINC code over time across every record (read without resources): each unit its own
/// series; a code measured as part of a panel joins from the panel's component.
pub fn series_of(all: &[StoredRecord], code: &str) -> Series {
    let mut by_unit: BTreeMap<Option<String>, Vec<Point>> = BTreeMap::new();
    // Where the point of each reading is (merge key, and whether from a panel's component):
    // the same reading from another source adds its source to that point.
    let mut title = None;
    let mut plotted: HashMap<(String, bool), (Option<String>, usize)> = HashMap::new();
    let mut add = |by_unit: &mut BTreeMap<Option<String>, Vec<Point>>,
                   key: (String, bool),
                   unit: Option<String>,
                   point: Point| {
        if let Some((unit, position)) = plotted.get(&key)
            && let Some(existing) = by_unit.get_mut(unit).and_then(|p| p.get_mut(*position))
        {
            if !existing.sources.contains(&point.source) {
                existing.sources.push(point.source);
            }
            return;
        }
        let points = by_unit.entry(unit.clone()).or_default();
        plotted.insert(key, (unit, points.len()));
        points.push(point);
    };
    // The codes of the same analyte in another unit (glucose in mg/dL and in mmol/L) join the
    // series, converted into the unit of `code`.
    let mut codes = units::same_analyte(code);
    if codes.is_empty() {
        codes.push(code);
    }
    let wanted = |loinc: Option<&str>| loinc.is_some_and(|l| codes.contains(&l));
    for record in all {
        let Some(measured) = &record.measured else {
            continue;
        };
        let point = |value, text: &Option<Sensitive<String>>, low, high| Point {
            date: record.date.clone(),
            value,
            text: text.clone(),
            low,
            high,
            components: Vec::new(),
            source: record.source.clone(),
            sources: vec![record.source.clone()],
            record_id: record.record_id.clone(),
            converted: None,
        };
        if wanted(record.loinc.as_deref()) {
            if record.loinc.as_deref() == Some(code) {
                title.get_or_insert_with(|| record.title.clone());
            }
            let mut own = point(measured.value, &measured.text, measured.low, measured.high);
            own.components = measured.components.clone();
            let key = (record.merge_key.clone(), false);
            let own_code = record.loinc.as_deref().unwrap_or(code);
            let (unit, own) = in_chart_unit_of(code, own_code, measured.unit.clone(), own);
            add(&mut by_unit, key, unit, own);
            continue;
        }
        for part in measured
            .components
            .iter()
            .filter(|part| wanted(part.loinc.as_deref()))
        {
            if part.loinc.as_deref() == Some(code) {
                title.get_or_insert_with(|| part.title.clone());
            }
            let key = (record.merge_key.clone(), true);
            let point = point(part.value, &part.text, part.low, part.high);
            let part_code = part.loinc.as_deref().unwrap_or(code);
            let (unit, point) = in_chart_unit_of(code, part_code, part.unit.clone(), point);
            add(&mut by_unit, key, unit, point);
        }
    }
    let series: Vec<UnitSeries> = by_unit
        .into_iter()
        .map(|(unit, mut points)| {
            points.sort_by(|a, b| a.date.cmp(&b.date));
            UnitSeries { unit, points }
        })
        .collect();
    Series {
        system: LOINC,
        code: code.to_owned(),
        title,
        units_differ: series.iter().filter(|s| s.unit.is_some()).count() > 1,
        series,
    }
}

// ---------------------------------------------------------------------------------------------
// Reports of past imports

/// The totals of one report (the list's line per import).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Totals {
    bundle_type: String,
    entries: usize,
    imported_total: usize,
    skipped_total: usize,
    error_count: usize,
    warning_count: usize,
    sources: Vec<Value>,
    patient_check: Value,
    /// Read for `mergedTotal`; the list carries totals only.
    #[serde(skip_serializing)]
    per_type: BTreeMap<String, MergedCount>,
}

/// The part of a report's `perType` counts the list adds up.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MergedCount {
    merged: usize,
}

/// One import in the list: when, by whom, and its totals.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportLine {
    import_id: ImportId,
    imported_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    imported_by: Option<ImportedBy>,
    /// Entries kept as the same thing as an earlier entry of the bundle (within
    /// `importedTotal`); 0 for a report older than `perType`.
    merged_total: usize,
    #[serde(flatten)]
    totals: Totals,
}

impl ImportLine {
    pub fn of(import: StoredImport) -> Result<Self, ApiError> {
        let totals = serde_json::from_str::<Totals>(&import.report).map_err(ApiError::internal)?;
        Ok(ImportLine {
            import_id: import.import_id,
            imported_at: import.imported_at,
            imported_by: import.imported_as,
            merged_total: totals.per_type.values().map(|t| t.merged).sum(),
            totals,
        })
    }
}

/// One import's whole report, as it was answered.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportDetail {
    import_id: ImportId,
    imported_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    imported_by: Option<ImportedBy>,
    report: Value,
}

impl ImportDetail {
    pub fn of(import: StoredImport) -> Result<Self, ApiError> {
        let report = serde_json::from_str(&import.report).map_err(ApiError::internal)?;
        Ok(ImportDetail {
            import_id: import.import_id,
            imported_at: import.imported_at,
            imported_by: import.imported_as,
            report,
        })
    }
}
