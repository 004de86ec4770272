//! The feedback function's own settings, beyond the shared ones.

use std::time::Duration;

use portal_shared::platform::config::ConfigError;

/// The variable naming the over-asking guard's interval, in days.
pub const PROMPT_INTERVAL_VARIABLE: &str = "FEEDBACK_PROMPT_INTERVAL_DAYS";
/// Without the variable: one prompt a month at most.
pub const DEFAULT_PROMPT_INTERVAL_DAYS: u64 = 30;
/// The interval's bounds (a day to a year).
pub const PROMPT_INTERVAL_DAYS: std::ops::RangeInclusive<u64> = 1..=365;

#[derive(Debug, Clone)]
pub struct FeedbackSettings {
    /// A patient is prompted for feedback at most once in this long.
    pub prompt_interval: Duration,
}

impl FeedbackSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Names the variable when it is not a whole number of days from 1 to 365.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let days = match lookup(PROMPT_INTERVAL_VARIABLE).filter(|raw| !raw.trim().is_empty()) {
            None => DEFAULT_PROMPT_INTERVAL_DAYS,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(days) if PROMPT_INTERVAL_DAYS.contains(&days) => days,
                _ => {
                    return Err(ConfigError {
                        problems: vec![format!(
                            "{PROMPT_INTERVAL_VARIABLE} must be a whole number of days from {} to {}",
                            PROMPT_INTERVAL_DAYS.start(),
                            PROMPT_INTERVAL_DAYS.end()
                        )],
                    });
                }
            },
        };
        Ok(FeedbackSettings {
            prompt_interval: Duration::from_secs(days * 24 * 60 * 60),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: Option<&str>) -> Result<FeedbackSettings, ConfigError> {
        FeedbackSettings::from_lookup(|name| {
            (name == PROMPT_INTERVAL_VARIABLE)
                .then(|| value.map(str::to_owned))
                .flatten()
        })
    }

    #[test]
    fn the_interval_is_whole_days_from_one_to_a_year() {
        assert_eq!(
            with(None).expect("default").prompt_interval,
            Duration::from_secs(30 * 86_400)
        );
        assert_eq!(
            with(Some("7")).expect("7").prompt_interval,
            Duration::from_secs(7 * 86_400)
        );
        for bad in ["0", "366", "-1", "a week", "1.5"] {
            let error = with(Some(bad)).expect_err(bad);
            assert!(error.problems[0].contains(PROMPT_INTERVAL_VARIABLE));
        }
    }
}
