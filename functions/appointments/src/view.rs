//! Appointments as the API shows them.

use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use serde::Serialize;

use crate::repo::{Appointment, CheckIn, Status};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentView<'a> {
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub provider_name: &'a str,
    pub visit_type: &'a str,
    pub start: Timestamp,
    pub end: Timestamp,
    pub reason: &'a str,
    pub status: Status,
    pub booked_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<Timestamp>,
    pub checked_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in: Option<&'a CheckIn>,
}

impl<'a> AppointmentView<'a> {
    pub fn new(appointment: &'a Appointment) -> Self {
        AppointmentView {
            appointment_id: appointment.appointment_id,
            patient_id: appointment.patient_id,
            provider_id: appointment.provider_id,
            provider_name: &appointment.provider_name,
            visit_type: &appointment.visit_type,
            start: appointment.start,
            end: appointment.end,
            reason: &appointment.reason,
            status: appointment.status,
            booked_at: appointment.booked_at,
            cancelled_at: appointment.cancelled_at,
            checked_in: appointment.check_in.is_some(),
            check_in: appointment.check_in.as_ref(),
        }
    }
}
