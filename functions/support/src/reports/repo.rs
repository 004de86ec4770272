//! Every read and write of problem reports. A report is one item (`keys::report`) beside its
//! timeline (`keys::report_event`) in the report's own partition, so one Query reads a report
//! with everything said about it. Every change rewrites the whole report item in one Put
//! conditioned on the version it was read at, with its new timeline entries (created, never
//! over an item) and the outbox records telling its reporters, in one transaction: the index
//! entries below move together with the state.
//!
//! Index entries of the report item (all sparse but GSI2):
//! - GSI1 `report_queue("open")` sorted by the due target ([`queue_position`], paused reports
//!   last), or `report_queue("resolved")` sorted by resolution time; a merged duplicate is in
//!   neither;
//! - GSI2 `reporter_reports(sub)` sorted by `createdAt#reportId` (the reporter's list);
//! - GSI3 `assigned_reports(sub)` with the open queue's sort key, while open, not merged and
//!   assigned.

use std::future::Future;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use portal_shared::ApiError;
use portal_shared::domain::ids::ReportId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, Transacted, string};
use portal_shared::platform::write::{Contended, retry_on_contention};
use portal_shared::policy::authz::StaffAccess;
use portal_shared::policy::caller::UserSub;
use serde::Serialize;

use crate::reports::model::{Duplicate, EntryKind, QueueState, Report, Side, TimelineEntry};

/// DynamoDB's limit of items in one transaction.
pub const MAX_TRANSACTION_ITEMS: usize = 100;

/// Where a paused report (waiting on its reporter) sorts in the open queue: after every real
/// due time.
const PAUSED_SORT: &str = "9999-12-31T23:59:59.999Z";

/// A report as stored, with its index attributes.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct StoredReport<'a> {
    #[serde(flatten)]
    report: &'a Report,
    #[serde(rename = "GSI1PK")]
    queue: Option<String>,
    #[serde(rename = "GSI1SK")]
    queue_sort: Option<String>,
    #[serde(rename = "GSI2PK")]
    reporter_list: String,
    #[serde(rename = "GSI2SK")]
    reporter_sort: String,
    #[serde(rename = "GSI3PK")]
    assigned: Option<String>,
    #[serde(rename = "GSI3SK")]
    assigned_sort: Option<String>,
}

fn paused_sort(report: &Report) -> Timestamp {
    // The constant always parses; the fallback only keeps this free of a panic path.
    Timestamp::parse(PAUSED_SORT).unwrap_or_else(|| {
        report
            .created_at
            .plus(std::time::Duration::from_secs(u64::MAX / 4))
    })
}

/// The report's place in the team's queues: which one, and its sort key there (`None` once
/// merged into another report).
pub fn queue_position(report: &Report) -> Option<(QueueState, String)> {
    if report.merged_into.is_some() {
        return None;
    }
    let id = report.report_id;
    Some(match QueueState::of(report.status) {
        QueueState::Resolved => (
            QueueState::Resolved,
            keys::report_queue_sort(report.resolved_at.unwrap_or(report.updated_at), id),
        ),
        QueueState::Open => (
            QueueState::Open,
            keys::report_queue_sort(report.due().unwrap_or_else(|| paused_sort(report)), id),
        ),
    })
}

fn stored(report: &Report) -> StoredReport<'_> {
    let queue = queue_position(report);
    let assigned = match (&queue, &report.assignee) {
        (Some((QueueState::Open, sort)), Some(assignee)) => {
            Some((keys::assigned_reports(assignee), sort.clone()))
        }
        _ => None,
    };
    StoredReport {
        report,
        queue: queue
            .as_ref()
            .map(|(state, _)| keys::report_queue(state.as_str())),
        queue_sort: queue.map(|(_, sort)| sort),
        reporter_list: keys::reporter_reports(&report.reporter.sub),
        reporter_sort: reporter_sort(report),
        assigned_sort: assigned.as_ref().map(|(_, sort)| sort.clone()),
        assigned: assigned.map(|(list, _)| list),
    }
}

