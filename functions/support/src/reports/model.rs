//! Problem reports as stored and as shown: the report (one item, `keys::report`), its timeline
//! (one item per entry, `keys::report_event`), the validated text a reporter sends, and the
//! three views: the reporter's (`ProblemReport`: no notes, no staff subs, no severity or
//! assignee), the team's (`TeamReport`: everything) and the queue's (`QueueItem`).
//!
//! Times of the response-time targets are computed by the handlers (on the practice's
//! calendar, `targets`) and stored on the report, so a view or a queue read needs no
//! calendar: [`Report::due`] says which of them applies now.

use portal_shared::domain::cohort_name::CohortName;
use portal_shared::domain::ids::{EventId, PatientId, ReportId};
use portal_shared::domain::person::Email;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// What happened, as the reporter tells it (line breaks allowed).
pub const MAX_WHAT_HAPPENED_CHARS: usize = 4000;
/// The app path the reporter was on.
pub const MAX_PAGE_CHARS: usize = 200;
/// The web app's version string.
pub const MAX_APP_VERSION_CHARS: usize = 40;
/// A reply either way, or an internal note (line breaks allowed).
pub const MAX_TEXT_CHARS: usize = 4000;
/// How much of what happened the queue shows.
pub const SUMMARY_CHARS: usize = 120;
/// The most duplicates one report gathers (merge refuses more).
pub const MAX_DUPLICATES: usize = 100;

// ---- validated text ---------------------------------------------------------------------

/// What happened: plain text, trimmed, 1..=4000 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WhatHappened(String);

