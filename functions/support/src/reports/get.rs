//! `GET /support/reports/{reportId}`: the team's view of one report (`TeamReport`: reporter,
//! switches, severity, assignee, duplicates, targets and the whole timeline with notes) with
//! its version as the ETag a triage sends back. Audited as a read of the report.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;

use crate::Deps;
use crate::reports::team_repo::{audit_reached, reached, team_access, team_response};
use crate::reports::{report_in_path, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = team_access(deps, call).await?;
    let id = report_in_path(call)?;
    let (report, timeline) = store(deps)
        .load_with_timeline(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    audit_reached(deps, call, &access, &[reached(&report)]).await?;
    team_response(StatusCode::OK, &report, &timeline, Timestamp::now())
}
