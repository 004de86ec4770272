//! What the patient is told when an appointment is booked, moved or cancelled (whoever acted:
//! the patient, a caregiver or the front desk): an outbox record
//! (`portal_shared::features::notification`) naming the appointment and its start, never the
//! provider, the visit type or the reason. It is written in the transaction of the change.

use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutAppointment, Kind, Notification, Recipient};

use crate::model::Appointment;

pub type Announcement = Notification<AboutAppointment>;

/// The record telling the patient of `kind` (booked, moved, cancelled) about `appointment` as
/// it is after the change (a move's new start). Kept until the visit's start: a notice about a
/// visit that has begun is moot.
pub fn announcement(kind: Kind, appointment: &Appointment, at: Timestamp) -> Announcement {
    Notification::pending(
        kind,
        Recipient::Patient {
            patient_id: appointment.patient_id,
        },
        AboutAppointment {
            appointment_id: appointment.appointment_id,
            start: appointment.start,
        },
        at,
        appointment.start,
    )
}
