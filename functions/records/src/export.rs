//! `GET /patients/{patientId}/export` — the whole record as a FHIR R4 `collection` Bundle (see
//! `fhir_export`).
//!
//! A record larger than one response may carry (Lambda answers at most 6 MB) comes in pages:
//! each page is a Bundle with the Patient, every source's Organization and the next records, and
//! a `next` link (also in the `Link` header) to the page after it. `_count` asks for smaller
//! pages.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::fhir_export::bundle;
use crate::model::PageBudget;
use crate::requests::{ExportPage, MAX_COUNT};

/// What the resources of one page may add up to: Lambda's 6 MB response limit less room for
/// the Patient, the Organizations, the entry wrappers and the escaping of the body as text.
pub const EXPORT_PAGE_BYTES: usize = 4 * 1024 * 1024;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ExportRecords, AuditResource::RecordExport)
        .await?;
    let patient = access.patient();
    let cursor_key = &deps.platform.cursor_key;
    let scope = format!("export:{patient}");
    let request = ExportPage::from_call(call, cursor_key, &scope).await?;
    let store = deps.records();
    let profile = store
        .export_patient(&access)
        .await?
        .ok_or(ApiError::NotFound)?;
    let all = store.all_summaries(&access).await?;
    let budget = PageBudget::new(request.count, EXPORT_PAGE_BYTES);
    let (page, resume) = store
        .export_page(&access, request.start_after, budget)
        .await?;
    let next = match resume {
        Some(after) => {
            let cursor = cursor_key.seal(&scope, &after).await?;
            let mut url = format!("/patients/{patient}/export?cursor={cursor}");
            if request.count != MAX_COUNT {
                url.push_str(&format!("&_count={}", request.count));
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
