//! The staff inboxes: one category's open, overdue or waiting conversations, the caller's
//! own, and the dashboard counts. Every listed conversation is audited in its patient's log.

use std::collections::HashMap;

use futures::future::try_join_all;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::keys;
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::store;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::{AuditEvent, AuditResource, Outcome};
use portal_shared::policy::authz::{Action, StaffAccess};
use serde::Serialize;

use crate::Deps;
use crate::conversation::resource;
use crate::model::{Category, Conversation, OPEN, Status, WAITING};
use crate::repo::inbox_position;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Open,
    Overdue,
    Waiting,
}

impl View {
    fn parse(raw: &str) -> Option<View> {
        match raw {
            "open" => Some(View::Open),
            "overdue" => Some(View::Overdue),
            "waiting" => Some(View::Waiting),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            View::Open => "open",
            View::Overdue => "overdue",
            View::Waiting => "waiting",
        }
    }

    fn state(self) -> &'static str {
        match self {
            View::Open | View::Overdue => OPEN,
            View::Waiting => WAITING,
        }
    }
}

/// One conversation in an inbox, with how long it has waited against its target.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InboxItem {
    #[serde(flatten)]
    conversation: Conversation,
    /// Since when it is in this inbox (open: since the patient began waiting).
    in_inbox_since: Timestamp,
    waited_seconds: i64,
    /// Open conversations: when the response-time target is reached, and whether it has been.
    #[serde(skip_serializing_if = "Option::is_none")]
    due_at: Option<Timestamp>,
    overdue: bool,
}

/// Conversations as inbox items, timed against their targets now.
fn inbox_items(deps: &Deps, conversations: Vec<Conversation>) -> Vec<InboxItem> {
    let now = Timestamp::now();
    let targets = &deps.messaging.targets;
    conversations
        .into_iter()
        .filter_map(|conversation| {
            let since = conversation.inbox_since()?;
            let due_at = (conversation.status == Status::Open)
                .then(|| targets.due(conversation.category, since));
            Some(InboxItem {
                in_inbox_since: since,
                waited_seconds: (now.unix_seconds() - since.unix_seconds()).max(0),
                overdue: due_at.is_some_and(|due| now >= due),
                due_at,
                conversation,
            })
        })
        .collect()
}

/// Audits the access to each listed conversation's patient.
async fn record_listed(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    items: &[InboxItem],
) -> Result<(), ApiError> {
    let reached: Vec<_> = items
        .iter()
        .map(|item| {
            (
                item.conversation.patient_id,
                resource(item.conversation.conversation_id),
            )
        })
        .collect();
    deps.platform
        .authorizer()
        .record_staff_access(call, access, &reached)
        .await
}

/// `GET /staff/inbox/mine`: the conversations assigned to the caller that wait on someone
/// (open or waiting on the patient), across the categories their teams work, oldest wait
/// first. One Query on the assignee's GSI3 partition per page.
pub async fn mine(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::WorkMessageInbox)
        .await?;
    let caller = call.caller();
    let cursor_key = &deps.platform.cursor_key;
    let page =
        PageRequest::from_call(call, format!("inbox:mine:{}", caller.sub), cursor_key).await?;
    let categories = categories_of(call);
    let (conversations, last_key) = if categories.is_empty() {
        (Vec::new(), None)
    } else {
        deps.conversations()
            .assigned(
                &access,
                &caller.sub,
                &categories,
                page.limit,
                page.start_after.clone(),
            )
            .await?
    };
    let items = inbox_items(deps, conversations);
    record_listed(deps, call, &access, &items).await?;
    json(
        StatusCode::OK,
        &page.page(items, last_key, cursor_key).await?,
    )
}

/// The categories whose inboxes the caller's roles work.
fn categories_of(call: &Call) -> Vec<Category> {
    Category::ALL
        .into_iter()
        .filter(|category| category.worked_by(call.caller()))
        .collect()
}

