//! The waitlist: a patient with a booked appointment asks for an earlier slot (same provider and
//! visit type). When a slot frees up (a cancellation, a reschedule, an accepted offer), the
//! first waiting patient whose appointment is later gets an offer: the slot's units are held for
//! them for `WAITLIST_OFFER_MINUTES`, and a notification record (ids, date and time only) is
//! written for a sender. Accepting moves the appointment in one transaction. An offer that
//! lapses passes to the next waiting patient: the `waitlist-sweeper` function ([`sweep`]) finds
//! lapsed offers in their expiry index every minute, and an offer answered late is passed on at
//! once. A lapsed hold never blocks anyone: booking and the slot search treat it as free.

use aws_sdk_dynamodb::types::TransactWriteItem;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::store::{Transacted, back_off, transact, transact_retrying};
use portal_shared::policy::authz::Action;
use serde::Serialize;
use tracing::Instrument as _;

use crate::Deps;
use crate::booking::{busy, load, slot_taken, unit_of};
use crate::repo::{Appointment, FreedSlot, Offer, SlotUnit, Status, WaitlistEntry};
use crate::schedule;
use crate::view::AppointmentView;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryView {
    appointment_id: AppointmentId,
    requested_at: Timestamp,
    /// A slot held for this appointment, while the offer lasts.
    offer: Option<Offer>,
}

impl EntryView {
    fn new(entry: &WaitlistEntry, now: Timestamp) -> Self {
        EntryView {
            appointment_id: entry.appointment_id,
            requested_at: entry.requested_at,
            offer: entry.offer.filter(|offer| offer.until >= now),
        }
    }
}

/// `POST .../{appointmentId}/waitlist`: 201 with the entry; 200 when it is waiting already.
pub async fn join(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_access, mut appointment) = load(deps, call, Action::ChangeAppointment).await?;
    let now = Timestamp::now();
    if appointment.status != Status::Booked || appointment.start <= now {
        return Err(ApiError::Conflict(
            "Only a booked, upcoming appointment can wait for an earlier slot.".into(),
        ));
    }
    let repo = deps.repo();
    if let Some(entry) = repo.waitlist_entry(&appointment).await? {
        return json(StatusCode::OK, &EntryView::new(&entry, now));
    }
    let entry = WaitlistEntry {
        appointment_id: appointment.appointment_id,
        patient_id: appointment.patient_id,
        provider_id: appointment.provider_id,
        visit_type: appointment.visit_type.clone(),
        current_start: appointment.start,
        requested_at: now,
        offer: None,
        passed: Vec::new(),
    };
    let read_version = appointment.version;
    appointment.waitlisted_at = Some(now);
    appointment.version += 1;
    let items = vec![
        repo.replace_appointment(&appointment, read_version)?,
        repo.put_entry(&entry, true)?,
    ];
    match transact_retrying(&deps.platform.dynamo, items).await? {
        Transacted::Done => json(StatusCode::CREATED, &EntryView::new(&entry, now)),
        Transacted::ConditionsFailed(_) | Transacted::Contention => Err(busy()),
    }
}

/// `GET .../{appointmentId}/waitlist`: the entry and any offer in force; 404 when not waiting.
pub async fn show(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_access, appointment) = load(deps, call, Action::ReadAppointments).await?;
    let entry = deps
        .repo()
        .waitlist_entry(&appointment)
        .await?
        .ok_or(ApiError::NotFound)?;
    json(StatusCode::OK, &EntryView::new(&entry, Timestamp::now()))
}

