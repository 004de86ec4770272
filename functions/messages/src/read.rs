//! `GET /patients/{patientId}/conversations/{conversationId}/messages`.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::platform::pagination::{Page, PageRequest};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::conversation::{conversation_in_path, resource};
use crate::model::{Conversation, Message};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConversationMessages {
    conversation: Conversation,
    #[serde(flatten)]
    page: Page<Message>,
}

/// The conversation and a page of its messages, oldest first. The ETag is the conversation's
/// (for staff's PATCH).
pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let id = conversation_in_path(call)?;
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadConversations, resource(id))
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let scope = format!("messages:{}:{id}", access.patient());
    let page = PageRequest::from_call(call, scope, cursor_key).await?;
    let store = deps.conversations();
    let conversation = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
    let (messages, last_key) = store
        .messages(&access, id, page.limit, page.start_after.clone())
        .await?;
    let etag = Version(conversation.version).etag();
    json_with_headers(
        StatusCode::OK,
        &ConversationMessages {
            conversation,
            page: page.page(messages, last_key, cursor_key).await?,
        },
        &[(header::ETAG, etag)],
    )
}
