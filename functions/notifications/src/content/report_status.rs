//! Where a problem report stands, as the sender reads it from an outbox record
//! (`AboutReport::status`, stored `reportStatus`) to choose its own words. The support service
//! writes the same slugs; a slug this build does not know is not shown (the notice then says
//! only that there is news), so no producer's text can reach a template through it.

/// A problem report's status; the slugs are the support API's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    New,
    Triaged,
    InProgress,
    WaitingOnReporter,
    Resolved,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 5] = [
        ReportStatus::New,
        ReportStatus::Triaged,
        ReportStatus::InProgress,
        ReportStatus::WaitingOnReporter,
        ReportStatus::Resolved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ReportStatus::New => "new",
            ReportStatus::Triaged => "triaged",
            ReportStatus::InProgress => "in-progress",
            ReportStatus::WaitingOnReporter => "waiting-on-reporter",
            ReportStatus::Resolved => "resolved",
        }
    }

    /// `None` for a slug this build does not know.
    pub fn parse(slug: &str) -> Option<ReportStatus> {
        ReportStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == slug)
    }
}
