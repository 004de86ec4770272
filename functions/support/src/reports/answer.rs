//! `POST /support/reports/{reportId}/replies`: the team answers the reporters (`{text,
//! status?}`; Idempotency-Key accepted) → 201 with the team's view and its ETag.
//!
//! The reply (optionally setting the status in the same write: `waiting-on-reporter` to ask
//! something, `resolved` when fixed) meets the first-response target if it is the first team
//! reply, and restarts the next-update clock from itself. Every reporter of the report and of
//! its merged duplicates is told once (`tell`), in the same transaction. No If-Match: replies
//! written at the same moment all land. A merged duplicate is answered through the report it
//! was merged into (409).

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::caller::UserSub;
use serde::Deserialize;

use crate::Deps;
use crate::reports::model::{EntryKind, Report, ReportStatus, ReportText, Side, TimelineEntry};
use crate::reports::repo::Change;
use crate::reports::targets::SupportTargets;
use crate::reports::team_repo::{
    audit_reached, check_status, not_merged, post_once, set_status, team_access,
};
use crate::reports::{report_in_path, tell};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAnswer {
    text: String,
    #[serde(default)]
    status: Option<ReportStatus>,
}

/// The change the team's reply `text` (setting `status`, if any) by `by` makes to `report` at
/// `now`, without the outbox records. Refuses a merged duplicate (409) and `new` (422).
pub fn answered(
    report: &Report,
    text: &ReportText,
    status: Option<ReportStatus>,
    by: &UserSub,
    now: Timestamp,
    targets: &SupportTargets,
) -> Result<Change, ApiError> {
    not_merged(report)?;
    if let Some(status) = status {
        check_status(report.status, status)
            .map_err(|message| ApiError::invalid("status", message))?;
    }
    let at = now.max(report.updated_at);
    let mut after = report.next(at);
    let mut entry = TimelineEntry::new(
        report.report_id,
        at,
        EntryKind::Reply,
        Side::Team,
        by.clone(),
    )
    .with_text(text.clone());
    after.first_responded_at.get_or_insert(at);
    after.next_update_from = Some(at);
    match status {
        Some(status) if status != report.status => {
            set_status(&mut after, status, at, targets);
            entry = entry.with_status(status);
        }
        _ => targets.retarget(&mut after),
    }
    Ok(Change::of(after, report.version, vec![entry]))
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = team_access(deps, call).await?;
    let id = report_in_path(call)?;
    let body = call.json_body::<NewAnswer>()?;
    let mut errors = FieldErrors::new();
    let text = errors.check("text", ReportText::parse(&body.text));
    errors.finish()?;
    let text = text.ok_or_else(|| ApiError::internal("validated text missing"))?;
    let by = &call.caller().sub;
    let table = &deps.platform.app_table;
    let (response, replayed) = post_once(deps, call, id, |report, now| {
        let change = answered(report, &text, body.status, by, now, &deps.targets)?;
        let told = match change.reports.first() {
            Some((after, _)) => tell::outbox(table, after, None, now)?,
            None => Vec::new(),
        };
        Ok(change.with_outbox(told))
    })
    .await?;
    audit_reached(deps, call, &access, &[(id, response.patient_id)]).await?;
    response.render(replayed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::tests::{at, report, sub};
    use crate::reports::team_repo::tests::targets;

    fn text() -> ReportText {
        ReportText::parse("We are on it").expect("text")
    }

    // The test report: filed Monday 2026-01-05 09:00 UTC, `new`; hours 08:00-18:00 UTC.
    #[test]
    fn the_first_reply_meets_the_first_response_and_starts_the_update_clock() {
        let report = report("ana");
        let now = at("2026-01-05T10:00:00Z");
        let change = answered(&report, &text(), None, &sub("lead"), now, &targets()).expect("ok");
        let (after, expected) = &change.reports[0];
        assert_eq!((*expected, after.version), (1, 2));
        assert_eq!(after.first_responded_at, Some(now));
        assert_eq!(after.next_update_from, Some(now));
        // Normal: sixteen hours from Monday 10:00 → 8 + 8 → Tuesday 16:00.
        assert_eq!(after.next_update_due, Some(at("2026-01-06T16:00:00Z")));
        assert_eq!(after.due(), after.next_update_due);
        assert_eq!(after.status, ReportStatus::New);
        let entry = &change.entries[0];
        assert_eq!(
            (entry.kind, entry.side, entry.status),
            (EntryKind::Reply, Side::Team, None)
        );

        // A later reply keeps the first response and restarts the clock.
        let later = at("2026-01-06T09:00:00Z");
        let again = answered(after, &text(), None, &sub("lead"), later, &targets()).expect("ok");
        let (after, _) = &again.reports[0];
        assert_eq!(after.first_responded_at, Some(now));
        assert_eq!(after.next_update_from, Some(later));
        assert_eq!(after.next_update_due, Some(at("2026-01-07T15:00:00Z")));
    }

    #[test]
    fn a_reply_may_set_the_status() {
        let report = report("ana");
        let now = at("2026-01-05T10:00:00Z");
        let change = answered(
            &report,
            &text(),
            Some(ReportStatus::WaitingOnReporter),
            &sub("lead"),
            now,
            &targets(),
        )
        .expect("ok");
        let (after, _) = &change.reports[0];
        assert_eq!(after.status, ReportStatus::WaitingOnReporter);
        assert_eq!(after.due(), None, "paused while the reporter is to answer");
        assert_eq!(
            change.entries[0].status,
            Some(ReportStatus::WaitingOnReporter)
        );

        let resolved = answered(
            after,
            &text(),
            Some(ReportStatus::Resolved),
            &sub("lead"),
            at("2026-01-05T11:00:00Z"),
            &targets(),
        )
        .expect("ok");
        let (after, _) = &resolved.reports[0];
        assert_eq!(after.resolved_at, Some(at("2026-01-05T11:00:00Z")));
        assert_eq!(after.due(), None);

        // The same status again: no status on the entry.
        let same = answered(
            after,
            &text(),
            Some(ReportStatus::Resolved),
            &sub("lead"),
            at("2026-01-05T12:00:00Z"),
            &targets(),
        )
        .expect("ok");
        assert_eq!(same.entries[0].status, None);
        assert_eq!(
            same.reports[0].0.resolved_at,
            Some(at("2026-01-05T11:00:00Z"))
        );
    }

    #[test]
    fn refusals() {
        let mut report = report("ana");
        report.status = ReportStatus::InProgress;
        let now = at("2026-01-05T10:00:00Z");
        let refused = answered(
            &report,
            &text(),
            Some(ReportStatus::New),
            &sub("lead"),
            now,
            &targets(),
        );
        assert!(matches!(refused, Err(ApiError::Invalid(_))));
        report.merged_into = Some(portal_shared::domain::ids::ReportId::generate());
        let refused = answered(&report, &text(), None, &sub("lead"), now, &targets());
        assert!(matches!(refused, Err(ApiError::Conflict(_))));
    }
}
