//! `POST /support/reports/{reportId}/notes`: an internal note (`{text}`, plain text,
//! 1..=4000 characters) → 201 with the team's view and its ETag. Reporters never see notes and
//! nobody is told. No If-Match: notes written at the same moment all land (the report is read
//! again when another change wins the race); an Idempotency-Key is honoured when sent. Notes
//! may be added to a merged duplicate too (the team's own record of it).

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::policy::caller::UserSub;
use serde::Deserialize;

use crate::Deps;
use crate::reports::model::{EntryKind, Report, ReportText, Side, TimelineEntry};
use crate::reports::repo::Change;
use crate::reports::report_in_path;
use crate::reports::team_repo::{audit_reached, post_once, team_access};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewNote {
    text: String,
}

/// The change a note `text` by `by` makes to `report` at `now`.
pub fn noted(report: &Report, text: &ReportText, by: &UserSub, now: Timestamp) -> Change {
    let at = now.max(report.updated_at);
    let entry = TimelineEntry::new(
        report.report_id,
        at,
        EntryKind::Note,
        Side::Team,
        by.clone(),
    )
    .with_text(text.clone());
    Change::of(report.next(at), report.version, vec![entry])
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = team_access(deps, call).await?;
    let id = report_in_path(call)?;
    let body = call.json_body::<NewNote>()?;
    let text =
        ReportText::parse(&body.text).map_err(|message| ApiError::invalid("text", message))?;
    let by = &call.caller().sub;
    let (response, replayed) = post_once(deps, call, id, |report, now| {
        Ok(noted(report, &text, by, now))
    })
    .await?;
    audit_reached(deps, call, &access, &[(id, response.patient_id)]).await?;
    response.render(replayed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::tests::{at, report, sub};

    #[test]
    fn a_note_is_a_new_version_with_one_internal_entry() {
        let report = report("ana");
        let text = ReportText::parse("seen before").expect("text");
        // A clock behind the report's last change still writes after it.
        let change = noted(&report, &text, &sub("lead"), at("2026-01-05T08:00:00Z"));
        let (after, expected) = &change.reports[0];
        assert_eq!((*expected, after.version), (1, 2));
        assert_eq!(after.status, report.status);
        assert_eq!(after.due(), report.due());
        assert_eq!(change.entries.len(), 1);
        let entry = &change.entries[0];
        assert_eq!((entry.kind, entry.side), (EntryKind::Note, Side::Team));
        assert_eq!(entry.at, report.updated_at);
        assert!(!entry.kind.reporter_sees());
        assert!(change.outbox.is_empty(), "a note tells nobody");
    }
}
