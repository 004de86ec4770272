//! Appointments, waitlist entries and providers as the API shows them.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::json_with_headers;
use serde::Serialize;

use crate::model::{Appointment, CheckIn, Offer, Provider, Status, WaitlistEntry};

/// A provider as `GET /providers/{providerId}` answers it (and an edit): the provider, with
/// its version as the ETag the next edit must send.
pub fn provider_response(provider: &Provider) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        StatusCode::OK,
        provider,
        &[(header::ETAG, Version(provider.version).etag())],
    )
}

#[serde_with::skip_serializing_none]
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
    pub cancelled_at: Option<Timestamp>,
    pub checked_in: bool,
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

/// A waitlist entry as its patient sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    appointment_id: AppointmentId,
    requested_at: Timestamp,
    /// A slot held for this appointment, while the offer lasts.
    offer: Option<Offer>,
}

impl EntryView {
    pub fn new(entry: &WaitlistEntry, now: Timestamp) -> Self {
        EntryView {
            appointment_id: entry.appointment_id,
            requested_at: entry.requested_at,
            offer: entry.offer.filter(|offer| offer.until >= now),
        }
    }
}
