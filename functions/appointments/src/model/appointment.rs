//! Appointments, the units of a provider's time they take, the booking-limit counter, and the
//! pure steps that book, cancel, move and check in: each returns what must change, for the
//! store to write in one transaction.

use std::collections::BTreeMap;
use std::time::Duration;

use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Kind;
use serde::{Deserialize, Serialize};

use crate::model::announcement::{Announcement, announcement};
use crate::model::provider::Provider;
use crate::model::schedule::{self, VisitType};
use crate::model::waitlist::{FreedSlot, Offer, WaitlistEntry};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Booked,
    Cancelled,
}

/// What the patient confirmed at online check-in (PHI: it stays in the patient's partition,
/// and `Debug` never shows it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckIn {
    pub phone: Sensitive<String>,
    pub email: Sensitive<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Insurance>,
    pub medications: Vec<Medication>,
    pub answers: BTreeMap<String, Sensitive<String>>,
    pub checked_in_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Insurance {
    pub carrier: Sensitive<String>,
    pub member_id: Sensitive<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_number: Option<Sensitive<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Medication {
    pub name: Sensitive<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<Sensitive<String>>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub provider_name: String,
    pub visit_type: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Why the patient booked (PHI).
    pub reason: Sensitive<String>,
    pub status: Status,
    pub booked_at: Timestamp,
    pub booked_by: String,
    #[serde(default)]
    pub cancelled_at: Option<Timestamp>,
    #[serde(default)]
    pub check_in: Option<CheckIn>,
    /// When the patient joined the provider's waitlist for an earlier slot (the key of the entry).
    #[serde(default)]
    pub waitlisted_at: Option<Timestamp>,
    /// When the reminder notification is due (the key of its item), while it is booked.
    #[serde(default)]
    pub reminder_at: Option<Timestamp>,
    pub version: u64,
}

/// One taken unit of a provider's time. The first unit of a visit ("head") is in the day view.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotUnit {
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub visit_type: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub head: bool,
    #[serde(default)]
    pub checked_in: bool,
    /// A unit held for a waitlist offer until then; a lapsed hold counts as free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<Timestamp>,
}

impl SlotUnit {
    /// A unit held for `entry`'s appointment by `offer` (never a head: holds stay out of the
    /// day view).
    pub fn hold(entry: &WaitlistEntry, visit: &VisitType, offer: Offer) -> SlotUnit {
        SlotUnit {
            appointment_id: entry.appointment_id,
            patient_id: entry.patient_id,
            provider_id: entry.provider_id,
            visit_type: visit.id.to_owned(),
            start: offer.start,
            end: schedule::plus_minutes(offer.start, visit.minutes),
            head: false,
            checked_in: false,
            hold_until: Some(offer.until),
        }
    }
}

/// The patient has as many upcoming appointments as the practice allows at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyUpcoming {
    pub max: usize,
}

/// The booking-limit counter: the patient's upcoming appointments (id → start) and a version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counter {
    #[serde(default)]
    pub upcoming: BTreeMap<String, Timestamp>,
    #[serde(default)]
    pub version: u64,
}

impl Counter {
    /// The counter with `appointment` counted in (visits that have begun dropped, the version
    /// one on), unless the patient holds `max` upcoming appointments already.
    pub fn admit(
        &self,
        appointment: &Appointment,
        now: Timestamp,
        max: usize,
    ) -> Result<Counter, TooManyUpcoming> {
        let mut next = self.clone();
        next.upcoming.retain(|_, start| *start > now);
        if next.upcoming.len() >= max {
            return Err(TooManyUpcoming { max });
        }
        next.upcoming
            .insert(appointment.appointment_id.to_string(), appointment.start);
        next.version = self.version + 1;
        Ok(next)
    }
}

/// How a change takes the units of the appointment's new time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taking {
    /// Units that must be free (or only held by a lapsed offer): a move by hand.
    Free,
    /// Units an offer holds for this appointment, while the hold lasts: an accepted offer.
    Held,
}

/// What becomes of the appointment's waitlist entry in a change.
#[derive(Debug, Clone)]
pub enum Waiting {
    /// The appointment was not waiting.
    No,
    /// Cancelled or moved by hand: the entry goes, and a slot its offer holds is freed with it
    /// (and offered on).
    Withdrawn(WaitlistEntry),
    /// The entry's offer was accepted: the entry goes, its held units become the visit's.
    Accepted(WaitlistEntry),
}

