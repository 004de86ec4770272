//! `DigestId`: a digest is named by its week's Monday, `yyyy-mm-dd`.

use std::fmt;

use jiff::civil::Date;
use portal_shared::ApiError;
use serde::{Deserialize, Serialize};

use crate::digests::week::Week;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DigestId(Week);

impl DigestId {
    /// A real date, written `yyyy-mm-dd`, that is a Monday.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let date: Option<Date> = raw.parse().ok();
        // The round trip refuses every other way of writing a date jiff would accept.
        match date.filter(|date| date.to_string() == raw) {
            None => Err("must be a date, yyyy-mm-dd".into()),
            Some(date) => Week::starting(date)
                .map(DigestId)
                .ok_or_else(|| "must be a Monday (the first day of a practice week)".into()),
        }
    }

    /// `{digestId}` of the path: 422 naming `digestId` when it is not a Monday's date.
    pub fn from_path(raw: Option<String>) -> Result<Self, ApiError> {
        Self::parse(raw.as_deref().unwrap_or_default())
            .map_err(|message| ApiError::invalid("digestId", message))
    }

    pub fn of(week: Week) -> Self {
        DigestId(week)
    }

    pub fn week(self) -> Week {
        self.0
    }
}

impl fmt::Display for DigestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.id())
    }
}

impl TryFrom<String> for DigestId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<DigestId> for String {
    fn from(id: DigestId) -> String {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_id_is_a_mondays_date() {
        let id = DigestId::parse("2026-11-30").expect("a Monday");
        assert_eq!(id.to_string(), "2026-11-30");
        assert_eq!(id.week().sunday().to_string(), "2026-12-06");
        for bad in [
            "2026-12-01",
            "2026-02-30",
            "2026-11-30T00:00:00",
            "20261130",
            " 2026-11-30",
            "2026-1-30",
            "",
            "DIGEST#2026-11-30",
        ] {
            assert!(DigestId::parse(bad).is_err(), "{bad}");
        }
        match DigestId::from_path(Some("2026-12-01".into())) {
            Err(ApiError::Invalid(errors)) => assert_eq!(errors[0].field, "digestId"),
            other => panic!("{other:?}"),
        }
        let json = serde_json::to_value(id).expect("json");
        assert_eq!(json, "2026-11-30");
        assert!(serde_json::from_value::<DigestId>("2026-12-01".into()).is_err());
    }
}
