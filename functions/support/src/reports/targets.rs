//! Response-time targets of problem reports, in business hours of the practice, per severity:
//! hours to the first team reply, and to each next update after it.
//!
//! Business hours are the practice's calendar
//! ([`portal_shared::domain::practice::BusinessCalendar`]): `PRACTICE_HOURS` (default
//! 08:00-18:00) on Monday to Friday in `PRACTICE_TIME_ZONE`, except `PRACTICE_HOLIDAYS`; a
//! report filed in the evening or at the weekend counts from the next opening
//! ([`BusinessCalendar::after_business_hours`]). A report without a severity (not triaged yet)
//! is held to `normal`'s targets.
//!
//! The due instants are computed when a report changes and stored on it ([`SupportTargets::
//! retarget`]), so the queue is one index read sorted by them and needs no calendar.

use std::collections::BTreeMap;

use portal_shared::domain::practice::BusinessCalendar;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::ConfigError;

use crate::reports::model::{Report, Severity};

/// The environment variable with the targets, e.g. `critical=1/4,high=4/8,normal=8/16,low=16/40`:
/// per severity, business hours to the first response / to each next update. The template
/// sets it from the stack parameter `SupportResponseTargets`; optional here (unset or empty
/// means the defaults), and a severity it does not name keeps its default
/// ([`default_hours`]).
pub const TARGETS_VARIABLE: &str = "SUPPORT_RESPONSE_TARGETS";
/// The longest target: five weeks of ten-hour days, a typo guard rather than a business rule.
pub const MAX_TARGET_HOURS: u32 = 200;

/// One severity's targets, in business hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetHours {
    /// From filing to the first team reply.
    pub first_response: u32,
    /// From the last team reply (or the reporter's latest reply after it) to the next one.
    pub next_update: u32,
}

/// The targets when `SUPPORT_RESPONSE_TARGETS` does not name a severity (the template's
/// default too).
pub const fn default_hours(severity: Severity) -> TargetHours {
    let (first_response, next_update) = match severity {
        Severity::Critical => (1, 4),
        Severity::High => (4, 8),
        Severity::Normal => (8, 16),
        Severity::Low => (16, 40),
    };
    TargetHours {
        first_response,
        next_update,
    }
}

/// What a report without a severity is held to.
const UNTRIAGED: Severity = Severity::Normal;

#[derive(Debug, Clone)]
pub struct SupportTargets {
    hours: BTreeMap<Severity, TargetHours>,
    calendar: BusinessCalendar,
}

impl SupportTargets {
    /// Reads [`TARGETS_VARIABLE`] (optional; severities it does not name keep their default)
    /// and the practice's calendar (`PRACTICE_TIME_ZONE`, `PRACTICE_HOLIDAYS`,
    /// `PRACTICE_HOURS`), naming every bad part: an unknown severity, a part that is not
    /// `<severity>=<first>/<next>`, hours outside 1 to 200, a severity named twice.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let hours = match parse_targets(&lookup(TARGETS_VARIABLE).unwrap_or_default()) {
            Ok(hours) => hours,
            Err(found) => {
                problems.extend(found);
                BTreeMap::new()
            }
        };
        let calendar = BusinessCalendar::from_lookup(&lookup)
            .map_err(|error| problems.extend(error.problems))
            .ok();
        match calendar {
            Some(calendar) if problems.is_empty() => Ok(SupportTargets { hours, calendar }),
            _ => Err(ConfigError { problems }),
        }
    }

    /// The targets of `severity` (`None`: not triaged yet, held to `normal`'s).
    pub fn hours(&self, severity: Option<Severity>) -> TargetHours {
        let severity = severity.unwrap_or(UNTRIAGED);
        self.hours
            .get(&severity)
            .copied()
            .unwrap_or(default_hours(severity))
    }

    pub fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    /// When the first team reply is due for a report of `severity` filed at `created_at`.
    pub fn first_response_due(
        &self,
        severity: Option<Severity>,
        created_at: Timestamp,
    ) -> Timestamp {
        self.calendar
            .after_business_hours(created_at, self.hours(severity).first_response * 60)
    }

    /// When the next update is due for a report of `severity` whose clock runs from `from`
    /// (the last team reply, or the reporter's latest reply after it).
    pub fn next_update_due(&self, severity: Option<Severity>, from: Timestamp) -> Timestamp {
        self.calendar
            .after_business_hours(from, self.hours(severity).next_update * 60)
    }

    /// Recomputes `report`'s stored due instants from its severity, filing time and
    /// `next_update_from` (after a change of severity, or of where the next-update clock runs
    /// from). Whether a due applies now (paused, answered) is [`Report::due`]'s business.
    pub fn retarget(&self, report: &mut Report) {
        report.first_response_due = self.first_response_due(report.severity, report.created_at);
        report.next_update_due = report
            .next_update_from
            .map(|from| self.next_update_due(report.severity, from));
    }
}

