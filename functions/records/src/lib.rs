//! The records function: the patient's consolidated health record.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `POST /patients/{patientId}/imports` — a FHIR R4 Bundle from another organisation in;
//!   answers with the import report.
//! - `GET  /patients/{patientId}/imports` — past imports' reports, newest first.
//! - `GET  /patients/{patientId}/imports/{importId}` — one import's whole report.
//! - `GET  /patients/{patientId}/records` — by category, source and date; the same coded thing
//!   from several sources is one item listing them all.
//! - `GET  /patients/{patientId}/records/{recordId}` — one record with its FHIR resource.
//! - `GET  /patients/{patientId}/sources` — the organisations the record came from.
//! - `GET  /patients/{patientId}/export` — the whole record as a FHIR R4 Bundle, in pages when
//!   it is larger than one response may carry.
//! - `GET  /patients/{patientId}/summary` — for a home screen.
//! - `POST /patients/{patientId}/results` — a clinician adds a result with an explanation.
//! - `GET  /patients/{patientId}/observations/{code}/series` — one LOINC code over time.
//!
//! Feature switch ([`FEATURE_ROUTES`]): `record-import` owns the three imports routes (import a
//! bundle, list the reports, one report). When its switch is off for the caller and patient,
//! they answer the `feature-off` problem (403) after the usual authorisation. The record itself
//! (list, detail, sources, export, summary, series) and the results clinicians add are never
//! switched off.

// Handlers, one per route (or per resource's routes).
mod export;
mod import;
mod read;
mod reports;
mod results;
mod series;
mod summary;

// What they are built on: requests in, pure steps, views out, and the repository.
mod directory;
pub mod fhir;
mod fhir_export;
pub mod model;
mod plan;
mod practice;
pub mod prescription;
mod r4_elements;
mod repo;
mod requests;
pub mod sources;
mod structure;
mod units;
mod view;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::{ConfigError, Settings};
use portal_shared::platform::http::{Route, dispatch};

pub use crate::repo::RecordStore;

pub use requests::MAX_IMPORT_BYTES;

pub const IMPORT: Route = Route::new("POST", "/patients/{patientId}/imports");
pub const IMPORTS: Route = Route::new("GET", "/patients/{patientId}/imports");
pub const IMPORT_REPORT: Route = Route::new("GET", "/patients/{patientId}/imports/{importId}");
pub const LIST: Route = Route::new("GET", "/patients/{patientId}/records");
pub const DETAIL: Route = Route::new("GET", "/patients/{patientId}/records/{recordId}");
pub const SOURCES: Route = Route::new("GET", "/patients/{patientId}/sources");
pub const EXPORT: Route = Route::new("GET", "/patients/{patientId}/export");
pub const SUMMARY: Route = Route::new("GET", "/patients/{patientId}/summary");
pub const ADD_RESULT: Route = Route::new("POST", "/patients/{patientId}/results");
pub const SERIES: Route = Route::new("GET", "/patients/{patientId}/observations/{code}/series");

/// The routes a feature switch owns: the imports, `record-import`'s.
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[
    (IMPORT, Feature::RecordImport),
    (IMPORTS, Feature::RecordImport),
    (IMPORT_REPORT, Feature::RecordImport),
];

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    IMPORT,
    IMPORTS,
    IMPORT_REPORT,
    LIST,
    DETAIL,
    SOURCES,
    EXPORT,
    SUMMARY,
    SERIES,
    ADD_RESULT,
];

/// The records function's own settings.
#[derive(Debug, Clone)]
pub struct RecordsSettings {
    /// The practice's name: the source of the results its clinicians add (`PRACTICE_NAME`).
    pub practice_name: String,
    /// The practice's NPI (`PRACTICE_NPI`, optional): its records imported from its own system
    /// (an Organization with this NPI) and the results its clinicians add are one source.
    pub practice_npi: Option<String>,
}

impl RecordsSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let practice_name = lookup("PRACTICE_NAME")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        if practice_name.is_none() {
            problems.push("PRACTICE_NAME is not set".into());
        }
        let practice_npi = lookup("PRACTICE_NPI")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        if let Some(npi) = &practice_npi
            && !(npi.len() == 10 && npi.bytes().all(|b| b.is_ascii_digit()))
        {
            problems.push("PRACTICE_NPI must be 10 digits (or empty)".into());
        }
        match practice_name {
            Some(practice_name) if problems.is_empty() => Ok(RecordsSettings {
                practice_name,
                practice_npi,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    /// The practice's own source (of the results its clinicians add).
    pub practice: model::Source,
}

impl Deps {
    pub fn new(settings: &Settings, records: &RecordsSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
            practice: sources::practice_source(
                &records.practice_name,
                records.practice_npi.as_deref(),
            ),
        }
    }

    fn records(&self) -> RecordStore<'_> {
        RecordStore::new(&self.platform.dynamo, &self.platform.app_table)
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(IMPORT) {
            import::handle(deps, &call).await
        } else if call.is(IMPORTS) {
            reports::list(deps, &call).await
        } else if call.is(IMPORT_REPORT) {
            reports::detail(deps, &call).await
        } else if call.is(LIST) {
            read::list(deps, &call).await
        } else if call.is(DETAIL) {
            read::detail(deps, &call).await
        } else if call.is(SOURCES) {
            read::sources(deps, &call).await
        } else if call.is(EXPORT) {
            export::handle(deps, &call).await
        } else if call.is(SUMMARY) {
            summary::handle(deps, &call).await
        } else if call.is(SERIES) {
            series::handle(deps, &call).await
        } else if call.is(ADD_RESULT) {
            results::handle(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::RecordsSettings;

    #[test]
    fn the_practice_name_is_required_and_its_npi_has_ten_digits() {
        let settings = |name: Option<&str>, npi: Option<&str>| {
            RecordsSettings::from_lookup(|key| match key {
                "PRACTICE_NAME" => name.map(str::to_owned),
                "PRACTICE_NPI" => npi.map(str::to_owned),
                _ => None,
            })
        };
        let named = settings(Some(" Maple Street "), Some("")).expect("valid");
        assert_eq!(named.practice_name, "Maple Street");
        assert_eq!(named.practice_npi, None);
        assert_eq!(
            settings(Some("Maple"), Some("1234567893"))
                .expect("valid")
                .practice_npi
                .as_deref(),
            Some("1234567893")
        );
        assert!(settings(None, None).is_err());
        assert!(settings(Some("Maple"), Some("12345")).is_err());
    }
}
