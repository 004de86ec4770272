//! The job's work ([`compose_digest`], run every hour by the `digest` job): the most recent
//! week whose digest is due ([`due_week`]), unless it is written already, is composed from
//! what the tables say now and written once, with one outbox record per portal lead (the
//! members of the `portal-leads` group, read as the announcements' publisher reads a staff
//! group). A run that loses the race to another finds the digest there and writes nothing.

use std::time::Duration;

use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{Kind, Notification, Recipient};
use portal_shared::policy::caller::Role;
use serde::Serialize;

use crate::Deps;
use crate::announcements::staff_members;
use crate::digests::figures::{self, Window};
use crate::digests::id::DigestId;
use crate::digests::model::{Digest, FeedbackFigures, count};
use crate::digests::read;
use crate::digests::repo::{MAX_TRANSACTION_ITEMS, Written};
use crate::digests::store;
use crate::digests::week::{Week, due_week};

/// An unsent notice is stale once the next week's digest is due; TTL removes it.
const KEEP_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// Portal leads told in the digest's transaction (the digest is its other item).
pub const MAX_TOLD: usize = MAX_TRANSACTION_ITEMS - 1;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestSummary {
    /// The week considered (its Monday, the digest's id).
    pub week: Option<String>,
    /// Whether this run wrote its digest (`false`: it was there already).
    pub written: bool,
    /// Portal leads told.
    pub told: usize,
}

/// Composes and writes the digest due at `now`, if it is not written yet.
pub async fn compose_digest(deps: &Deps, now: Timestamp) -> Result<DigestSummary, ApiError> {
    let zone = &deps.targets.calendar().zone.zone;
    let week = due_week(zone, deps.weekly_digest_at.time(), now);
    let id = DigestId::of(week);
    let mut summary = DigestSummary {
        week: Some(id.to_string()),
        ..DigestSummary::default()
    };
    let store = store(deps);
    if store.exists(id).await? {
        return Ok(summary);
    }
    let window = match (week.starts_at(zone), week.ends_at(zone)) {
        (Some(start), Some(end)) => Window { start, end },
        _ => {
            return Err(ApiError::internal(
                "the week's bounds are not in the calendar",
            ));
        }
    };
    let digest = compose(deps, week, window, now).await?;
    let mut leads = staff_members(deps, Role::PortalLead).await?;
    if leads.len() > MAX_TOLD {
        tracing::warn!(
            leads = leads.len(),
            told = MAX_TOLD,
            "more portal leads than one transaction holds: the first are told"
        );
        leads.truncate(MAX_TOLD);
    }
    let outbox = leads
        .iter()
        .map(|lead| notice(&digest, lead.clone(), now).put(&deps.platform.app_table))
        .collect::<Result<Vec<_>, ApiError>>()?;
    if store.write(&digest, outbox).await? == Written::Written {
        summary.written = true;
        summary.told = leads.len();
    }
    Ok(summary)
}

/// The notice to one portal lead: the week and a few counts.
fn notice(
    digest: &Digest,
    lead: Recipient,
    now: Timestamp,
) -> Notification<portal_shared::features::notification::AboutDigest> {
    Notification::pending(
        Kind::WeeklyDigest,
        lead,
        digest.about(),
        now,
        now.plus(KEEP_FOR),
    )
}

/// The digest of `week` (its instants `window`) as the tables are at `now`.
async fn compose(
    deps: &Deps,
    week: Week,
    window: Window,
    now: Timestamp,
) -> Result<Digest, ApiError> {
    let (reports, incidents, days, ratings, suggestions) = futures::try_join!(
        read::reports(deps, window),
        read::incidents(deps),
        read::adoption_days(deps, week),
        read::rating_totals(deps, week),
        read::suggestions(deps, window),
    )?;
    let (open, resolved) = reports;
    let (made, waiting) = suggestions;
    Ok(Digest {
        digest_id: DigestId::of(week),
        from: week.id(),
        to: week.sunday().to_string(),
        created_at: now,
        reports: figures::reports(&open, &resolved, window, now),
        incidents: figures::incidents(&incidents, window),
        adoption: figures::adoption(&days, week),
        feedback: FeedbackFigures {
            ratings: ratings
                .iter()
                .filter_map(|(feature, stats)| figures::ratings(*feature, stats, week))
                .collect(),
            new_suggestions: count(made),
            suggestions_waiting: count(waiting),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_its_fields_for_the_log() {
        let json = serde_json::to_value(DigestSummary {
            week: Some("2026-11-30".into()),
            written: true,
            told: 2,
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"week": "2026-11-30", "written": true, "told": 2})
        );
    }
}
