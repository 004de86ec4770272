//! `GET /patients/{patientId}/records`, `.../records/{recordId}` and `.../sources`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::RecordId;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::requests::{filters_sealed, list_filter};
use crate::view::{RecordDetail, RecordView, SourceList};

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadRecords, AuditResource::Records)
        .await?;
    let filter = list_filter(call)?;
    let cursor_key = &deps.platform.cursor_key;
    let scope = format!("records:{}:{}", access.patient(), filters_sealed(&filter));
    let page = PageRequest::from_call(call, scope, cursor_key).await?;
    let store = deps.records();
    store.require_patient(&access).await?;
    let (groups, next) = store
        .list_page(
            &access,
            &filter,
            page.start_after.clone(),
            page.limit as usize,
        )
        .await?;
    let views: Vec<RecordView> = groups.into_iter().filter_map(RecordView::merged).collect();
    json(StatusCode::OK, &page.page(views, next, cursor_key).await?)
}

pub async fn detail(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw = call.path_param("recordId").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadRecords, AuditResource::record(&raw))
        .await?;
    let id = RecordId::parse(&raw).ok_or(ApiError::NotFound)?;
    let store = deps.records();
    let record = store.get(&access, &id).await?.ok_or(ApiError::NotFound)?;
    // Every source that reported the same thing, as the list shows them.
    let group = store.same_thing(&access, &record).await?;
    json(StatusCode::OK, &RecordDetail::new(record, group)?)
}

pub async fn sources(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadRecords, AuditResource::RecordSources)
        .await?;
    let store = deps.records();
    store.require_patient(&access).await?;
    let all = store.all_summaries(&access).await?;
    json(StatusCode::OK, &SourceList::of(&all))
}