impl WhatHappened {
    pub fn parse(raw: &str) -> Result<Self, String> {
        plain_text(raw, MAX_WHAT_HAPPENED_CHARS, true).map(WhatHappened)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The first [`SUMMARY_CHARS`] characters, on one line (for the queue).
    pub fn summary(&self) -> String {
        self.0
            .chars()
            .take(SUMMARY_CHARS)
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect()
    }
}

/// The app path the reporter was on: `/` and then up to 199 more characters, no query or
/// fragment (the web app strips ids and query itself; this refuses what it missed), no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppPage(String);

impl AppPage {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let page = plain_text(raw, MAX_PAGE_CHARS, false)?;
        if !page.starts_with('/') {
            return Err("must be an app path starting with \"/\"".into());
        }
        if page.contains(['?', '#']) {
            return Err("must be a path without a query (?) or fragment (#)".into());
        }
        if page.chars().any(char::is_whitespace) {
            return Err("must be a path without spaces".into());
        }
        Ok(AppPage(page))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The web app's version: 1..=40 of `A-Z a-z 0-9 . + -`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppVersion(String);

impl AppVersion {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid = !raw.is_empty()
            && raw.chars().count() <= MAX_APP_VERSION_CHARS
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
        if valid {
            Ok(AppVersion(raw.to_owned()))
        } else {
            Err(format!(
                "must be 1 to {MAX_APP_VERSION_CHARS} of the characters A-Z, a-z, 0-9, \".\", \
                 \"+\" and \"-\""
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A reply (either way) or an internal note: plain text, 1..=4000 characters, line breaks
/// allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReportText(String);

impl ReportText {
    pub fn parse(raw: &str) -> Result<Self, String> {
        plain_text(raw, MAX_TEXT_CHARS, true).map(ReportText)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new report as sent (`POST .../reports`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewReport {
    pub what_happened: String,
    pub page: String,
    #[serde(default)]
    pub feature: Option<Feature>,
    pub app_version: String,
}

/// A valid new report.
#[derive(Debug, Clone)]
pub struct ValidReport {
    pub what_happened: WhatHappened,
    pub page: AppPage,
    pub feature: Option<Feature>,
    pub app_version: AppVersion,
}

impl NewReport {
    /// Every problem named by its field (422).
    pub fn validate(self) -> Result<ValidReport, portal_shared::ApiError> {
        let mut errors = FieldErrors::new();
        let what_happened = errors.check("whatHappened", WhatHappened::parse(&self.what_happened));
        let page = errors.check("page", AppPage::parse(&self.page));
        let app_version = errors.check("appVersion", AppVersion::parse(&self.app_version));
        errors.finish()?;
        match (what_happened, page, app_version) {
            (Some(what_happened), Some(page), Some(app_version)) => Ok(ValidReport {
                what_happened,
                page,
                feature: self.feature,
                app_version,
            }),
            _ => Err(portal_shared::ApiError::internal(
                "validated fields missing",
            )),
        }
    }
}

/// A reply's body (`{text}`), reporter side.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReply {
    pub text: String,
}

impl NewReply {
    pub fn validate(self) -> Result<ReportText, portal_shared::ApiError> {
        ReportText::parse(&self.text)
            .map_err(|message| portal_shared::ApiError::invalid("text", message))
    }
}

// ---- states -------------------------------------------------------------------------------

pub use portal_shared::features::report_status::ReportStatus;

/// The two team queues on GSI1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueState {
    Open,
    Resolved,
}

impl QueueState {
    /// The team queue (`keys::report_queue`) a report in `status` is in.
    pub const fn of(status: ReportStatus) -> QueueState {
        match status {
            ReportStatus::Resolved => QueueState::Resolved,
            _ => QueueState::Open,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            QueueState::Open => "open",
            QueueState::Resolved => "resolved",
        }
    }
    pub fn parse(raw: &str) -> Option<QueueState> {
        [QueueState::Open, QueueState::Resolved]
            .into_iter()
            .find(|state| state.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Normal,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Normal,
        Severity::Low,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Normal => "normal",
            Severity::Low => "low",
        }
    }

    pub fn parse(raw: &str) -> Option<Severity> {
        Self::ALL
            .into_iter()
            .find(|severity| severity.as_str() == raw)
    }
}

// ---- who reported -------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReporterKind {
    Patient,
    Caregiver,
    Staff,
}

/// Who filed a report. `email`/`language` (a caregiver's, where known at filing) are stored to
/// tell them and never shown.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reporter {
    pub kind: ReporterKind,
    pub sub: UserSub,
    /// The patient in whose context it was filed (patients and caregivers).
    #[serde(default)]
    pub patient_id: Option<PatientId>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub language: Option<String>,
}

/// A feature's switch state for the reporter when they filed (evaluated by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchState {
    pub feature: Feature,
    pub on: bool,
}

/// A duplicate merged into a report: its id, and its reporter (to tell them without reading
/// every duplicate on every reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Duplicate {
    pub report_id: ReportId,
    pub reporter: Reporter,
}

// ---- the report ---------------------------------------------------------------------------

/// One problem report, as stored (`keys::report`; the index attributes are the repository's).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub report_id: ReportId,
    pub what_happened: WhatHappened,
    pub page: AppPage,
    #[serde(default)]
    pub feature: Option<Feature>,
    pub app_version: AppVersion,
    pub reporter: Reporter,
    #[serde(default)]
    pub switches: Vec<SwitchState>,
    pub status: ReportStatus,
    /// `None` until triage (targets count as `normal` meanwhile).
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub assignee: Option<UserSub>,
    /// Set on a duplicate: the report it was merged into (for good).
    #[serde(default)]
    pub merged_into: Option<ReportId>,
    #[serde(default)]
    pub merged_at: Option<Timestamp>,
    /// The duplicates merged into this one (at most [`MAX_DUPLICATES`]).
    #[serde(default)]
    pub duplicates: Vec<Duplicate>,
    pub first_response_due: Timestamp,
    /// The first team reply (meets the first-response target).
    #[serde(default)]
    pub first_responded_at: Option<Timestamp>,
    /// Where the next-update clock runs from: the last team reply, or the reporter's latest
    /// reply after it (`None` before the first team reply).
    #[serde(default)]
    pub next_update_from: Option<Timestamp>,
    /// `next_update_from` + the severity's next-update hours; kept while paused, but
    /// [`Report::due`] ignores it then.
    #[serde(default)]
    pub next_update_due: Option<Timestamp>,
    #[serde(default)]
    pub resolved_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Report {
    /// The target that applies now: none while paused (waiting on the reporter, resolved) or
    /// once merged; the first response until there is one; then the next update.
    pub fn due(&self) -> Option<Timestamp> {
        if self.merged_into.is_some() || self.status.is_paused() {
            return None;
        }
        match self.first_responded_at {
            None => Some(self.first_response_due),
            Some(_) => self.next_update_due,
        }
    }

    pub fn breached(&self, now: Timestamp) -> bool {
        self.due().is_some_and(|due| now >= due)
    }

    /// Everyone who filed this report or a duplicate merged into it, each with their own
    /// report (this one first, then duplicates in merge order).
    pub fn reporters(&self) -> impl Iterator<Item = (ReportId, &Reporter)> {
        std::iter::once((self.report_id, &self.reporter)).chain(
            self.duplicates
                .iter()
                .map(|duplicate| (duplicate.report_id, &duplicate.reporter)),
        )
    }

    /// Whether `sub` filed this report.
    pub fn filed_by(&self, sub: &UserSub) -> bool {
        &self.reporter.sub == sub
    }

    /// The report as the next version (`version + 1`, `updated_at = at`), to change further.
    pub fn next(&self, at: Timestamp) -> Report {
        Report {
            updated_at: at.max(self.updated_at),
            version: self.version + 1,
            ..self.clone()
        }
    }
}

// ---- the timeline -------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    Filed,
    Reply,
    Note,
    Status,
    Severity,
    Assignee,
    Feature,
    Merged,
    SwitchOff,
}

impl EntryKind {
    /// What a reporter sees of a timeline: filing, replies either way, status changes.
    pub const fn reporter_sees(self) -> bool {
        matches!(
            self,
            EntryKind::Filed | EntryKind::Reply | EntryKind::Status
        )
    }
}

/// Which side wrote an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Reporter,
    Team,
}

/// One entry of a report's timeline (`keys::report_event(report, at, event_id)`). Which
/// optional fields are set depends on the kind:
/// - `filed`, `reply`, `note`: `text` (a reply may carry the `status` it set);
/// - `status`: `status` (the new one); `severity`: `severity`; `assignee`: `assignee` (absent
///   when unassigned); `feature`: `feature` (absent when cleared);
/// - `merged`: on the primary `duplicateId`, on the duplicate `mergedInto`;
/// - `switch-off`: `feature`, `scope` (`everyone` | `cohort`), `cohort`, `text` (the reason);
/// - a reporter's reply on a merged duplicate, copied to the primary: `duplicateId`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// The report whose timeline this is.
    pub report_id: ReportId,
    pub event_id: EventId,
    pub at: Timestamp,
    pub kind: EntryKind,
    pub side: Side,
    pub by: UserSub,
    #[serde(default)]
    pub text: Option<ReportText>,
    #[serde(default)]
    pub status: Option<ReportStatus>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub assignee: Option<UserSub>,
    #[serde(default)]
    pub feature: Option<Feature>,
    #[serde(default)]
    pub duplicate_id: Option<ReportId>,
    #[serde(default)]
    pub merged_into: Option<ReportId>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub cohort: Option<CohortName>,
}

