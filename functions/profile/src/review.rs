//! Staff review of legal-identity changes: the queue and the decision.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ChangeId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::write::{LostWrite, retry_on_contention};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::model::{ChangeReviewView, ChangeStatus, IdentityEdits};
use crate::repo::DecisionConflict;
use crate::requests::{Decision, MAX_REASON_CHARS, Verdict};

/// The cursor scope of the queue: a cursor from any other list is refused.
const QUEUE_SCOPE: &str = "queue:profile-changes";

/// `GET /staff/profile-changes`: pending changes, oldest first.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReviewProfileChanges).await?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, QUEUE_SCOPE.into(), cursor_key).await?;
    let (changes, last_key) = deps.profiles().pending_changes(&access, &page).await?;
    let reached: Vec<_> = changes
        .iter()
        .map(|change| {
            (
                change.patient_id,
                AuditResource::ProfileChange(change.change_id.to_string()),
            )
        })
        .collect();
    authorizer
        .record_staff_access(call, &access, &reached)
        .await?;
    let views = changes.iter().map(ChangeReviewView::from).collect();
    json(
        StatusCode::OK,
        &page.page(views, last_key, cursor_key).await?,
    )
}

/// `POST /staff/profile-changes/{changeId}/decision`.
pub async fn decide(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReviewProfileChanges).await?;
    let change_id = call
        .path_param("changeId")
        .and_then(|raw| ChangeId::parse(&raw))
        .ok_or(ApiError::NotFound)?;
    let decision: Decision = call.json_body()?;
    let reason = checked_reason(&decision)?;

    let store = deps.profiles();
    let patient = store
        .change_owner(change_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let patient_access = authorizer
        .patient_via_staff(
            call,
            &access,
            patient,
            &AuditResource::ProfileChange(change_id.to_string()),
        )
        .await?;

    let decided = retry_on_contention(|| async {
        let change = store
            .load_change(&patient_access, change_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        if change.status != ChangeStatus::Pending {
            return Err(already_decided());
        }
        if change.requested_by == call.caller().sub {
            // Someone who is both a patient and front desk must not approve their own identity.
            return Err(ApiError::Forbidden(
                "Your own change request must be decided by someone else.",
            ));
        }
        let mut profile = store
            .load(&patient_access)
            .await?
            .ok_or(ApiError::NotFound)?;
        let expected = profile.version;
        let matched_before = profile.match_key();
        let now = Timestamp::now();
        let status = match decision.decision {
            Verdict::Approve => {
                profile.apply_identity(&change.requested);
                ChangeStatus::Approved
            }
            Verdict::Reject => ChangeStatus::Rejected,
        };
        profile.pending_change_id = None;
        profile.version = expected + 1;
        profile.updated_at = now;
        let mut decided = change;
        decided.status = status;
        decided.decided_at = Some(now);
        decided.decided_by = Some(call.caller().sub.clone());
        decided.reason = reason.clone();
        Ok(
            match store
                .decide(
                    &patient_access,
                    &profile,
                    expected,
                    &decided,
                    &matched_before,
                )
                .await?
            {
                Ok(()) => Ok(decided),
                // The patient changed their profile since this attempt read it: read it again
                // and re-apply.
                Err(DecisionConflict::Lost(_)) => Err(LostWrite::Contention.into()),
                Err(conflict) => Err(conflict),
            },
        )
    })
    .await?;
    match decided {
        Ok(decided) => json(StatusCode::OK, &ChangeReviewView::from(&decided)),
        Err(DecisionConflict::AlreadyDecided) => Err(already_decided()),
        Err(DecisionConflict::Lost(_)) => Err(ApiError::Conflict(
            "The patient's profile kept changing while this decision was saved; try again.".into(),
        )),
    }
}

fn already_decided() -> ApiError {
    ApiError::Conflict("This change request has already been decided.".into())
}

/// A rejection must say why (the patient sees it); an approval may add a note. Plain text
/// with line breaks ([`portal_shared::domain::text::plain_text`]).
fn checked_reason(decision: &Decision) -> Result<Option<String>, ApiError> {
    let reason = decision
        .reason
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| portal_shared::domain::text::plain_text(r, MAX_REASON_CHARS, true))
        .transpose()
        .map_err(|message| ApiError::invalid("reason", message))?;
    match (decision.decision, reason) {
        (Verdict::Reject, None) => Err(ApiError::invalid(
            "reason",
            "is required when rejecting: the patient sees it",
        )),
        (_, reason) => Ok(reason),
    }
}
