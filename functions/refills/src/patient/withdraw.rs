//! `POST /patients/{patientId}/refills/{refillId}/withdraw` (no body) → 200 `RefillRequest`
//! now `withdrawn`. Only an open request (`requested`, `in-review`) can be withdrawn: any
//! other is 409 `refill-closed`; one changed meanwhile by the practice is 409 `conflict` (or
//! `refill-closed` when the change closed it). The request and its one-open guard change in
//! one transaction; nothing is sent to anyone.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::model::{Actor, ActorRole, RefillRequest, RefillStatus};
use crate::patient::{refill_in_path, refill_response, store};
use crate::repo::Changed;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let refill_id = refill_in_path(call)?;
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::RequestRefill,
            AuditResource::Refill(refill_id.to_string()),
        )
        .await?;
    let store = store(deps);
    let before = store
        .get(&access, refill_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let by = Actor::new(ActorRole::of(access.relationship()), call.caller());
    let after = withdrawn(&before, by, Timestamp::now())?;
    match store.withdraw(&access, &before, &after).await? {
        Changed::Done => refill_response(StatusCode::OK, &after),
        Changed::Stale => {
            // Tell a decision that closed it from a change that left it open.
            let now = store.get(&access, refill_id).await?;
            match now {
                Some(current) if !current.status.is_open() => Err(closed(&current)),
                _ => Err(ApiError::Conflict(
                    "the practice changed this request meanwhile; read it again".into(),
                )),
            }
        }
    }
}

/// `before` withdrawn at `now` by `by`, or 409 `refill-closed` when it is no longer open.
fn withdrawn(before: &RefillRequest, by: Actor, now: Timestamp) -> Result<RefillRequest, ApiError> {
    before
        .moved(RefillStatus::Withdrawn, now, by, None)
        .ok_or_else(|| closed(before))
}

fn closed(refill: &RefillRequest) -> ApiError {
    ApiError::RefillClosed(format!(
        "This request is {} and can no longer be withdrawn.",
        refill.status
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::{at, sample};

    #[test]
    fn only_open_requests_can_be_withdrawn() {
        let by = Actor {
            role: ActorRole::Caregiver,
            name: None,
        };
        let now = at("2026-03-03T12:00:00Z");
        for status in [RefillStatus::Requested, RefillStatus::InReview] {
            let after = withdrawn(&sample(status), by.clone(), now).expect("open");
            assert_eq!(after.status, RefillStatus::Withdrawn);
            assert_eq!(
                after.history.last().map(|h| h.by.role),
                Some(ActorRole::Caregiver)
            );
        }
        for status in [
            RefillStatus::Approved,
            RefillStatus::Denied,
            RefillStatus::VisitNeeded,
            RefillStatus::Sent,
            RefillStatus::Withdrawn,
        ] {
            let error = withdrawn(&sample(status), by.clone(), now).expect_err("closed");
            assert_eq!(error.slug(), "refill-closed", "{status}");
        }
    }
}
