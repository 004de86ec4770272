//! Response-time targets, in business days of the practice, and when something waiting on the
//! practice is due and overdue: a patient's conversation (per messaging category) and a refill
//! request (`refill`). One mechanism, one variable, so the practice sets every target in one
//! place (the stack parameter `MessageResponseTargets`).
//!
//! Business days and the counting rule are the practice's calendar
//! ([`crate::domain::practice::BusinessCalendar`]): Monday to Friday in `PRACTICE_TIME_ZONE`,
//! except the dates in `PRACTICE_HOLIDAYS`. The clock starts when the patient began waiting
//! (a conversation's `waitingSince`, a refill's `createdAt`); the local day it started on never
//! counts, and a target of `n` is reached at the end of the `n`-th business day after it (00:00
//! local time of the next calendar day). With a target of 2: Monday 10:00 is due at the end of
//! Wednesday; Friday 23:30, Saturday or Sunday at the end of Tuesday; a holiday is skipped like
//! a Sunday. Overdue from the due instant on (`now >= due`).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::domain::practice::BusinessCalendar;
use crate::domain::timestamp::Timestamp;
use crate::platform::config::ConfigError;

/// The environment variable with the targets, e.g.
/// `medical-question=2,prescription=2,appointment=1,billing=3,portal-help=1,refill=2`: the
/// template sets it from the stack parameter `MessageResponseTargets`, which the practice
/// chooses at deploy time (docs/runbook.md). Required; a target it does not name keeps its
/// default ([`TargetName::default_days`]).
pub const TARGETS_VARIABLE: &str = "RESPONSE_TARGET_BUSINESS_DAYS";
pub const MAX_TARGET_DAYS: u32 = 30;

/// How far back [`ResponseTargets::overdue_before`] looks: longer than any target can last
/// (30 business days plus the calendar's holidays).
const LOOK_BACK_DAYS: i64 = 5 * 366;

/// What a target is set for: each messaging category (the messages function maps its
/// `Category` onto these) and refill requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetName {
    MedicalQuestion,
    Appointment,
    Prescription,
    Billing,
    PortalHelp,
    Refill,
}

impl TargetName {
    pub const ALL: [TargetName; 6] = [
        TargetName::MedicalQuestion,
        TargetName::Appointment,
        TargetName::Prescription,
        TargetName::Billing,
        TargetName::PortalHelp,
        TargetName::Refill,
    ];

    /// The name in [`TARGETS_VARIABLE`] (a messaging category's name, or `refill`).
    pub const fn as_str(self) -> &'static str {
        match self {
            TargetName::MedicalQuestion => "medical-question",
            TargetName::Appointment => "appointment",
            TargetName::Prescription => "prescription",
            TargetName::Billing => "billing",
            TargetName::PortalHelp => "portal-help",
            TargetName::Refill => "refill",
        }
    }

    pub fn parse(raw: &str) -> Option<TargetName> {
        TargetName::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    /// Business days to a response unless [`TARGETS_VARIABLE`] says otherwise.
    pub const fn default_days(self) -> u32 {
        match self {
            TargetName::MedicalQuestion | TargetName::Prescription | TargetName::Refill => 2,
            TargetName::Appointment | TargetName::PortalHelp => 1,
            TargetName::Billing => 3,
        }
    }
}

impl fmt::Display for TargetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct ResponseTargets {
    days: BTreeMap<TargetName, u32>,
    calendar: BusinessCalendar,
}

