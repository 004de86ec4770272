//! `POST /patients/{patientId}/reports/{reportId}/replies` and
//! `POST /account/reports/{reportId}/replies`: the reporter replies (`{text}`; Idempotency-Key
//! accepted) → 201 with their view of the report (`ProblemReport`) and its version as ETag.
//!
//! The reply lands on the reporter's own report; when it was merged into another report (the
//! one the team works on), a copy marked with the duplicate's id lands on that one too, in the
//! same transaction, so the team sees it there. On the report the team works:
//! - a report waiting on the reporter moves to `in-progress` (a `status` entry);
//! - after the team's first reply, the next-update clock restarts from this reply (unless
//!   resolved: a resolved report stays resolved, and the team sees the reply on it).
//!
//! A status change it makes tells the report's other reporters (not the one replying). No
//! If-Match: a reply goes after whatever landed first (re-read and decided again when another
//! change won the race).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, ReportId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::policy::audit;
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::reports::model::{
    EntryKind, NewReply, Report, ReportStatus, ReportText, Severity, Side, TimelineEntry,
    reporter_view,
};
use crate::reports::repo::{Change, NotSaved, OnChanged};
use crate::reports::{
    ReporterScope, patient_reporting, primary_of, report_in_path, report_resource, staff_reporting,
    store, tell,
};

pub async fn patient(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw = call.path_param("reportId").unwrap_or_default();
    let (_, _, scope) = patient_reporting(deps, call, report_resource(&raw)).await?;
    let id = report_in_path(call)?;
    let (response, replayed) = reply(deps, call, &scope, id).await?;
    response.render(replayed)
}

pub async fn staff(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, scope) = staff_reporting(deps, call).await?;
    let id = report_in_path(call)?;
    let (response, replayed) = reply(deps, call, &scope, id).await?;
    if !replayed {
        deps.platform
            .authorizer()
            .record_staff_action(call, &access, &report_resource(id), audit::Outcome::Allowed)
            .await?;
    }
    response.render(replayed)
}

/// What a reporter's reply changes.
#[derive(Debug)]
pub struct Replied {
    pub change: Change,
    /// The reporter's own report as it is after the reply.
    pub own: Report,
    /// The report the team works on, when it is another (the primary), after the reply.
    pub primary: Option<Report>,
    /// Whether the status of the report the team works on changed (its reporters are told).
    pub status_changed: bool,
}

/// The change `by`'s reply `text` on `report` (merged into `primary`, if any) makes at `now`;
/// `next_update` counts a next-update target from an instant for a severity.
pub fn reporter_reply(
    report: &Report,
    primary: Option<&Report>,
    text: &ReportText,
    by: &UserSub,
    now: Timestamp,
    next_update: impl Fn(Option<Severity>, Timestamp) -> Timestamp,
) -> Replied {
    let worked = primary.unwrap_or(report);
    // Entries of one report keep the order they happened in, whatever the clocks said.
    let at = now.max(report.updated_at).max(worked.updated_at);
    let reply = |on: ReportId| {
        TimelineEntry::new(on, at, EntryKind::Reply, Side::Reporter, by.clone())
            .with_text(text.clone())
    };

    let mut after = worked.next(at);
    let mut entries = vec![reply(report.report_id)];
    if primary.is_some() {
        let mut copy = reply(worked.report_id);
        copy.duplicate_id = Some(report.report_id);
        entries.push(copy);
    }
    let status_changed = worked.status == ReportStatus::WaitingOnReporter;
    if status_changed {
        after.status = ReportStatus::InProgress;
        // Just after the reply, so it reads after it.
        let moved_at = at.plus(std::time::Duration::from_millis(1));
        let mut moved = TimelineEntry::new(
            worked.report_id,
            moved_at,
            EntryKind::Status,
            Side::Reporter,
            by.clone(),
        )
        .with_status(ReportStatus::InProgress);
        // Made through a duplicate: not the primary's reporter's doing ("you").
        moved.duplicate_id = primary.map(|_| report.report_id);
        entries.push(moved);
    }
    if worked.first_responded_at.is_some() && after.status != ReportStatus::Resolved {
        after.next_update_from = Some(at);
        after.next_update_due = Some(next_update(worked.severity, at));
    }

    let (own, primary_after, reports) = match primary {
        Some(primary) => {
            let own = report.next(at);
            let reports = vec![
                (own.clone(), report.version),
                (after.clone(), primary.version),
            ];
            (own, Some(after), reports)
        }
        None => (after.clone(), None, vec![(after, report.version)]),
    };
    Replied {
        change: Change {
            reports,
            entries,
            ..Change::default()
        },
        own,
        primary: primary_after,
        status_changed,
    }
}

