//! The statuses a refill request's notice names: the ones it is sent for. Read from the outbox
//! record's slug into this fixed set, so no producer's text rides on it; the wording is the
//! templates' own.

/// What became of the reader's prescription renewal request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefillNews {
    Approved,
    Denied,
    VisitNeeded,
    /// Approved earlier, and now sent to the pharmacy.
    Sent,
}

impl RefillNews {
    pub const ALL: [RefillNews; 4] = [
        RefillNews::Approved,
        RefillNews::Denied,
        RefillNews::VisitNeeded,
        RefillNews::Sent,
    ];

    /// The status's slug, as the refills service writes it (`RefillStatus`, kebab-case).
    pub fn as_str(self) -> &'static str {
        match self {
            RefillNews::Approved => "approved",
            RefillNews::Denied => "denied",
            RefillNews::VisitNeeded => "visit-needed",
            RefillNews::Sent => "sent",
        }
    }

    /// A slug this sender knows (exactly); `None` for any other.
    pub fn parse(raw: &str) -> Option<RefillNews> {
        RefillNews::ALL
            .into_iter()
            .find(|news| news.as_str() == raw)
    }
}
