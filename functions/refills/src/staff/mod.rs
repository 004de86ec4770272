//! The practice's side of refill requests (no feature switch: the practice keeps working the
//! requests it has): the queue (clinicians and front desk), one request with the patient's name
//! and birth date, claiming it for review and deciding it (clinicians alone), and marking an
//! approved one sent to the pharmacy (clinicians and front desk). Every request shown is an
//! access to its patient's data, audited in the patient's log.

mod decide;
mod decision;
mod get;
mod queue;
mod review;
mod sent;
mod view;

pub use decide::handle as decide;
pub use get::handle as get;
pub use queue::handle as queue;
pub use review::handle as review;
pub use sent::handle as sent;

use std::time::Duration;

use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::domain::ids::RefillId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutRefill, Kind, Notification, Recipient};
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess, StaffAccess};

use crate::Deps;
use crate::model::{RefillRequest, RefillStatus};
use crate::staff_repo::{NotMoved, StaffRefills};

/// Unsent outbox records are useless after this (as for the other features' news); TTL
/// removes them. The request itself shows the news after sign-in.
const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);

fn store(deps: &Deps) -> StaffRefills<'_> {
    StaffRefills::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The request named by `{refillId}`, for a caller allowed `action` on the staff side: the
/// staff check first (403 for another role, audited), then the request's patient, authorised
/// and audited as an access to that request. A malformed id, or one of no request, is 404.
async fn request_in_path(
    deps: &Deps,
    call: &Call,
    action: Action,
) -> Result<(StaffAccess, PatientAccess, RefillRequest), ApiError> {
    let authorizer = deps.platform.authorizer();
    let staff = authorizer.staff(call, action).await?;
    let raw = call.path_param("refillId").unwrap_or_default();
    let refill = RefillId::parse(&raw).ok_or(ApiError::NotFound)?;
    let store = store(deps);
    let patient = store
        .patient_of(&staff, refill)
        .await?
        .ok_or(ApiError::NotFound)?;
    let access = authorizer
        .patient_via_staff(
            call,
            &staff,
            patient,
            &AuditResource::Refill(refill.to_string()),
        )
        .await?;
    let request = store
        .request(&access, refill)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((staff, access, request))
}

/// The patient's news of `request`'s new status (approved, denied, visit-needed, sent): ids and
/// the status only, to the patient (the sender adds the caregivers whose scope covers it).
fn news_of(
    table: &str,
    request: &RefillRequest,
    now: Timestamp,
) -> Result<TransactWriteItem, ApiError> {
    Notification::pending(
        Kind::RefillDecided,
        Recipient::Patient {
            patient_id: request.patient_id,
        },
        AboutRefill {
            refill_id: request.refill_id,
            patient_id: request.patient_id,
            status: request.status.as_str().to_owned(),
        },
        now,
        now.plus(KEEP_FOR),
    )
    .put(table)
}

/// 409 `refill-closed`: the request is past what was asked of it (decided, sent or withdrawn).
fn closed(request: &RefillRequest) -> ApiError {
    ApiError::RefillClosed(format!(
        "This request is {} already: it can no longer be {}.",
        request.status,
        if request.status == RefillStatus::Approved {
            "reviewed or decided"
        } else {
            "changed"
        }
    ))
}

/// 409 `conflict`: a move lost a race with another write to the request (its version is no
/// longer the one read: another clinician's claim or decision, a withdrawal), or writes kept
/// colliding. The client reads the request again (then `refill-closed` if it has moved on).
fn lost(why: NotMoved) -> ApiError {
    ApiError::Conflict(
        match why {
            NotMoved::Changed => "Someone else changed this request a moment ago; read it again.",
            NotMoved::Contention => {
                "Someone else was changing this request at the same moment; read it again."
            }
        }
        .into(),
    )
}
