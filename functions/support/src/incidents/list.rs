//! `GET /support/incidents?state=active|all`: the practice's incidents, newest first (`all` by
//! default), at most [`MAX_LISTED`]. Not paged: a practice opens a few incidents a year, so the
//! newest hundred reach back years, and an incident still active among older ones would be
//! long forgotten (the active ones are read past any resolved ones).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::incidents::model::Incident;
use crate::incidents::store;

/// The most incidents one list answers.
pub const MAX_LISTED: i32 = 100;

/// Which incidents the list answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not resolved.
    Active,
    All,
}

impl State {
    fn parse(raw: Option<&str>) -> Result<State, ApiError> {
        match raw {
            None | Some("all") => Ok(State::All),
            Some("active") => Ok(State::Active),
            Some(_) => Err(ApiError::invalid("state", "must be active or all")),
        }
    }
}

#[derive(Serialize)]
struct Incidents {
    items: Vec<Incident>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageIncidents).await?;
    let state = State::parse(call.query("state").as_deref())?;
    let items = store(deps)
        .newest(&access, MAX_LISTED, |incident| {
            state == State::All || incident.is_active()
        })
        .await?;
    authorizer
        .record_staff_action(
            call,
            &access,
            &AuditResource::Route("incidents".into()),
            Outcome::Allowed,
        )
        .await?;
    json(StatusCode::OK, &Incidents { items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_active_or_all_and_all_by_default() {
        assert_eq!(State::parse(None).ok(), Some(State::All));
        assert_eq!(State::parse(Some("all")).ok(), Some(State::All));
        assert_eq!(State::parse(Some("active")).ok(), Some(State::Active));
        for bad in ["", "Active", "resolved", "open"] {
            match State::parse(Some(bad)) {
                Err(ApiError::Invalid(errors)) => assert_eq!(errors[0].field, "state"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }
}
