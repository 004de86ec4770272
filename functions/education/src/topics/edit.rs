//! `PUT /staff/education/topics/{topicId}` (`ManageEducationLibrary`, If-Match: the ETag of
//! the topic's version; a starter topic never edited is version 0) body = the topic's fields
//! (as for adding; `topicId` may be left out) → 200 Topic + ETag. The edit is stored (a
//! starter topic's overrides it, and the topic becomes the practice's: origin `practice`) and
//! keeps the topic's status (a retired topic stays retired). 404 for an unknown
//! topic, 428 without If-Match, 412 when the topic changed since it was read, 422 naming each
//! bad field.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::etag::{Version, required_if_match};
use portal_shared::platform::http::Call;
use portal_shared::platform::write::{self, LostWrite};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::library;
use crate::library::input::TopicBody;
use crate::library::topic::TopicId;
use crate::library::topic::{Origin, Topic};
use crate::topics::{audit_change, topic_response, touched};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageEducationLibrary)
        .await?;
    let topic_id = TopicId::in_path(call)?;
    let expected = required_if_match(call)?;
    let fields = call.json_body::<TopicBody>()?.validate(Some(&topic_id))?;
    let current = library::topic(deps, &topic_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if Version(current.version) != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let read_version = current.version;
    let edited = touched(
        Topic {
            kind: fields.kind,
            content: fields.content,
            codes: fields.codes,
            ingredients: fields.ingredients,
            // The practice's version of the topic from now on (a starter topic's edit too).
            origin: Origin::Practice,
            ..current
        },
        call.caller(),
    );
    let store = library::store(deps);
    match write::retry_on_contention(|| store.save(&edited, read_version)).await? {
        Ok(()) => {}
        Err(LostWrite::Changed) => return Err(ApiError::PreconditionFailed),
        Err(LostWrite::Contention) => {
            return Err(ApiError::Conflict(
                "Someone else was changing this topic at the same moment; try again.".into(),
            ));
        }
    }
    audit_change(deps, call, &access, &topic_id).await?;
    topic_response(StatusCode::OK, &edited)
}
