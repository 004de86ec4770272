//! The publisher: tells each due announcement's audience through the notifications' outbox,
//! every recipient exactly once. Run every five minutes by the `announcements` job
//! ([`publish_due`]) and, best effort, by the request that creates an announcement due at
//! once ([`publish_one`]); both may run at the same time on one announcement.
//!
//! Announcements wait on GSI1 `ANNOUNCEMENTS_TO_SEND` until told. For each due one (read
//! again, consistently, for its saved cursor): an expired one is marked sent without telling
//! anyone; otherwise its audience is read a page at a time from the saved cursor
//! ([`audience`]), each recipient told in one transaction with its marker ([`telling`]), a few
//! at a time ([`CONCURRENCY`]); the cursor is saved after each page, and the announcement is
//! marked sent (leaving GSI1) when its audience is exhausted. A page with a failure is not
//! passed: the next run tells its rest (the markers skip who was told). A run starts no new
//! page after its [`budget`].
//!
//! Staff audiences are told member by member (`Recipient::StaffMember`), deduplicated by
//! account across roles: the sender sends nothing for a `StaffTeam`.

mod audience;
mod budget;
mod cursor;
mod telling;

use std::collections::HashSet;

use futures::StreamExt;
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Recipient;
use serde::Serialize;
use tracing::Instrument;

use crate::Deps;
use crate::announcements::model::{Announcement, State};
use crate::announcements::repo::AnnouncementStore;

use self::budget::Budget;
use self::cursor::Cursor;
use self::telling::Told;

pub use self::audience::staff_members;

/// How many recipients' transactions are in flight at once.
pub const CONCURRENCY: usize = 8;

/// How many due announcements one run lists (a practice announces a few a month).
const DUE_PER_RUN: i32 = 25;

/// What one run of the publisher did.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishSummary {
    /// Due announcements this run worked on.
    pub announcements: usize,
    /// Recipients newly told.
    pub told: usize,
    /// Recipients or announcements left for the next run by an error.
    pub failed: usize,
    /// Recipients told before (by an earlier or a concurrent run): skipped.
    pub already_told: usize,
    /// Announcements whose whole audience has now been told (marked sent).
    pub finished: usize,
    /// Announcements that ended before they were sent: marked sent, nobody told.
    pub expired: usize,
    /// Announcements the run's time ran out on (resumed by the next run).
    pub unfinished: usize,
}

impl PublishSummary {
    fn add(&mut self, other: PublishSummary) {
        self.announcements += other.announcements;
        self.told += other.told;
        self.failed += other.failed;
        self.already_told += other.already_told;
        self.finished += other.finished;
        self.expired += other.expired;
        self.unfinished += other.unfinished;
    }
}

fn store(deps: &Deps) -> AnnouncementStore<'_> {
    AnnouncementStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// Tells the audience of every announcement due at `now`, for about [`budget::JOB`].
pub async fn publish_due(deps: &Deps, now: Timestamp) -> Result<PublishSummary, ApiError> {
    let budget = Budget::starting_now(budget::JOB);
    let store = store(deps);
    let mut summary = PublishSummary::default();
    for listed in store.due(now, DUE_PER_RUN).await? {
        if budget.spent() {
            summary.unfinished += 1;
            continue;
        }
        let id = listed.announcement_id;
        // GSI1 is eventually consistent: the item itself says whether it is still unsent,
        // and where the last run stopped.
        let current = match store.load(id).await {
            Ok(Some(current)) if !current.sent => current,
            Ok(_) => continue,
            Err(error) => {
                summary.failed += 1;
                tracing::warn!(announcement = %id, problem = error.slug(), "reading a due announcement failed");
                continue;
            }
        };
        let span = tracing::info_span!("announcement", announcement = %id);
        let done = publish(deps, &store, &current, now, &budget)
            .instrument(span)
            .await;
        summary.add(done);
    }
    Ok(summary)
}

/// Tells `announcement`'s audience now, for about [`budget::REQUEST`]: for the request that
/// created it (nothing happens when it is not due yet); the job finishes what it leaves.
pub async fn publish_one(
    deps: &Deps,
    announcement: &Announcement,
    now: Timestamp,
) -> Result<PublishSummary, ApiError> {
    if announcement.sent || announcement.state(now) == State::Scheduled {
        return Ok(PublishSummary::default());
    }
    let budget = Budget::starting_now(budget::REQUEST);
    let span = tracing::info_span!("announcement", announcement = %announcement.announcement_id);
    Ok(publish(deps, &store(deps), announcement, now, &budget)
        .instrument(span)
        .await)
}

