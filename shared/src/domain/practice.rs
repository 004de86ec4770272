//! The practice's calendar: the time zone it works in (`PRACTICE_TIME_ZONE`) and the days it is
//! closed besides weekends (`PRACTICE_HOLIDAYS`). Read once at start-up; a bad value stops the
//! function naming the variable, like every other setting (`BusinessCalendar::from_lookup`, in
//! `platform::config`, where every setting is read).
//!
//! Business days are Monday to Friday in the practice's zone, except its holidays. A response
//! target of `n` business days is counted by [`BusinessCalendar::end_of_business_days`]: the
//! local day on which something arrives never counts (whatever the hour, so Friday 09:00 and
//! Friday 23:30 are treated alike), counting starts on the next business day, and the target
//! is reached at the end of the `n`-th business day, i.e. at 00:00 local time of the calendar
//! day after it. With a target of 1: Monday 10:00 → due Wednesday 00:00 (end of Tuesday);
//! Friday 23:30, Saturday or Sunday → due Tuesday 00:00 (end of Monday); the day before a
//! holiday skips it. Days are local dates, so a daylight-saving change only moves the UTC
//! instant of that midnight (which jiff computes from the zone's rules).

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

use crate::domain::timestamp::Timestamp;

pub const TIME_ZONE_VARIABLE: &str = "PRACTICE_TIME_ZONE";
pub const HOLIDAYS_VARIABLE: &str = "PRACTICE_HOLIDAYS";
/// More holidays than any practice closes for in a few years: a typo guard, not a business rule.
const MAX_HOLIDAYS: usize = 200;

/// The practice's time zone, an IANA name that jiff's bundled database knows.
#[derive(Debug, Clone)]
pub struct PracticeZone {
    pub zone: TimeZone,
    pub name: String,
}

impl PracticeZone {
    /// Reads [`TIME_ZONE_VARIABLE`] (required).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let name = lookup(TIME_ZONE_VARIABLE).unwrap_or_default();
        let name = name.trim();
        match TimeZone::get(name) {
            Ok(zone) if !name.is_empty() => Ok(PracticeZone {
                zone,
                name: name.to_owned(),
            }),
            _ => Err(format!(
                "{TIME_ZONE_VARIABLE} must name an IANA time zone (e.g. America/New_York)"
            )),
        }
    }
}

/// The days the practice is closed besides weekends: distinct ISO dates (`2026-12-25`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays(BTreeSet<Date>);

impl Holidays {
    /// `YYYY-MM-DD` dates separated by commas (spaces allowed); empty means none.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut days = BTreeSet::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let date = (part.len() == 10)
                .then(|| part.parse::<Date>().ok())
                .flatten()
                .ok_or_else(|| {
                    format!("{HOLIDAYS_VARIABLE}: `{part}` is not a date (YYYY-MM-DD)")
                })?;
            if !days.insert(date) {
                return Err(format!("{HOLIDAYS_VARIABLE}: `{part}` is listed twice"));
            }
        }
        if days.len() > MAX_HOLIDAYS {
            return Err(format!(
                "{HOLIDAYS_VARIABLE} lists more than {MAX_HOLIDAYS} dates"
            ));
        }
        Ok(Holidays(days))
    }

    /// Reads [`HOLIDAYS_VARIABLE`] (optional: unset or empty means no holidays).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        Holidays::parse(&lookup(HOLIDAYS_VARIABLE).unwrap_or_default())
    }

    pub fn contains(&self, date: Date) -> bool {
        self.0.contains(&date)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The practice's zone and holidays: which local days are business days.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    pub zone: PracticeZone,
    pub holidays: Holidays,
}