/// What one change of a booked appointment (cancelling it, moving it by hand, accepting an
/// offer) must write, all together or not at all: the appointment as it becomes, the units it
/// leaves and takes, its reminder, its waitlist entry, the slot it frees, and what tells the
/// patient of it.
#[derive(Debug, Clone)]
pub struct Change {
    pub appointment: Appointment,
    /// The version the change was based on (the write's condition).
    pub read_version: u64,
    pub old_units: Vec<Timestamp>,
    /// Empty when the appointment is cancelled.
    pub new_units: Vec<Timestamp>,
    pub taking: Taking,
    /// The reminder due before the change (deleted when the change moves or ends it).
    pub old_reminder: Option<Timestamp>,
    /// The slot the appointment leaves, to be offered to the patients waiting.
    pub freed: FreedSlot,
    pub waiting: Waiting,
    /// Tells the patient it was cancelled, or moved (to the new start).
    pub announcement: Announcement,
}

impl Change {
    pub fn cancelled(&self) -> bool {
        self.appointment.status == Status::Cancelled
    }
}

impl Appointment {
    /// A new booking of `visit` with `provider` at `start` (validated by the caller).
    #[allow(clippy::too_many_arguments)]
    pub fn book(
        patient: PatientId,
        provider: &Provider,
        visit: &VisitType,
        start: Timestamp,
        reason: Sensitive<String>,
        booked_by: String,
        wants_reminders: bool,
        now: Timestamp,
    ) -> Appointment {
        Appointment {
            appointment_id: AppointmentId::generate(),
            patient_id: patient,
            provider_id: provider.provider_id,
            provider_name: provider.name.clone(),
            visit_type: visit.id.to_owned(),
            start,
            end: schedule::plus_minutes(start, visit.minutes),
            reason,
            status: Status::Booked,
            booked_at: now,
            booked_by,
            cancelled_at: None,
            check_in: None,
            waitlisted_at: None,
            reminder_at: wants_reminders.then(|| schedule::reminder_at(start, now)),
            version: 1,
        }
    }

    /// What tells the patient of this new booking.
    pub fn booking_announcement(&self, now: Timestamp) -> Announcement {
        announcement(Kind::AppointmentBooked, self, now)
    }

    /// The units of provider time the visit takes.
    pub fn units(&self) -> Vec<Timestamp> {
        let minutes = (self.end.unix_seconds() - self.start.unix_seconds()) / 60;
        schedule::units(self.start, minutes)
    }

    /// The unit the visit takes at its start (`head`) or later.
    pub fn unit(&self, head: bool) -> SlotUnit {
        SlotUnit {
            appointment_id: self.appointment_id,
            patient_id: self.patient_id,
            provider_id: self.provider_id,
            visit_type: self.visit_type.clone(),
            start: self.start,
            end: self.end,
            head,
            checked_in: self.check_in.is_some(),
            hold_until: None,
        }
    }

    fn freed_slot(&self) -> FreedSlot {
        FreedSlot::new(self.provider_id, self.start, &self.visit_type, None)
    }

    /// Cancels the (booked) appointment: its units, reminder and waitlist entry go, and its
    /// slot is freed.
    pub fn cancel(mut self, waiting: Option<WaitlistEntry>, now: Timestamp) -> Change {
        let read_version = self.version;
        let old_units = self.units();
        let freed = self.freed_slot();
        let old_reminder = self.reminder_at.take();
        self.status = Status::Cancelled;
        self.cancelled_at = Some(now);
        self.version += 1;
        // A cancelled appointment waits for nothing.
        self.waitlisted_at = None;
        Change {
            announcement: announcement(Kind::AppointmentCancelled, &self, now),
            appointment: self,
            read_version,
            old_units,
            new_units: Vec::new(),
            taking: Taking::Free,
            old_reminder,
            freed,
            waiting: waiting.map_or(Waiting::No, Waiting::Withdrawn),
        }
    }

    /// Moves the appointment by hand to `start` (free units): a new time chosen by hand ends
    /// the wait for an earlier one.
    pub fn move_to(
        self,
        start: Timestamp,
        visit: &VisitType,
        wants_reminders: bool,
        waiting: Option<WaitlistEntry>,
        now: Timestamp,
    ) -> Change {
        let waiting = waiting.map_or(Waiting::No, Waiting::Withdrawn);
        self.moved(start, visit, wants_reminders, Taking::Free, waiting, now)
    }