/// Saves the reply (read, decided and written again while another change wins the race);
/// the stored response and whether it is a replay.
async fn reply(
    deps: &Deps,
    call: &Call,
    scope: &ReporterScope,
    id: ReportId,
) -> Result<(StoredResponse, bool), ApiError> {
    let idempotency = Idempotency::from_call(call)?;
    let text = call.json_body::<NewReply>()?.validate()?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return Ok((first, true));
    }
    let store = store(deps);
    let patient: Option<PatientId> = scope.patient;
    let saved = store
        .retrying(OnChanged::Reread, || async {
            let (report, mut timeline) = store
                .load_with_timeline(id)
                .await?
                .filter(|(report, _)| scope.owns(report))
                .ok_or(ApiError::NotFound)?;
            let primary = match primary_of(&store, &report).await? {
                Some(primary) => store.load_with_timeline(primary.report_id).await?,
                None => None,
            };
            let now = Timestamp::now();
            let mut replied = reporter_reply(
                &report,
                primary.as_ref().map(|(primary, _)| primary),
                &text,
                &scope.sub,
                now,
                |severity, from| deps.targets.next_update_due(severity, from),
            );
            if replied.status_changed {
                let worked = replied.primary.as_ref().unwrap_or(&replied.own);
                replied.change.outbox = tell::outbox(table, worked, Some(&scope.sub), now)?;
            }

            // The reporter's view after the reply, as the response.
            let mut primary_timeline = primary.map(|(_, entries)| entries).unwrap_or_default();
            for entry in &replied.change.entries {
                if entry.report_id == report.report_id {
                    timeline.push(entry.clone());
                } else {
                    primary_timeline.push(entry.clone());
                }
            }
            let body = reporter_view(
                &replied.own,
                &timeline,
                replied
                    .primary
                    .as_ref()
                    .map(|primary| (primary, primary_timeline.as_slice())),
            );
            let response = StoredResponse {
                status: StatusCode::CREATED.as_u16(),
                body: serde_json::to_string(&body).map_err(ApiError::internal)?,
                location: None,
                etag: Some(Version(replied.own.version).etag()),
                patient_id: patient,
            };
            let writes = store.writes(&replied.change)?;
            match create_once(
                dynamo,
                table,
                idempotency.as_ref(),
                writes.transaction,
                response,
            )
            .await
            {
                Ok(outcome) => {
                    store.write_overflow(Some(id), writes.overflow).await?;
                    Ok(Ok(outcome))
                }
                // Another change landed first: read again and go after it.
                Err(ApiError::Conflict(_)) => Ok(Err(NotSaved::Contention)),
                Err(other) => Err(other),
            }
        })
        .await?;
    match saved {
        Ok(Outcome::Created(response)) => Ok((response, false)),
        Ok(Outcome::Replayed(first)) => Ok((first, true)),
        Err(_) => Err(ApiError::Conflict(
            "The report kept changing while your reply was saved; send it again.".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::tests::{at, report, sub};

    fn text() -> ReportText {
        ReportText::parse("Still blank").expect("text")
    }

    /// A day later, whatever the severity (the calendar is the targets' business).
    fn next_update(_: Option<Severity>, from: Timestamp) -> Timestamp {
        from.plus(std::time::Duration::from_secs(24 * 60 * 60))
    }

    #[test]
    fn a_reply_before_the_first_answer_leaves_the_clock_alone() {
        let report = report("ana");
        let now = at("2026-01-05T10:00:00Z");
        let replied = reporter_reply(&report, None, &text(), &sub("ana"), now, next_update);
        assert!(!replied.status_changed);
        assert_eq!(replied.own.status, ReportStatus::New);
        assert_eq!(replied.own.version, 2);
        assert_eq!(replied.own.next_update_due, None);
        assert_eq!(replied.own.due(), Some(report.first_response_due));
        assert_eq!(replied.change.reports.len(), 1);
        assert_eq!(replied.change.reports[0].1, 1);
        assert_eq!(replied.change.entries.len(), 1);
        assert_eq!(replied.change.entries[0].kind, EntryKind::Reply);
        assert_eq!(replied.change.entries[0].side, Side::Reporter);
    }

    #[test]
    fn a_reply_to_a_waiting_report_moves_it_on_and_restarts_the_clock() {
        let mut report = report("ana");
        report.status = ReportStatus::WaitingOnReporter;
        report.first_responded_at = Some(at("2026-01-05T09:30:00Z"));
        report.next_update_due = Some(at("2026-01-05T17:30:00Z"));
        let now = at("2026-01-06T10:00:00Z");
        let replied = reporter_reply(&report, None, &text(), &sub("ana"), now, next_update);
        assert!(replied.status_changed);
        assert_eq!(replied.own.status, ReportStatus::InProgress);
        assert_eq!(replied.own.next_update_from, Some(now));
        assert_eq!(
            replied.own.next_update_due,
            Some(at("2026-01-07T10:00:00Z"))
        );
        assert_eq!(replied.own.due(), replied.own.next_update_due);
        let kinds: Vec<EntryKind> = replied.change.entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntryKind::Reply, EntryKind::Status]);
        assert!(replied.change.entries[1].at > replied.change.entries[0].at);
    }

    #[test]
    fn a_resolved_report_stays_resolved() {
        let mut report = report("ana");
        report.status = ReportStatus::Resolved;
        report.first_responded_at = Some(at("2026-01-05T09:30:00Z"));
        let replied = reporter_reply(
            &report,
            None,
            &text(),
            &sub("ana"),
            at("2026-01-06T10:00:00Z"),
            next_update,
        );
        assert!(!replied.status_changed);
        assert_eq!(replied.own.status, ReportStatus::Resolved);
        assert_eq!(replied.own.next_update_due, None);
    }

    #[test]
    fn a_reply_on_a_duplicate_lands_on_the_primary_too() {
        let mut duplicate = report("ben");
        let mut primary = report("ana");
        primary.status = ReportStatus::WaitingOnReporter;
        primary.version = 5;
        duplicate.merged_into = Some(primary.report_id);
        duplicate.version = 2;
        let now = at("2026-01-06T10:00:00Z");
        let replied = reporter_reply(
            &duplicate,
            Some(&primary),
            &text(),
            &sub("ben"),
            now,
            next_update,
        );
        let versions: Vec<(ReportId, u64, u64)> = replied
            .change
            .reports
            .iter()
            .map(|(report, expected)| (report.report_id, *expected, report.version))
            .collect();
        assert_eq!(
            versions,
            [(duplicate.report_id, 2, 3), (primary.report_id, 5, 6)]
        );
        let on: Vec<(ReportId, EntryKind, Option<ReportId>)> = replied
            .change
            .entries
            .iter()
            .map(|e| (e.report_id, e.kind, e.duplicate_id))
            .collect();
        assert_eq!(
            on,
            [
                (duplicate.report_id, EntryKind::Reply, None),
                (
                    primary.report_id,
                    EntryKind::Reply,
                    Some(duplicate.report_id)
                ),
                (
                    primary.report_id,
                    EntryKind::Status,
                    Some(duplicate.report_id)
                ),
            ]
        );
        assert!(replied.status_changed);
        let primary_after = replied.primary.expect("primary");
        assert_eq!(primary_after.status, ReportStatus::InProgress);
        // The duplicate keeps its own status; its reporter is shown the primary's.
        assert_eq!(replied.own.status, ReportStatus::New);
    }
}
