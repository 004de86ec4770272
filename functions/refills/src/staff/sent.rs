//! `POST /staff/refills/{refillId}/sent` (clinicians and front desk: `Action::WorkRefillQueue`):
//! an approved request was sent to the pharmacy (`approved` → `sent`, a history entry, the
//! patient's news), only while it is at the version read. 200 the request as staff see it; 409
//! `refill-closed` when it is past sending (sent, denied, visit-needed, withdrawn), `conflict`
//! when it is not approved yet or changed meanwhile.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::{Action, Relationship};

use crate::Deps;
use crate::model::{Actor, ActorRole, RefillRequest, RefillStatus};
use crate::staff::view::StaffRefill;
use crate::staff::{closed, lost, news_of, request_in_path, store};

/// `request` marked sent by `by` at `now`, or why not.
pub fn marked_sent(
    request: &RefillRequest,
    by: Actor,
    now: Timestamp,
) -> Result<RefillRequest, ApiError> {
    match request.status {
        RefillStatus::Approved => request
            .moved(RefillStatus::Sent, now, by, None)
            .ok_or_else(|| closed(request)),
        RefillStatus::Requested | RefillStatus::InReview => Err(ApiError::Conflict(
            "This request is not approved yet: only an approved request can be marked sent.".into(),
        )),
        _ => Err(closed(request)),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (staff, access, request) = request_in_path(deps, call, Action::WorkRefillQueue).await?;
    let role = ActorRole::of(Relationship::Staff(staff.role()));
    let now = Timestamp::now();
    let moved = marked_sent(&request, Actor::new(role, call.caller()), now)?;
    let news = news_of(&deps.platform.app_table, &moved, now)?;
    let store = store(deps);
    store
        .save_move(&access, &request, &moved, vec![news])
        .await?
        .map_err(lost)?;
    let patient = store.summary(&access).await?;
    json(StatusCode::OK, &StaffRefill::new(moved, patient, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::{at, sample};

    #[test]
    fn only_an_approved_request_is_sent() {
        let now = at("2026-03-04T09:00:00Z");
        let desk = Actor {
            role: ActorRole::FrontDesk,
            name: Some("Sam".into()),
        };
        let sent = marked_sent(&sample(RefillStatus::Approved), desk.clone(), now).expect("sent");
        assert_eq!(sent.status, RefillStatus::Sent);
        assert_eq!(
            sent.history.last().map(|h| h.by.role),
            Some(ActorRole::FrontDesk)
        );
        for open in [RefillStatus::Requested, RefillStatus::InReview] {
            assert!(matches!(
                marked_sent(&sample(open), desk.clone(), now),
                Err(ApiError::Conflict(_))
            ));
        }
        for past in [
            RefillStatus::Sent,
            RefillStatus::Denied,
            RefillStatus::VisitNeeded,
            RefillStatus::Withdrawn,
        ] {
            assert!(matches!(
                marked_sent(&sample(past), desk.clone(), now),
                Err(ApiError::RefillClosed(_))
            ));
        }
    }
}
