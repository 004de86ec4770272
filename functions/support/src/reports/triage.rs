//! `PATCH /support/reports/{reportId}`: triage under If-Match (428 without it, 412 when stale)
//! → 200 with the team's view and its new ETag. `{severity?, status?, assignee? (sub or
//! null), feature? (feature or null)}`, at least one (422 naming `body`).
//!
//! - a severity sets the response-time targets (the first response counted again from the
//!   filing, the next update from where its clock runs); set on a `new` report without a
//!   status, it makes the report `triaged`;
//! - a status may be any but `new`; `resolvedAt` and the next-update clock follow it
//!   (`team_repo::set_status`); a status change tells the reporters, in the same transaction;
//! - `assignee`: the caller's own sub is checked against their groups; the function keeps no
//!   staff directory (and has no access to the user pool), so another well-formed sub is
//!   trusted to be a team member;
//! - each field that changes is a timeline entry; a triage that changes nothing writes
//!   nothing (the version stays).
//!
//! A merged duplicate cannot be triaged (409): the team works the report it was merged into.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::etag::required_if_match;
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::caller::{Caller, Role, UserSub};
use serde::Deserialize;

use crate::Deps;
use crate::reports::model::{EntryKind, Report, ReportStatus, Severity, Side, TimelineEntry};
use crate::reports::repo::{Change, NotSaved, OnChanged};
use crate::reports::targets::SupportTargets;
use crate::reports::team_repo::{
    audit_reached, check_status, not_merged, reached, set_status, team_access, team_response,
    with_entries,
};
use crate::reports::{report_in_path, store, tell};

/// The body as sent: for each field, absent (`None`), `null` (`Some(None)`) or a value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriageBody {
    #[serde(default, with = "::serde_with::rust::double_option")]
    severity: Option<Option<Severity>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    status: Option<Option<ReportStatus>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    assignee: Option<Option<String>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    feature: Option<Option<Feature>>,
}

/// A valid triage: what to set (`assignee`/`feature`: `Some(None)` clears).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Triage {
    pub severity: Option<Severity>,
    pub status: Option<ReportStatus>,
    pub assignee: Option<Option<UserSub>>,
    pub feature: Option<Option<Feature>>,
}

impl TriageBody {
    /// Every bad field named (422); the caller is who assigns.
    fn checked(self, caller: &Caller) -> Result<Triage, ApiError> {
        let mut errors = FieldErrors::new();
        if self.severity.is_none()
            && self.status.is_none()
            && self.assignee.is_none()
            && self.feature.is_none()
        {
            errors.add(
                "body",
                "must set at least one of severity, status, assignee, feature",
            );
        }
        if self.severity == Some(None) {
            errors.add(
                "severity",
                "cannot be cleared (one of critical, high, normal, low)",
            );
        }
        if self.status == Some(None) {
            errors.add("status", "cannot be null");
        }
        let assignee = match self.assignee {
            None => None,
            Some(None) => Some(None),
            Some(Some(raw)) => errors.check("assignee", assignee(&raw, caller)).map(Some),
        };
        errors.finish()?;
        Ok(Triage {
            severity: self.severity.flatten(),
            status: self.status.flatten(),
            assignee,
            feature: self.feature,
        })
    }
}

/// `raw` as the assignee: a well-formed sub; the caller's own must be in the team's groups.
fn assignee(raw: &str, caller: &Caller) -> Result<UserSub, String> {
    let sub = UserSub::parse(raw).ok_or("must be a staff member's user id")?;
    if sub == caller.sub && !caller.has(Role::ResponseTeam) && !caller.has(Role::PortalLead) {
        return Err("must be a staff member in response-team or portal-leads".into());
    }
    Ok(sub)
}

/// What a triage changes: the report after it, its timeline entries, and whether the status
/// changed (the reporters are told). `None` when it changes nothing.
#[derive(Debug)]
pub struct Triaged {
    pub report: Report,
    pub entries: Vec<TimelineEntry>,
    pub status_changed: bool,
}

