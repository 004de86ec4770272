//! Offering freed slots to the patients waiting for an earlier one, and passing lapsed offers
//! on. When a slot frees up (a cancellation, a move, an accepted offer, a lapsed hold), the
//! first waiting patient whose appointment is later gets an offer: the slot's units are held
//! for them for `WAITLIST_OFFER_MINUTES`, and a notification record (ids, date and time only)
//! is written for a sender. An offer that lapses passes to the next waiting patient: the
//! `waitlist-sweeper` function ([`sweep`]) finds lapsed offers in their expiry index every
//! minute, and an offer answered late is passed on at once ([`lapse`]). A lapsed hold never
//! blocks anyone: booking and the slot search treat it as free.
//!
//! Not a handler: the handlers that free slots and the sweeper call it. It acts for the
//! practice, for no caller: it reads the provider's line and writes other patients' entries,
//! each under a [`JobAccess`](portal_shared::policy::authz::JobAccess) of the waitlist job,
//! so the waiting patient's access log shows that the portal offered them a slot or ended
//! their lapsed offer.

use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::keys::{FREED_SLOT_SHARDS, OFFER_EXPIRY_SHARDS};
use portal_shared::platform::write::retry_on_contention;
use portal_shared::policy::audit::{AuditContext as _, AuditResource};
use portal_shared::policy::authz::{Action, JobRun, PracticeJob};
use serde::Serialize;
use tracing::Instrument as _;

use crate::Deps;
use crate::model::schedule;
use crate::model::waitlist::lapsed;
use crate::model::{FreedSlot, Offer};
use crate::store::{LapseConflict, OfferConflict};

/// How long a freed slot's own offer step may take before the sweeper takes it over: longer
/// than any function that frees slots runs.
const FREED_SLOT_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// Patients an offer is tried with (each whose entry changed under the offer passes it to the
/// next) before the slot is left simply open.
const OFFER_PATIENTS: usize = 5;

/// The waitlist job's run that follows up a request's change (a cancellation, a move, an
/// accepted or late-answered offer): its audit events carry the request's id.
pub fn following(call: &Call) -> JobRun {
    JobRun::new(PracticeJob::WaitlistOffers, call.request_id())
}

/// Offers a slot that has just been freed to the first waiting patient it suits (see
/// [`WaitlistEntry::suits`](crate::model::WaitlistEntry::suits); never `freed.skip`), then
/// removes the slot's marker. Called after the freeing transaction (which wrote the marker)
/// succeeded: should the offer fail, the marker stays and the sweeper offers the slot again
/// ([`reoffer_freed`]).
pub async fn offer_freed(deps: &Deps, run: &JobRun, freed: &FreedSlot) {
    if let Err(error) = offer_and_clear(deps, run, freed).await {
        tracing::warn!(
            provider = %freed.provider_id,
            problem = error.slug(),
            "waitlist offer not made; the sweeper tries again"
        );
    }
}

/// Offers the freed slot to the first patient it suits, then removes its marker (only once
/// the offer step has run to its end, so a failure leaves the marker for the sweeper).
async fn offer_and_clear(deps: &Deps, run: &JobRun, freed: &FreedSlot) -> Result<(), ApiError> {
    try_offer(
        deps,
        run,
        freed.provider_id,
        freed.slot_start,
        &freed.visit_type,
        freed.skip,
    )
    .await?;
    deps.waitlist().clear_freed(freed).await
}

/// What one attempt at an offer came to.
enum Offered {
    /// Made, or nothing to offer (nobody suits, the slot was taken meanwhile, it is too soon).
    Settled,
    /// This patient's entry changed under the offer: the next patient waiting.
    PassOver(AppointmentId),
}

