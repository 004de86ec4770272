//! `GET /patients/{patientId}/observations/{code}/series` — one lab or vital sign (a LOINC
//! code) over time across every source, ready to plot. Values in different units are never
//! mixed (nor converted): each unit is its own series.

use std::collections::BTreeMap;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::authz::Action;
use portal_shared::http::{Call, json};
use portal_shared::ids::RecordId;
use serde::Serialize;

use crate::Deps;
use crate::model::{LOINC, Source, StoredRecord};
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
    pub source: Source,
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
    for record in all.iter().filter(|r| r.loinc.as_deref() == Some(code)) {
        let Some(measured) = &record.measured else {
            continue;
        };
        title.get_or_insert_with(|| record.title.clone());
        by_unit
            .entry(measured.unit.clone())
            .or_default()
            .push(Point {
                date: record.date.clone(),
                value: measured.value,
                text: measured.text.clone(),
                low: measured.low,
                high: measured.high,
                source: record.source.clone(),
                record_id: record.record_id.clone(),
            });
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
            &format!("records/observations/{code}"),
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
