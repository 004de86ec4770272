//! `GET /patients/{patientId}/observations/{code}/series` — one lab or vital sign (a LOINC
//! code) over time across every source, ready to plot. Values in different units are never
//! mixed (nor converted): each unit is its own series. A code measured as part of a panel (the
//! systolic pressure of a blood-pressure panel) joins its series from the panel's component; the
//! panel's own series carries every component on each point.

use std::collections::BTreeMap;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::RecordId;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::model::{ComponentValue, LOINC, Source, StoredRecord};
use crate::repo::Records;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// A result that is not a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// The panel's parts (a blood pressure's systolic and diastolic), on a panel's series.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentValue>,
    pub source: Source,
    /// The record the point comes from (for a component: its panel's record).
    pub record_id: RecordId,
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

/// A LOINC code: digits, a dash, a check digit.
pub fn valid_loinc(code: &str) -> bool {
    let Some((number, check)) = code.split_once('-') else {
        return false;
    };
    (1..=7).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && check.len() == 1
        && check.bytes().all(|b| b.is_ascii_digit())
}

pub fn series_of(all: &[StoredRecord], code: &str) -> Series {
    let mut by_unit: BTreeMap<Option<String>, Vec<Point>> = BTreeMap::new();
    let mut title = None;
    for record in all {
        let Some(measured) = &record.measured else {
            continue;
        };
        let point = |value, text: &Option<String>, low, high| Point {
            date: record.date.clone(),
            value,
            text: text.clone(),
            low,
            high,
            components: Vec::new(),
            source: record.source.clone(),
            record_id: record.record_id.clone(),
        };
        if record.loinc.as_deref() == Some(code) {
            title.get_or_insert_with(|| record.title.clone());
            let mut own = point(measured.value, &measured.text, measured.low, measured.high);
            own.components = measured.components.clone();
            by_unit.entry(measured.unit.clone()).or_default().push(own);
            continue;
        }
        for part in measured
            .components
            .iter()
            .filter(|part| part.loinc.as_deref() == Some(code))
        {
            title.get_or_insert_with(|| part.title.clone());
            by_unit
                .entry(part.unit.clone())
                .or_default()
                .push(point(part.value, &part.text, part.low, part.high));
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

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let code = call.path_param("code").unwrap_or_default();
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadRecords,
            &AuditResource::Observations(code.to_string()),
        )
        .await?;
    if !valid_loinc(&code) {
        return Err(ApiError::invalid(
            "code",
            "must be a LOINC code such as 4548-4",
        ));
    }
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    records.require_patient(&access).await?;
    let all = records.all_summaries(&access).await?;
    json(StatusCode::OK, &series_of(&all, &code))
}
