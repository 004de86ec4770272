//! `GET /patients/{patientId}/education/{topicId}[?lang=en|es]` (`ReadEducation`) → 200
//! PatientTopic: any active topic of the library, with the reasons it is the patient's (none
//! when it is not: a topic reached by a link); 404 for an unknown or retired topic, 422 for
//! an id that cannot be one.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::library::topic::TopicId;
use crate::matching::{PatientTopic, reasons};
use crate::patient::{findings_of, store, topic_resource};
use crate::{language, library, records};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadEducation, topic_resource(call))
        .await?;
    let topic_id = TopicId::in_path(call)?;
    let language = language::of_call(call)?;
    let store = store(deps);
    let (topic, records, assignment, vote) = futures::try_join!(
        library::topic(deps, &topic_id),
        records::matched_categories(deps, &access),
        store.assignment(&access, &topic_id),
        store.vote(&access, &topic_id),
    )?;
    let topic = topic
        .filter(|topic| topic.is_active())
        .ok_or(ApiError::NotFound)?;
    let assigned = assignment.map(|a| a.as_assigned());
    let reasons = reasons(&topic, &findings_of(&records), assigned.as_ref());
    let helpful = vote.map(|vote| vote.helpful);
    json(
        StatusCode::OK,
        &PatientTopic::of(&topic, language, reasons, helpful),
    )
}