    /// Moves the appointment into the slot `entry`'s offer holds for it.
    pub fn accept(
        self,
        entry: WaitlistEntry,
        offer: Offer,
        visit: &VisitType,
        wants_reminders: bool,
        now: Timestamp,
    ) -> Change {
        let waiting = Waiting::Accepted(entry);
        self.moved(
            offer.start,
            visit,
            wants_reminders,
            Taking::Held,
            waiting,
            now,
        )
    }

    fn moved(
        mut self,
        start: Timestamp,
        visit: &VisitType,
        wants_reminders: bool,
        taking: Taking,
        waiting: Waiting,
        now: Timestamp,
    ) -> Change {
        let read_version = self.version;
        let old_units = schedule::units(self.start, visit.minutes);
        let freed = self.freed_slot();
        let old_reminder = self.reminder_at;
        self.start = start;
        self.end = schedule::plus_minutes(start, visit.minutes);
        self.check_in = None;
        self.waitlisted_at = None;
        self.reminder_at = wants_reminders.then(|| schedule::reminder_at(start, now));
        self.version += 1;
        Change {
            new_units: schedule::units(start, visit.minutes),
            announcement: announcement(Kind::AppointmentMoved, &self, now),
            appointment: self,
            read_version,
            old_units,
            taking,
            old_reminder,
            freed,
            waiting,
        }
    }

    /// Records the check-in (replacing an earlier one); the version it was based on.
    pub fn record_check_in(&mut self, check_in: CheckIn) -> u64 {
        let read_version = self.version;
        self.check_in = Some(check_in);
        self.version += 1;
        read_version
    }

    /// Puts the (booked, upcoming) appointment on its provider's waitlist for an earlier slot:
    /// the entry, and the version the change was based on.
    pub fn join_waitlist(&mut self, now: Timestamp) -> (WaitlistEntry, u64) {
        let entry = WaitlistEntry {
            appointment_id: self.appointment_id,
            patient_id: self.patient_id,
            provider_id: self.provider_id,
            visit_type: self.visit_type.clone(),
            current_start: self.start,
            requested_at: now,
            offer: None,
            passed: Vec::new(),
        };
        let read_version = self.version;
        self.waitlisted_at = Some(now);
        self.version += 1;
        (entry, read_version)
    }
}

/// Check-in opens this long before the visit...
pub const OPENS_BEFORE: Duration = Duration::from_secs(7 * 24 * 3600);
/// ...and closes this long before it.
pub const CLOSES_BEFORE: Duration = Duration::from_secs(30 * 60);