/// `POST .../{appointmentId}/waitlist/accept`: moves the appointment into the held slot (the
/// held units taken, the old ones freed, the entry removed, in one transaction); the freed slot
/// is offered on in turn. A lapsed offer is 409 and goes to the next waiting patient.
pub async fn accept(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, mut appointment) = load(deps, call, Action::ChangeAppointment).await?;
    let repo = deps.repo();
    let entry = repo
        .waitlist_entry(&appointment)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = Timestamp::now();
    let Some(offer) = entry.offer else {
        return Err(ApiError::Conflict(
            "There is no offer for this appointment yet.".into(),
        ));
    };
    if offer.until < now {
        // Passed on here or by a sweep running meanwhile: once either way.
        lapse(
            deps,
            entry.provider_id,
            entry.requested_at,
            entry.appointment_id,
            now,
        )
        .await?;
        return Err(ApiError::Conflict(
            "This offer has lapsed and passed to the next patient waiting.".into(),
        ));
    }
    if appointment.status != Status::Booked {
        return Err(ApiError::Conflict("This appointment was cancelled.".into()));
    }
    if offer.start <= now {
        // Only when the hold outlasts the slot's start (a practice's settings allow it).
        return Err(ApiError::Conflict(
            "The offered slot has already begun.".into(),
        ));
    }
    let visit = schedule::visit_type(&appointment.visit_type)
        .ok_or_else(|| ApiError::internal("stored visit type unknown"))?;
    let old_start = appointment.start;
    let old_units = schedule::units(old_start, visit.minutes);
    let old_reminder = appointment.reminder_at;
    let read_version = appointment.version;
    appointment.start = offer.start;
    appointment.end = schedule::plus_minutes(offer.start, visit.minutes);
    appointment.check_in = None;
    appointment.waitlisted_at = None;
    appointment.reminder_at = repo
        .wants_reminders(appointment.patient_id)
        .await?
        .then(|| schedule::reminder_at(offer.start, now));
    appointment.version += 1;
    let new_units = schedule::units(appointment.start, visit.minutes);
    let zone_date = schedule::local_date(&deps.practice.zone, appointment.start).to_string();
    let freed = FreedSlot::new(
        appointment.provider_id,
        old_start,
        &appointment.visit_type,
        None,
    );
    let mut items = vec![
        repo.replace_appointment(&appointment, read_version)?,
        repo.mark_freed(&freed)?,
    ];
    for at in old_units.iter().filter(|at| !new_units.contains(at)) {
        items.push(repo.free_unit(appointment.provider_id, *at, appointment.appointment_id)?);
    }
    let first_new = items.len();
    for (index, at) in new_units.iter().enumerate() {
        let unit = unit_of(&appointment, index == 0);
        items.push(if old_units.contains(at) {
            repo.rewrite_unit(&unit, *at, &zone_date)?
        } else {
            repo.take_held_unit(&unit, *at, &zone_date)?
        });
    }
    items.push(repo.delete_entry(&entry)?);
    items.push(repo.update_counter(
        access.patient(),
        appointment.appointment_id,
        Some(appointment.start),
    )?);
    if old_reminder != appointment.reminder_at {
        items.extend(repo.delete_reminder(old_reminder, appointment.appointment_id)?);
        items.extend(repo.put_reminder(&appointment)?);
    }
    match transact_retrying(&deps.platform.dynamo, items).await? {
        Transacted::Done => {
            offer_freed(deps, &freed).await;
            json(StatusCode::OK, &AppointmentView::new(&appointment))
        }
        Transacted::ConditionsFailed(failed)
            if failed
                .iter()
                .any(|index| *index >= first_new && *index < first_new + new_units.len()) =>
        {
            Err(slot_taken())
        }
        Transacted::ConditionsFailed(_) | Transacted::Contention => Err(busy()),
    }
}

/// Offers a slot that has just been freed to the first waiting patient it suits (see
/// [`suits`]; never `freed.skip`), then removes the slot's marker. Called after the freeing
/// transaction (which wrote the marker) succeeded: should the offer fail, the marker stays and
/// the sweeper offers the slot again ([`reoffer_freed`]).
pub async fn offer_freed(deps: &Deps, freed: &FreedSlot) {
    if let Err(error) = offer_and_clear(deps, freed).await {
        tracing::warn!(
            provider = %freed.provider_id,
            problem = error.slug(),
            "waitlist offer not made; the sweeper tries again"
        );
    }
}

