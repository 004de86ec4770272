//! `GET /patients/{patientId}/conversations`: most recent activity first, with the patient's
//! unread total.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::platform::pagination::{Page, PageRequest};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::model::Conversation;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConversationList {
    #[serde(flatten)]
    page: Page<Conversation>,
    /// Staff messages not yet marked read, across all the patient's conversations.
    total_unread: u64,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ReadConversations,
            AuditResource::Conversations,
        )
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let scope = format!("conversations:{}", access.patient());
    let page = PageRequest::from_call(call, scope, cursor_key).await?;
    let store = deps.conversations();
    let (conversations, last_key) = store
        .conversations(&access, page.limit, page.start_after.clone())
        .await?;
    let total_unread = store.unread_total(&access).await?;
    json_with_headers(
        StatusCode::OK,
        &ConversationList {
            page: page.page(conversations, last_key, cursor_key).await?,
            total_unread,
        },
        &[],
    )
}