/// Whether `now` is inside the check-in window of a visit at `start`.
pub fn check_in_open(start: Timestamp, now: Timestamp) -> bool {
    now.plus(CLOSES_BEFORE) <= start && start <= now.plus(OPENS_BEFORE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn provider() -> Provider {
        Provider {
            provider_id: ProviderId::generate(),
            name: "Dr Lee".into(),
            specialty: "family medicine".into(),
            accepting_new_patients: true,
            visit_types: vec!["new-patient".into()],
            created_at: at("2026-01-01T00:00:00Z"),
            version: 1,
        }
    }

    fn booked(start: &str) -> Appointment {
        let visit = schedule::visit_type("new-patient").expect("visit type");
        Appointment::book(
            PatientId::generate(),
            &provider(),
            visit,
            at(start),
            Sensitive("cough".into()),
            "sub".into(),
            true,
            at("2026-03-01T00:00:00Z"),
        )
    }

    #[test]
    fn the_counter_admits_up_to_the_limit_and_forgets_past_visits() {
        let now = at("2026-03-01T00:00:00Z");
        let mut counter = Counter::default();
        counter
            .upcoming
            .insert("past".into(), at("2026-02-01T00:00:00Z"));
        counter
            .upcoming
            .insert("soon".into(), at("2026-03-02T00:00:00Z"));
        let next = counter
            .admit(&booked("2026-03-05T14:00:00Z"), now, 2)
            .expect("one place left");
        assert_eq!(next.upcoming.len(), 2);
        assert_eq!(next.version, counter.version + 1);
        assert_eq!(
            next.admit(&booked("2026-03-06T14:00:00Z"), now, 2)
                .unwrap_err(),
            TooManyUpcoming { max: 2 }
        );
    }

    #[test]
    fn cancelling_frees_every_unit_and_ends_the_reminder_and_the_wait() {
        let mut appointment = booked("2026-03-05T14:00:00Z");
        appointment.waitlisted_at = Some(at("2026-03-01T00:00:00Z"));
        let version = appointment.version;
        let change = appointment.cancel(None, at("2026-03-02T00:00:00Z"));
        assert!(change.cancelled());
        assert_eq!(change.read_version, version);
        assert_eq!(change.appointment.version, version + 1);
        assert_eq!(
            change.old_units.len(),
            2,
            "a 40-minute visit takes two units"
        );
        assert!(change.new_units.is_empty());
        assert_eq!(change.old_reminder, Some(at("2026-03-04T14:00:00Z")));
        assert_eq!(change.appointment.reminder_at, None);
        assert_eq!(change.appointment.waitlisted_at, None);
        assert_eq!(change.freed.slot_start, at("2026-03-05T14:00:00Z"));
        assert_eq!(change.announcement.template, "appointment-cancelled");
        assert_eq!(change.announcement.about.start, at("2026-03-05T14:00:00Z"));
    }

    #[test]
    fn moving_takes_the_new_units_and_frees_the_old_slot() {
        let appointment = booked("2026-03-05T14:00:00Z");
        let visit = schedule::visit_type("new-patient").expect("visit type");
        let change = appointment.move_to(
            at("2026-03-05T14:20:00Z"),
            visit,
            false,
            None,
            at("2026-03-02T00:00:00Z"),
        );
        assert_eq!(
            change.new_units,
            vec![at("2026-03-05T14:20:00Z"), at("2026-03-05T14:40:00Z")]
        );
        assert_eq!(change.appointment.end, at("2026-03-05T15:00:00Z"));
        assert_eq!(change.taking, Taking::Free);
        assert_eq!(change.appointment.reminder_at, None, "reminders turned off");
        assert_eq!(change.freed.slot_start, at("2026-03-05T14:00:00Z"));
        assert_eq!(change.announcement.template, "appointment-moved");
        assert_eq!(
            change.announcement.about.start,
            at("2026-03-05T14:20:00Z"),
            "the new start"
        );
    }

    #[test]
    fn accepting_an_offer_takes_the_held_units_and_ends_the_wait() {
        let mut appointment = booked("2026-03-05T14:00:00Z");
        let (entry, _) = appointment.join_waitlist(at("2026-03-01T00:00:00Z"));
        let offer = Offer {
            start: at("2026-03-03T14:00:00Z"),
            until: at("2026-03-02T00:15:00Z"),
        };
        let visit = schedule::visit_type("new-patient").expect("visit type");
        let change = appointment.accept(
            entry.offered(offer),
            offer,
            visit,
            true,
            at("2026-03-02T00:00:00Z"),
        );
        assert_eq!(change.taking, Taking::Held);
        assert_eq!(change.announcement.template, "appointment-moved");
        assert_eq!(change.announcement.about.start, offer.start);
        assert!(matches!(change.waiting, Waiting::Accepted(_)));
        assert_eq!(change.appointment.start, offer.start);
        assert_eq!(change.appointment.waitlisted_at, None);
        assert_eq!(
            change.appointment.reminder_at,
            Some(at("2026-03-02T14:00:00Z"))
        );
        assert_eq!(change.old_reminder, Some(at("2026-03-04T14:00:00Z")));
        assert_eq!(change.freed.slot_start, at("2026-03-05T14:00:00Z"));
        assert_eq!(
            change.freed.skip, None,
            "the old slot may go to anyone waiting"
        );
    }

    #[test]
    fn the_booking_announcement_names_the_visit_by_id_and_time_only() {
        let appointment = booked("2026-03-05T14:00:00Z");
        let told = appointment.booking_announcement(at("2026-03-01T00:00:00Z"));
        assert_eq!(told.template, "appointment-booked");
        let json = serde_json::to_string(&told).expect("json");
        for private in ["cough", "Dr Lee", "new-patient"] {
            assert!(!json.contains(private), "{private} in {json}");
        }
        assert_eq!(told.expires_at, appointment.start.unix_seconds());
    }

    #[test]
    fn debug_never_shows_what_the_patient_wrote() {
        let appointment = booked("2026-03-05T14:00:00Z");
        assert!(!format!("{appointment:?}").contains("cough"));
    }

    #[test]
    fn the_window_runs_from_seven_days_to_thirty_minutes_before() {
        let start = Timestamp::parse("2026-06-10T14:00:00Z").expect("start");
        let at = |raw: &str| Timestamp::parse(raw).expect("now");
        assert!(!check_in_open(start, at("2026-06-03T13:59:59Z")));
        assert!(check_in_open(start, at("2026-06-03T14:00:00Z")));
        assert!(check_in_open(start, at("2026-06-10T13:30:00Z")));
        assert!(!check_in_open(start, at("2026-06-10T13:30:01Z")));
    }
}
