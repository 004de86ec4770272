//! The reports of past imports: `GET /patients/{patientId}/imports` (newest first, a page at a
//! time, each with its totals) and `GET /patients/{patientId}/imports/{importId}` (the report
//! as it was answered, with every listed error and warning). Who may bring records in may see
//! what came of it later; an import's report is kept in the patient's partition.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ImportId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Deps;
use crate::repo::Records;

/// Who brought the records in, as the report shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedBy {
    /// `own` (the patient), `caregiver` or `staff`.
    pub relationship: String,
    /// The name they sign in with, when their sign-in carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The stored item (app table, `keys::health_record_import`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredImport {
    pub import_id: ImportId,
    /// The importer's user sub (for the audit trail; not shown).
    pub imported_by: String,
    /// Absent on imports made before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_as: Option<ImportedBy>,
    pub imported_at: Timestamp,
    /// The report as answered, JSON text.
    pub report: String,
}

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
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportLine {
    import_id: ImportId,
    imported_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    imported_by: Option<ImportedBy>,
    #[serde(flatten)]
    totals: Totals,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportDetail {
    import_id: ImportId,
    imported_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    imported_by: Option<ImportedBy>,
    report: Value,
}

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadImportReports,
            &AuditResource::RecordImports,
        )
        .await?;
    let page = PageRequest::from_call(
        call,
        format!("imports:{patient}"),
        &deps.platform.cursor_key,
    )?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    records.require_patient(&access).await?;
    let (stored, next) = records
        .import_page(&access, page.start_after.clone(), page.limit)
        .await?;
    let lines = stored
        .into_iter()
        .map(|import| {
            let totals =
                serde_json::from_str::<Totals>(&import.report).map_err(ApiError::internal)?;
            Ok(ImportLine {
                import_id: import.import_id,
                imported_at: import.imported_at,
                imported_by: import.imported_as,
                totals,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    json(
        StatusCode::OK,
        &page.page(lines, next, &deps.platform.cursor_key)?,
    )
}

pub async fn detail(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let raw = call.path_param("importId").unwrap_or_default();
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadImportReports,
            &AuditResource::RecordImport(raw.to_string()),
        )
        .await?;
    let id = ImportId::parse(&raw).ok_or(ApiError::NotFound)?;
    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    let import = records
        .import_report(&access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let report = serde_json::from_str(&import.report).map_err(ApiError::internal)?;
    json(
        StatusCode::OK,
        &ImportDetail {
            import_id: import.import_id,
            imported_at: import.imported_at,
            imported_by: import.imported_as,
            report,
        },
    )
}