impl TimelineEntry {
    /// A bare entry of `kind` on `report` (fill in the fields the kind carries).
    pub fn new(report: ReportId, at: Timestamp, kind: EntryKind, side: Side, by: UserSub) -> Self {
        TimelineEntry {
            report_id: report,
            event_id: EventId::generate(),
            at,
            kind,
            side,
            by,
            text: None,
            status: None,
            severity: None,
            assignee: None,
            feature: None,
            duplicate_id: None,
            merged_into: None,
            scope: None,
            cohort: None,
        }
    }

    pub fn with_text(mut self, text: ReportText) -> Self {
        self.text = Some(text);
        self
    }

    pub fn with_status(mut self, status: ReportStatus) -> Self {
        self.status = Some(status);
        self
    }
}

// ---- the reporter's view ------------------------------------------------------------------

/// `from` in the reporter's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Author {
    You,
    Team,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReporterEntry<'a> {
    pub at: Timestamp,
    pub kind: EntryKind,
    pub from: Author,
    pub text: Option<&'a str>,
    pub status: Option<ReportStatus>,
}

/// `ProblemReport`: what the reporter reads of their report. No internal notes, no staff
/// subs, no severity or assignee.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemReport<'a> {
    pub report_id: ReportId,
    pub what_happened: &'a str,
    pub page: &'a str,
    pub feature: Option<Feature>,
    pub app_version: &'a str,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub status: ReportStatus,
    pub timeline: Vec<ReporterEntry<'a>>,
}

