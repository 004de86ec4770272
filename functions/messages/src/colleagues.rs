//! `GET /staff/colleagues?category=`: the staff a conversation of `category` may be assigned
//! to, so that the assigning staff member can choose one by name: the enabled accounts of the
//! team that works the category (ListUsersInGroup on its group), sorted by name. About no
//! patient: nothing is written to any access log. Whether a colleague may take the work
//! (their training) is still decided by the assignment itself (422 naming `assignee`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::model::Category;

/// One colleague as the picker shows them: their name (their email only when the account has
/// no name), no other group.
#[derive(Debug, Serialize)]
struct Colleague {
    sub: String,
    name: String,
}

#[derive(Serialize)]
struct Colleagues {
    category: Category,
    team: &'static str,
    items: Vec<Colleague>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    // Whoever may assign a conversation (any messaging team) may see whom to.
    deps.platform
        .authorizer()
        .staff(call, Action::ManageConversation)
        .await?;
    let category = call
        .query("category")
        .as_deref()
        .and_then(Category::parse)
        .ok_or_else(|| {
            ApiError::invalid(
                "category",
                "is required: medical-question, appointment, prescription, billing or portal-help",
            )
        })?;
    let team = category.team().group();
    let mut items: Vec<Colleague> = deps
        .users()
        .group_members(team)
        .await?
        .into_iter()
        .filter(|account| account.enabled)
        .map(|account| Colleague {
            name: account
                .display_name()
                .unwrap_or_else(|| account.email.clone()),
            sub: account.sub,
        })
        .collect();
    items.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.sub.cmp(&b.sub))
    });
    json(
        StatusCode::OK,
        &Colleagues {
            category,
            team,
            items,
        },
    )
}