/// Offers the freed slot to the first patient it suits, then removes its marker (only once
/// the offer step has run to its end, so a failure leaves the marker for the sweeper).
async fn offer_and_clear(deps: &Deps, freed: &FreedSlot) -> Result<(), ApiError> {
    try_offer(
        deps,
        freed.provider_id,
        freed.slot_start,
        &freed.visit_type,
        freed.skip,
    )
    .await?;
    deps.repo().clear_freed(freed).await
}

/// How long a freed slot's own offer step may take before the sweeper takes it over: longer
/// than any function that frees slots runs.
const FREED_SLOT_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// Offers again, once, every slot whose marker is older than [`FREED_SLOT_GRACE`] (its own step
/// died or failed), and removes the markers of past slots. Offering is safe to repeat: a slot
/// already offered (held) or booked is not offered twice. Returns (offered again, failed).
async fn reoffer_freed(deps: &Deps, now: Timestamp) -> (usize, usize) {
    let repo = deps.repo();
    let before = now.minus(FREED_SLOT_GRACE);
    let (mut offered, mut failed) = (0, 0);
    for shard in 0..portal_shared::platform::keys::FREED_SLOT_SHARDS {
        let markers = match repo.freed_slots(shard, before).await {
            Ok(markers) => markers,
            Err(error) => {
                failed += 1;
                tracing::warn!(shard, problem = error.slug(), "freed slots not read");
                continue;
            }
        };
        for freed in markers {
            let span = tracing::info_span!("reoffer", provider = %freed.provider_id);
            // A slot that has begun is offered to no one: its marker only goes.
            let upcoming = freed.slot_start > now;
            let result = if upcoming {
                offer_and_clear(deps, &freed).instrument(span).await
            } else {
                repo.clear_freed(&freed).await
            };
            match result {
                Ok(()) if upcoming => offered += 1,
                Ok(()) => {}
                Err(error) => {
                    failed += 1;
                    tracing::warn!(
                        provider = %freed.provider_id,
                        problem = error.slug(),
                        "freed slot not offered; the next sweep tries again"
                    );
                }
            }
        }
    }
    (offered, failed)
}

/// Whether `entry` may be offered the slot at `slot_start` of `visit_type` now: same visit
/// type, its appointment later than the slot, no offer in force, and not a slot it was offered
/// before and let lapse.
fn suits(entry: &WaitlistEntry, visit_type: &str, slot_start: Timestamp, now: Timestamp) -> bool {
    entry.visit_type == visit_type
        && entry.current_start > slot_start
        && entry.offer.is_none_or(|offer| lapsed(offer, now))
        && !entry.passed.contains(&slot_start)
}

/// Patients an offer is tried with before the slot is left simply open.
const OFFER_ATTEMPTS: u32 = 5;

