//! `DELETE /staff/patients/{patientId}/education/{topicId}` (`AssignEducation`) → 204; 404
//! when the topic is not assigned to the patient; 422 for an id that cannot be a topic's. The
//! topic stays on the patient's list when their record matches it.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::library::topic::TopicId;
use crate::patient::topic_resource;
use crate::repo::PatientStore;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::AssignEducation, topic_resource(call))
        .await?;
    let topic = TopicId::in_path(call)?;
    let removed = PatientStore::new(&deps.platform.dynamo, &deps.platform.app_table)
        .unassign(&access, &topic)
        .await?;
    if !removed {
        return Err(ApiError::NotFound);
    }
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}
