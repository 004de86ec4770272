//! The `invitation-waves` job, run every minute: for each wave with members queued, one turn
//! of at most `ceil(ratePerHour / 60)` codes, no sooner after its last turn than the rate
//! allows (the wave's `nextIssueAt` marker, claimed by a conditional update, so concurrent runs
//! never share a turn). Each member is reached as the practice's job
//! (`PracticeJob::InvitationWaves`, `Action::IssueWaveInvitation`: authorised and audited in the
//! patient's log), then refused (no contact for the wave's channel, a suppressed address, an
//! account already) or issued a code the way the front desk's `deliverBy` issues one
//! (`portal_shared::features::activation`): the code and its outbox record for the sender,
//! written with the member's move and the counts, conditional on the member still being queued.

use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::activation::{self, NewCode, Unreachable};
use portal_shared::features::invitation_wave::{MemberStatus, Refusal, wave_code_expiry};
use portal_shared::features::sign_ins;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, JobRun, PracticeJob};
use serde::Serialize;
use tracing::Instrument;

use crate::Deps;
use crate::waves::model::Wave;
use crate::waves::repo::WaveStore;

/// A turn may start this much before the marker: the schedule fires about once a minute, not
/// on the millisecond, and a turn that just missed its marker would wait a whole minute more.
const EARLY: std::time::Duration = std::time::Duration::from_secs(5);

