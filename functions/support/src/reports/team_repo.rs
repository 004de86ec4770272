//! What the quick-response team's handlers share (`queue`, `get`, `triage`, `note`, `answer`,
//! `merge`): the team's authorisation, the audit of every report they read or change, the
//! team's view as a response, status changes with their clocks, and the write of a posted
//! entry (a note, a reply) that needs no If-Match.
//!
//! Audit: reporters' words may hold health information, so every report the team reads or
//! changes is audited: against its patient (`record_staff_access`) when it was filed in a
//! patient's context, else as a staff action (`record_staff_action`); resource
//! `problem-report/<reportId>`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, ReportId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::policy::audit;
use portal_shared::policy::authz::{Action, StaffAccess};

use crate::Deps;
use crate::reports::model::{Report, ReportStatus, TimelineEntry, team_view};
use crate::reports::repo::{Change, NotSaved, OnChanged};
use crate::reports::targets::SupportTargets;
use crate::reports::{report_resource, report_response, store};

/// The caller works problem reports (`response-team`, `portal-leads`); others 403, audited.
pub async fn team_access(deps: &Deps, call: &Call) -> Result<StaffAccess, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::WorkProblemReports)
        .await
}

/// Audits the team's read or change of the reports `reached` (each id with the patient it was
/// filed for, if any): the patients' ones in one batch, the others one event each.
pub async fn audit_reached(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    reached: &[(ReportId, Option<PatientId>)],
) -> Result<(), ApiError> {
    let authorizer = deps.platform.authorizer();
    let patients: Vec<_> = reached
        .iter()
        .filter_map(|(id, patient)| patient.map(|patient| (patient, report_resource(id))))
        .collect();
    if !patients.is_empty() {
        authorizer
            .record_staff_access(call, access, &patients)
            .await?;
    }
    // Staff members' own reports hold no patient's data: one event names the report read, or
    // the queue page that listed several (not one write per row).
    let others = reached
        .iter()
        .filter(|(_, patient)| patient.is_none())
        .map(|(id, _)| report_resource(id))
        .collect::<Vec<_>>();
    let resource = match others.as_slice() {
        [] => return Ok(()),
        [one] => one.clone(),
        _ => super::reports_resource(),
    };
    authorizer
        .record_staff_action(call, access, &resource, audit::Outcome::Allowed)
        .await
}

/// What the audit names for `report`.
pub fn reached(report: &Report) -> (ReportId, Option<PatientId>) {
    (report.report_id, report.reporter.patient_id)
}

/// The team's view of `report` with its `timeline`, with its version as the ETag.
pub fn team_response(
    status: StatusCode,
    report: &Report,
    timeline: &[TimelineEntry],
    now: Timestamp,
) -> Result<Response<Body>, ApiError> {
    report_response(status, report.version, &team_view(report, timeline, now))
}

/// `timeline` with the entries of `change` that belong to `report`, oldest first.
pub fn with_entries(
    mut timeline: Vec<TimelineEntry>,
    change: &Change,
    report: ReportId,
) -> Vec<TimelineEntry> {
    timeline.extend(
        change
            .entries
            .iter()
            .filter(|entry| entry.report_id == report)
            .cloned(),
    );
    timeline.sort_by_key(|entry| (entry.at, entry.event_id));
    timeline
}

/// A merged duplicate is not worked on its own: the team works the report it was merged into
/// (409, naming it).
pub fn not_merged(report: &Report) -> Result<(), ApiError> {
    match report.merged_into {
        Some(primary) => Err(ApiError::Conflict(format!(
            "This report was merged into {primary}; work that report instead."
        ))),
        None => Ok(()),
    }
}

/// Whether the team may set `wanted` on a report in `current`: any status but `new`, which a
/// report has only until it is first triaged (setting it on a `new` report changes nothing).
/// `Err` is the message for a 422 naming `status`.
pub fn check_status(current: ReportStatus, wanted: ReportStatus) -> Result<(), String> {
    if wanted == ReportStatus::New && current != ReportStatus::New {
        return Err("cannot be set back to new (a report is new only until triaged)".into());
    }
    Ok(())
}

/// Moves `report` to `status` at `at` with the clocks that go with it: `resolvedAt` is set when
/// it is resolved (kept while it stays so) and cleared when it moves back; a report that leaves
/// a pause (waiting on the reporter, resolved) after a first team reply restarts its
/// next-update clock from `at` (nothing was due while paused). The due instants follow
/// (`targets.retarget`).
pub fn set_status(
    report: &mut Report,
    status: ReportStatus,
    at: Timestamp,
    targets: &SupportTargets,
) {
    let before = report.status;
    report.status = status;
    report.resolved_at = match (before, status) {
        (ReportStatus::Resolved, ReportStatus::Resolved) => report.resolved_at.or(Some(at)),
        (_, ReportStatus::Resolved) => Some(at),
        _ => None,
    };
    if before.is_paused() && !status.is_paused() && report.first_responded_at.is_some() {
        report.next_update_from = Some(at);
    }
    targets.retarget(report);
}