/// Applies `triage` by `by` at `now` to `report`. Refuses a merged duplicate (409) and
/// setting `new` back (422 `status`).
pub fn triaged(
    report: &Report,
    triage: &Triage,
    by: &UserSub,
    now: Timestamp,
    targets: &SupportTargets,
) -> Result<Option<Triaged>, ApiError> {
    not_merged(report)?;
    let at = now.max(report.updated_at);
    let entry = |kind| TimelineEntry::new(report.report_id, at, kind, Side::Team, by.clone());
    let mut after = report.next(at);
    let mut entries = Vec::new();
    if let Some(severity) = triage.severity
        && report.severity != Some(severity)
    {
        after.severity = Some(severity);
        let mut changed = entry(EntryKind::Severity);
        changed.severity = Some(severity);
        entries.push(changed);
    }
    // A severity on a new report triages it, unless a status is given.
    let status = triage.status.or_else(|| {
        (triage.severity.is_some() && report.status == ReportStatus::New)
            .then_some(ReportStatus::Triaged)
    });
    let mut status_changed = false;
    if let Some(status) = status {
        check_status(report.status, status)
            .map_err(|message| ApiError::invalid("status", message))?;
        if status != report.status {
            set_status(&mut after, status, at, targets);
            entries.push(entry(EntryKind::Status).with_status(status));
            status_changed = true;
        }
    }
    if let Some(assignee) = &triage.assignee
        && report.assignee != *assignee
    {
        after.assignee = assignee.clone();
        let mut changed = entry(EntryKind::Assignee);
        changed.assignee = assignee.clone();
        entries.push(changed);
    }
    if let Some(feature) = triage.feature
        && report.feature != feature
    {
        after.feature = feature;
        let mut changed = entry(EntryKind::Feature);
        changed.feature = feature;
        entries.push(changed);
    }
    if entries.is_empty() {
        return Ok(None);
    }
    targets.retarget(&mut after);
    Ok(Some(Triaged {
        report: after,
        entries,
        status_changed,
    }))
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = team_access(deps, call).await?;
    let id = report_in_path(call)?;
    let expected = required_if_match(call)?;
    let triage = call.json_body::<TriageBody>()?.checked(call.caller())?;
    let by = &call.caller().sub;
    let table = &deps.platform.app_table;
    let store = store(deps);
    // Contention alone is retried; a version moved on is this triage's answer (412).
    let saved = store
        .retrying(OnChanged::Answer, || async {
            let (current, timeline) = store
                .load_with_timeline(id)
                .await?
                .ok_or(ApiError::NotFound)?;
            if current.version != expected.0 {
                return Err(ApiError::PreconditionFailed);
            }
            let now = Timestamp::now();
            let Some(triaged) = triaged(&current, &triage, by, now, &deps.targets)? else {
                return Ok(Ok((current, timeline, now)));
            };
            let told = if triaged.status_changed {
                tell::outbox(table, &triaged.report, None, now)?
            } else {
                Vec::new()
            };
            let change = Change::of(triaged.report.clone(), current.version, triaged.entries)
                .with_outbox(told);
            let timeline = with_entries(timeline, &change, id);
            Ok(store
                .save(&change)
                .await?
                .map(|()| (triaged.report, timeline, now)))
        })
        .await?;
    let (report, timeline, now) = match saved {
        Ok(saved) => saved,
        Err(NotSaved::Changed(_)) => return Err(ApiError::PreconditionFailed),
        Err(NotSaved::Contention) => {
            return Err(ApiError::Conflict(
                "Someone changed this report at the same moment; read it again.".into(),
            ));
        }
    };
    audit_reached(deps, call, &access, &[reached(&report)]).await?;
    team_response(StatusCode::OK, &report, &timeline, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::tests::{at, report, sub};
    use crate::reports::team_repo::tests::targets;
    use std::collections::BTreeSet;

    fn caller(sub_: &str, roles: &[Role]) -> Caller {
        Caller {
            sign_in: Default::default(),
            sub: sub(sub_),
            roles: roles.iter().copied().collect::<BTreeSet<_>>(),
            patient_id: None,
            display_name: None,
        }
    }

    fn body(json: &str) -> Result<TriageBody, ApiError> {
        portal_shared::platform::http::parse_json(json.as_bytes())
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bodies_are_read_field_by_field() {
        let lead = caller("lead", &[Role::PortalLead]);
        let checked = |json: &str| body(json).and_then(|body| body.checked(&lead));
        assert_eq!(fields(checked("{}").expect_err("empty")), ["body"]);
        assert_eq!(
            fields(checked(r#"{"severity": null, "status": null}"#).expect_err("nulls")),
            ["severity", "status"]
        );
        assert_eq!(
            fields(checked(r#"{"severity": "urgent"}"#).expect_err("bad")),
            ["severity"]
        );
        assert_eq!(
            fields(checked(r#"{"status": "closed"}"#).expect_err("bad")),
            ["status"]
        );
        assert_eq!(
            fields(checked(r#"{"feature": "teleport"}"#).expect_err("bad")),
            ["feature"]
        );
        assert_eq!(
            fields(checked(r#"{"assignee": "a b"}"#).expect_err("bad")),
            ["assignee"]
        );
        assert_eq!(
            fields(checked(r#"{"colour": "red"}"#).expect_err("bad")),
            ["colour"]
        );

        let all = checked(
            r#"{"severity": "high", "status": "in-progress", "assignee": "grace", "feature": "messaging"}"#,
        )
        .expect("valid");
        assert_eq!(
            all,
            Triage {
                severity: Some(Severity::High),
                status: Some(ReportStatus::InProgress),
                assignee: Some(Some(sub("grace"))),
                feature: Some(Some(Feature::Messaging)),
            }
        );
        let clearing = checked(r#"{"assignee": null, "feature": null}"#).expect("valid");
        assert_eq!(clearing.assignee, Some(None));
        assert_eq!(clearing.feature, Some(None));
        assert_eq!(clearing.severity, None);
    }

    #[test]
    fn the_caller_assigns_themselves_only_from_the_team() {
        let member = caller("grace", &[Role::ResponseTeam]);
        assert_eq!(assignee("grace", &member), Ok(sub("grace")));
        let outsider = caller("bob", &[Role::FrontDesk]);
        assert!(assignee("bob", &outsider).is_err());
        assert!(assignee("", &member).is_err());
    }

    #[test]
    fn a_severity_triages_a_new_report_and_sets_its_targets() {
        let report = report("ana");
        let triage = Triage {
            severity: Some(Severity::Critical),
            ..Triage::default()
        };
        let now = at("2026-01-05T09:30:00Z");
        let done = triaged(&report, &triage, &sub("lead"), now, &targets())
            .expect("ok")
            .expect("changed");
        assert_eq!(done.report.status, ReportStatus::Triaged);
        assert_eq!(done.report.severity, Some(Severity::Critical));
        // Filed Monday 09:00 UTC: one business hour → 10:00.
        assert_eq!(done.report.first_response_due, at("2026-01-05T10:00:00Z"));
        assert!(done.status_changed);
        let kinds: Vec<EntryKind> = done.entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntryKind::Severity, EntryKind::Status]);
        assert_eq!(done.report.version, report.version + 1);

        // An explicit status wins over the implied one.
        let triage = Triage {
            severity: Some(Severity::Low),
            status: Some(ReportStatus::InProgress),
            ..Triage::default()
        };
        let done = triaged(&report, &triage, &sub("lead"), now, &targets())
            .expect("ok")
            .expect("changed");
        assert_eq!(done.report.status, ReportStatus::InProgress);
        // Low: sixteen hours from Monday 09:00 → 9 + 7 → Tuesday 15:00.
        assert_eq!(done.report.first_response_due, at("2026-01-06T15:00:00Z"));
    }

    #[test]
    fn assignee_and_feature_tell_nobody_and_same_values_change_nothing() {
        let mut report = report("ana");
        report.status = ReportStatus::Triaged;
        report.severity = Some(Severity::Normal);
        let now = at("2026-01-05T09:30:00Z");
        let triage = Triage {
            assignee: Some(Some(sub("grace"))),
            feature: Some(None),
            ..Triage::default()
        };
        let done = triaged(&report, &triage, &sub("lead"), now, &targets())
            .expect("ok")
            .expect("changed");
        assert!(!done.status_changed);
        assert_eq!(done.report.assignee, Some(sub("grace")));
        assert_eq!(done.report.feature, None);
        let kinds: Vec<EntryKind> = done.entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntryKind::Assignee, EntryKind::Feature]);

        let same = Triage {
            severity: Some(Severity::Normal),
            status: Some(ReportStatus::Triaged),
            feature: Some(report.feature),
            assignee: Some(None),
        };
        assert!(
            triaged(&report, &same, &sub("lead"), now, &targets())
                .expect("ok")
                .is_none()
        );
    }

    #[test]
    fn refusals() {
        let mut report = report("ana");
        report.status = ReportStatus::InProgress;
        let now = at("2026-01-05T09:30:00Z");
        let back = Triage {
            status: Some(ReportStatus::New),
            ..Triage::default()
        };
        assert_eq!(
            fields(triaged(&report, &back, &sub("lead"), now, &targets()).expect_err("new")),
            ["status"]
        );
        report.merged_into = Some(portal_shared::domain::ids::ReportId::generate());
        let any = Triage {
            severity: Some(Severity::High),
            ..Triage::default()
        };
        assert!(matches!(
            triaged(&report, &any, &sub("lead"), now, &targets()),
            Err(ApiError::Conflict(_))
        ));
    }
}