/// The reporter's view of `report` (which they filed). `timeline` is its own; for a merged
/// duplicate, `primary` is the report it was merged into (with its timeline): its status is
/// shown, and its team replies and status changes since the merge join the timeline, so the
/// reporter keeps hearing. Entries that came through another report (a reply of another
/// duplicate's reporter, and the status change it made: `duplicateId` set) stay out.
pub fn reporter_view<'a>(
    report: &'a Report,
    timeline: &'a [TimelineEntry],
    primary: Option<(&'a Report, &'a [TimelineEntry])>,
) -> ProblemReport<'a> {
    let own = timeline
        .iter()
        .filter(|entry| entry.kind.reporter_sees() && entry.duplicate_id.is_none());
    let since = report.merged_at.unwrap_or(report.created_at);
    let from_primary = primary
        .map(|(_, entries)| entries)
        .unwrap_or_default()
        .iter()
        .filter(move |entry| {
            entry.side == Side::Team
                && matches!(entry.kind, EntryKind::Reply | EntryKind::Status)
                && entry.at >= since
        });
    let mut entries: Vec<&TimelineEntry> = own.chain(from_primary).collect();
    entries.sort_by_key(|entry| (entry.at, entry.event_id));
    let (status, updated_at) = match primary {
        Some((primary, _)) => (primary.status, report.updated_at.max(primary.updated_at)),
        None => (report.status, report.updated_at),
    };
    ProblemReport {
        report_id: report.report_id,
        what_happened: report.what_happened.as_str(),
        page: report.page.as_str(),
        feature: report.feature,
        app_version: report.app_version.as_str(),
        created_at: report.created_at,
        updated_at,
        status,
        timeline: entries
            .into_iter()
            .map(|entry| ReporterEntry {
                at: entry.at,
                kind: entry.kind,
                from: match entry.side {
                    Side::Reporter => Author::You,
                    Side::Team => Author::Team,
                },
                text: entry.text.as_ref().map(ReportText::as_str),
                status: entry.status,
            })
            .collect(),
    }
}

/// One report in the reporter's list (no timeline).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReporterListItem<'a> {
    pub report_id: ReportId,
    pub what_happened: &'a str,
    pub page: &'a str,
    pub feature: Option<Feature>,
    pub app_version: &'a str,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub status: ReportStatus,
}

impl<'a> ReporterListItem<'a> {
    /// `primary_status`: the status of the report a duplicate was merged into.
    pub fn of(report: &'a Report, primary_status: Option<ReportStatus>) -> Self {
        ReporterListItem {
            report_id: report.report_id,
            what_happened: report.what_happened.as_str(),
            page: report.page.as_str(),
            feature: report.feature,
            app_version: report.app_version.as_str(),
            created_at: report.created_at,
            updated_at: report.updated_at,
            status: primary_status.unwrap_or(report.status),
        }
    }
}

// ---- the team's views ---------------------------------------------------------------------

