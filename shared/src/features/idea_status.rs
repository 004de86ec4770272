//! Where a feature idea stands: the feedback service stores it on the idea, and the sender
//! reads its slug from an outbox record (`AboutIdea::status`) to choose its own words.

use serde::{Deserialize, Serialize};

/// Where an idea stands; serialised as its slug ([`IdeaStatus::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdeaStatus {
    Proposed,
    Planned,
    InBeta,
    Live,
    /// Not to be built (with the reason, which supporters read).
    Declined,
}

impl IdeaStatus {
    pub const ALL: [IdeaStatus; 5] = [
        IdeaStatus::Proposed,
        IdeaStatus::Planned,
        IdeaStatus::InBeta,
        IdeaStatus::Live,
        IdeaStatus::Declined,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            IdeaStatus::Proposed => "proposed",
            IdeaStatus::Planned => "planned",
            IdeaStatus::InBeta => "in-beta",
            IdeaStatus::Live => "live",
            IdeaStatus::Declined => "declined",
        }
    }

    /// `None` for a slug this build does not know (a reader then says only that the status
    /// changed, rather than refuse the record).
    pub fn parse(slug: &str) -> Option<IdeaStatus> {
        IdeaStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slug_is_the_serialised_form() {
        for status in IdeaStatus::ALL {
            let json = serde_json::to_value(status).expect("json");
            assert_eq!(json, status.as_str());
            assert_eq!(IdeaStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(IdeaStatus::parse("Planned"), None);
    }
}