/// `critical=1/4,high=4/8,...`: every part that is wrong, named. Severities not named keep
/// their defaults.
fn parse_targets(raw: &str) -> Result<BTreeMap<Severity, TargetHours>, Vec<String>> {
    let mut hours: BTreeMap<Severity, TargetHours> = Severity::ALL
        .into_iter()
        .map(|severity| (severity, default_hours(severity)))
        .collect();
    let mut named = Vec::new();
    let mut problems = Vec::new();
    let in_range = |raw: &str| {
        raw.trim()
            .parse::<u32>()
            .ok()
            .filter(|hours| (1..=MAX_TARGET_HOURS).contains(hours))
    };
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let parsed = part.split_once('=').and_then(|(name, targets)| {
            let severity = Severity::parse(name.trim())?;
            let (first, next) = targets.split_once('/')?;
            Some((
                severity,
                TargetHours {
                    first_response: in_range(first)?,
                    next_update: in_range(next)?,
                },
            ))
        });
        match parsed {
            Some((severity, _)) if named.contains(&severity) => problems.push(format!(
                "{TARGETS_VARIABLE}: {} is named more than once",
                severity.as_str()
            )),
            Some((severity, targets)) => {
                named.push(severity);
                hours.insert(severity, targets);
            }
            None => problems.push(format!(
                "{TARGETS_VARIABLE}: `{part}` is not <severity>=<first response>/<next update> \
                 in business hours from 1 to {MAX_TARGET_HOURS} (severities: {}; e.g. \
                 critical=1/4,high=4/8,normal=8/16,low=16/40)",
                Severity::ALL.map(Severity::as_str).join(", ")
            )),
        }
    }
    if problems.is_empty() {
        Ok(hours)
    } else {
        Err(problems)
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
        "critical=1/4,high=4/8,normal=8/16,low=16/40",
    );

    #[test]
    fn defaults_when_unset_and_the_template_value_is_the_default() {
        let unset = SupportTargets::from_lookup(env(&[NEW_YORK])).expect("valid");
        let template =
            SupportTargets::from_lookup(env(&[NEW_YORK, TEMPLATE_TARGETS])).expect("valid");
        for severity in Severity::ALL {
            assert_eq!(unset.hours(Some(severity)), default_hours(severity));
            assert_eq!(template.hours(Some(severity)), default_hours(severity));
        }
        assert_eq!(unset.hours(None), default_hours(Severity::Normal));
        let empty = SupportTargets::from_lookup(env(&[NEW_YORK, (TARGETS_VARIABLE, " ")]));
        assert!(empty.is_ok());
    }

    #[test]
    fn named_severities_override_and_the_rest_keep_their_defaults() {
        let targets = SupportTargets::from_lookup(env(&[
            NEW_YORK,
            (TARGETS_VARIABLE, " critical = 2/6 , low=200/200,"),
        ]))
        .expect("valid");
        assert_eq!(
            targets.hours(Some(Severity::Critical)),
            TargetHours {
                first_response: 2,
                next_update: 6
            }
        );
        assert_eq!(targets.hours(Some(Severity::Low)).next_update, 200);
        assert_eq!(
            targets.hours(Some(Severity::High)),
            default_hours(Severity::High)
        );
    }

    #[test]
    fn every_bad_part_is_named() {
        let problems = |raw: &'static str| {
            SupportTargets::from_lookup(move |name| match name {
                TARGETS_VARIABLE => Some(raw.to_owned()),
                "PRACTICE_TIME_ZONE" => Some("UTC".to_owned()),
                _ => None,
            })
            .err()
            .map(|error| error.problems)
            .unwrap_or_default()
        };
        for bad in [
            "critical=0/4",
            "critical=1/0",
            "critical=201/4",
            "critical=1/201",
            "critical=1",
            "critical=1/4/8",
            "critical",
            "urgent=1/4",
            "critical=x/4",
            "critical=-1/4",
            "critical=1.5/4",
        ] {
            let found = problems(bad);
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert!(found[0].contains(TARGETS_VARIABLE), "{bad}: {found:?}");
            assert!(found[0].contains(bad.trim()), "{bad}: {found:?}");
        }
        let found = problems("high=1/2, high=3/4");
        assert_eq!(
            found,
            [format!("{TARGETS_VARIABLE}: high is named more than once")]
        );
        // Several bad parts: each named.
        assert_eq!(problems("critical=0/1,high=1,nope=1/1").len(), 3);
        // The calendar's variables are checked with the targets, every problem named.
        let error = SupportTargets::from_lookup(env(&[
            (TARGETS_VARIABLE, "low=0/1"),
            ("PRACTICE_HOLIDAYS", "someday"),
            ("PRACTICE_HOURS", "18:00-08:00"),
        ]))
        .expect_err("four problems");
        assert_eq!(error.problems.len(), 4, "{:?}", error.problems);
        let text = error.to_string();
        for name in [
            TARGETS_VARIABLE,
            "PRACTICE_TIME_ZONE",
            "PRACTICE_HOLIDAYS",
            "PRACTICE_HOURS",
        ] {
            assert!(text.contains(name), "{text}");
        }
    }

    // 2026-01-09 is a Friday; New York is UTC-5 in winter; hours 08:00-18:00.
    #[test]
    fn dues_count_business_hours_by_severity() {
        let targets =
            SupportTargets::from_lookup(env(&[NEW_YORK, TEMPLATE_TARGETS])).expect("valid");
        // Friday 15:00 local.
        let filed = at("2026-01-09T20:00:00Z");
        // Critical: one hour → Friday 16:00.
        assert_eq!(
            targets.first_response_due(Some(Severity::Critical), filed),
            at("2026-01-09T21:00:00Z")
        );
        // High: four hours → 3 on Friday, 1 on Monday: Monday 09:00.
        assert_eq!(
            targets.first_response_due(Some(Severity::High), filed),
            at("2026-01-12T14:00:00Z")
        );
        // Untriaged is normal: eight hours → Monday 13:00.
        let normal = at("2026-01-12T18:00:00Z");
        assert_eq!(targets.first_response_due(None, filed), normal);
        assert_eq!(
            targets.first_response_due(Some(Severity::Normal), filed),
            normal
        );
        // Low: sixteen → 3 + 10 + 3: Tuesday 11:00.
        assert_eq!(
            targets.first_response_due(Some(Severity::Low), filed),
            at("2026-01-13T16:00:00Z")
        );
        // Next updates: Saturday counts from Monday 08:00; critical four hours → 12:00.
        assert_eq!(
            targets.next_update_due(Some(Severity::Critical), at("2026-01-10T15:00:00Z")),
            at("2026-01-12T17:00:00Z")
        );
        // Low: forty hours from Monday 08:00 → Thursday 18:00.
        assert_eq!(
            targets.next_update_due(Some(Severity::Low), at("2026-01-12T12:00:00Z")),
            at("2026-01-15T23:00:00Z")
        );
    }

    #[test]
    fn retargeting_follows_severity_and_the_update_clock() {
        let targets = SupportTargets::from_lookup(env(&[NEW_YORK])).expect("valid");
        let mut report = crate::reports::model::tests::report("ana");
        // Filed Monday 2026-01-05 09:00 UTC = 04:00 local: counts from 08:00 local.
        targets.retarget(&mut report);
        assert_eq!(report.first_response_due, at("2026-01-05T21:00:00Z"));
        assert_eq!(report.next_update_due, None);
        report.severity = Some(Severity::Critical);
        report.first_responded_at = Some(at("2026-01-05T14:00:00Z"));
        report.next_update_from = Some(at("2026-01-05T14:00:00Z"));
        targets.retarget(&mut report);
        assert_eq!(report.first_response_due, at("2026-01-05T14:00:00Z"));
        assert_eq!(report.next_update_due, Some(at("2026-01-05T18:00:00Z")));
    }
}
