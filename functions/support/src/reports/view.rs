//! `GET /patients/{patientId}/reports/{reportId}` and `GET /account/reports/{reportId}`: one
//! report the caller filed in this context, as its reporter reads it (`ProblemReport`, its
//! version as the ETag). Anyone else's report, or one filed in another context, is 404.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ReportId;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::Outcome;

use crate::Deps;
use crate::reports::model::reporter_view;
use crate::reports::{
    ReporterScope, patient_reporting, primary_of, report_in_path, report_resource, report_response,
    staff_reporting, store,
};

pub async fn patient(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw = call.path_param("reportId").unwrap_or_default();
    let (_, _, scope) = patient_reporting(deps, call, report_resource(&raw)).await?;
    let id = report_in_path(call)?;
    show(deps, &scope, id).await
}

pub async fn staff(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, scope) = staff_reporting(deps, call).await?;
    let id = report_in_path(call)?;
    let response = show(deps, &scope, id).await?;
    deps.platform
        .authorizer()
        .record_staff_action(call, &access, &report_resource(id), Outcome::Allowed)
        .await?;
    Ok(response)
}

async fn show(
    deps: &Deps,
    scope: &ReporterScope,
    id: ReportId,
) -> Result<Response<Body>, ApiError> {
    let store = store(deps);
    let (report, timeline) = store
        .load_with_timeline(id)
        .await?
        .filter(|(report, _)| scope.owns(report))
        .ok_or(ApiError::NotFound)?;
    let primary = match primary_of(&store, &report).await? {
        Some(primary) => store.load_with_timeline(primary.report_id).await?,
        None => None,
    };
    let body = reporter_view(
        &report,
        &timeline,
        primary
            .as_ref()
            .map(|(primary, entries)| (primary, entries.as_slice())),
    );
    report_response(StatusCode::OK, report.version, &body)
}
