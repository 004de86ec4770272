//! `POST /patients/{patientId}/conversations/{conversationId}/read`: the patient's side has
//! read every message.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::platform::write::{LostWrite, retry_on_contention_up_to};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::conversation::{conversation_in_path, resource};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let id = conversation_in_path(call)?;
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::MarkConversationRead, resource(id))
        .await?;
    let store = deps.conversations();
    let marked = retry_on_contention_up_to(crate::WRITE_ATTEMPTS, || async {
        let current = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
        if current.patient_unread == 0 {
            return Ok(Ok(current));
        }
        let mut next = current.clone();
        next.patient_unread = 0;
        next.version += 1;
        let delta = -(current.patient_unread as i64);
        Ok(
            match store.save(&access, &next, current.version, delta).await? {
                Ok(()) => Ok(next),
                // A message or staff action landed since this attempt read it: read it again.
                Err(_) => Err(LostWrite::Contention),
            },
        )
    })
    .await?;
    let conversation = marked
        .map_err(|_| ApiError::Conflict("The conversation kept changing; try again.".into()))?;
    let etag = Version(conversation.version).etag();
    json_with_headers(StatusCode::OK, &conversation, &[(header::ETAG, etag)])
}
