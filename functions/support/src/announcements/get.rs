//! `GET /support/announcements/{announcementId}`: one announcement for the team (state and
//! counts), its version as the ETag.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::announcements::{announcement_in_path, audit_resource, store, team_response};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageAnnouncements).await?;
    let id = announcement_in_path(call)?;
    let announcement = store(deps).load(id).await?.ok_or(ApiError::NotFound)?;
    authorizer
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    team_response(StatusCode::OK, &announcement, Timestamp::now())
}