async fn try_offer(
    deps: &Deps,
    provider: ProviderId,
    slot_start: Timestamp,
    visit_type: &str,
    skip: Option<AppointmentId>,
) -> Result<(), ApiError> {
    let Some(visit) = schedule::visit_type(visit_type) else {
        return Ok(());
    };
    let repo = deps.repo();
    // Entries whose own condition failed (accepted, cancelled or offered another slot between
    // the read and the write): the offer goes to the next patient instead.
    let mut passed_over: Vec<AppointmentId> = skip.into_iter().collect();
    for attempt in 1..=OFFER_ATTEMPTS {
        let now = Timestamp::now();
        // A slot sooner than patients may book online is the front desk's to fill.
        if slot_start < now.plus(deps.practice.self_booking_notice) {
            return Ok(());
        }
        let waiting = repo.waitlist(provider).await?;
        let Some(entry) = waiting.into_iter().find(|entry| {
            !passed_over.contains(&entry.appointment_id) && suits(entry, visit.id, slot_start, now)
        }) else {
            return Ok(());
        };
        let offer = Offer {
            start: slot_start,
            until: now.plus(deps.practice.offer_hold),
        };
        let zone_date = schedule::local_date(&deps.practice.zone, slot_start).to_string();
        let held = Appointment {
            appointment_id: entry.appointment_id,
            patient_id: entry.patient_id,
            provider_id: provider,
            provider_name: String::new(),
            visit_type: visit.id.to_owned(),
            start: slot_start,
            end: schedule::plus_minutes(slot_start, visit.minutes),
            reason: String::new(),
            status: Status::Booked,
            booked_at: now,
            booked_by: String::new(),
            cancelled_at: None,
            check_in: None,
            waitlisted_at: None,
            reminder_at: None,
            version: 0,
        };
        let mut items = Vec::new();
        for at in schedule::units(slot_start, visit.minutes) {
            let unit = SlotUnit {
                head: false,
                hold_until: Some(offer.until),
                ..unit_of(&held, false)
            };
            items.push(repo.take_unit(&unit, at, &zone_date)?);
        }
        let entry_index = items.len();
        let mut offered = entry.clone();
        offered.offer = Some(offer);
        items.push(repo.replace_entry_offer(&offered, entry.offer)?);
        items.push(repo.put_offer_notification(&entry, offer, now)?);
        match transact(&deps.platform.dynamo, items).await? {
            Transacted::Done => return Ok(()),
            // Booked (or held) by someone meanwhile: nothing to offer.
            Transacted::ConditionsFailed(failed) if failed.iter().any(|i| *i < entry_index) => {
                return Ok(());
            }
            // The entry changed under us: the next patient waiting.
            Transacted::ConditionsFailed(_) => passed_over.push(entry.appointment_id),
            // Lost to a concurrent transaction: read the line again and retry.
            Transacted::Contention => back_off(attempt).await,
        }
    }
    Err(ApiError::Conflict(
        "The waitlist kept changing; the slot is left open.".into(),
    ))
}

/// What one sweep did (returned by the scheduled function, so an invocation shows it).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepReport {
    /// Lapsed offers found in the expiry index.
    pub found: usize,
    /// Offers this sweep ended (slot released, passed on to the next patient waiting).
    pub lapsed: usize,
    /// Offers another sweep or a late answer ended first, or that are not lapsed after all.
    pub skipped: usize,
    /// Offers that could not be ended now, and freed slots that could not be offered now (both
    /// left for the next run).
    pub failed: usize,
    /// Freed slots whose own offer step never finished (the function died, the table was
    /// busy), offered by this sweep to the next patient waiting (or found taken already).
    pub freed_slots_reoffered: usize,
}

/// Ends every offer that lapsed before `now` and passes each slot to the next patient waiting
/// (see [`lapse`]), then offers every freed slot whose own offer step never finished (see
/// [`reoffer_freed`]). Safe to run concurrently and repeatedly: each offer is ended once, and
/// a slot is never offered to two patients.
pub async fn sweep(deps: &Deps, now: Timestamp) -> Result<SweepReport, ApiError> {
    let repo = deps.repo();
    let mut report = SweepReport::default();
    for shard in 0..portal_shared::platform::keys::OFFER_EXPIRY_SHARDS {
        for entry in repo.lapsed_offers(shard, now).await? {
            report.found += 1;
            let span = tracing::info_span!("lapse", appointment = %entry.appointment_id);
            let ended = lapse(
                deps,
                entry.provider_id,
                entry.requested_at,
                entry.appointment_id,
                now,
            );
            match ended.instrument(span).await {
                Ok(true) => report.lapsed += 1,
                Ok(false) => report.skipped += 1,
                Err(error) => {
                    report.failed += 1;
                    tracing::warn!(
                        appointment = %entry.appointment_id,
                        problem = error.slug(),
                        "lapsed offer not ended"
                    );
                }
            }
        }
    }
    let (reoffered, failed) = reoffer_freed(deps, now).await;
    report.freed_slots_reoffered = reoffered;
    report.failed += failed;
    Ok(report)
}

