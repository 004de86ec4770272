//! Instants as the API shows them: RFC 3339, UTC, whole milliseconds.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The current instant, in whole milliseconds, and strictly later than any earlier `now()`
    /// in this process: two events one process records never share a millisecond, so sort
    /// keys built from their times (`<at>#<id>`) keep the order they happened in.
    pub fn now() -> Self {
        static LAST_MILLIS: AtomicI64 = AtomicI64::new(i64::MIN);
        let real = (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        let previous = LAST_MILLIS
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
                Some(real.max(last.saturating_add(1)))
            })
            .unwrap_or(i64::MIN);
        let millis = real.max(previous.saturating_add(1));
        Self::from_unix_millis(millis)
    }

    fn from_unix_millis(millis: i64) -> Self {
        // Millisecond precision keeps stored values and their sort keys short and stable.
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
            .map(Self)
            .unwrap_or_else(|_| Self(OffsetDateTime::now_utc()))
    }

    /// A whole-second instant (a token's `iat`); `None` out of range.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds).ok().map(Self)
    }

    pub fn parse(raw: &str) -> Option<Self> {
        OffsetDateTime::parse(raw, &Rfc3339)
            .ok()
            .map(|t| Self(t.to_offset(UtcOffset::UTC)))
    }

    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    pub fn unix_millis(&self) -> i64 {
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// `by` later, to the whole millisecond (timestamps hold no finer part).
    pub fn plus(&self, by: std::time::Duration) -> Self {
        let by = Duration::milliseconds(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
        Self(
            self.0
                .checked_add(by)
                .unwrap_or_else(|| time::PrimitiveDateTime::MAX.assume_utc()),
        )
    }

    /// `by` earlier, to the whole millisecond.
    pub fn minus(&self, by: std::time::Duration) -> Self {
        let by = Duration::milliseconds(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
        Self(
            self.0
                .checked_sub(by)
                .unwrap_or_else(|| time::PrimitiveDateTime::MIN.assume_utc()),
        )
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

/// The one conversion between the API's instants and jiff's, which does the calendar arithmetic
/// of time zones (schedules, the practice's days). Exact to the millisecond both ways: both
/// libraries span the years -9999 to 9999, so nothing is clamped in practice, and a jiff
/// instant's sub-millisecond part (none in civil times of whole minutes) is truncated.
impl From<Timestamp> for jiff::Timestamp {
    fn from(at: Timestamp) -> Self {
        jiff::Timestamp::from_millisecond(at.unix_millis()).unwrap_or(if at.unix_millis() < 0 {
            jiff::Timestamp::MIN
        } else {
            jiff::Timestamp::MAX
        })
    }
}

impl From<jiff::Timestamp> for Timestamp {
    fn from(at: jiff::Timestamp) -> Self {
        let millis = at.as_millisecond();
        match OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000) {
            Ok(t) => Self(t),
            Err(_) if millis < 0 => Self(time::PrimitiveDateTime::MIN.assume_utc()),
            Err(_) => Self(time::PrimitiveDateTime::MAX.assume_utc()),
        }
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

impl TryFrom<String> for Timestamp {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw).ok_or("not an RFC 3339 timestamp")
    }
}

impl From<Timestamp> for String {
    fn from(at: Timestamp) -> String {
        at.render()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_and_from_jiff_keeping_milliseconds() {
        let t = Timestamp::parse("2026-03-08T07:59:59.123Z").expect("valid");
        let j = jiff::Timestamp::from(t);
        assert_eq!(j.to_string(), "2026-03-08T07:59:59.123Z");
        assert_eq!(Timestamp::from(j), t);
        let past = Timestamp::parse("1969-12-31T23:59:59.999Z").expect("valid");
        assert_eq!(Timestamp::from(jiff::Timestamp::from(past)), past);
    }

    #[test]
    fn renders_fixed_width_utc() {
        let t = Timestamp::parse("2026-01-02T03:04:05.6+01:00").expect("valid");
        assert_eq!(t.to_string(), "2026-01-02T02:04:05.600Z");
        assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
    }

    #[test]
    fn now_never_repeats_a_millisecond() {
        let times: Vec<Timestamp> = (0..200).map(|_| Timestamp::now()).collect();
        assert!(times.windows(2).all(|pair| pair[0] < pair[1]));
        let rendered: std::collections::BTreeSet<String> =
            times.iter().map(ToString::to_string).collect();
        assert_eq!(rendered.len(), times.len());
        let late = times.last().expect("times").unix_seconds();
        let real = OffsetDateTime::now_utc().unix_timestamp();
        assert!(
            late - real <= 1,
            "runs ahead of the clock only by what it was asked"
        );
    }

    #[test]
    fn plus_adds_whole_milliseconds() {
        let t = Timestamp::parse("2026-01-02T03:04:05.600Z").expect("valid");
        let later = t.plus(std::time::Duration::from_micros(1_999));
        assert_eq!(later.to_string(), "2026-01-02T03:04:05.601Z");
        assert_eq!(
            t.plus(std::time::Duration::from_secs(90)).to_string(),
            "2026-01-02T03:05:35.600Z"
        );
        assert!(
            t.plus(std::time::Duration::MAX) > t,
            "saturates instead of panicking"
        );
    }
}
