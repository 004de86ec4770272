//! `GET /patients/{patientId}/reports` and `GET /account/reports`: the reports the caller
//! filed in this context (this patient's, or their staff account), newest first, paginated
//! (`limit`, `cursor`) → `{items: [{reportId, whatHappened, page, feature, appVersion,
//! createdAt, updatedAt, status}], nextCursor}`. A merged duplicate shows the status of the
//! report it was merged into (what the team works on).

use std::collections::HashMap;

use futures::future::try_join_all;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ReportId;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::Outcome;

use crate::Deps;
use crate::reports::model::{ReportStatus, ReporterListItem};
use crate::reports::{
    ReporterScope, patient_reporting, primary_of, reports_resource, staff_reporting, store,
};

pub async fn patient(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_, _, scope) = patient_reporting(deps, call, reports_resource()).await?;
    list(deps, call, &scope).await
}

pub async fn staff(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, scope) = staff_reporting(deps, call).await?;
    let response = list(deps, call, &scope).await?;
    deps.platform
        .authorizer()
        .record_staff_action(call, &access, &reports_resource(), Outcome::Allowed)
        .await?;
    Ok(response)
}

async fn list(deps: &Deps, call: &Call, scope: &ReporterScope) -> Result<Response<Body>, ApiError> {
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, scope.list_scope(), cursor_key).await?;
    let store = store(deps);
    let (found, next) = store
        .reporter_page(
            &scope.sub,
            |report| scope.owns(report),
            page.limit,
            page.start_after.clone(),
        )
        .await?;
    // The few merged ones show their primary's status (one read each).
    let primaries: HashMap<ReportId, ReportStatus> = try_join_all(
        found
            .iter()
            .filter(|report| report.merged_into.is_some())
            .map(|report| {
                let store = &store;
                async move {
                    let primary = primary_of(store, report).await?;
                    Ok::<_, ApiError>(primary.map(|primary| (report.report_id, primary.status)))
                }
            }),
    )
    .await?
    .into_iter()
    .flatten()
    .collect();
    let items: Vec<ReporterListItem> = found
        .iter()
        .map(|report| ReporterListItem::of(report, primaries.get(&report.report_id).copied()))
        .collect();
    json(StatusCode::OK, &page.page(items, next, cursor_key).await?)
}