/// The GSI2 sort key: `createdAt#reportId` (the same shape as the queue's).
fn reporter_sort(report: &Report) -> String {
    keys::report_queue_sort(report.created_at, report.report_id)
}

/// The table and index key attributes a page resumes after, for a report read from `index`.
fn position(report: &Report, index: &str) -> Item {
    let mut position = keys::report(report.report_id).attributes();
    let stored = stored(report);
    let (pk, sk) = match index {
        keys::GSI1 => (
            stored.queue.map(|pk| (keys::GSI1PK, pk)),
            stored.queue_sort.map(|sk| (keys::GSI1SK, sk)),
        ),
        keys::GSI3 => (
            stored.assigned.map(|pk| (keys::GSI3PK, pk)),
            stored.assigned_sort.map(|sk| (keys::GSI3SK, sk)),
        ),
        _ => (
            Some((keys::GSI2PK, stored.reporter_list)),
            Some((keys::GSI2SK, stored.reporter_sort)),
        ),
    };
    for (name, value) in pk.into_iter().chain(sk) {
        position.insert(name.to_owned(), string(value));
    }
    position
}

/// One change of one or more reports, written all or nothing.
#[derive(Debug, Default)]
pub struct Change {
    /// Each report's new state (its `version` one more than before), written only if the
    /// stored one is still at `expected`.
    pub reports: Vec<(Report, u64)>,
    /// New timeline entries (on any of the reports).
    pub entries: Vec<TimelineEntry>,
    /// Other writes that must be in the same transaction (none of the conditions above).
    pub also: Vec<TransactWriteItem>,
    /// Outbox records (`tell::outbox`): in the transaction as far as it has room, the rest
    /// right after it.
    pub outbox: Vec<TransactWriteItem>,
}

impl Change {
    /// The change of one report from the version `expected` to `report`, with `entries`.
    pub fn of(report: Report, expected: u64, entries: Vec<TimelineEntry>) -> Self {
        Change {
            reports: vec![(report, expected)],
            entries,
            ..Change::default()
        }
    }

    pub fn with_outbox(mut self, outbox: Vec<TransactWriteItem>) -> Self {
        self.outbox = outbox;
        self
    }
}

/// The transaction of a change, and the outbox records that did not fit in it.
pub struct Writes {
    pub transaction: Vec<TransactWriteItem>,
    pub overflow: Vec<TransactWriteItem>,
}

/// Why a change was not saved. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSaved {
    /// These reports are no longer at the expected version (or are gone).
    Changed(Vec<ReportId>),
    /// Another transaction on the same items was in flight.
    Contention,
}

impl Contended for NotSaved {
    fn is_contention(&self) -> bool {
        *self == NotSaved::Contention
    }
}

/// Whether a change that lost to another change is decided again on a fresh read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnChanged {
    /// Replies and notes need no If-Match: read again and go after what landed first.
    Reread,
    /// Changes made under If-Match: the lost condition is the answer (412).
    Answer,
}

