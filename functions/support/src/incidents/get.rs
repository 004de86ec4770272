//! `GET /support/incidents/{incidentId}`: one incident, its version as the ETag.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::incidents::{audit_resource, incident_in_path, incident_response, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageIncidents).await?;
    let id = incident_in_path(call)?;
    let incident = store(deps)
        .load(&access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    authorizer
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    incident_response(StatusCode::OK, &incident)
}