/// `GET /staff/inbox?category=&view=open|overdue|waiting`: oldest first, merged from the
/// category's shards.
pub async fn category(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::WorkMessageInbox).await?;
    let mut errors = FieldErrors::new();
    let category = errors.check(
        "category",
        call.query("category")
            .as_deref()
            .and_then(Category::parse)
            .ok_or_else(|| {
                "is required: medical-question, appointment, prescription, billing or portal-help"
                    .to_owned()
            }),
    );
    let view = errors.check(
        "view",
        match call.query("view") {
            None => Ok(View::Open),
            Some(raw) => View::parse(&raw).ok_or_else(|| "must be open, overdue or waiting".into()),
        },
    );
    errors.finish()?;
    let (Some(category), Some(view)) = (category, view) else {
        return Err(ApiError::invalid("category", "is required"));
    };
    if !category.worked_by(call.caller()) {
        // Refused like any staff action the role may not do: audited in the caller's own log.
        let event = AuditEvent::new(
            call.caller(),
            "none",
            None,
            access.action().name(),
            &AuditResource::Route(format!("{}?category={category}", call.route_path())),
            Outcome::Denied,
            call.request_id(),
        );
        deps.platform.audit.record(&event).await?;
        return Err(ApiError::Forbidden(
            "This category's inbox belongs to another team.",
        ));
    }
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(
        call,
        format!("inbox:{category}:{}", view.name()),
        cursor_key,
    )
    .await?;
    let after = page
        .start_after
        .as_ref()
        .and_then(|key| key.get(keys::GSI1SK))
        .and_then(|value| value.as_s().ok())
        .cloned();
    let store = deps.conversations();
    let shards = try_join_all((0..keys::INBOX_SHARDS).map(|shard| {
        store.inbox_shard(
            &access,
            category,
            view.state(),
            shard,
            after.as_deref(),
            page.limit,
        )
    }))
    .await?;
    let mut more = shards.iter().any(|(_, more)| *more);
    let mut conversations: Vec<Conversation> =
        shards.into_iter().flat_map(|(items, _)| items).collect();
    conversations.sort_by_key(inbox_position);
    let limit = page.limit as usize;
    if conversations.len() > limit {
        conversations.truncate(limit);
        more = true;
    }
    let mut items = inbox_items(deps, conversations);
    if view == View::Overdue {
        // Oldest first, and the due instant grows with the waiting time: the overdue ones are
        // a prefix, and nothing after the first one in time is overdue.
        if let Some(first_in_time) = items.iter().position(|item| !item.overdue) {
            items.truncate(first_in_time);
            more = false;
        }
    }
    record_listed(deps, call, &access, &items).await?;
    let last_key = items
        .last()
        .filter(|_| more)
        .and_then(|item| inbox_position(&item.conversation))
        .map(|position| HashMap::from([(keys::GSI1SK.to_owned(), store::string(position))]));
    json(
        StatusCode::OK,
        &page.page(items, last_key, cursor_key).await?,
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CategoryCounts {
    category: Category,
    team: &'static str,
    target_business_days: u32,
    open: u64,
    overdue: u64,
    waiting: u64,
}

#[derive(Serialize)]
struct Counts {
    categories: Vec<CategoryCounts>,
}

/// `GET /staff/inbox/counts`: for each category the caller's teams work. Every count of every
/// category runs at once (three per category, each one `COUNT` Query per shard): the overdue
/// ones are the open ones waiting since before the instant that makes them overdue now
/// ([`crate::targets::ResponseTargets::overdue_before`]), a key range like the others.
pub async fn counts(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::WorkMessageInbox)
        .await?;
    let store = deps.conversations();
    let (store, access) = (&store, &access);
    let targets = &deps.messaging.targets;
    let now = Timestamp::now();
    let categories = try_join_all(categories_of(call).into_iter().map(|category| async move {
        let overdue_before = targets.overdue_before(category, now);
        let (open, waiting, overdue) = futures::try_join!(
            store.inbox_count(access, category, OPEN, None),
            store.inbox_count(access, category, WAITING, None),
            store.inbox_count(access, category, OPEN, Some(overdue_before)),
        )?;
        Ok::<_, ApiError>(CategoryCounts {
            category,
            team: category.team().group(),
            target_business_days: targets.days(category),
            open,
            overdue,
            waiting,
        })
    }))
    .await?;
    json(StatusCode::OK, &Counts { categories })
}
