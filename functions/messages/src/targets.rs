//! Response-time targets per category, in business days, and when a conversation is overdue.
//!
//! A business day is Monday to Friday in UTC; public holidays are not known to the portal.
//! The clock of a conversation starts when the patient began waiting (`waitingSince`); a message
//! sent on a Saturday or Sunday starts the clock at 00:00 the following Monday. The target is
//! reached after that many whole business days, at the same time of day, skipping weekends:
//! with a target of 2, Friday 15:00 is due Tuesday 15:00 and Saturday 10:00 is due Wednesday
//! 00:00. A conversation is overdue from its due instant on (`now >= due`).

use std::collections::BTreeMap;

use portal_shared::config::ConfigError;
use portal_shared::timestamp::Timestamp;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, Time, Weekday};

use crate::model::Category;

/// The environment variable that overrides the defaults, e.g.
/// `medical-question=2,prescription=2,appointment=1,billing=3,portal-help=1`.
pub const TARGETS_VARIABLE: &str = "RESPONSE_TARGET_BUSINESS_DAYS";
const MAX_TARGET_DAYS: u32 = 30;

#[derive(Debug, Clone)]
pub struct ResponseTargets(BTreeMap<Category, u32>);

impl Default for ResponseTargets {
    fn default() -> Self {
        ResponseTargets(
            Category::ALL
                .into_iter()
                .map(|category| (category, category.default_target_days()))
                .collect(),
        )
    }
}

impl ResponseTargets {
    /// Reads [`TARGETS_VARIABLE`] (optional: categories it does not name keep their default).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut targets = ResponseTargets::default();
        let Some(raw) = lookup(TARGETS_VARIABLE).filter(|v| !v.trim().is_empty()) else {
            return Ok(targets);
        };
        let mut problems = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let parsed = part.split_once('=').and_then(|(name, days)| {
                let category = Category::parse(name.trim())?;
                let days = days.trim().parse::<u32>().ok()?;
                (1..=MAX_TARGET_DAYS)
                    .contains(&days)
                    .then_some((category, days))
            });
            match parsed {
                Some((category, days)) => {
                    targets.0.insert(category, days);
                }
                None => problems.push(format!(
                    "{TARGETS_VARIABLE}: `{part}` is not <category>=<1 to {MAX_TARGET_DAYS} business days>"
                )),
            }
        }
        if problems.is_empty() {
            Ok(targets)
        } else {
            Err(ConfigError { problems })
        }
    }

    pub fn days(&self, category: Category) -> u32 {
        self.0
            .get(&category)
            .copied()
            .unwrap_or(category.default_target_days())
    }

    /// When a conversation of `category` waiting since `since` is due.
    pub fn due(&self, category: Category, since: Timestamp) -> Timestamp {
        add_business_days(since, self.days(category))
    }

    pub fn is_overdue(&self, category: Category, since: Timestamp, now: Timestamp) -> bool {
        now >= self.due(category, since)
    }
}

fn is_weekend(day: Weekday) -> bool {
    matches!(day, Weekday::Saturday | Weekday::Sunday)
}

fn to_datetime(at: Timestamp) -> OffsetDateTime {
    // Every Timestamp renders as RFC 3339; the fallback is never taken.
    OffsetDateTime::parse(&at.to_string(), &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn from_datetime(at: OffsetDateTime) -> Timestamp {
    at.format(&Rfc3339)
        .ok()
        .and_then(|text| Timestamp::parse(&text))
        .unwrap_or_else(Timestamp::now)
}

/// `start` plus `days` business days (see the module's documentation).
pub fn add_business_days(start: Timestamp, days: u32) -> Timestamp {
    let mut at = to_datetime(start);
    while is_weekend(at.weekday()) {
        at = (at + Duration::days(1)).replace_time(Time::MIDNIGHT);
    }
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        if !is_weekend(at.weekday()) {
            left -= 1;
        }
    }
    from_datetime(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    // 2026-01-05 is a Monday.
    #[test]
    fn weekdays_skip_the_weekend() {
        assert_eq!(
            add_business_days(at("2026-01-05T09:30:00Z"), 2),
            at("2026-01-07T09:30:00Z")
        );
        // Friday 15:00 + 2 → Tuesday 15:00.
        assert_eq!(
            add_business_days(at("2026-01-09T15:00:00Z"), 2),
            at("2026-01-13T15:00:00Z")
        );
        // Thursday + 1 → Friday; Friday + 1 → Monday.
        assert_eq!(
            add_business_days(at("2026-01-08T10:00:00Z"), 1),
            at("2026-01-09T10:00:00Z")
        );
        assert_eq!(
            add_business_days(at("2026-01-09T23:59:59.999Z"), 1),
            at("2026-01-12T23:59:59.999Z")
        );
    }

    #[test]
    fn weekend_messages_start_the_clock_on_monday() {
        assert_eq!(
            add_business_days(at("2026-01-10T10:00:00Z"), 2),
            at("2026-01-14T00:00:00Z")
        );
        assert_eq!(
            add_business_days(at("2026-01-11T23:00:00Z"), 1),
            at("2026-01-13T00:00:00Z")
        );
    }

    #[test]
    fn overdue_from_the_due_instant_on() {
        let targets = ResponseTargets::default();
        let since = at("2026-01-09T15:00:00Z");
        let category = Category::MedicalQuestion;
        assert_eq!(targets.days(category), 2);
        assert!(!targets.is_overdue(category, since, at("2026-01-13T14:59:59.999Z")));
        assert!(targets.is_overdue(category, since, at("2026-01-13T15:00:00Z")));
        // The weekend does not count: Monday afternoon is one business day in.
        assert!(!targets.is_overdue(category, since, at("2026-01-12T16:00:00Z")));
    }

    #[test]
    fn targets_come_from_the_environment() {
        let targets = ResponseTargets::from_lookup(|name| {
            (name == TARGETS_VARIABLE).then(|| "billing=5, portal-help=1".to_owned())
        })
        .expect("valid");
        assert_eq!(targets.days(Category::Billing), 5);
        assert_eq!(targets.days(Category::PortalHelp), 1);
        assert_eq!(targets.days(Category::MedicalQuestion), 2);
        for bad in [
            "billing=0",
            "billing",
            "nonsense=2",
            "billing=x",
            "billing=31",
        ] {
            let error = ResponseTargets::from_lookup(|_| Some(bad.to_owned())).unwrap_err();
            assert!(error.to_string().contains(TARGETS_VARIABLE), "{bad}");
        }
        assert!(ResponseTargets::from_lookup(|_| None).is_ok());
    }
}
