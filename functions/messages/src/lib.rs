//! The messages function: secure messaging between patients (or caregivers with the
//! `messages` scope) and the care team, and the staff inboxes per category.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `POST  /patients/{patientId}/conversations` — start one (Idempotency-Key).
//! - `GET   /patients/{patientId}/conversations` — newest activity first, unread counts.
//! - `GET   /patients/{patientId}/conversations/{conversationId}/messages` — oldest first.
//! - `POST  /patients/{patientId}/conversations/{conversationId}/messages` — reply (patient
//!   side or staff; Idempotency-Key).
//! - `POST  /patients/{patientId}/conversations/{conversationId}/read` — mark read.
//! - `PATCH /patients/{patientId}/conversations/{conversationId}` — staff: assign, status,
//!   category (If-Match).
//! - `GET   /staff/inbox` — one category's open, overdue or waiting conversations.
//! - `GET   /staff/inbox/counts` — open, overdue and waiting per category.
//! - `GET   /staff/inbox/mine` — the conversations assigned to the caller that wait on
//!   someone (open or waiting on the patient), oldest wait first.
//! - `GET   /staff/colleagues` — the enabled members of the team that works a category, by
//!   name: whom a conversation may be assigned to.
//!
//! Feature switch ([`FEATURE_ROUTES`]): every route here belongs to `messaging`. When its switch
//! is off for the caller and patient, each answers the `feature-off` problem (403) after the
//! usual authorisation (a foreign patient is still 404); the staff inboxes, about no patient,
//! are off only when the switch is off for everyone (mode `off` or killed).

mod colleagues;
mod conversation;
mod inbox;
mod list;
mod mark_read;
pub mod model;
pub mod notify;
mod read;
mod repo;
mod send;
mod start;
pub mod targets;
mod update;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::features::directory::UserDirectory;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::{ConfigError, Settings};
use portal_shared::platform::http::{Route, dispatch};

use crate::repo::ConversationStore;
use crate::targets::ResponseTargets;

pub const START_CONVERSATION: Route = Route::new("POST", "/patients/{patientId}/conversations");
pub const LIST_CONVERSATIONS: Route = Route::new("GET", "/patients/{patientId}/conversations");
pub const READ_MESSAGES: Route = Route::new(
    "GET",
    "/patients/{patientId}/conversations/{conversationId}/messages",
);
pub const SEND_MESSAGE: Route = Route::new(
    "POST",
    "/patients/{patientId}/conversations/{conversationId}/messages",
);
pub const MARK_READ: Route = Route::new(
    "POST",
    "/patients/{patientId}/conversations/{conversationId}/read",
);
pub const UPDATE_CONVERSATION: Route = Route::new(
    "PATCH",
    "/patients/{patientId}/conversations/{conversationId}",
);
pub const INBOX: Route = Route::new("GET", "/staff/inbox");
pub const INBOX_COUNTS: Route = Route::new("GET", "/staff/inbox/counts");
pub const INBOX_MINE: Route = Route::new("GET", "/staff/inbox/mine");
pub const COLLEAGUES: Route = Route::new("GET", "/staff/colleagues");

/// The routes the `messaging` feature owns: all of them.
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[
    (START_CONVERSATION, Feature::Messaging),
    (LIST_CONVERSATIONS, Feature::Messaging),
    (READ_MESSAGES, Feature::Messaging),
    (SEND_MESSAGE, Feature::Messaging),
    (MARK_READ, Feature::Messaging),
    (UPDATE_CONVERSATION, Feature::Messaging),
    (INBOX, Feature::Messaging),
    (INBOX_COUNTS, Feature::Messaging),
    (INBOX_MINE, Feature::Messaging),
    (COLLEAGUES, Feature::Messaging),
];

/// How many times in all a message or a read mark is sent while it loses to another write on
/// the same conversation: every member of a care team may answer one conversation at once, and
/// each lost attempt means another write landed.
pub const WRITE_ATTEMPTS: usize = 6;

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    START_CONVERSATION,
    LIST_CONVERSATIONS,
    READ_MESSAGES,
    SEND_MESSAGE,
    MARK_READ,
    UPDATE_CONVERSATION,
    INBOX,
    INBOX_COUNTS,
    INBOX_MINE,
    COLLEAGUES,
];

/// The function's own settings: the response-time targets with the practice's calendar, and
/// the user pool in which assignees are looked up (`USER_POOL_ID`).
#[derive(Debug, Clone)]
pub struct MessagingSettings {
    pub targets: ResponseTargets,
    pub user_pool_id: String,
}

impl MessagingSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Names every missing or bad variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let targets = ResponseTargets::from_lookup(&lookup)
            .map_err(|error| problems.extend(error.problems))
            .ok();
        let user_pool_id = lookup("USER_POOL_ID").filter(|v| !v.trim().is_empty());
        if user_pool_id.is_none() {
            problems.push("USER_POOL_ID is not set".into());
        }
        match (targets, user_pool_id) {
            (Some(targets), Some(user_pool_id)) if problems.is_empty() => Ok(MessagingSettings {
                targets,
                user_pool_id,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    pub messaging: MessagingSettings,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl Deps {
    pub fn new(settings: &Settings, messaging: &MessagingSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
            messaging: messaging.clone(),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
        }
    }

    fn conversations(&self) -> ConversationStore<'_> {
        ConversationStore {
            dynamo: &self.platform.dynamo,
            table: &self.platform.app_table,
        }
    }

    fn users(&self) -> UserDirectory<'_> {
        UserDirectory {
            cognito: &self.cognito,
            pool_id: &self.messaging.user_pool_id,
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(START_CONVERSATION) {
            start::handle(deps, &call).await
        } else if call.is(LIST_CONVERSATIONS) {
            list::handle(deps, &call).await
        } else if call.is(READ_MESSAGES) {
            read::handle(deps, &call).await
        } else if call.is(SEND_MESSAGE) {
            send::handle(deps, &call).await
        } else if call.is(MARK_READ) {
            mark_read::handle(deps, &call).await
        } else if call.is(UPDATE_CONVERSATION) {
            update::handle(deps, &call).await
        } else if call.is(INBOX) {
            inbox::category(deps, &call).await
        } else if call.is(INBOX_COUNTS) {
            inbox::counts(deps, &call).await
        } else if call.is(INBOX_MINE) {
            inbox::mine(deps, &call).await
        } else if call.is(COLLEAGUES) {
            colleagues::handle(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
