//! `POST /staff/refills/{refillId}/review` (clinicians alone: `Action::DecideRefill`, front desk
//! 403): the clinician claims an open request (`requested` → `in-review`, `reviewer` set, a
//! history entry). Claiming one's own claim again changes nothing (200); a request another
//! clinician is reviewing is 409 `conflict` (a claim is no lock: any clinician may still decide
//! it). 200 the request as staff see it; 409 `refill-closed` when it is no longer open,
//! `conflict` when it changed meanwhile.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::model::{Actor, ActorRole, RefillRequest, RefillStatus, StaffName};
use crate::staff::view::StaffRefill;
use crate::staff::{closed, lost, request_in_path, store};

/// `request` claimed by `by` at `now`: `None` when it is already theirs (nothing to write);
/// 409 `conflict` when another clinician claimed it, `refill-closed` when it is not open.
pub fn claimed(
    request: &RefillRequest,
    by: &Actor,
    now: Timestamp,
) -> Result<Option<RefillRequest>, ApiError> {
    let reviewer = StaffName {
        name: by.name.clone(),
    };
    match request.status {
        RefillStatus::Requested => Ok(request
            .moved(RefillStatus::InReview, now, by.clone(), None)
            .map(|mut moved| {
                moved.reviewer = Some(reviewer);
                moved
            })),
        RefillStatus::InReview if request.reviewer.as_ref() == Some(&reviewer) => Ok(None),
        RefillStatus::InReview => Err(ApiError::Conflict(format!(
            "{} is reviewing this request already; you may still decide it.",
            request
                .reviewer
                .as_ref()
                .and_then(|r| r.name.as_deref())
                .unwrap_or("Another clinician")
        ))),
        _ => Err(closed(request)),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_, access, request) = request_in_path(deps, call, Action::DecideRefill).await?;
    let by = Actor::new(ActorRole::Clinician, call.caller());
    let now = Timestamp::now();
    let store = store(deps);
    let shown = match claimed(&request, &by, now)? {
        None => request,
        Some(moved) => {
            store
                .save_move(&access, &request, &moved, Vec::new())
                .await?
                .map_err(lost)?;
            moved
        }
    };
    let patient = store.summary(&access).await?;
    json(StatusCode::OK, &StaffRefill::new(shown, patient, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::{at, sample};

    fn clinician(name: &str) -> Actor {
        Actor {
            role: ActorRole::Clinician,
            name: Some(name.into()),
        }
    }

    #[test]
    fn a_claim_moves_a_request_into_review_once() {
        let now = at("2026-03-03T09:00:00Z");
        let request = sample(RefillStatus::Requested);
        let claimed_once = claimed(&request, &clinician("Dr Grey"), now)
            .expect("open")
            .expect("a change");
        assert_eq!(claimed_once.status, RefillStatus::InReview);
        assert_eq!(
            claimed_once
                .reviewer
                .as_ref()
                .and_then(|r| r.name.as_deref()),
            Some("Dr Grey")
        );
        assert_eq!(claimed_once.version, request.version + 1);
        assert_eq!(claimed_once.history.len(), 2);

        assert!(
            claimed(&claimed_once, &clinician("Dr Grey"), now)
                .expect("open")
                .is_none(),
            "one's own claim again changes nothing"
        );
        assert!(matches!(
            claimed(&claimed_once, &clinician("Dr Shepherd"), now),
            Err(ApiError::Conflict(_))
        ));

        for status in [
            RefillStatus::Approved,
            RefillStatus::Denied,
            RefillStatus::Sent,
            RefillStatus::Withdrawn,
        ] {
            assert!(matches!(
                claimed(&sample(status), &clinician("Dr Grey"), now),
                Err(ApiError::RefillClosed(_))
            ));
        }
    }
}
