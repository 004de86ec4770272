//! Where a problem report stands: the support service stores it on the report, and the sender
//! reads its slug from an outbox record (`AboutReport::status`, stored `reportStatus`) to choose
//! its own words. A slug a build does not know parses to `None` (the notice then says only that
//! there is news), so no producer's text can reach a template through it.

use serde::{Deserialize, Serialize};

/// Where a report stands; serialised as its slug ([`ReportStatus::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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
        Self::ALL.into_iter().find(|status| status.as_str() == slug)
    }

    /// The team's clock stops while the reporter is to answer, and once resolved.
    pub const fn is_paused(self) -> bool {
        matches!(
            self,
            ReportStatus::WaitingOnReporter | ReportStatus::Resolved
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_one_slug_that_parses_back() {
        for status in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).expect("serialises"),
                status.as_str()
            );
        }
        assert_eq!(ReportStatus::parse("closed"), None);
    }
}
