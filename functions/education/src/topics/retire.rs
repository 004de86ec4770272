//! `DELETE /staff/education/topics/{topicId}` (`ManageEducationLibrary`) → 204: the topic is
//! retired (hidden from patients, kept for history; a starter topic's retirement is stored
//! over it). Retiring a retired topic again is 204 too; 404 for an unknown topic.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::library;
use crate::library::topic::TopicId;
use crate::library::topic::TopicStatus;
use crate::topics::{audit_change, touched};

/// How many times the retirement is read and written again when an edit landed in between.
const RETIRE_ATTEMPTS: usize = 3;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageEducationLibrary)
        .await?;
    let topic_id = TopicId::in_path(call)?;
    let mut retired = false;
    for _ in 0..RETIRE_ATTEMPTS {
        let current = library::topic(deps, &topic_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        if !current.is_active() {
            retired = true;
            break;
        }
        let read_version = current.version;
        let mut topic = touched(current, call.caller());
        topic.status = TopicStatus::Retired;
        if library::store(deps)
            .save(&topic, read_version)
            .await?
            .is_ok()
        {
            audit_change(deps, call, &access, &topic_id).await?;
            retired = true;
            break;
        }
    }
    if !retired {
        return Err(ApiError::Conflict(
            "Someone else was changing this topic at the same moment; try again.".into(),
        ));
    }
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}
