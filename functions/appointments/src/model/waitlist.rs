//! The waitlist: entries of patients who want an earlier slot, the offers that hold a freed
//! slot for one of them, and the markers of freed slots still to be offered. Pure rules.

use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::schedule;

/// A slot just freed, to be offered to the patients waiting for an earlier one. Its marker is
/// written by the transaction that frees the slot and removed once the offer step has run, so
/// an offer that never ran (the function died, the table was busy) is made by the sweeper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreedSlot {
    pub provider_id: ProviderId,
    pub slot_start: Timestamp,
    pub visit_type: String,
    /// The appointment not to offer it to (the one that held it and let it go).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<AppointmentId>,
    /// When it was freed: the marker is removed only by the step that wrote this one.
    pub freed_at: Timestamp,
}

impl FreedSlot {
    pub fn new(
        provider_id: ProviderId,
        slot_start: Timestamp,
        visit_type: &str,
        skip: Option<AppointmentId>,
    ) -> FreedSlot {
        FreedSlot {
            provider_id,
            slot_start,
            visit_type: visit_type.to_owned(),
            skip,
            freed_at: Timestamp::now(),
        }
    }
}

/// An earlier slot offered to a waiting patient, held for them until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub start: Timestamp,
    pub until: Timestamp,
}

/// A patient's wish for an earlier slot for one appointment (same provider and visit type).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntry {
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub visit_type: String,
    pub current_start: Timestamp,
    pub requested_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// Slots (their starts) this entry was offered and let lapse: never offered to it again,
    /// so a lapsed slot moves down the line instead of returning to the first patient.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed: Vec<Timestamp>,
}

/// The most lapsed slots one entry remembers (the oldest are forgotten first; past slots are
/// dropped at once: they are never offered).
pub const MAX_PASSED: usize = 50;

/// An offer has lapsed once its hold ends before `now` (an offer until `now` still holds).
pub fn lapsed(offer: Offer, now: Timestamp) -> bool {
    offer.until < now
}

impl WaitlistEntry {
    /// Whether this entry may be offered the slot at `slot_start` of `visit_type` now: same
    /// visit type, its appointment later than the slot, no offer in force, and not a slot it
    /// was offered before and let lapse.
    pub fn suits(&self, visit_type: &str, slot_start: Timestamp, now: Timestamp) -> bool {
        self.visit_type == visit_type
            && self.current_start > slot_start
            && self.offer.is_none_or(|offer| lapsed(offer, now))
            && !self.passed.contains(&slot_start)
    }

    /// The entry holding `offer`.
    pub fn offered(&self, offer: Offer) -> WaitlistEntry {
        WaitlistEntry {
            offer: Some(offer),
            ..self.clone()
        }
    }

    /// The entry once its lapsed `offer` is ended: no offer (it keeps its place in the line),
    /// and the slot remembered as passed, so it is never offered to this entry again and moves
    /// down the line. With the slot to offer on (never to this entry).
    pub fn lapse(&self, offer: Offer, now: Timestamp) -> (WaitlistEntry, FreedSlot) {
        let mut cleared = self.clone();
        cleared.offer = None;
        cleared.passed.retain(|start| *start > now);
        if !cleared.passed.contains(&offer.start) {
            cleared.passed.push(offer.start);
        }
        if cleared.passed.len() > MAX_PASSED {
            let excess = cleared.passed.len() - MAX_PASSED;
            cleared.passed.drain(..excess);
        }
        (cleared, self.released(offer))
    }

    /// The slot `offer` held for this entry, freed (to be offered on, never to this entry).
    pub fn released(&self, offer: Offer) -> FreedSlot {
        FreedSlot::new(
            self.provider_id,
            offer.start,
            &self.visit_type,
            Some(self.appointment_id),
        )
    }

    /// The units `offer` holds, of the entry's visit type.
    pub fn held_units(&self, offer: Offer) -> Result<Vec<Timestamp>, ApiError> {
        let visit = schedule::visit_type(&self.visit_type)
            .ok_or_else(|| ApiError::internal("stored visit type unknown"))?;
        Ok(schedule::units(offer.start, visit.minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn entry(visit: &str) -> WaitlistEntry {
        WaitlistEntry {
            appointment_id: AppointmentId::generate(),
            patient_id: PatientId::generate(),
            provider_id: ProviderId::generate(),
            visit_type: visit.into(),
            current_start: at("2026-03-09T09:00:00.000Z"),
            requested_at: at("2026-03-01T08:00:00.000Z"),
            offer: None,
            passed: Vec::new(),
        }
    }

    #[test]
    fn an_offer_lapses_only_after_its_hold() {
        let offer = Offer {
            start: at("2026-03-02T09:00:00.000Z"),
            until: at("2026-03-01T10:00:00.000Z"),
        };
        assert!(!lapsed(offer, at("2026-03-01T09:59:59.999Z")));
        assert!(!lapsed(offer, at("2026-03-01T10:00:00.000Z")));
        assert!(lapsed(offer, at("2026-03-01T10:00:00.001Z")));
    }

    #[test]
    fn an_offer_holds_every_unit_of_the_visit() {
        let offer = Offer {
            start: at("2026-03-02T09:00:00.000Z"),
            until: at("2026-03-01T10:00:00.000Z"),
        };
        let units = entry("new-patient")
            .held_units(offer)
            .expect("known visit type");
        assert_eq!(
            units,
            vec![
                at("2026-03-02T09:00:00.000Z"),
                at("2026-03-02T09:20:00.000Z")
            ]
        );
        assert_eq!(
            entry("follow-up").held_units(offer).expect("known").len(),
            1
        );
        assert!(entry("no-such-visit").held_units(offer).is_err());
    }

    #[test]
    fn a_slot_that_lapsed_is_never_offered_to_the_same_entry_again() {
        let slot = at("2026-03-02T09:00:00.000Z");
        let now = at("2026-03-01T10:00:00.000Z");
        let mut entry = entry("follow-up");
        assert!(entry.suits("follow-up", slot, now));
        assert!(!entry.suits("telehealth", slot, now));
        assert!(!entry.suits("follow-up", at("2026-03-10T09:00:00.000Z"), now));
        entry.passed.push(slot);
        assert!(!entry.suits("follow-up", slot, now));
        assert!(entry.suits("follow-up", at("2026-03-03T09:00:00.000Z"), now));
        entry.passed.clear();
        entry.offer = Some(Offer {
            start: at("2026-03-03T09:00:00.000Z"),
            until: at("2026-03-01T10:05:00.000Z"),
        });
        assert!(!entry.suits("follow-up", slot, now), "an offer in force");
    }

    #[test]
    fn a_lapsed_offer_is_cleared_and_its_slot_remembered() {
        let now = at("2026-03-01T10:00:00.000Z");
        let offer = Offer {
            start: at("2026-03-02T09:00:00.000Z"),
            until: at("2026-03-01T09:55:00.000Z"),
        };
        let mut held = entry("follow-up").offered(offer);
        held.passed.push(at("2026-02-01T09:00:00.000Z"));
        let (cleared, freed) = held.lapse(offer, now);
        assert_eq!(cleared.offer, None);
        assert_eq!(cleared.passed, vec![offer.start], "past slots are dropped");
        assert_eq!(freed.slot_start, offer.start);
        assert_eq!(freed.skip, Some(held.appointment_id));
    }
}
