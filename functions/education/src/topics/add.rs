//! `POST /staff/education/topics` (`ManageEducationLibrary`) body = a topic without origin,
//! status, version or tallies (`topicId` required) → 201 Topic (origin `practice`, version 1),
//! with its ETag; 409 `conflict` when a topic of that id exists (starter or
//! stored, retired too); 422 naming each bad field. Idempotency-Key honoured.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::library;
use crate::library::input::TopicBody;
use crate::library::starter::of_fields;
use crate::library::topic::Origin;
use crate::topics::{audit_change, touched};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageEducationLibrary)
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let fields = call.json_body::<TopicBody>()?.validate(None)?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let exists = || {
        ApiError::Conflict(format!(
            "The library has a topic {} already; edit it instead.",
            fields.topic_id
        ))
    };
    if library::topic(deps, &fields.topic_id).await?.is_some() {
        return Err(exists());
    }
    let topic = touched(
        of_fields(fields.clone(), Origin::Practice, 0),
        call.caller(),
    );
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&topic).map_err(ApiError::internal)?,
        location: None,
        etag: Some(Version(topic.version).etag()),
        patient_id: None,
    };
    let put = store::create_put(
        table,
        &keys::education_topic(topic.topic_id.as_str()),
        &topic,
    )?;
    let outcome = create_once(dynamo, table, idempotency.as_ref(), vec![put], response)
        .await
        .map_err(|error| match error {
            ApiError::Conflict(_) => exists(),
            other => other,
        })?;
    match outcome {
        Outcome::Created(response) => {
            audit_change(deps, call, &access, &topic.topic_id).await?;
            response.render(false)
        }
        Outcome::Replayed(first) => first.render(true),
    }
}