/// When the turn after one taken at `now` may come (epoch milliseconds), or `None` when `now`
/// is too early for a turn: the marker moves on by the wave's interval from where it was
/// (so turns that come a little early or late keep the rate on average), but never from
/// further back than [`EARLY`] before `now` (so a wave that waited does not burst).
fn next_turn(marker: Option<i64>, now: Timestamp, every: std::time::Duration) -> Option<i64> {
    let now = now.unix_millis();
    let early = i64::try_from(EARLY.as_millis()).unwrap_or(0);
    let every = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
    match marker {
        None => Some(now.saturating_add(every)),
        Some(marker) if now.saturating_add(early) < marker => None,
        Some(marker) => Some(marker.max(now - early).saturating_add(every)),
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WavesSummary {
    /// Waves with members queued.
    pub waves: usize,
    /// Waves whose turn this run took.
    pub turns: usize,
    pub invited: usize,
    pub refused: usize,
    /// Members another run (or a re-send) moved meanwhile.
    pub skipped: usize,
    /// Members left queued by an error (the next turn tries them again).
    pub failed: usize,
    /// Waves whose queue emptied.
    pub finished: usize,
}

/// One run of the job at `now` (the scheduled invocation passes the current time; tests pass
/// later times to play the next minutes).
pub async fn run_waves(deps: &Deps, now: Timestamp) -> Result<WavesSummary, ApiError> {
    let store = deps.waves();
    let run = JobRun::start(PracticeJob::InvitationWaves);
    let mut summary = WavesSummary::default();
    for wave in store.active().await? {
        summary.waves += 1;
        let span = tracing::info_span!("wave", wave_id = %wave.wave_id);
        let turn = one_turn(deps, &store, &run, wave, now).instrument(span);
        match turn.await {
            Ok(turn) => {
                summary.turns += usize::from(turn.taken);
                summary.invited += turn.invited;
                summary.refused += turn.refused;
                summary.skipped += turn.skipped;
                summary.failed += turn.failed;
                summary.finished += usize::from(turn.finished);
            }
            Err(error) => {
                summary.failed += 1;
                tracing::warn!(problem = error.slug(), "the wave's turn failed");
            }
        }
    }
    Ok(summary)
}

#[derive(Default)]
struct Turn {
    taken: bool,
    invited: usize,
    refused: usize,
    skipped: usize,
    failed: usize,
    finished: bool,
}

async fn one_turn(
    deps: &Deps,
    store: &WaveStore<'_>,
    run: &JobRun,
    listed: Wave,
    now: Timestamp,
) -> Result<Turn, ApiError> {
    let mut turn = Turn::default();
    if listed.queued <= 0 {
        turn.finished = store.finish_if_done(listed.wave_id).await?;
        return Ok(turn);
    }
    let (batch, every) = listed.pace();
    let Some(next) = next_turn(listed.next_issue_at, now, every) else {
        return Ok(turn);
    };
    let Some(wave) = store
        .claim_turn(listed.wave_id, listed.next_issue_at, next)
        .await?
    else {
        return Ok(turn);
    };
    turn.taken = true;
    // Read a few more than the batch: the queue's index may still list members issued a
    // moment ago.
    let limit = i32::try_from(batch * 2 + 5).unwrap_or(i32::MAX);
    let queued = store.queued(wave.wave_id, limit).await?;
    let day = sign_ins::day_of(deps.practice_zone.as_ref(), now);
    let mut done = 0;
    let mut rest_queued = false;
    for patient in queued.iter().copied() {
        if done == batch {
            rest_queued = true;
            break;
        }
        match member_turn(deps, store, run, &wave, patient, &day, now).await {
            Ok(Some(Issued::Invited)) => {
                done += 1;
                turn.invited += 1;
            }
            Ok(Some(Issued::Refused)) => {
                done += 1;
                turn.refused += 1;
            }
            Ok(None) => turn.skipped += 1,
            Err(error) => {
                done += 1;
                turn.failed += 1;
                tracing::warn!(
                    patient_id = %patient,
                    problem = error.slug(),
                    "a wave's member was left queued"
                );
            }
        }
    }
    if !rest_queued {
        // The queue may be empty now: the wave leaves the list if its count says so.
        turn.finished = store.finish_if_done(wave.wave_id).await?;
    }
    Ok(turn)
}

enum Issued {
    Invited,
    Refused,
}

/// One queued member: refused or issued a code; `None` if they were no longer queued.
async fn member_turn(
    deps: &Deps,
    store: &WaveStore<'_>,
    run: &JobRun,
    wave: &Wave,
    patient: PatientId,
    day: &str,
    now: Timestamp,
) -> Result<Option<Issued>, ApiError> {
    // Read first, so that a member issued by another run is not reached (and audited) again.
    match store.member(wave.wave_id, patient).await? {
        Some(member) if member.status == MemberStatus::Queued => {}
        _ => return Ok(None),
    }
    let access = deps
        .platform
        .authorize_job(
            run,
            patient,
            Action::IssueWaveInvitation,
            AuditResource::ActivationCodes,
        )
        .await?;
    let platform = &deps.platform;
    let (dynamo, table) = (&platform.dynamo, platform.app_table.as_str());
    let facts = activation::issuing_facts(dynamo, table, &access).await?;
    let refusal = match &facts {
        None => Some(Refusal::UnknownPatient),
        Some(facts) if facts.portal_account.is_some() => Some(Refusal::AlreadyActive),
        Some(facts) => match activation::reachable(dynamo, table, facts, wave.deliver_by).await? {
            Ok(()) => None,
            Err(Unreachable::NoContact) => Some(Refusal::NoContact),
            Err(Unreachable::Suppressed) => Some(Refusal::Suppressed),
        },
    };
    if let Some(reason) = refusal {
        return Ok(store
            .refuse(wave, patient, reason)
            .await?
            .then_some(Issued::Refused));
    }
    let expires = wave_code_expiry(now, wave.expires_in_days);
    let hasher = deps.platform.code_hasher().await?;
    let new = NewCode::by_wave(
        &hasher,
        &access,
        wave.wave_id,
        expires,
        wave.deliver_by,
        now,
    )?;
    Ok(store
        .issue(&access, wave, &new, day, now)
        .await?
        .then_some(Issued::Invited))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn turns_keep_the_interval_on_average_and_never_burst() {
        let minute = Duration::from_secs(60);
        let start = Timestamp::parse("2027-01-15T08:00:00Z").expect("timestamp");
        let at = |ms: u64| start.plus(Duration::from_millis(ms));
        let base = start.unix_millis();
        // The first turn: the next a minute on.
        assert_eq!(next_turn(None, at(0), minute), Some(base + 60_000));
        // Half a minute later: too early. Three seconds early: fine, and the marker keeps time.
        assert_eq!(next_turn(Some(base + 60_000), at(30_000), minute), None);
        assert_eq!(
            next_turn(Some(base + 60_000), at(57_000), minute),
            Some(base + 120_000)
        );
        // An hour late: one turn now, the next a minute on (no catching up).
        assert_eq!(
            next_turn(Some(base + 60_000), at(3_660_000), minute),
            Some(base + 3_660_000 - 5_000 + 60_000)
        );
    }
}