/// Posts to the report `id` what `decide` makes of it as it is now (a note, a reply): no
/// If-Match, so when another change lands first the report is read again and `decide` runs
/// again on it. With an `Idempotency-Key`, a retry answers the first response. Answers 201 with
/// the team's view after the change, whether it is a replay, and the report's patient (for the
/// audit of a replay too).
pub async fn post_once<F>(
    deps: &Deps,
    call: &Call,
    id: ReportId,
    decide: F,
) -> Result<(StoredResponse, bool), ApiError>
where
    F: Fn(&Report, Timestamp) -> Result<Change, ApiError>,
{
    let idempotency = Idempotency::from_call(call)?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return Ok((first, true));
    }
    let store = store(deps);
    let saved = store
        .retrying(OnChanged::Reread, || async {
            let (report, timeline) = store
                .load_with_timeline(id)
                .await?
                .ok_or(ApiError::NotFound)?;
            let now = Timestamp::now();
            let change = decide(&report, now)?;
            let after = change
                .reports
                .iter()
                .find(|(changed, _)| changed.report_id == id)
                .map(|(changed, _)| changed.clone())
                .ok_or_else(|| ApiError::internal("a post changes its own report"))?;
            let timeline = with_entries(timeline, &change, id);
            let response = StoredResponse {
                status: StatusCode::CREATED.as_u16(),
                body: serde_json::to_string(&team_view(&after, &timeline, now))
                    .map_err(ApiError::internal)?,
                location: None,
                etag: Some(Version(after.version).etag()),
                patient_id: after.reporter.patient_id,
            };
            let writes = store.writes(&change)?;
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
                // Another change landed first (or was in flight): read again, go after it.
                Err(ApiError::Conflict(_)) => Ok(Err(NotSaved::Contention)),
                Err(other) => Err(other),
            }
        })
        .await?;
    match saved {
        Ok(Outcome::Created(response)) => Ok((response, false)),
        Ok(Outcome::Replayed(first)) => Ok((first, true)),
        Err(_) => Err(ApiError::Conflict(
            "The report kept changing while this was saved; send it again.".into(),
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::reports::model::tests::{at, report};

    pub fn targets() -> SupportTargets {
        SupportTargets::from_lookup(|name| match name {
            "PRACTICE_TIME_ZONE" => Some("UTC".to_owned()),
            _ => None,
        })
        .expect("valid")
    }

    #[test]
    fn new_is_only_kept_never_set_back() {
        assert!(check_status(ReportStatus::New, ReportStatus::New).is_ok());
        assert!(check_status(ReportStatus::Triaged, ReportStatus::New).is_err());
        for status in ReportStatus::ALL {
            assert!(check_status(ReportStatus::New, status).is_ok());
            if status != ReportStatus::New {
                assert!(check_status(ReportStatus::Resolved, status).is_ok());
            }
        }
    }

    #[test]
    fn statuses_carry_their_clocks() {
        let targets = targets();
        let mut report = report("ana");
        // Monday 2026-01-05 09:00 UTC; hours 08:00-18:00 UTC.
        let t1 = at("2026-01-05T10:00:00Z");
        set_status(&mut report, ReportStatus::Resolved, t1, &targets);
        assert_eq!(report.resolved_at, Some(t1));
        set_status(
            &mut report,
            ReportStatus::Resolved,
            at("2026-01-05T11:00:00Z"),
            &targets,
        );
        assert_eq!(report.resolved_at, Some(t1), "stays resolved since t1");
        // Back to work before any team reply: no next-update clock yet.
        set_status(
            &mut report,
            ReportStatus::InProgress,
            at("2026-01-05T12:00:00Z"),
            &targets,
        );
        assert_eq!(report.resolved_at, None);
        assert_eq!(report.next_update_due, None);
        // Filed 09:00, normal: eight hours → 17:00.
        assert_eq!(report.first_response_due, at("2026-01-05T17:00:00Z"));

        // After a first reply, leaving a pause restarts the clock from then.
        report.first_responded_at = Some(t1);
        report.next_update_from = Some(t1);
        set_status(
            &mut report,
            ReportStatus::WaitingOnReporter,
            at("2026-01-05T12:00:00Z"),
            &targets,
        );
        assert_eq!(report.next_update_from, Some(t1));
        assert_eq!(report.due(), None);
        set_status(
            &mut report,
            ReportStatus::InProgress,
            at("2026-01-06T09:00:00Z"),
            &targets,
        );
        assert_eq!(report.next_update_from, Some(at("2026-01-06T09:00:00Z")));
        // Sixteen business hours: 9 on Tuesday, 7 on Wednesday → Wednesday 15:00.
        assert_eq!(report.due(), Some(at("2026-01-07T15:00:00Z")));
    }

    #[test]
    fn merged_duplicates_are_not_worked_alone() {
        let mut report = report("ana");
        assert!(not_merged(&report).is_ok());
        report.merged_into = Some(ReportId::generate());
        assert!(matches!(not_merged(&report), Err(ApiError::Conflict(_))));
    }
}
