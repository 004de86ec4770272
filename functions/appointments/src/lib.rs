//! The appointments function: find a provider and an open slot, book it, cancel or reschedule
//! it, check in online; the front desk publishes providers' hours and sees the day.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `GET  /visit-types` — what can be booked, how long it lasts, who may book it, and its
//!   check-in questionnaire (configuration compiled into the function).
//! - `GET  /providers` (`?specialty=&acceptingNewPatients=`), `GET /providers/{providerId}`.
//! - `POST /staff/providers` — the front desk adds a provider to the directory.
//! - `PATCH /staff/providers/{providerId}` — the front desk edits a provider (`If-Match`
//!   required; see `provider_edit`).
//! - `PUT  /staff/providers/{providerId}/schedule` — the front desk publishes weekly hours,
//!   closed dates and one-off blocks, in the practice's time zone (`If-Match` required).
//! - `GET  /providers/{providerId}/schedule` — the schedule as published, with its ETag (the
//!   front desk and clinicians).
//! - `GET  /providers/{providerId}/slots?from=&to=&visitType=` — open slots (UTC instants).
//! - `POST /patients/{patientId}/appointments` — book (the slot's units and the appointment in
//!   one transaction, with the booking-limit counter's condition).
//! - `GET  /patients/{patientId}/appointments?when=upcoming|past`, and one appointment
//!   `GET /patients/{patientId}/appointments/{appointmentId}` (where a booking's `Location`
//!   points).
//! - `POST /patients/{patientId}/appointments/{appointmentId}/cancel` and `.../reschedule`.
//! - `POST /patients/{patientId}/appointments/{appointmentId}/check-in`.
//! - `GET  /staff/appointments?date=&providerId=` — the day view, per practice or provider.
//!
//! - `POST /patients/{patientId}/appointments/{appointmentId}/waitlist` (and `GET`): ask for an
//!   earlier slot; `POST .../waitlist/accept` takes the slot an offer holds (see `waitlist` and
//!   `offers`).
//!
//! Feature switches ([`FEATURE_ROUTES`]): `online-booking` owns booking and rescheduling,
//! `waitlist` its three routes (join, show, accept an offer), `check-in` the check-in. When a
//! switch is off for the caller and patient, the feature's routes answer the `feature-off`
//! problem (403) after the usual authorisation. Seeing and cancelling appointments, the
//! provider directory, slots, schedules and the day view are never switched off (a patient can
//! always cancel a visit they cannot come to), and the sweeper, a practice job, is never gated.
//!
//! The `waitlist-sweeper` binary (a scheduled function, no routes) calls [`sweep`] every
//! minute: lapsed waitlist offers pass to the next patient waiting, and slots whose offer step
//! never finished (their freed-slot marker outlived it) are offered.
//!
//! Booking, moving (by hand or by accepting an offer) and cancelling each write the patient a
//! notification in the outbox (`appointment-booked`, `-moved`, `-cancelled`: the appointment's
//! id and start only, see `model::announcement`) in the transaction of the change, whoever
//! acts.
//!
//! Each booking also writes a reminder notification item (date and time only) due a day before
//! the visit, moved and removed with the appointment, for a sender to pick up (the sender itself
//! is not built) — unless the patient's profile says `communication.appointmentReminders:
//! false`. The preference is read when the visit is booked or moved: turning reminders off
//! later does not remove a reminder already written (the sender should check the preference
//! again when it sends).
//!
//! The shape: one handler file per route or pair of routes (`providers`, `provider_edit`, `schedules`,
//! `open_slots`, `book`, `read`, `cancel`, `reschedule`, `check_in`, `day`, `waitlist`), which
//! share `checks` (the appointment in the path, notice periods, problems) and `offers` (the
//! offering of freed slots and the sweep) and import no other handler; the domain and its pure
//! steps in `model`; storage by aggregate in `store`.

mod book;
mod cancel;
mod check_in;
mod checks;
mod config;
mod day;
mod model;
mod offers;
mod open_slots;
mod provider_edit;
mod providers;
mod read;
mod requests;
mod reschedule;
mod schedules;
mod store;
mod view;
mod waitlist;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};

pub use config::PracticeSettings;
pub use model::FreedSlot;
pub use model::schedule;
pub use offers::{SweepReport, lapse, sweep};

use crate::store::{Appointments, DayView, Providers, Slots, Table, Waitlist};

