//! `PATCH /patients/{patientId}/conversations/{conversationId}` (staff, If-Match): assign,
//! change the status, move to another category.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::onboarding::{self, Capability};
use portal_shared::platform::etag::{Version, required_if_match};
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::conversation::{conversation_in_path, resource};
use crate::model::{Assignee, AssigneeChoice, Category, ConversationPatch, Status};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let id = conversation_in_path(call)?;
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ManageConversation, resource(id))
        .await?;
    let expected = required_if_match(call)?;
    let patch: ConversationPatch = call.json_body()?;
    if patch.assignee.is_none() && patch.status.is_none() && patch.category.is_none() {
        return Err(ApiError::invalid("body", "names no field to change"));
    }
    let store = deps.conversations();
    let current = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
    if current.version != expected.0 {
        return Err(ApiError::PreconditionFailed);
    }
    let now = Timestamp::now();
    let mut next = current.clone();
    if let Some(category) = patch.category {
        // The patient keeps their place: moving a question does not restart its clock.
        next.category = category;
    }
    match patch.assignee {
        Some(None) => next.assignee = None,
        Some(Some(choice)) => {
            let sub = match choice {
                AssigneeChoice::Me => call.caller().sub.clone(),
                AssigneeChoice::Colleague(sub) => sub,
            };
            next.assignee = Some(
                assignee(deps, call, &sub, next.category)
                    .await?
                    .map_err(|problem| ApiError::invalid("assignee", problem))?,
            );
        }
        None => {
            if let Some(kept) = current
                .assignee
                .as_ref()
                .filter(|_| next.category.team() != current.category.team())
            {
                // Moved to another team's category: the assignee stays only if they work it
                // too (in that team's role); otherwise the conversation goes back to the new
                // team's shared queue. Within one team nothing changes for them.
                next.assignee = assignee(deps, call, &kept.sub, next.category).await?.ok();
            }
        }
    }
    if let Some(status) = patch.status.map(Status::from)
        && status != current.status
    {
        next.status = status;
        next.status_since = now;
        next.waiting_since = (status == Status::Open).then_some(now);
    }
    next.version += 1;
    match store.save(&access, &next, current.version, 0).await? {
        Ok(()) => {}
        Err(LostWrite::Changed) => return Err(ApiError::PreconditionFailed),
        Err(LostWrite::Contention) => {
            return Err(ApiError::Conflict(
                "Someone changed this conversation at the same moment; read it again.".into(),
            ));
        }
    }
    let etag = Version(next.version).etag();
    json_with_headers(StatusCode::OK, &next, &[(header::ETAG, etag)])
}

/// The staff member `sub` as the assignee of a conversation of `category`: an enabled
/// account of the user pool in the team that works the category (the rule the inboxes use),
/// whose onboarding plan clears inbox work (the caller's was checked by the authorizer).
/// The caller is taken from their token's claims; anyone else is looked up in the pool.
/// `Err` says why they cannot be (for a 422 naming `assignee`).
async fn assignee(
    deps: &Deps,
    call: &Call,
    sub: &UserSub,
    category: Category,
) -> Result<Result<Assignee, String>, ApiError> {
    let team = category.team();
    let caller = call.caller();
    let (name, works_it, trained) = if *sub == caller.sub {
        (caller.display_name.clone(), caller.has(team), true)
    } else {
        let users = deps.users();
        let (account, trained) = futures::try_join!(
            users.account(sub),
            onboarding::member_cleared(
                &deps.platform.dynamo,
                &deps.platform.app_table,
                sub,
                Capability::MessageInbox
            )
        )?;
        match account {
            Some(account) if account.enabled => {
                (account.display_name(), account.has(team), trained)
            }
            _ => return Ok(Err("is not an enabled staff account".into())),
        }
    };
    if !works_it {
        return Ok(Err(format!(
            "must be in {} to handle {category} conversations",
            team.group()
        )));
    }
    if !trained {
        return Ok(Err("has not finished the message inbox training".into()));
    }
    Ok(Ok(Assignee {
        sub: sub.clone(),
        name,
        role: Some(team.group().to_owned()),
    }))
}