async fn try_offer(
    deps: &Deps,
    run: &JobRun,
    provider: ProviderId,
    slot_start: Timestamp,
    visit_type: &str,
    skip: Option<AppointmentId>,
) -> Result<(), ApiError> {
    let Some(visit) = schedule::visit_type(visit_type) else {
        return Ok(());
    };
    let waitlist = deps.waitlist();
    // Entries whose own condition failed (accepted, cancelled or offered another slot between
    // the read and the write): the offer goes to the next patient instead.
    let mut passed_over: Vec<AppointmentId> = skip.into_iter().collect();
    for _ in 0..OFFER_PATIENTS {
        let passed_over_now = &passed_over;
        let waitlist = &waitlist;
        let outcome = retry_on_contention(|| async move {
            let now = Timestamp::now();
            // A slot sooner than patients may book online is the front desk's to fill.
            if slot_start < now.plus(deps.practice.self_booking_notice) {
                return Ok(Ok(Offered::Settled));
            }
            let line = waitlist.line(provider).await?;
            let Some(entry) = line.into_iter().find(|entry| {
                !passed_over_now.contains(&entry.appointment_id)
                    && entry.suits(visit.id, slot_start, now)
            }) else {
                return Ok(Ok(Offered::Settled));
            };
            let offer = Offer {
                start: slot_start,
                until: now.plus(deps.practice.offer_hold),
            };
            // The waiting patient's data is written from here on: prove and audit it.
            let access = deps
                .platform
                .authorize_job(
                    run,
                    entry.patient_id,
                    Action::OfferFreedSlot,
                    AuditResource::appointment(entry.appointment_id),
                )
                .await?;
            Ok(
                match waitlist.offer(&access, &entry, visit, offer, now).await? {
                    // Booked (or held) by someone meanwhile: nothing to offer.
                    Ok(()) | Err(OfferConflict::SlotTaken) => Ok(Offered::Settled),
                    Err(OfferConflict::EntryChanged) => Ok(Offered::PassOver(entry.appointment_id)),
                    // Lost to a concurrent transaction: read the line again and retry.
                    Err(OfferConflict::Contention) => Err(OfferConflict::Contention),
                },
            )
        })
        .await?;
        match outcome {
            Ok(Offered::Settled) => return Ok(()),
            Ok(Offered::PassOver(appointment)) => passed_over.push(appointment),
            Err(_) => break,
        }
    }
    Err(ApiError::Conflict(
        "The waitlist kept changing; the slot is left open.".into(),
    ))
}

/// Offers again, once, every slot whose marker is older than [`FREED_SLOT_GRACE`] (its own step
/// died or failed), and removes the markers of past slots. Offering is safe to repeat: a slot
/// already offered (held) or booked is not offered twice. Returns (offered again, failed).
async fn reoffer_freed(deps: &Deps, run: &JobRun, now: Timestamp) -> (usize, usize) {
    let waitlist = deps.waitlist();
    let before = now.minus(FREED_SLOT_GRACE);
    let (mut offered, mut failed) = (0, 0);
    for shard in 0..FREED_SLOT_SHARDS {
        let markers = match waitlist.freed_slots(shard, before).await {
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
                offer_and_clear(deps, run, &freed).instrument(span).await
            } else {
                waitlist.clear_freed(&freed).await
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
    let run = &JobRun::start(PracticeJob::WaitlistOffers);
    let waitlist = deps.waitlist();
    let mut report = SweepReport::default();
    for shard in 0..OFFER_EXPIRY_SHARDS {
        for entry in waitlist.lapsed_offers(shard, now).await? {
            report.found += 1;
            let span = tracing::info_span!("lapse", appointment = %entry.appointment_id);
            let ended = lapse(
                deps,
                run,
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
    let (reoffered, failed) = reoffer_freed(deps, run, now).await;
    report.freed_slots_reoffered = reoffered;
    report.failed += failed;
    Ok(report)
}

/// Ends the lapsed offer of one waitlist entry (the provider's, asked at `requested_at`, for
/// `appointment`), in one transaction conditioned on the entry still holding that very offer
/// (see [`WaitlistEntry::lapse`](crate::model::WaitlistEntry::lapse) and
/// [`Waitlist::end_offer`](crate::store::Waitlist::end_offer)), and then offers the slot to the
/// next patient waiting (never one who let this slot lapse). The patient's own appointment is
/// untouched. `false` when there was nothing to do: no such entry, no offer (accepted, ended
/// already), or an offer that has not lapsed by `now`.
pub async fn lapse(
    deps: &Deps,
    run: &JobRun,
    provider: ProviderId,
    requested_at: Timestamp,
    appointment: AppointmentId,
    now: Timestamp,
) -> Result<bool, ApiError> {
    let waitlist = &deps.waitlist();
    // The index is eventually consistent and a retry must see the latest: read the entry itself.
    let outcome = retry_on_contention(|| async move {
        let Some(entry) = waitlist
            .entry_at(provider, requested_at, appointment)
            .await?
        else {
            return Ok(Ok(None));
        };
        let Some(offer) = entry.offer.filter(|offer| lapsed(*offer, now)) else {
            return Ok(Ok(None));
        };
        let access = deps
            .platform
            .authorize_job(
                run,
                entry.patient_id,
                Action::EndLapsedOffer,
                AuditResource::appointment(entry.appointment_id),
            )
            .await?;
        let (cleared, freed) = entry.lapse(offer, now);
        Ok(waitlist
            .end_offer(&access, &entry, offer, &cleared, &freed)
            .await?
            .map(|()| Some(freed)))
    })
    .await?;
    match outcome {
        Ok(Some(freed)) => {
            offer_freed(deps, run, &freed).await;
            Ok(true)
        }
        // Nothing to do, or someone else ended or answered the offer.
        Ok(None) | Err(LapseConflict::EntryChanged) => Ok(false),
        Err(LapseConflict::UnitChanged | LapseConflict::Contention) => Err(ApiError::Conflict(
            "The lapsed offer kept changing; the next sweep ends it.".into(),
        )),
    }
}