pub const VISIT_TYPES: Route = Route::new("GET", "/visit-types");
pub const LIST_PROVIDERS: Route = Route::new("GET", "/providers");
pub const GET_PROVIDER: Route = Route::new("GET", "/providers/{providerId}");
pub const ADD_PROVIDER: Route = Route::new("POST", "/staff/providers");
pub const EDIT_PROVIDER: Route = Route::new("PATCH", "/staff/providers/{providerId}");
pub const PUBLISH_SCHEDULE: Route = Route::new("PUT", "/staff/providers/{providerId}/schedule");
pub const GET_SCHEDULE: Route = Route::new("GET", "/providers/{providerId}/schedule");
pub const OPEN_SLOTS: Route = Route::new("GET", "/providers/{providerId}/slots");
pub const BOOK: Route = Route::new("POST", "/patients/{patientId}/appointments");
pub const LIST: Route = Route::new("GET", "/patients/{patientId}/appointments");
pub const GET_APPOINTMENT: Route =
    Route::new("GET", "/patients/{patientId}/appointments/{appointmentId}");
pub const CANCEL: Route = Route::new(
    "POST",
    "/patients/{patientId}/appointments/{appointmentId}/cancel",
);
pub const RESCHEDULE: Route = Route::new(
    "POST",
    "/patients/{patientId}/appointments/{appointmentId}/reschedule",
);
pub const CHECK_IN: Route = Route::new(
    "POST",
    "/patients/{patientId}/appointments/{appointmentId}/check-in",
);
pub const DAY_VIEW: Route = Route::new("GET", "/staff/appointments");
pub const JOIN_WAITLIST: Route = Route::new(
    "POST",
    "/patients/{patientId}/appointments/{appointmentId}/waitlist",
);
pub const SHOW_WAITLIST: Route = Route::new(
    "GET",
    "/patients/{patientId}/appointments/{appointmentId}/waitlist",
);
pub const ACCEPT_OFFER: Route = Route::new(
    "POST",
    "/patients/{patientId}/appointments/{appointmentId}/waitlist/accept",
);

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    VISIT_TYPES,
    LIST_PROVIDERS,
    GET_PROVIDER,
    ADD_PROVIDER,
    EDIT_PROVIDER,
    PUBLISH_SCHEDULE,
    GET_SCHEDULE,
    OPEN_SLOTS,
    BOOK,
    LIST,
    GET_APPOINTMENT,
    CANCEL,
    RESCHEDULE,
    CHECK_IN,
    DAY_VIEW,
    JOIN_WAITLIST,
    SHOW_WAITLIST,
    ACCEPT_OFFER,
];

/// The routes feature switches own.
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[
    (BOOK, Feature::OnlineBooking),
    (RESCHEDULE, Feature::OnlineBooking),
    (JOIN_WAITLIST, Feature::Waitlist),
    (SHOW_WAITLIST, Feature::Waitlist),
    (ACCEPT_OFFER, Feature::Waitlist),
    (CHECK_IN, Feature::CheckIn),
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    pub practice: PracticeSettings,
}

impl Deps {
    pub fn new(settings: &Settings, practice: PracticeSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
            practice,
        }
    }

    fn table(&self) -> Table<'_> {
        Table {
            dynamo: &self.platform.dynamo,
            name: &self.platform.app_table,
        }
    }

    fn slots(&self) -> Slots<'_> {
        Slots::new(self.table(), &self.practice.zone)
    }

    fn providers(&self) -> Providers<'_> {
        Providers::new(self.table())
    }

    fn appointments(&self) -> Appointments<'_> {
        Appointments::new(self.table(), self.slots())
    }

    fn waitlist(&self) -> Waitlist<'_> {
        Waitlist::new(self.table(), self.slots())
    }

    fn day_view(&self) -> DayView<'_> {
        DayView::new(self.table())
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(VISIT_TYPES) {
            providers::visit_types(&call)
        } else if call.is(LIST_PROVIDERS) {
            providers::list(deps, &call).await
        } else if call.is(GET_PROVIDER) {
            providers::get(deps, &call).await
        } else if call.is(ADD_PROVIDER) {
            providers::add(deps, &call).await
        } else if call.is(EDIT_PROVIDER) {
            provider_edit::handle(deps, &call).await
        } else if call.is(PUBLISH_SCHEDULE) {
            schedules::publish(deps, &call).await
        } else if call.is(GET_SCHEDULE) {
            schedules::read(deps, &call).await
        } else if call.is(OPEN_SLOTS) {
            open_slots::handle(deps, &call).await
        } else if call.is(BOOK) {
            book::handle(deps, &call).await
        } else if call.is(LIST) {
            read::list(deps, &call).await
        } else if call.is(GET_APPOINTMENT) {
            read::one(deps, &call).await
        } else if call.is(CANCEL) {
            cancel::handle(deps, &call).await
        } else if call.is(RESCHEDULE) {
            reschedule::handle(deps, &call).await
        } else if call.is(CHECK_IN) {
            check_in::handle(deps, &call).await
        } else if call.is(DAY_VIEW) {
            day::handle(deps, &call).await
        } else if call.is(JOIN_WAITLIST) {
            waitlist::join(deps, &call).await
        } else if call.is(SHOW_WAITLIST) {
            waitlist::show(deps, &call).await
        } else if call.is(ACCEPT_OFFER) {
            waitlist::accept(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
