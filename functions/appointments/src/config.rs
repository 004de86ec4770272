//! The practice's own settings for appointments, read once at start-up (fail fast).

use std::time::Duration;

use jiff::tz::TimeZone;
use portal_shared::domain::practice::PracticeZone;
use portal_shared::platform::config::ConfigError;

const DEFAULT_CANCELLATION_NOTICE_HOURS: u64 = 24;
const DEFAULT_MAX_UPCOMING_APPOINTMENTS: usize = 4;

#[derive(Debug, Clone)]
pub struct PracticeSettings {
    /// The zone the practice publishes its hours in (`PRACTICE_TIME_ZONE`, an IANA name).
    pub zone: TimeZone,
    pub zone_name: String,
    /// Patients cancel or reschedule online up to this long before the visit; later, only
    /// staff (`CANCELLATION_NOTICE_HOURS`).
    pub cancellation_notice: Duration,
    /// Upcoming appointments one patient may hold at once (`MAX_UPCOMING_APPOINTMENTS`).
    pub max_upcoming: usize,
    /// How long a waitlist offer holds a freed slot (`WAITLIST_OFFER_MINUTES`).
    pub offer_hold: Duration,
    /// Patients and caregivers book (or move a visit to) slots at least this far ahead; sooner
    /// slots are the front desk's (`SELF_BOOKING_NOTICE_MINUTES`).
    pub self_booking_notice: Duration,
}

impl PracticeSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let zone = PracticeZone::from_lookup(&lookup)
            .map_err(|problem| problems.push(problem))
            .ok();
        let mut whole = |name: &str, default: u64, max: u64| match lookup(name) {
            None => default,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(value) if (1..=max).contains(&value) => value,
                _ => {
                    problems.push(format!("{name} must be a whole number from 1 to {max}"));
                    default
                }
            },
        };
        let notice_hours = whole(
            "CANCELLATION_NOTICE_HOURS",
            DEFAULT_CANCELLATION_NOTICE_HOURS,
            24 * 14,
        );
        let max_upcoming = whole(
            "MAX_UPCOMING_APPOINTMENTS",
            DEFAULT_MAX_UPCOMING_APPOINTMENTS as u64,
            50,
        ) as usize;
        let offer_minutes = whole("WAITLIST_OFFER_MINUTES", 15, 24 * 60);
        let booking_notice_minutes = whole("SELF_BOOKING_NOTICE_MINUTES", 60, 7 * 24 * 60);
        match zone {
            Some(PracticeZone { zone, name }) if problems.is_empty() => Ok(PracticeSettings {
                zone,
                zone_name: name,
                cancellation_notice: Duration::from_secs(notice_hours * 3600),
                max_upcoming,
                offer_hold: Duration::from_secs(offer_minutes * 60),
                self_booking_notice: Duration::from_secs(booking_notice_minutes * 60),
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unknown_zones_and_bad_numbers() {
        let env = |zone: &'static str, max: &'static str| {
            move |name: &str| match name {
                "PRACTICE_TIME_ZONE" => Some(zone.to_owned()),
                "MAX_UPCOMING_APPOINTMENTS" => Some(max.to_owned()),
                _ => None,
            }
        };
        let good = PracticeSettings::from_lookup(env("America/New_York", "3")).expect("valid");
        assert_eq!(good.max_upcoming, 3);
        assert_eq!(good.cancellation_notice, Duration::from_secs(24 * 3600));
        assert_eq!(good.self_booking_notice, Duration::from_secs(3600));
        let bad = PracticeSettings::from_lookup(env("Mars/Olympus", "0")).expect_err("invalid");
        assert_eq!(bad.problems.len(), 2);
    }
}