/// One announcement, from its saved cursor, until its audience is exhausted, a page fails or
/// the budget is spent. Errors are counted (and logged), never returned: the next
/// announcement still gets its turn.
async fn publish(
    deps: &Deps,
    store: &AnnouncementStore<'_>,
    announcement: &Announcement,
    now: Timestamp,
    budget: &Budget,
) -> PublishSummary {
    let mut summary = PublishSummary {
        announcements: 1,
        ..PublishSummary::default()
    };
    let id = announcement.announcement_id;
    if announcement.state(now) == State::Expired {
        match store.mark_sent(id, now).await {
            Ok(()) => summary.expired += 1,
            Err(error) => {
                summary.failed += 1;
                tracing::warn!(
                    problem = error.slug(),
                    "marking an ended announcement failed"
                );
            }
        }
        return summary;
    }
    let mut cursor = Cursor::read(announcement.send_cursor.as_deref());
    // Within this run, a person met twice (a staff member in two roles) is told once without
    // a second transaction; across runs, the markers see to it.
    let mut met: HashSet<String> = HashSet::new();
    loop {
        if budget.spent() {
            summary.unfinished += 1;
            tracing::info!(told = summary.told, "out of time: the next run resumes");
            return summary;
        }
        let page = match audience::page(deps, &announcement.audience, &cursor).await {
            Ok(page) => page,
            Err(error) => {
                summary.failed += 1;
                tracing::warn!(problem = error.slug(), "reading the audience failed");
                return summary;
            }
        };
        let fresh: Vec<(Recipient, String)> = page
            .recipients
            .into_iter()
            .filter_map(|recipient| {
                let key = telling::recipient_key(&recipient)?;
                met.insert(key.clone()).then_some((recipient, key))
            })
            .collect();
        let outcome = tell_all(deps, announcement, fresh, now).await;
        summary.told += outcome.told;
        summary.already_told += outcome.already_told;
        if outcome.failed > 0 {
            // The cursor stays at this page's start: the next run tells the rest of it.
            summary.failed += outcome.failed;
            tracing::warn!(
                failed = outcome.failed,
                told = summary.told,
                "telling part of the audience failed: the next run tries again"
            );
            return summary;
        }
        let Some(next) = page.next else {
            match store.mark_sent(id, now).await {
                Ok(()) => summary.finished += 1,
                Err(error) => {
                    summary.failed += 1;
                    tracing::warn!(
                        problem = error.slug(),
                        "marking an announcement sent failed"
                    );
                }
            }
            tracing::info!(
                told = summary.told,
                already_told = summary.already_told,
                "announcement sent"
            );
            return summary;
        };
        let saved = match next.to_saved() {
            Ok(saved) => store.save_cursor(id, Some(&saved)).await,
            Err(error) => Err(error),
        };
        if let Err(error) = saved {
            // Not fatal: without it the next run starts over, and the markers skip who was told.
            tracing::warn!(problem = error.slug(), "saving the resume point failed");
        }
        cursor = next;
    }
}

/// What telling one page did.
#[derive(Debug, Default)]
struct PageOutcome {
    told: usize,
    already_told: usize,
    failed: usize,
}

/// Tells each recipient (with its marker key) in its own transaction, [`CONCURRENCY`] at a time.
async fn tell_all(
    deps: &Deps,
    announcement: &Announcement,
    recipients: Vec<(Recipient, String)>,
    now: Timestamp,
) -> PageOutcome {
    let platform = &deps.platform;
    let outcomes: Vec<Result<Told, ApiError>> = futures::stream::iter(recipients)
        .map(|(recipient, key)| async move {
            let items = telling::telling(&platform.app_table, announcement, recipient, &key, now)?;
            telling::tell(&platform.dynamo, items).await
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut page = PageOutcome::default();
    for outcome in outcomes {
        match outcome {
            Ok(Told::Told) => page.told += 1,
            Ok(Told::AlreadyTold) => page.already_told += 1,
            Err(error) => {
                if page.failed == 0 {
                    tracing::warn!(problem = error.slug(), "telling a recipient failed");
                }
                page.failed += 1;
            }
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_adds_up_and_names_its_fields_for_the_log() {
        let mut total = PublishSummary::default();
        total.add(PublishSummary {
            announcements: 1,
            told: 3,
            already_told: 1,
            finished: 1,
            ..PublishSummary::default()
        });
        total.add(PublishSummary {
            announcements: 1,
            failed: 2,
            unfinished: 1,
            ..PublishSummary::default()
        });
        let json = serde_json::to_value(&total).expect("json");
        assert_eq!(json["announcements"], 2);
        assert_eq!(json["told"], 3);
        assert_eq!(json["alreadyTold"], 1);
        assert_eq!(json["failed"], 2);
        assert_eq!(json["finished"], 1);
        assert_eq!(json["unfinished"], 1);
        assert_eq!(json["expired"], 0);
    }
}