/// `reporter` in the team's view (never the stored address).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReporterView<'a> {
    pub kind: ReporterKind,
    pub sub: &'a UserSub,
    pub patient_id: Option<PatientId>,
}

impl<'a> ReporterView<'a> {
    pub fn of(reporter: &'a Reporter) -> Self {
        ReporterView {
            kind: reporter.kind,
            sub: &reporter.sub,
            patient_id: reporter.patient_id,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetsView {
    pub first_response_due: Timestamp,
    pub first_responded_at: Option<Timestamp>,
    pub next_update_due: Option<Timestamp>,
    pub breached: bool,
}

/// One timeline entry as the team reads it: everything but the report id.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamEntry<'a> {
    pub event_id: EventId,
    pub at: Timestamp,
    pub kind: EntryKind,
    pub from: Side,
    pub by: &'a UserSub,
    pub text: Option<&'a str>,
    pub status: Option<ReportStatus>,
    pub severity: Option<Severity>,
    pub assignee: Option<&'a UserSub>,
    pub feature: Option<Feature>,
    pub duplicate_id: Option<ReportId>,
    pub merged_into: Option<ReportId>,
    pub scope: Option<&'a str>,
    pub cohort: Option<&'a CohortName>,
}

impl<'a> TeamEntry<'a> {
    pub fn of(entry: &'a TimelineEntry) -> Self {
        TeamEntry {
            event_id: entry.event_id,
            at: entry.at,
            kind: entry.kind,
            from: entry.side,
            by: &entry.by,
            text: entry.text.as_ref().map(ReportText::as_str),
            status: entry.status,
            severity: entry.severity,
            assignee: entry.assignee.as_ref(),
            feature: entry.feature,
            duplicate_id: entry.duplicate_id,
            merged_into: entry.merged_into,
            scope: entry.scope.as_deref(),
            cohort: entry.cohort.as_ref(),
        }
    }
}

/// `TeamReport`: everything about a report, for the quick-response team.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamReport<'a> {
    pub report_id: ReportId,
    pub what_happened: &'a str,
    pub page: &'a str,
    pub feature: Option<Feature>,
    pub app_version: &'a str,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub status: ReportStatus,
    pub resolved_at: Option<Timestamp>,
    pub reporter: ReporterView<'a>,
    pub switches: &'a [SwitchState],
    pub severity: Option<Severity>,
    pub assignee: Option<&'a UserSub>,
    pub merged_into: Option<ReportId>,
    pub duplicates: Vec<ReportId>,
    pub targets: TargetsView,
    pub version: u64,
    pub timeline: Vec<TeamEntry<'a>>,
}

/// The team's view of `report` with its whole `timeline` (oldest first), at `now`.
pub fn team_view<'a>(
    report: &'a Report,
    timeline: &'a [TimelineEntry],
    now: Timestamp,
) -> TeamReport<'a> {
    TeamReport {
        report_id: report.report_id,
        what_happened: report.what_happened.as_str(),
        page: report.page.as_str(),
        feature: report.feature,
        app_version: report.app_version.as_str(),
        created_at: report.created_at,
        updated_at: report.updated_at,
        status: report.status,
        resolved_at: report.resolved_at,
        reporter: ReporterView::of(&report.reporter),
        switches: &report.switches,
        severity: report.severity,
        assignee: report.assignee.as_ref(),
        merged_into: report.merged_into,
        duplicates: report
            .duplicates
            .iter()
            .map(|duplicate| duplicate.report_id)
            .collect(),
        targets: TargetsView {
            first_response_due: report.first_response_due,
            first_responded_at: report.first_responded_at,
            // No clock runs while the team waits on the reporter, or once resolved.
            next_update_due: report
                .next_update_due
                .filter(|_| !report.status.is_paused() && report.merged_into.is_none()),
            breached: report.breached(now),
        },
        version: report.version,
        timeline: timeline.iter().map(TeamEntry::of).collect(),
    }
}