pub struct ReportStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> ReportStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        ReportStore { dynamo, table }
    }

    // ---- writes ---------------------------------------------------------------------------

    /// The Put of `report`: only over the version `expected`, or (`None`) only if it is new.
    pub fn report_write(
        &self,
        report: &Report,
        expected: Option<u64>,
    ) -> Result<TransactWriteItem, ApiError> {
        let item = store::to_item(&keys::report(report.report_id), &stored(report))?;
        let put = Put::builder().table_name(self.table).set_item(Some(item));
        store::transact_put(match expected {
            None => put.condition_expression("attribute_not_exists(PK)"),
            Some(expected) => put
                .condition_expression("#version = :expected")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":expected", store::number(expected)),
        })
    }

    /// The Put that adds `entry` to its report's timeline (never over an item).
    pub fn entry_write(&self, entry: &TimelineEntry) -> Result<TransactWriteItem, ApiError> {
        store::create_put(
            self.table,
            &keys::report_event(entry.report_id, entry.at, entry.event_id),
            entry,
        )
    }

    /// The writes that file `report` (version 1) with its `filed` entry, for `create_once`
    /// (which adds the idempotency record).
    pub fn creation(
        &self,
        report: &Report,
        filed: &TimelineEntry,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        Ok(vec![
            self.report_write(report, None)?,
            self.entry_write(filed)?,
        ])
    }

    /// The items of `change`: its reports first (in order, so a failed condition at index `i`
    /// names `change.reports[i]`), then entries, `also`, and as many outbox records as leave
    /// room for an idempotency record; the other outbox records are the overflow.
    pub fn writes(&self, change: &Change) -> Result<Writes, ApiError> {
        let mut transaction = Vec::new();
        for (report, expected) in &change.reports {
            transaction.push(self.report_write(report, Some(*expected))?);
        }
        for entry in &change.entries {
            transaction.push(self.entry_write(entry)?);
        }
        transaction.extend(change.also.iter().cloned());
        // One place kept for an idempotency record `create_once` may add.
        let room = (MAX_TRANSACTION_ITEMS - 1).saturating_sub(transaction.len());
        let mut outbox = change.outbox.clone();
        let overflow = outbox.split_off(room.min(outbox.len()));
        transaction.extend(outbox);
        Ok(Writes {
            transaction,
            overflow,
        })
    }

    /// Saves `change` in one transaction (no retry: see [`ReportStore::retrying`]); then writes
    /// the outbox records that did not fit.
    pub async fn save(&self, change: &Change) -> Result<Result<(), NotSaved>, ApiError> {
        let writes = self.writes(change)?;
        match store::transact(self.dynamo, writes.transaction).await? {
            Transacted::Done => {}
            Transacted::Contention => return Ok(Err(NotSaved::Contention)),
            Transacted::ConditionsFailed(failed) => {
                let changed: Vec<ReportId> = failed
                    .iter()
                    .filter_map(|index| change.reports.get(*index))
                    .map(|(report, _)| report.report_id)
                    .collect();
                if changed.is_empty() {
                    return Err(ApiError::internal(
                        "a new timeline entry or record collided with an existing item",
                    ));
                }
                return Ok(Err(NotSaved::Changed(changed)));
            }
        }
        let about = change.reports.first().map(|(report, _)| report.report_id);
        self.write_overflow(about, writes.overflow).await?;
        Ok(Ok(()))
    }

    /// Writes outbox records that did not fit in their change's transaction (a report with
    /// very many distinct reporters), in transactions of up to 100. Each record is new (its
    /// own id), so a retry writes no record twice; a failure after the change stood is
    /// logged and answered as an error.
    pub async fn write_overflow(
        &self,
        report: Option<ReportId>,
        overflow: Vec<TransactWriteItem>,
    ) -> Result<(), ApiError> {
        let mut rest = overflow;
        while !rest.is_empty() {
            let chunk: Vec<TransactWriteItem> = rest
                .drain(..rest.len().min(MAX_TRANSACTION_ITEMS))
                .collect();
            let outcome =
                portal_shared::platform::write::transact_retrying(self.dynamo, chunk).await;
            if !matches!(outcome, Ok(Transacted::Done)) {
                tracing::error!(
                    report = ?report,
                    left = rest.len(),
                    "telling a report's reporters after its change was cut short"
                );
                return Err(outcome
                    .err()
                    .unwrap_or_else(|| ApiError::internal("outbox records not written")));
            }
        }
        Ok(())
    }

    /// Runs `attempt` (which reads, decides and saves) again after a loss to contention, and
    /// with [`OnChanged::Reread`] after a loss to another change, up to
    /// `write::CONTENTION_ATTEMPTS` in all; the last loss is returned when they run out.
    pub async fn retrying<T, F, Fut>(
        &self,
        on_changed: OnChanged,
        attempt: F,
    ) -> Result<Result<T, NotSaved>, ApiError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Result<T, NotSaved>, ApiError>>,
    {
        /// A loss that is worth another attempt, or the one to answer.
        struct Lost(NotSaved, OnChanged);
        impl Contended for Lost {
            fn is_contention(&self) -> bool {
                self.0 == NotSaved::Contention || self.1 == OnChanged::Reread
            }
        }
        let outcome = retry_on_contention(|| async {
            Ok(attempt().await?.map_err(|lost| Lost(lost, on_changed)))
        })
        .await?;
        Ok(outcome.map_err(|Lost(lost, _)| lost))
    }

    /// Merges `duplicate` into `primary` (both as read, neither merged, different, `primary`
    /// with room for more duplicates: the handler checks and answers 422), by `by` at `at`:
    /// the duplicate gets `mergedInto` and leaves the queues; the primary gains it (and any
    /// duplicates it had gathered) in `duplicates`; each gets a `merged` entry. One
    /// transaction on both versions; [`NotSaved::Changed`] names the ones that moved on.
    /// Answers both reports as saved.
    pub async fn merge(
        &self,
        duplicate: &Report,
        primary: &Report,
        by: &UserSub,
        at: Timestamp,
    ) -> Result<Result<(Report, Report), NotSaved>, ApiError> {
        let change = merge_change(duplicate, primary, by, at);
        let (merged, gaining) = match change.reports.as_slice() {
            [(merged, _), (gaining, _)] => (merged.clone(), gaining.clone()),
            _ => return Err(ApiError::internal("a merge changes two reports")),
        };
        Ok(self.save(&change).await?.map(|()| (merged, gaining)))
    }

    // ---- reads ----------------------------------------------------------------------------

    /// One report (consistent), or `None`.
    pub async fn load(&self, id: ReportId) -> Result<Option<Report>, ApiError> {
        store::get_item(self.dynamo, self.table, &keys::report(id), None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// One report and its whole timeline, oldest first, in one (paged) consistent Query of
    /// its partition; `None` when there is no report.
    pub async fn load_with_timeline(
        &self,
        id: ReportId,
    ) -> Result<Option<(Report, Vec<TimelineEntry>)>, ApiError> {
        let partition = keys::report_partition(id);
        let mut items: Vec<Item> = Vec::new();
        let mut start_after = None;
        loop {
            let output = self
                .dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", string(partition.clone()))
                .consistent_read(true)
                .set_exclusive_start_key(start_after.take())
                .send()
                .await
                .map_err(store::sdk_error)?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(last) if !last.is_empty() => start_after = Some(last),
                _ => break,
            }
        }
        let report_sk = keys::report(id).sk;
        let mut report = None;
        let mut timeline = Vec::new();
        for item in items {
            let sk = item
                .get(keys::SK)
                .and_then(|value| value.as_s().ok())
                .cloned()
                .unwrap_or_default();
            if sk == report_sk {
                report = Some(store::from_item::<Report>(item)?);
            } else if sk.starts_with(keys::REPORT_EVENT_PREFIX) {
                timeline.push(store::from_item::<TimelineEntry>(item)?);
            }
        }
        // The sort keys order them already (`<at>#<id>`); this keeps it so whatever the read.
        timeline.sort_by_key(|entry| (entry.at, entry.event_id));
        Ok(report.map(|report| (report, timeline)))
    }

    /// One page of the reports `reporter` filed, newest first (GSI2, eventually consistent),
    /// keeping those `keep` accepts (the patient's context, or the staff account's own);
    /// resumes after `start_after` (a position this answered).
    pub async fn reporter_page(
        &self,
        reporter: &UserSub,
        keep: impl Fn(&Report) -> bool,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Report>, Option<Item>), ApiError> {
        let list = keys::reporter_reports(reporter);
        let query = |start_after: Option<Item>| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(keys::GSI2)
                .key_condition_expression("GSI2PK = :list")
                .expression_attribute_values(":list", string(list.clone()))
                .scan_index_forward(false)
                .set_exclusive_start_key(start_after)
        };
        store::filled_page(query, limit, start_after, keep, |report: &Report| {
            position(report, keys::GSI2)
        })
        .await
    }

    /// One page of a team queue (GSI1, eventually consistent): `open` soonest due first
    /// (paused reports last), `resolved` newest first.
    pub async fn queue_page(
        &self,
        _access: &StaffAccess,
        state: QueueState,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Report>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :queue")
            .expression_attribute_values(":queue", string(keys::report_queue(state.as_str())))
            .scan_index_forward(state == QueueState::Open)
            .limit(limit)
            .set_exclusive_start_key(start_after);
        store::query_page(query).await
    }

    /// Every report in the team queue `state` (GSI1, all pages, eventually consistent) whose
    /// sort key (due or resolution time) is at or after `since`, or all of them. For the weekly
    /// digest, a job with no caller: only counts, ids and statuses leave it.
    pub async fn whole_queue(
        &self,
        state: QueueState,
        since: Option<Timestamp>,
    ) -> Result<Vec<Report>, ApiError> {
        let queue = keys::report_queue(state.as_str());
        store::query_all(|start_after| {
            let query = self
                .dynamo
                .query()
                .table_name(self.table)
                .index_name(keys::GSI1)
                .expression_attribute_values(":queue", string(queue.clone()))
                .set_exclusive_start_key(start_after);
            match since {
                Some(since) => query
                    .key_condition_expression("GSI1PK = :queue AND GSI1SK >= :since")
                    .expression_attribute_values(":since", string(since.to_string())),
                None => query.key_condition_expression("GSI1PK = :queue"),
            }
        })
        .await
    }

    /// One page of the open reports assigned to `assignee` (GSI3), soonest due first.
    pub async fn assigned_page(
        &self,
        _access: &StaffAccess,
        assignee: &UserSub,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Report>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(keys::GSI3)
            .key_condition_expression("GSI3PK = :assignee")
            .expression_attribute_values(":assignee", string(keys::assigned_reports(assignee)))
            .scan_index_forward(true)
            .limit(limit)
            .set_exclusive_start_key(start_after);
        store::query_page(query).await
    }
}

