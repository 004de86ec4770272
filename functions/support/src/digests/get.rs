//! `GET /support/digests/{digestId}`: one week's digest (`digestId` its Monday, `yyyy-mm-dd`:
//! 422 otherwise; 404 when that week has none).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::digests::id::DigestId;
use crate::digests::{audit_resource, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReadDigests).await?;
    let id = DigestId::from_path(call.path_param("digestId"))?;
    let digest = store(deps).load(id).await?.ok_or(ApiError::NotFound)?;
    authorizer
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    json(StatusCode::OK, &digest)
}