/// One report in the team's queue.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    pub report_id: ReportId,
    pub summary: String,
    pub feature: Option<Feature>,
    pub status: ReportStatus,
    pub severity: Option<Severity>,
    pub assignee: Option<UserSub>,
    pub created_at: Timestamp,
    pub due: Option<Timestamp>,
    pub breached: bool,
    pub duplicates: usize,
    pub reporter_kind: ReporterKind,
}

impl QueueItem {
    pub fn of(report: &Report, now: Timestamp) -> Self {
        QueueItem {
            report_id: report.report_id,
            summary: report.what_happened.summary(),
            feature: report.feature,
            status: report.status,
            severity: report.severity,
            assignee: report.assignee.clone(),
            created_at: report.created_at,
            due: report.due(),
            breached: report.breached(now),
            duplicates: report.duplicates.len(),
            reporter_kind: report.reporter.kind,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("time")
    }

    pub fn sub(raw: &str) -> UserSub {
        UserSub::parse(raw).expect("sub")
    }

    /// A `new` report filed by `reporter` at 2026-01-05 09:00, first response due at 17:00.
    pub fn report(reporter: &str) -> Report {
        let filed = at("2026-01-05T09:00:00Z");
        Report {
            report_id: ReportId::generate(),
            what_happened: WhatHappened::parse("The page went blank").expect("text"),
            page: AppPage::parse("/messages").expect("page"),
            feature: Some(Feature::Messaging),
            app_version: AppVersion::parse("1.4.0").expect("version"),
            reporter: Reporter {
                kind: ReporterKind::Patient,
                sub: sub(reporter),
                patient_id: Some(PatientId::generate()),
                email: None,
                language: None,
            },
            switches: vec![SwitchState {
                feature: Feature::Messaging,
                on: true,
            }],
            status: ReportStatus::New,
            severity: None,
            assignee: None,
            merged_into: None,
            merged_at: None,
            duplicates: Vec::new(),
            first_response_due: at("2026-01-05T17:00:00Z"),
            first_responded_at: None,
            next_update_from: None,
            next_update_due: None,
            resolved_at: None,
            created_at: filed,
            updated_at: filed,
            version: 1,
        }
    }

    #[test]
    fn new_reports_name_every_bad_field() {
        let bad = NewReport {
            what_happened: "   ".into(),
            page: "messages?x=1".into(),
            feature: None,
            app_version: "1.0 beta".into(),
        };
        let Err(portal_shared::ApiError::Invalid(errors)) = bad.validate() else {
            panic!("invalid");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["whatHappened", "page", "appVersion"]);

        let good = NewReport {
            what_happened: "  It broke\r\nagain ".into(),
            page: "/appointments/book".into(),
            feature: Some(Feature::OnlineBooking),
            app_version: "2.3.1+build-7".into(),
        }
        .validate()
        .expect("valid");
        assert_eq!(good.what_happened.as_str(), "It broke\nagain");
        assert_eq!(good.page.as_str(), "/appointments/book");
    }

    #[test]
    fn pages_are_app_paths_without_query_or_fragment() {
        assert!(AppPage::parse("/").is_ok());
        assert!(AppPage::parse(" /records ").is_ok());
        assert!(AppPage::parse("records").is_err());
        assert!(AppPage::parse("/records?id=1").is_err());
        assert!(AppPage::parse("/records#top").is_err());
        assert!(AppPage::parse("/a b").is_err());
        assert!(AppPage::parse("/two\nlines").is_err());
        assert!(AppPage::parse(&format!("/{}", "x".repeat(MAX_PAGE_CHARS))).is_err());
        assert!(AppPage::parse(&format!("/{}", "x".repeat(MAX_PAGE_CHARS - 1))).is_ok());
    }

    #[test]
    fn app_versions_are_short_and_plain() {
        assert!(AppVersion::parse("1.2.3-rc.1+abc").is_ok());
        assert!(AppVersion::parse("").is_err());
        assert!(AppVersion::parse("1/2").is_err());
        assert!(AppVersion::parse(&"1".repeat(MAX_APP_VERSION_CHARS)).is_ok());
        assert!(AppVersion::parse(&"1".repeat(MAX_APP_VERSION_CHARS + 1)).is_err());
    }

    #[test]
    fn texts_are_plain_and_bounded() {
        assert!(ReportText::parse("line one\nline two").is_ok());
        assert!(ReportText::parse("").is_err());
        assert!(ReportText::parse(&"x".repeat(MAX_TEXT_CHARS + 1)).is_err());
        assert!(WhatHappened::parse("a\u{202E}b").is_err());
        let long = WhatHappened::parse(&format!("first\nline {}", "y".repeat(300))).expect("ok");
        let summary = long.summary();
        assert_eq!(summary.chars().count(), SUMMARY_CHARS);
        assert!(summary.starts_with("first line"));
    }

    #[test]
    fn states_and_severities_round_trip() {
        for status in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).expect("json"), status.as_str());
        }
        for severity in Severity::ALL {
            assert_eq!(Severity::parse(severity.as_str()), Some(severity));
            assert_eq!(
                serde_json::to_value(severity).expect("json"),
                severity.as_str()
            );
        }
        assert_eq!(QueueState::of(ReportStatus::Resolved), QueueState::Resolved);
        assert_eq!(
            QueueState::of(ReportStatus::WaitingOnReporter),
            QueueState::Open
        );
        assert_eq!(QueueState::parse("open"), Some(QueueState::Open));
        assert_eq!(QueueState::parse("all"), None);
    }

    #[test]
    fn the_due_target_follows_the_state() {
        let mut report = report("ana");
        let now = at("2026-01-05T18:00:00Z");
        assert_eq!(report.due(), Some(report.first_response_due));
        assert!(report.breached(now));
        report.first_responded_at = Some(at("2026-01-05T10:00:00Z"));
        report.next_update_due = Some(at("2026-01-06T10:00:00Z"));
        assert_eq!(report.due(), report.next_update_due);
        assert!(!report.breached(now));
        report.status = ReportStatus::WaitingOnReporter;
        assert_eq!(report.due(), None);
        assert!(!report.breached(at("2030-01-01T00:00:00Z")));
        report.status = ReportStatus::InProgress;
        report.merged_into = Some(ReportId::generate());
        assert_eq!(report.due(), None);
    }

    #[test]
    fn the_reporter_sees_no_notes_no_subs_and_the_primarys_news_since_the_merge() {
        let mut duplicate = report("ben");
        let mut primary = report("ana");
        let lead = sub("lead");
        let t = |raw: &str| at(raw);
        let text = |raw: &str| ReportText::parse(raw).expect("text");
        let dup_timeline = vec![
            TimelineEntry::new(
                duplicate.report_id,
                t("2026-01-05T09:00:00Z"),
                EntryKind::Filed,
                Side::Reporter,
                sub("ben"),
            )
            .with_text(text("blank page")),
            TimelineEntry::new(
                duplicate.report_id,
                t("2026-01-05T09:30:00Z"),
                EntryKind::Note,
                Side::Team,
                lead.clone(),
            )
            .with_text(text("internal")),
        ];
        let primary_timeline = vec![
            // Before the merge: addressed to Ana alone.
            TimelineEntry::new(
                primary.report_id,
                t("2026-01-05T09:10:00Z"),
                EntryKind::Reply,
                Side::Team,
                lead.clone(),
            )
            .with_text(text("Hi Ana")),
            TimelineEntry::new(
                primary.report_id,
                t("2026-01-05T11:00:00Z"),
                EntryKind::Reply,
                Side::Team,
                lead.clone(),
            )
            .with_text(text("We are on it"))
            .with_status(ReportStatus::InProgress),
            TimelineEntry::new(
                primary.report_id,
                t("2026-01-05T11:05:00Z"),
                EntryKind::Note,
                Side::Team,
                lead.clone(),
            )
            .with_text(text("secret")),
            TimelineEntry::new(
                primary.report_id,
                t("2026-01-05T11:10:00Z"),
                EntryKind::Reply,
                Side::Reporter,
                sub("ana"),
            )
            .with_text(text("thanks")),
        ];
        duplicate.merged_into = Some(primary.report_id);
        duplicate.merged_at = Some(t("2026-01-05T10:00:00Z"));
        primary.status = ReportStatus::InProgress;
        let view = reporter_view(
            &duplicate,
            &dup_timeline,
            Some((&primary, &primary_timeline)),
        );
        assert_eq!(view.status, ReportStatus::InProgress);
        let texts: Vec<_> = view.timeline.iter().map(|e| e.text).collect();
        assert_eq!(texts, [Some("blank page"), Some("We are on it")]);
        let json = serde_json::to_value(&view).expect("json");
        assert_eq!(json["timeline"][0]["from"], "you");
        assert_eq!(json["timeline"][1]["from"], "team");
        assert_eq!(json["timeline"][1]["status"], "in-progress");
        let raw = json.to_string();
        for hidden in ["lead", "severity", "assignee", "secret", "internal", "by"] {
            assert!(!raw.contains(hidden), "{hidden} in {raw}");
        }

        // Ben's reply through his duplicate reaches the team on the primary, not Ana.
        let mut through = TimelineEntry::new(
            primary.report_id,
            t("2026-01-05T12:00:00Z"),
            EntryKind::Reply,
            Side::Reporter,
            sub("ben"),
        )
        .with_text(text("from ben"));
        through.duplicate_id = Some(duplicate.report_id);
        let mut primary_timeline = primary_timeline.clone();
        primary_timeline.push(through);
        let anas = reporter_view(&primary, &primary_timeline, None);
        let texts: Vec<_> = anas.timeline.iter().map(|e| e.text).collect();
        assert_eq!(
            texts,
            [Some("Hi Ana"), Some("We are on it"), Some("thanks")]
        );
    }

    #[test]
    fn the_team_sees_everything_but_the_address() {
        let mut report = report("ana");
        report.reporter.kind = ReporterKind::Caregiver;
        report.reporter.email = Some(Email::parse("carer@example.org").expect("email"));
        let entries = vec![
            TimelineEntry::new(
                report.report_id,
                report.created_at,
                EntryKind::Filed,
                Side::Reporter,
                sub("ana"),
            )
            .with_text(ReportText::parse("blank").expect("text")),
        ];
        let json = serde_json::to_value(team_view(&report, &entries, at("2026-01-05T12:00:00Z")))
            .expect("json");
        assert_eq!(json["reporter"]["kind"], "caregiver");
        assert_eq!(json["reporter"]["sub"], "ana");
        assert!(json["reporter"]["patientId"].is_string());
        assert!(json["severity"].is_null());
        assert_eq!(json["targets"]["breached"], false);
        assert_eq!(json["timeline"][0]["by"], "ana");
        assert_eq!(json["timeline"][0]["from"], "reporter");
        assert_eq!(json["switches"][0]["feature"], "messaging");
        assert!(!json.to_string().contains("carer@example.org"));

        let item =
            serde_json::to_value(QueueItem::of(&report, at("2026-01-05T18:00:00Z"))).expect("json");
        assert_eq!(item["breached"], true);
        assert_eq!(item["reporterKind"], "caregiver");
        assert_eq!(item["duplicates"], 0);
        assert_eq!(item["summary"], "The page went blank");
    }

    #[test]
    fn a_stored_report_reads_back() {
        let report = report("ana");
        let item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
            serde_dynamo::to_item(&report).expect("item");
        assert!(!item.contains_key("severity"), "absent until triage");
        let back: Report = serde_dynamo::from_item(item).expect("back");
        assert_eq!(back, report);
    }
}
