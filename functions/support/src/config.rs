//! The support function's own settings, beyond the shared ones.

use jiff::civil::Time;
use portal_shared::platform::config::{ConfigError, UserPoolSettings};

use crate::reports::targets::SupportTargets;

/// The environment variable with the time (practice time, `HH:MM`) on Mondays from which the
/// previous week's digest is due. The template always sets it (stack parameter
/// `WeeklyDigestAt`); unset here means [`WeeklyDigestAt::DEFAULT`], so the support API,
/// which never composes a digest, needs no value.
pub const WEEKLY_DIGEST_AT_VARIABLE: &str = "WEEKLY_DIGEST_AT";

/// When, on Mondays in the practice's zone, last week's digest is due (`HH:MM`, 24 hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyDigestAt(Time);

impl WeeklyDigestAt {
    pub const DEFAULT: WeeklyDigestAt = WeeklyDigestAt(Time::constant(7, 0, 0, 0));

    /// Exactly `HH:MM`, `00:00` to `23:59`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || format!("{WEEKLY_DIGEST_AT_VARIABLE} must be HH:MM (00:00 to 23:59)");
        let (hour, minute) = raw.trim().split_once(':').ok_or_else(bad)?;
        let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(hour) || !two_digits(minute) {
            return Err(bad());
        }
        let hour: i8 = hour.parse().map_err(|_| bad())?;
        let minute: i8 = minute.parse().map_err(|_| bad())?;
        Time::new(hour, minute, 0, 0)
            .map(WeeklyDigestAt)
            .map_err(|_| bad())
    }

    /// Reads [`WEEKLY_DIGEST_AT_VARIABLE`]: unset or blank is the default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        match lookup(WEEKLY_DIGEST_AT_VARIABLE) {
            Some(raw) if !raw.trim().is_empty() => Self::parse(&raw),
            _ => Ok(Self::DEFAULT),
        }
    }

    pub fn time(self) -> Time {
        self.0
    }
}

impl Default for WeeklyDigestAt {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[derive(Debug, Clone)]
pub struct SupportSettings {
    /// Response-time targets and the calendar they are counted on.
    pub targets: SupportTargets,
    /// The user pool whose groups are an announcement's staff, patients and caregivers
    /// (`USER_POOL_ID`; read only).
    pub user_pool_id: String,
    /// When last week's digest is due on Mondays (`WEEKLY_DIGEST_AT`).
    pub weekly_digest_at: WeeklyDigestAt,
}

impl SupportSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Names every bad variable (see [`SupportTargets::from_lookup`]; `USER_POOL_ID` and
    /// `USER_POOL_CLIENT_ID` must be set; `WEEKLY_DIGEST_AT` is `HH:MM` when set).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let targets = SupportTargets::from_lookup(&lookup);
        let pool = UserPoolSettings::from_lookup(&lookup);
        let digest_at = WeeklyDigestAt::from_lookup(&lookup);
        match (targets, pool, digest_at) {
            (Ok(targets), Ok(pool), Ok(weekly_digest_at)) => Ok(SupportSettings {
                targets,
                user_pool_id: pool.user_pool_id,
                weekly_digest_at,
            }),
            (targets, pool, digest_at) => Err(ConfigError {
                problems: targets
                    .err()
                    .into_iter()
                    .chain(pool.err())
                    .flat_map(|error| error.problems)
                    .chain(digest_at.err())
                    .collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_time_is_hh_mm_and_seven_by_default() {
        assert_eq!(
            WeeklyDigestAt::from_lookup(|_| None),
            Ok(WeeklyDigestAt::DEFAULT)
        );
        assert_eq!(
            WeeklyDigestAt::from_lookup(|_| Some(" ".into())),
            Ok(WeeklyDigestAt::DEFAULT)
        );
        assert_eq!(
            WeeklyDigestAt::parse("07:00").map(WeeklyDigestAt::time),
            Ok(Time::constant(7, 0, 0, 0))
        );
        assert_eq!(
            WeeklyDigestAt::parse("23:59").map(WeeklyDigestAt::time),
            Ok(Time::constant(23, 59, 0, 0))
        );
        for bad in [
            "7:00", "24:00", "07:60", "0700", "07:00:00", "ab:cd", "-1:00", "+7:00",
        ] {
            let problem = WeeklyDigestAt::parse(bad).expect_err(bad);
            assert!(
                problem.contains(WEEKLY_DIGEST_AT_VARIABLE),
                "{bad}: {problem}"
            );
        }
    }
}