/// The units an offer holds, of the entry's visit type.
fn held_units(entry: &WaitlistEntry, offer: Offer) -> Result<Vec<Timestamp>, ApiError> {
    let visit = schedule::visit_type(&entry.visit_type)
        .ok_or_else(|| ApiError::internal("stored visit type unknown"))?;
    Ok(schedule::units(offer.start, visit.minutes))
}

/// Ends the lapsed offer of one waitlist entry (the provider's, asked at `requested_at`, for
/// `appointment`), in one transaction conditioned on the entry still holding that very offer:
/// the offer is cleared (the entry leaves the expiry index and keeps its place in the line),
/// the units it still holds are freed, and then the slot is offered to the next patient
/// waiting (never one who let this slot lapse: the entry remembers it in `passed`). The
/// patient's own appointment is untouched.
/// `false` when there was nothing to do: no such entry, no offer (accepted, ended already), or
/// an offer that has not lapsed by `now`.
pub async fn lapse(
    deps: &Deps,
    provider: ProviderId,
    requested_at: Timestamp,
    appointment: AppointmentId,
    now: Timestamp,
) -> Result<bool, ApiError> {
    let repo = deps.repo();
    // The index is eventually consistent and a retry must see the latest: read the entry itself.
    for attempt in 1..=3 {
        let Some(entry) = repo.entry_at(provider, requested_at, appointment).await? else {
            return Ok(false);
        };
        let Some(offer) = entry.offer.filter(|offer| lapsed(*offer, now)) else {
            return Ok(false);
        };
        let mut cleared = entry.clone();
        cleared.offer = None;
        // Never offered this slot again: it moves down the line.
        cleared.passed.retain(|start| *start > now);
        if !cleared.passed.contains(&offer.start) {
            cleared.passed.push(offer.start);
        }
        if cleared.passed.len() > MAX_PASSED {
            let excess = cleared.passed.len() - MAX_PASSED;
            cleared.passed.drain(..excess);
        }
        let freed = FreedSlot::new(
            entry.provider_id,
            offer.start,
            &entry.visit_type,
            Some(entry.appointment_id),
        );
        let mut items = vec![
            repo.replace_entry_offer(&cleared, Some(offer))?,
            repo.mark_freed(&freed)?,
        ];
        for at in held_units(&entry, offer)? {
            // A unit booked by someone after the hold lapsed is theirs: leave it.
            if repo
                .unit_held_for(entry.provider_id, at, entry.appointment_id, offer.until)
                .await?
            {
                items.push(repo.release_held_unit(
                    entry.provider_id,
                    at,
                    entry.appointment_id,
                    offer.until,
                )?);
            }
        }
        match transact(&deps.platform.dynamo, items).await? {
            Transacted::Done => {
                offer_freed(deps, &freed).await;
                return Ok(true);
            }
            // The entry changed: someone else ended or answered the offer.
            Transacted::ConditionsFailed(failed) if failed.contains(&0) => return Ok(false),
            // A unit was booked between the read and the write, or a race: read again.
            Transacted::ConditionsFailed(_) => continue,
            Transacted::Contention => back_off(attempt).await,
        }
    }
    Err(ApiError::Conflict(
        "The lapsed offer kept changing; the next sweep ends it.".into(),
    ))
}