impl BusinessCalendar {
    pub fn is_business_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(date)
    }

    /// The practice's local date at `at`.
    pub fn local_date(&self, at: Timestamp) -> Date {
        jiff::Timestamp::from(at)
            .to_zoned(self.zone.zone.clone())
            .date()
    }

    /// The first business day after `date`.
    fn next_business_day(&self, date: Date) -> Date {
        let mut day = date;
        // Bounded: every week has five weekdays and the holidays are finite; the fallback
        // (the end of jiff's range) is never reached with real dates.
        for _ in 0..(7 * (MAX_HOLIDAYS + 2)) {
            day = match day.tomorrow() {
                Ok(next) => next,
                Err(_) => return day,
            };
            if self.is_business_day(day) {
                return day;
            }
        }
        day
    }

    /// When a target of `days` business days is reached for something that arrived at `start`:
    /// the end of the `days`-th business day after the local day of `start` (see the module's
    /// documentation). Never earlier than a later arrival's (the inbox relies on that order).
    pub fn end_of_business_days(&self, start: Timestamp, days: u32) -> Timestamp {
        let mut day = self.local_date(start);
        for _ in 0..days {
            day = self.next_business_day(day);
        }
        let end = day.tomorrow().unwrap_or(day);
        match end.to_zoned(self.zone.zone.clone()) {
            Ok(midnight) => Timestamp::from(midnight.timestamp()),
            Err(_) => start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn calendar(zone: &str, holidays: &str) -> BusinessCalendar {
        BusinessCalendar::from_lookup(|name| match name {
            TIME_ZONE_VARIABLE => Some(zone.to_owned()),
            HOLIDAYS_VARIABLE => Some(holidays.to_owned()),
            _ => None,
        })
        .expect("valid calendar")
    }

    // 2026-01-05 is a Monday; New York is UTC-5 in winter.
    #[test]
    fn the_day_of_arrival_does_not_count() {
        let ny = calendar("America/New_York", "");
        // Monday 10:00 local + 1 → end of Tuesday = Wednesday 00:00 local.
        assert_eq!(
            ny.end_of_business_days(at("2026-01-05T15:00:00Z"), 1),
            at("2026-01-07T05:00:00Z")
        );
        // Monday + 2 → end of Wednesday.
        assert_eq!(
            ny.end_of_business_days(at("2026-01-05T15:00:00Z"), 2),
            at("2026-01-08T05:00:00Z")
        );
        // Thursday + 1 → end of Friday = Saturday 00:00 local.
        assert_eq!(
            ny.end_of_business_days(at("2026-01-08T15:00:00Z"), 1),
            at("2026-01-10T05:00:00Z")
        );
    }

    #[test]
    fn friday_night_and_weekends_count_from_monday_in_local_time() {
        let ny = calendar("America/New_York", "");
        let due = at("2026-01-13T05:00:00Z"); // end of Monday 12th, local
        // Friday 09:00 local and Friday 23:30 local (already Saturday in UTC) alike.
        assert_eq!(ny.end_of_business_days(at("2026-01-09T14:00:00Z"), 1), due);
        assert_eq!(ny.end_of_business_days(at("2026-01-10T04:30:00Z"), 1), due);
        // Saturday and Sunday (Sunday 23:00 local is Monday in UTC).
        assert_eq!(ny.end_of_business_days(at("2026-01-10T15:00:00Z"), 1), due);
        assert_eq!(ny.end_of_business_days(at("2026-01-12T04:00:00Z"), 1), due);
        // Monday 00:30 local is Monday: it counts from Tuesday.
        assert_eq!(
            ny.end_of_business_days(at("2026-01-12T05:30:00Z"), 1),
            at("2026-01-14T05:00:00Z")
        );
        // In UTC the same Friday-night message is a Saturday one, all the same.
        let utc = calendar("UTC", "");
        assert_eq!(
            utc.end_of_business_days(at("2026-01-10T04:30:00Z"), 1),
            at("2026-01-13T00:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_weeks_keep_local_midnight() {
        let ny = calendar("America/New_York", "");
        // Clocks go forward on Sunday 2026-03-08: Friday 6th 10:00 EST + 1 → end of Monday 9th,
        // which is 00:00 EDT (UTC-4) on Tuesday.
        assert_eq!(
            ny.end_of_business_days(at("2026-03-06T15:00:00Z"), 1),
            at("2026-03-10T04:00:00Z")
        );
        // And back on Sunday 2026-11-01: Friday 30 Oct 10:00 EDT + 2 → end of Tuesday 3rd, EST.
        assert_eq!(
            ny.end_of_business_days(at("2026-10-30T14:00:00Z"), 2),
            at("2026-11-04T05:00:00Z")
        );
    }

    #[test]
    fn holidays_are_skipped_and_count_from_the_next_business_day() {
        // Thanksgiving (Thursday 26 Nov) and the day after.
        let ny = calendar("America/New_York", "2026-11-26, 2026-11-27");
        // Wednesday 25th + 1 → end of Monday 30th.
        assert_eq!(
            ny.end_of_business_days(at("2026-11-25T15:00:00Z"), 1),
            at("2026-12-01T05:00:00Z")
        );
        // Arriving on the holiday itself counts from Monday too.
        assert_eq!(
            ny.end_of_business_days(at("2026-11-26T15:00:00Z"), 1),
            at("2026-12-01T05:00:00Z")
        );
        // Without the holidays: end of Thursday.
        let plain = calendar("America/New_York", "");
        assert_eq!(
            plain.end_of_business_days(at("2026-11-25T15:00:00Z"), 1),
            at("2026-11-27T05:00:00Z")
        );
        assert!(!ny.is_business_day("2026-11-26".parse().expect("date")));
        assert!(ny.is_business_day("2026-11-30".parse().expect("date")));
    }

    #[test]
    fn later_arrivals_are_never_due_earlier() {
        let ny = calendar("America/New_York", "2026-03-09");
        let mut previous = None;
        let mut at = at("2026-03-04T00:00:00Z");
        for _ in 0..(14 * 24 * 4) {
            let due = ny.end_of_business_days(at, 2);
            assert!(due > at);
            if let Some(previous) = previous {
                assert!(due >= previous, "{at}");
            }
            previous = Some(due);
            at = at.plus(std::time::Duration::from_secs(15 * 60));
        }
    }

    #[test]
    fn bad_settings_name_the_variable() {
        let problems = |zone: Option<&str>, holidays: Option<&str>| {
            BusinessCalendar::from_lookup(|name| match name {
                TIME_ZONE_VARIABLE => zone.map(str::to_owned),
                HOLIDAYS_VARIABLE => holidays.map(str::to_owned),
                _ => None,
            })
            .err()
            .map(|error| error.problems)
            .unwrap_or_default()
        };
        assert!(problems(Some("Europe/Paris"), None).is_empty());
        assert!(problems(Some("Europe/Paris"), Some("")).is_empty());
        let missing = problems(None, Some("2026-12-25"));
        assert_eq!(missing.len(), 1);
        assert!(missing[0].contains(TIME_ZONE_VARIABLE));
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "25/12/2026",
            "2026-12-25,2026-12-25",
            "2026-1-5",
            "christmas",
        ] {
            let found = problems(Some("Mars/Olympus"), Some(bad));
            assert_eq!(found.len(), 2, "{bad}: {found:?}");
            assert!(found[1].contains(HOLIDAYS_VARIABLE), "{bad}: {found:?}");
        }
        let many = (0..201)
            .map(|day| {
                jiff::civil::date(2026, 1, 1)
                    .checked_add(jiff::Span::new().days(day))
                    .expect("date")
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(problems(Some("UTC"), Some(&many)).len(), 1);
        assert_eq!(
            Holidays::parse(" 2026-12-25 ,2026-01-01,")
                .expect("valid")
                .len(),
            2
        );
    }
}