impl ResponseTargets {
    /// Reads [`TARGETS_VARIABLE`] (required; targets it does not name keep their default) and
    /// the practice's calendar (`PRACTICE_TIME_ZONE`, `PRACTICE_HOLIDAYS`), naming every bad
    /// variable: an unknown name, a target outside 1 to 30 business days, a name given twice.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut days: BTreeMap<TargetName, u32> = TargetName::ALL
            .into_iter()
            .map(|target| (target, target.default_days()))
            .collect();
        let mut named = Vec::new();
        let mut problems = Vec::new();
        let Some(raw) = lookup(TARGETS_VARIABLE) else {
            problems.push(format!(
                "{TARGETS_VARIABLE} is not set (the stack parameter MessageResponseTargets, \
                 e.g. medical-question=2,prescription=2,appointment=1,billing=3,portal-help=1,refill=2)"
            ));
            return Err(ConfigError { problems });
        };
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let parsed = part.split_once('=').and_then(|(name, days)| {
                let target = TargetName::parse(name.trim())?;
                let days = days.trim().parse::<u32>().ok()?;
                (1..=MAX_TARGET_DAYS)
                    .contains(&days)
                    .then_some((target, days))
            });
            match parsed {
                Some((target, _)) if named.contains(&target) => problems.push(format!(
                    "{TARGETS_VARIABLE}: {target} is named more than once"
                )),
                Some((target, count)) => {
                    named.push(target);
                    days.insert(target, count);
                }
                None => problems.push(format!(
                    "{TARGETS_VARIABLE}: `{part}` is not <name>=<1 to {MAX_TARGET_DAYS} \
                     business days> (names: {})",
                    TargetName::ALL.map(TargetName::as_str).join(", ")
                )),
            }
        }
        let calendar = BusinessCalendar::from_lookup(&lookup)
            .map_err(|error| problems.extend(error.problems))
            .ok();
        match calendar {
            Some(calendar) if problems.is_empty() => Ok(ResponseTargets { days, calendar }),
            _ => Err(ConfigError { problems }),
        }
    }

    pub fn days(&self, target: impl Into<TargetName>) -> u32 {
        let target = target.into();
        self.days
            .get(&target)
            .copied()
            .unwrap_or(target.default_days())
    }

    pub fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    /// When something of `target` waiting since `since` is due.
    pub fn due(&self, target: impl Into<TargetName>, since: Timestamp) -> Timestamp {
        self.calendar.end_of_business_days(since, self.days(target))
    }

    pub fn is_overdue(
        &self,
        target: impl Into<TargetName>,
        since: Timestamp,
        now: Timestamp,
    ) -> bool {
        now >= self.due(target, since)
    }

    /// The instant that splits what of `target` is waiting at `now`: waiting since before it
    /// is overdue, since it or later is not. For all `since`,
    /// `since < overdue_before(target, now)` exactly when `is_overdue(target, since, now)`, so
    /// the overdue ones of a list ordered by `since` are one key range, counted without
    /// reading them.
    ///
    /// Found by bisection over whole seconds (the calendar reads an instant to the second):
    /// the due instant never decreases as `since` grows, so being overdue is true up to one
    /// second and false from there on.
    pub fn overdue_before(&self, target: impl Into<TargetName>, now: Timestamp) -> Timestamp {
        let target = target.into();
        let earliest = Timestamp::start_of(
            now.date()
                .checked_sub(time::Duration::days(LOOK_BACK_DAYS))
                .unwrap_or(now.date()),
        );
        let at = |seconds: i64| earliest.plus(Duration::from_secs(seconds.max(0) as u64));
        if !self.is_overdue(target, earliest, now) {
            return earliest;
        }
        // Invariant: `low` is overdue, `high` is not (nothing waiting since `now` is overdue).
        let (mut low, mut high) = (0i64, (now.unix_seconds() - earliest.unix_seconds()).max(1));
        if self.is_overdue(target, at(high), now) {
            return at(high).plus(Duration::from_secs(1));
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            if self.is_overdue(target, at(middle), now) {
                low = middle;
            } else {
                high = middle;
            }
        }
        at(high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    const NEW_YORK: (&str, &str) = ("PRACTICE_TIME_ZONE", "America/New_York");
    const TEMPLATE_TARGETS: (&str, &str) = (
        TARGETS_VARIABLE,
        "medical-question=2,prescription=2,appointment=1,billing=3,portal-help=1,refill=2",
    );

    // 2026-01-09 is a Friday; New York is UTC-5 in winter.
    #[test]
    fn overdue_from_the_end_of_the_target_day_in_the_practice_zone() {
        let targets =
            ResponseTargets::from_lookup(env(&[NEW_YORK, TEMPLATE_TARGETS])).expect("valid");
        let category = TargetName::MedicalQuestion;
        assert_eq!(targets.days(category), 2);
        // Friday 15:00 UTC (10:00 local): Monday and Tuesday count; due Wednesday 00:00 local.
        let since = at("2026-01-09T15:00:00Z");
        assert_eq!(targets.due(category, since), at("2026-01-14T05:00:00Z"));
        assert!(!targets.is_overdue(category, since, at("2026-01-14T04:59:59.999Z")));
        assert!(targets.is_overdue(category, since, at("2026-01-14T05:00:00Z")));
    }

    #[test]
    fn holidays_push_the_due_instant() {
        let targets = ResponseTargets::from_lookup(env(&[
            NEW_YORK,
            ("PRACTICE_HOLIDAYS", "2026-01-12"),
            (TARGETS_VARIABLE, "portal-help=1"),
        ]))
        .expect("valid");
        // Friday night local; Monday is a holiday: Tuesday counts, due Wednesday 00:00 local.
        assert_eq!(
            targets.due(TargetName::PortalHelp, at("2026-01-10T04:30:00Z")),
            at("2026-01-14T05:00:00Z")
        );
    }

    #[test]
    fn targets_come_from_the_environment() {
        let targets = ResponseTargets::from_lookup(env(&[
            NEW_YORK,
            (TARGETS_VARIABLE, "billing=5, portal-help=1"),
        ]))
        .expect("valid");
        assert_eq!(targets.days(TargetName::Billing), 5);
        assert_eq!(targets.days(TargetName::PortalHelp), 1);
        assert_eq!(targets.days(TargetName::MedicalQuestion), 2);
        // Refills default to two business days, like a prescription question.
        assert_eq!(targets.days(TargetName::Refill), 2);
        for bad in [
            "billing=0",
            "billing",
            "nonsense=2",
            "billing=x",
            "billing=31",
            "billing=2,portal-help=1,billing=3",
        ] {
            let error = ResponseTargets::from_lookup(|name| match name {
                TARGETS_VARIABLE => Some(bad.to_owned()),
                "PRACTICE_TIME_ZONE" => Some("UTC".to_owned()),
                _ => None,
            })
            .unwrap_err();
            assert!(error.to_string().contains(TARGETS_VARIABLE), "{bad}");
        }
        assert!(ResponseTargets::from_lookup(env(&[NEW_YORK, TEMPLATE_TARGETS])).is_ok());
        // Required: the template always passes the stack parameter, so a missing variable is
        // a wiring mistake, stopped at start-up.
        let error = ResponseTargets::from_lookup(env(&[NEW_YORK])).unwrap_err();
        assert!(error.to_string().contains(TARGETS_VARIABLE), "{error}");
        let error = ResponseTargets::from_lookup(env(&[
            NEW_YORK,
            (TARGETS_VARIABLE, "billing=2, billing=4"),
        ]))
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("billing is named more than once"),
            "{error}"
        );
        // The calendar's variables are checked with the targets, every problem named.
        let error = ResponseTargets::from_lookup(env(&[
            (TARGETS_VARIABLE, "billing=0"),
            ("PRACTICE_HOLIDAYS", "someday"),
        ]))
        .unwrap_err();
        let text = error.to_string();
        for name in [TARGETS_VARIABLE, "PRACTICE_TIME_ZONE", "PRACTICE_HOLIDAYS"] {
            assert!(text.contains(name), "{text}");
        }
    }

    fn last_millisecond_before(at: Timestamp) -> Timestamp {
        let before = time::OffsetDateTime::from_unix_timestamp(at.unix_seconds()).expect("instant")
            - time::Duration::milliseconds(1);
        Timestamp::parse(
            &before
                .format(&time::format_description::well_known::Rfc3339)
                .expect("format"),
        )
        .expect("timestamp")
    }

    #[test]
    fn refill_is_a_target_name_like_the_categories() {
        let targets =
            ResponseTargets::from_lookup(env(&[NEW_YORK, (TARGETS_VARIABLE, "refill=3")]))
                .expect("valid");
        assert_eq!(targets.days(TargetName::Refill), 3);
        // Friday 10:00 local: Monday, Tuesday and Wednesday count; due Thursday 00:00 local.
        assert_eq!(
            targets.due(TargetName::Refill, at("2026-01-09T15:00:00Z")),
            at("2026-01-15T05:00:00Z")
        );
        for target in TargetName::ALL {
            assert_eq!(TargetName::parse(target.as_str()), Some(target));
        }
        assert_eq!(TargetName::parse("refills"), None);
    }

    /// `since < overdue_before(now)` exactly when `is_overdue(since, now)`, for starts all
    /// around the cut, on weekdays, weekends, holidays and both daylight-saving changes.
    #[test]
    fn overdue_before_splits_exactly_where_overdue_begins() {
        let millis = |ms: u64| Duration::from_millis(ms);
        let targets = ResponseTargets::from_lookup(env(&[
            NEW_YORK,
            ("PRACTICE_HOLIDAYS", "2026-03-09,2026-11-02,2026-12-25"),
            (
                TARGETS_VARIABLE,
                "medical-question=2,prescription=5,appointment=1,billing=30,portal-help=1,refill=3",
            ),
        ]))
        .expect("valid");
        let nows = [
            "2026-01-14T05:00:00Z",     // exactly a due instant (Wednesday 00:00 local)
            "2026-01-14T04:59:59.999Z", // just before it
            "2026-01-17T18:30:12.345Z", // a Saturday
            "2026-03-10T12:00:00Z",     // after a holiday and the spring change (8 March)
            "2026-11-03T04:30:00Z",     // after the autumn change (1 November) and a holiday
            "2026-12-28T15:00:00Z",     // after Christmas
        ];
        for now in nows.map(at) {
            for category in TargetName::ALL {
                let cut = targets.overdue_before(category, now);
                assert!(targets.is_overdue(category, last_millisecond_before(cut), now));
                // Around the cut, to the millisecond.
                for since in [
                    cut,
                    cut.plus(millis(1)),
                    cut.plus(millis(999)),
                    cut.plus(millis(1000)),
                ] {
                    assert!(
                        !targets.is_overdue(category, since, now),
                        "{category} {now} {since}"
                    );
                }
                // And every 37 minutes (and a few milliseconds) over the 90 days before now.
                let mut since = Timestamp::start_of(now.date().previous_day().expect("day"));
                for _ in 0..90 {
                    since = Timestamp::start_of(since.date().previous_day().expect("day"));
                }
                while since <= now {
                    assert_eq!(
                        since < cut,
                        targets.is_overdue(category, since, now),
                        "{category} at {now}: waiting since {since}, cut {cut}"
                    );
                    since = since.plus(millis(37 * 60 * 1000 + 7));
                }
            }
        }
    }
}