/// For a cancellation or a reschedule by hand, which delete the entry in their transaction:
/// the writes that free the units the entry's offer still holds (none in `keep`, the units the
/// same transaction writes itself) with the freed slot's marker, and the slot to offer on once
/// it committed (with [`offer_freed`], skipping this appointment). Without this, a held slot would stay blocked
/// until its hold lapsed and then never be offered: the entry, and so its place in the
/// sweeper's index, is gone.
pub async fn release_offer(
    deps: &Deps,
    entry: &WaitlistEntry,
    keep: &[Timestamp],
) -> Result<(Vec<TransactWriteItem>, Option<FreedSlot>), ApiError> {
    let Some(offer) = entry.offer else {
        return Ok((Vec::new(), None));
    };
    let repo = deps.repo();
    let freed = FreedSlot::new(
        entry.provider_id,
        offer.start,
        &entry.visit_type,
        Some(entry.appointment_id),
    );
    let mut items = vec![repo.mark_freed(&freed)?];
    for at in held_units(entry, offer)? {
        if !keep.contains(&at)
            && repo
                .unit_held_for(entry.provider_id, at, entry.appointment_id, offer.until)
                .await?
        {
            items.push(repo.release_held_unit(
                entry.provider_id,
                at,
                entry.appointment_id,
                offer.until,
            )?);
        }
    }
    Ok((items, Some(freed)))
}

/// The most lapsed slots one entry remembers (the oldest are forgotten first; past slots are
/// dropped at once: they are never offered).
const MAX_PASSED: usize = 50;

/// An offer has lapsed once its hold ends before `now` (an offer until `now` still holds).
fn lapsed(offer: Offer, now: Timestamp) -> bool {
    offer.until < now
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::domain::ids::PatientId;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
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
        let entry = |visit: &str| WaitlistEntry {
            appointment_id: AppointmentId::generate(),
            patient_id: PatientId::generate(),
            provider_id: ProviderId::generate(),
            visit_type: visit.into(),
            current_start: at("2026-03-09T09:00:00.000Z"),
            requested_at: at("2026-03-01T08:00:00.000Z"),
            offer: None,
            passed: Vec::new(),
        };
        let offer = Offer {
            start: at("2026-03-02T09:00:00.000Z"),
            until: at("2026-03-01T10:00:00.000Z"),
        };
        let units = held_units(&entry("new-patient"), offer).expect("known visit type");
        assert_eq!(
            units,
            vec![
                at("2026-03-02T09:00:00.000Z"),
                at("2026-03-02T09:20:00.000Z")
            ]
        );
        assert_eq!(
            held_units(&entry("follow-up"), offer).expect("known").len(),
            1
        );
        assert!(held_units(&entry("no-such-visit"), offer).is_err());
    }

    #[test]
    fn a_slot_that_lapsed_is_never_offered_to_the_same_entry_again() {
        let slot = at("2026-03-02T09:00:00.000Z");
        let now = at("2026-03-01T10:00:00.000Z");
        let mut entry = WaitlistEntry {
            appointment_id: AppointmentId::generate(),
            patient_id: PatientId::generate(),
            provider_id: ProviderId::generate(),
            visit_type: "follow-up".into(),
            current_start: at("2026-03-09T09:00:00.000Z"),
            requested_at: at("2026-03-01T08:00:00.000Z"),
            offer: None,
            passed: Vec::new(),
        };
        assert!(suits(&entry, "follow-up", slot, now));
        assert!(!suits(&entry, "telehealth", slot, now));
        assert!(!suits(
            &entry,
            "follow-up",
            at("2026-03-10T09:00:00.000Z"),
            now
        ));
        entry.passed.push(slot);
        assert!(!suits(&entry, "follow-up", slot, now));
        assert!(suits(
            &entry,
            "follow-up",
            at("2026-03-03T09:00:00.000Z"),
            now
        ));
        entry.passed.clear();
        entry.offer = Some(Offer {
            start: at("2026-03-03T09:00:00.000Z"),
            until: at("2026-03-01T10:05:00.000Z"),
        });
        assert!(!suits(&entry, "follow-up", slot, now), "an offer in force");
    }
}
