//! `GET /support/reports?state=open|resolved&assignee=me&limit=&cursor=`: one page of the
//! team's queue → `{items: [QueueItem], nextCursor}`. `open` (the default): every report not
//! resolved and not merged, soonest due first (reports waiting on their reporter last);
//! `resolved`: newest first; `assignee=me`: the open reports assigned to the caller. Read from
//! GSI1 (the queues) or GSI3 (an assignee's), where the due instant is the sort key; `breached`
//! is worked out now. Every listed report is audited (its summary is the reporter's words).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::validation::FieldErrors;

use crate::Deps;
use crate::reports::model::{QueueItem, QueueState};
use crate::reports::store;
use crate::reports::team_repo::{audit_reached, reached, team_access};

/// Which list a queue request reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Queue(QueueState),
    /// The caller's open reports.
    Mine,
}

/// `state` and `assignee` as asked; each bad one named (422).
pub fn listing(state: Option<&str>, assignee: Option<&str>) -> Result<Listing, ApiError> {
    let mut errors = FieldErrors::new();
    let state = match state {
        None => Some(QueueState::Open),
        Some(raw) => errors.check(
            "state",
            QueueState::parse(raw).ok_or_else(|| "must be open or resolved".to_owned()),
        ),
    };
    let mine = match assignee {
        None => false,
        Some("me") if state == Some(QueueState::Resolved) => {
            errors.add(
                "assignee",
                "lists open reports only (leave out state=resolved)",
            );
            false
        }
        Some("me") => true,
        Some(_) => {
            errors.add("assignee", "must be me");
            false
        }
    };
    errors.finish()?;
    Ok(match (mine, state) {
        (true, _) => Listing::Mine,
        (false, state) => Listing::Queue(state.unwrap_or(QueueState::Open)),
    })
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = team_access(deps, call).await?;
    let listing = listing(
        call.query("state").as_deref(),
        call.query("assignee").as_deref(),
    )?;
    let me = &call.caller().sub;
    let scope = match listing {
        Listing::Queue(state) => format!("support-reports:{}", state.as_str()),
        Listing::Mine => format!("support-reports:assigned:{me}"),
    };
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, scope, cursor_key).await?;
    let store = store(deps);
    let (reports, last) = match listing {
        Listing::Queue(state) => {
            store
                .queue_page(&access, state, page.limit, page.start_after.clone())
                .await?
        }
        Listing::Mine => {
            store
                .assigned_page(&access, me, page.limit, page.start_after.clone())
                .await?
        }
    };
    let listed: Vec<_> = reports.iter().map(reached).collect();
    audit_reached(deps, call, &access, &listed).await?;
    let now = Timestamp::now();
    let items: Vec<QueueItem> = reports
        .iter()
        .map(|report| QueueItem::of(report, now))
        .collect();
    let last = last.filter(|key| !key.is_empty());
    json(StatusCode::OK, &page.page(items, last, cursor_key).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn state_and_assignee_are_read_and_checked() {
        assert_eq!(
            listing(None, None).ok(),
            Some(Listing::Queue(QueueState::Open))
        );
        assert_eq!(
            listing(Some("resolved"), None).ok(),
            Some(Listing::Queue(QueueState::Resolved))
        );
        assert_eq!(listing(None, Some("me")).ok(), Some(Listing::Mine));
        assert_eq!(listing(Some("open"), Some("me")).ok(), Some(Listing::Mine));
        let bad = |state, assignee| fields(listing(state, assignee).expect_err("invalid"));
        assert_eq!(bad(Some("all"), None), ["state"]);
        assert_eq!(bad(None, Some("you")), ["assignee"]);
        assert_eq!(bad(Some("resolved"), Some("me")), ["assignee"]);
        assert_eq!(bad(Some("closed"), Some("them")), ["state", "assignee"]);
    }
}