/// The change that merges `duplicate` into `primary` (see [`ReportStore::merge`]).
pub fn merge_change(duplicate: &Report, primary: &Report, by: &UserSub, at: Timestamp) -> Change {
    let at = at.max(duplicate.updated_at).max(primary.updated_at);
    let mut merged = duplicate.next(at);
    merged.merged_into = Some(primary.report_id);
    merged.merged_at = Some(at);
    // Its duplicates (if it had gathered any) move along with it.
    merged.duplicates = Vec::new();
    let mut gaining = primary.next(at);
    gaining.duplicates.push(Duplicate {
        report_id: duplicate.report_id,
        reporter: duplicate.reporter.clone(),
    });
    gaining
        .duplicates
        .extend(duplicate.duplicates.iter().cloned());
    let mut on_duplicate = TimelineEntry::new(
        duplicate.report_id,
        at,
        EntryKind::Merged,
        Side::Team,
        by.clone(),
    );
    on_duplicate.merged_into = Some(primary.report_id);
    let mut on_primary = TimelineEntry::new(
        primary.report_id,
        at,
        EntryKind::Merged,
        Side::Team,
        by.clone(),
    );
    on_primary.duplicate_id = Some(duplicate.report_id);
    Change {
        reports: vec![(merged, duplicate.version), (gaining, primary.version)],
        entries: vec![on_duplicate, on_primary],
        ..Change::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::tests::{at, report, sub};
    use crate::reports::model::{ReportStatus, Severity};

    #[test]
    fn an_open_report_sorts_by_its_due_target_and_paused_ones_last() {
        let mut open = report("ana");
        let (state, sort) = queue_position(&open).expect("queued");
        assert_eq!(state, QueueState::Open);
        assert_eq!(sort, format!("2026-01-05T17:00:00.000Z#{}", open.report_id));

        open.status = ReportStatus::WaitingOnReporter;
        let (_, paused) = queue_position(&open).expect("queued");
        assert!(paused.starts_with(PAUSED_SORT), "{paused}");
        assert!(paused > sort);

        open.status = ReportStatus::Resolved;
        open.resolved_at = Some(at("2026-01-06T08:00:00Z"));
        let (state, sort) = queue_position(&open).expect("queued");
        assert_eq!(state, QueueState::Resolved);
        assert!(sort.starts_with("2026-01-06T08:00:00.000Z#"));

        open.merged_into = Some(ReportId::generate());
        assert_eq!(queue_position(&open), None);
    }

    #[test]
    fn the_index_entries_follow_the_state() {
        let mut report = report("ana");
        report.assignee = Some(sub("grace"));
        report.severity = Some(Severity::High);
        let item: Item = serde_dynamo::to_item(stored(&report)).expect("item");
        let s = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        assert_eq!(s("GSI1PK").as_deref(), Some("REPORT_QUEUE#open"));
        assert_eq!(s("GSI2PK").as_deref(), Some("REPORTS_BY#ana"));
        assert_eq!(s("GSI3PK").as_deref(), Some("REPORTS_ASSIGNED#grace"));
        assert_eq!(s("GSI3SK"), s("GSI1SK"));
        assert_eq!(
            s("GSI2SK"),
            Some(format!("2026-01-05T09:00:00.000Z#{}", report.report_id))
        );
        // The stored item reads back as the report.
        let back: Report = store::from_item(item).expect("back");
        assert_eq!(back, report);

        report.status = ReportStatus::Resolved;
        report.resolved_at = Some(at("2026-01-06T08:00:00Z"));
        let item: Item = serde_dynamo::to_item(stored(&report)).expect("item");
        assert!(
            !item.contains_key("GSI3PK"),
            "resolved leaves the assignee's list"
        );
        assert_eq!(
            item.get("GSI1PK")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str),
            Some("REPORT_QUEUE#resolved")
        );

        report.merged_into = Some(ReportId::generate());
        let item: Item = serde_dynamo::to_item(stored(&report)).expect("item");
        assert!(!item.contains_key("GSI1PK") && !item.contains_key("GSI3PK"));
        assert!(item.contains_key("GSI2PK"), "still in the reporter's list");
    }

    #[test]
    fn pages_resume_at_the_index_they_read() {
        let mut report = report("ana");
        report.assignee = Some(sub("grace"));
        let gsi2 = position(&report, keys::GSI2);
        assert!(gsi2.contains_key("PK") && gsi2.contains_key("GSI2SK"));
        let gsi3 = position(&report, keys::GSI3);
        assert!(gsi3.contains_key("GSI3PK") && !gsi3.contains_key("GSI2PK"));
    }

    #[test]
    fn a_merge_moves_the_duplicate_and_its_reporters() {
        let duplicate = report("ben");
        let mut earlier = report("cy");
        earlier.merged_into = Some(duplicate.report_id);
        let mut duplicate_with_one = duplicate.clone();
        duplicate_with_one.duplicates.push(Duplicate {
            report_id: earlier.report_id,
            reporter: earlier.reporter.clone(),
        });
        let primary = report("ana");
        let now = at("2026-01-05T12:00:00Z");
        let change = merge_change(&duplicate_with_one, &primary, &sub("lead"), now);
        let (merged, expected) = &change.reports[0];
        assert_eq!(*expected, 1);
        assert_eq!(merged.version, 2);
        assert_eq!(merged.merged_into, Some(primary.report_id));
        assert_eq!(merged.merged_at, Some(now));
        assert!(merged.duplicates.is_empty());
        assert_eq!(queue_position(merged), None);
        let (gaining, _) = &change.reports[1];
        let ids: Vec<ReportId> = gaining.duplicates.iter().map(|d| d.report_id).collect();
        assert_eq!(ids, [duplicate.report_id, earlier.report_id]);
        assert_eq!(change.entries.len(), 2);
        assert_eq!(change.entries[0].merged_into, Some(primary.report_id));
        assert_eq!(change.entries[1].duplicate_id, Some(duplicate.report_id));
        assert!(change.entries.iter().all(|e| e.kind == EntryKind::Merged));
    }
}
