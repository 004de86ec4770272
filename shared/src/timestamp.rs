//! Instants as the API shows them: RFC 3339, UTC, whole milliseconds.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn now() -> Self {
        let now = OffsetDateTime::now_utc();
        // Millisecond precision keeps stored values and their sort keys short and stable.
        Self(
            now.replace_nanosecond(now.millisecond() as u32 * 1_000_000)
                .unwrap_or(now),
        )
    }

    pub fn parse(raw: &str) -> Option<Self> {
        OffsetDateTime::parse(raw, &Rfc3339)
            .ok()
            .map(|t| Self(t.to_offset(UtcOffset::UTC)))
    }

    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    pub fn plus(&self, by: std::time::Duration) -> Self {
        Self(self.0 + Duration::seconds(by.as_secs() as i64))
    }

    /// Midnight UTC at the start of `date`.
    pub fn start_of(date: time::Date) -> Self {
        Self(date.midnight().assume_utc())
    }

    pub fn date(&self) -> time::Date {
        self.0.date()
    }

    fn render(&self) -> String {
        // Fixed-width rendering, so timestamps sort as strings in DynamoDB sort keys.
        let t = self.0;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.render())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 timestamp"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fixed_width_utc() {
        let t = Timestamp::parse("2026-01-02T03:04:05.6+01:00").expect("valid");
        assert_eq!(t.to_string(), "2026-01-02T02:04:05.600Z");
        assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
    }
}
