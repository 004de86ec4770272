//! What the handlers of a patient's appointments share: the appointment the path names (read
//! under the caller's authorised, audited access), the practice's notice periods, the check
//! that a start is a slot of the provider's published hours, and the problems they answer.

use std::time::Duration;

use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess, Relationship};

use crate::Deps;
use crate::model::schedule::{Schedule, VisitType};
use crate::model::{Appointment, Provider};

/// How long after the slot list a patient may still book its soonest slot.
const CHOOSING_GRACE: Duration = Duration::from_secs(5 * 60);

/// The patient and the appointment named in the path, for `action` (audited as an access to
/// that appointment, as it was asked for). A malformed or foreign id is 404.
pub async fn appointment_in_path(
    deps: &Deps,
    call: &Call,
    action: Action,
) -> Result<(PatientAccess, Appointment), ApiError> {
    let raw = call.path_param("appointmentId").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(call, action, AuditResource::appointment(&raw))
        .await?;
    let id = AppointmentId::parse(&raw).ok_or(ApiError::NotFound)?;
    let appointment = deps
        .appointments()
        .appointment(&access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((access, appointment))
}

/// The provider named by `{providerId}`; a malformed id is 404.
pub fn provider_in_path(call: &Call) -> Result<ProviderId, ApiError> {
    call.path_param("providerId")
        .and_then(|raw| ProviderId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// Whether the patient or a caregiver acts for themselves online (the practice's notice
/// periods apply), rather than staff.
fn online(access: &PatientAccess) -> bool {
    matches!(
        access.relationship(),
        Relationship::Own | Relationship::Caregiver
    )
}

pub fn is_staff(access: &PatientAccess) -> bool {
    matches!(access.relationship(), Relationship::Staff(_))
}

/// Patients and caregivers change a visit online only up to the cancellation notice before
/// it; staff any time.
pub fn check_notice(
    deps: &Deps,
    access: &PatientAccess,
    start: Timestamp,
    now: Timestamp,
) -> Result<(), ApiError> {
    if online(access) && now.plus(deps.practice.cancellation_notice) > start {
        return Err(ApiError::Forbidden(
            "This appointment is too close to change online; please call the practice.",
        ));
    }
    Ok(())
}

/// Patients and caregivers book online only slots at least the practice's self-booking notice
/// ahead (so the practice can prepare and the patient can get there); sooner ones are the front
/// desk's, which is why they are not listed to them either.
pub fn check_booking_notice(
    deps: &Deps,
    access: &PatientAccess,
    start: Timestamp,
    now: Timestamp,
) -> Result<(), ApiError> {
    let notice = deps.practice.self_booking_notice;
    // A slot listed to the patient stays bookable for the few minutes they take to choose it.
    if online(access) && start < now.plus(notice).minus(CHOOSING_GRACE) {
        return Err(ApiError::invalid(
            "start",
            format!(
                "is sooner than visits can be booked online (at least {} minutes ahead); please call the practice",
                notice.as_secs() / 60
            ),
        ));
    }
    Ok(())
}

/// The visit's start must be a slot of the provider's published hours, in the future.
pub async fn check_slot(
    deps: &Deps,
    provider: &Provider,
    visit: &VisitType,
    start: Timestamp,
    now: Timestamp,
) -> Result<(), ApiError> {
    let not_a_slot = || {
        ApiError::invalid(
            "start",
            "is not a future slot of this provider's published hours for this visit type",
        )
    };
    let stored = deps
        .providers()
        .schedule(provider.provider_id)
        .await?
        .ok_or_else(not_a_slot)?;
    let published = Schedule::parse(&stored.doc)?;
    let found = published.slots(
        &deps.practice.zone,
        visit.minutes,
        start,
        start.plus(Duration::from_secs(1)),
        now,
    );
    if found.first() == Some(&start) {
        Ok(())
    } else {
        Err(not_a_slot())
    }
}

/// The visit type a stored appointment was booked as.
pub fn visit_of(appointment: &Appointment) -> Result<&'static VisitType, ApiError> {
    crate::model::schedule::visit_type(&appointment.visit_type)
        .ok_or_else(|| ApiError::internal("stored visit type unknown"))
}

pub fn slot_taken() -> ApiError {
    ApiError::Conflict("This slot was just taken; please choose another one.".into())
}

/// A booking that kept losing to concurrent transactions on the same items: the slot may well
/// be free, so this is not "slot taken".
pub fn try_again() -> ApiError {
    ApiError::Conflict(
        "Many bookings of these times are being made right now; please try again in a moment."
            .into(),
    )
}

pub fn busy() -> ApiError {
    ApiError::Conflict(
        "Another change to this appointment happened at the same time; retry.".into(),
    )
}
