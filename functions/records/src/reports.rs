//! The reports of past imports: `GET /patients/{patientId}/imports` (newest first, a page at a
//! time, each with its totals) and `GET /patients/{patientId}/imports/{importId}` (the report
//! as it was answered, with every listed error and warning). Who may bring records in may see
//! what came of it later; an import's report is kept in the patient's partition.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ImportId;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::view::{ImportDetail, ImportLine};

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ReadImportReports,
            AuditResource::RecordImports,
        )
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let page =
        PageRequest::from_call(call, format!("imports:{}", access.patient()), cursor_key).await?;
    let store = deps.records();
    store.require_patient(&access).await?;
    let (imports, next) = store
        .import_page(&access, page.start_after.clone(), page.limit)
        .await?;
    let lines = imports
        .into_iter()
        .map(ImportLine::of)
        .collect::<Result<Vec<_>, ApiError>>()?;
    json(StatusCode::OK, &page.page(lines, next, cursor_key).await?)
}

pub async fn detail(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw = call.path_param("importId").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ReadImportReports,
            AuditResource::RecordImport(raw.clone()),
        )
        .await?;
    let id = ImportId::parse(&raw).ok_or(ApiError::NotFound)?;
    let import = deps
        .records()
        .import_report(&access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    json(StatusCode::OK, &ImportDetail::of(import)?)
}
