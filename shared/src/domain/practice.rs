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
//!
//! Opening hours (`PRACTICE_HOURS`, default `08:00-18:00`) are for targets counted in business
//! hours ([`BusinessCalendar::after_business_hours`]): only the time between opening and closing
//! on business days counts; evenings, nights, weekends and holidays are skipped. The hours are
//! local wall-clock times, so on a daylight-saving change day the window is converted with the
//! zone's rules and the time counted is the real time the practice was open.

use std::collections::BTreeSet;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

use crate::domain::timestamp::Timestamp;

pub const TIME_ZONE_VARIABLE: &str = "PRACTICE_TIME_ZONE";
pub const HOLIDAYS_VARIABLE: &str = "PRACTICE_HOLIDAYS";
pub const HOURS_VARIABLE: &str = "PRACTICE_HOURS";
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

/// When the practice is open on a business day: local wall-clock times, opening before
/// closing (no overnight hours), to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningHours {
    pub opens: Time,
    pub closes: Time,
}

impl Default for OpeningHours {
    /// 08:00-18:00.
    fn default() -> Self {
        OpeningHours {
            opens: Time::constant(8, 0, 0, 0),
            closes: Time::constant(18, 0, 0, 0),
        }
    }
}

impl OpeningHours {
    /// `HH:MM-HH:MM` (24-hour clock, spaces allowed around the dash), opening before closing.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{HOURS_VARIABLE}: `{raw}` is not opening-closing hours (HH:MM-HH:MM, \
                 e.g. 08:00-18:00, opening before closing)"
            )
        };
        let (opens, closes) = raw.trim().split_once('-').ok_or_else(bad)?;
        let (opens, closes) = (
            parse_clock(opens.trim()).ok_or_else(bad)?,
            parse_clock(closes.trim()).ok_or_else(bad)?,
        );
        if opens >= closes {
            return Err(bad());
        }
        Ok(OpeningHours { opens, closes })
    }

    /// Reads [`HOURS_VARIABLE`] (optional: unset or empty means the default, 08:00-18:00).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        match lookup(HOURS_VARIABLE) {
            Some(raw) if !raw.trim().is_empty() => OpeningHours::parse(&raw),
            _ => Ok(OpeningHours::default()),
        }
    }
}

impl std::fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.opens.hour(),
            self.opens.minute(),
            self.closes.hour(),
            self.closes.minute()
        )
    }
}

/// `HH:MM`, exactly two digits each (so `8:00` and `08:00:00` are refused as likely typos).
fn parse_clock(raw: &str) -> Option<Time> {
    let (hour, minute) = raw.split_once(':')?;
    let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hour) || !two_digits(minute) {
        return None;
    }
    Time::new(hour.parse().ok()?, minute.parse().ok()?, 0, 0).ok()
}

/// The practice's zone, holidays and opening hours: which local days are business days, and
/// which hours of them count towards targets in business hours.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    pub zone: PracticeZone,
    pub holidays: Holidays,
    pub hours: OpeningHours,
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

    /// The instants the practice opens and closes on `date` (a business day or not), converted
    /// with the zone's rules: an opening inside a daylight-saving gap moves to the end of the
    /// gap, and a window the change falls in is that much shorter or longer in real time.
    fn window(&self, date: Date) -> Option<(jiff::Timestamp, jiff::Timestamp)> {
        let instant = |time: Time| {
            date.to_datetime(time)
                .to_zoned(self.zone.zone.clone())
                .ok()
                .map(|zoned| zoned.timestamp())
        };
        Some((instant(self.hours.opens)?, instant(self.hours.closes)?))
    }

    /// When `minutes` business minutes have passed since `start`: only time inside opening hours
    /// on business days counts, so a start in the evening, at night, on a weekend or a holiday
    /// counts from the next opening, and a count that runs past closing goes on at the next
    /// opening. A count that ends exactly at closing is due at closing (not at the next
    /// opening); a start exactly at closing counts from the next opening. Later starts are
    /// never due earlier (the queue's order relies on it).
    pub fn after_business_hours(&self, start: Timestamp, minutes: u32) -> Timestamp {
        let start_instant = jiff::Timestamp::from(start);
        let mut left = i64::from(minutes) * 60_000;
        let mut day = self.local_date(start);
        // Bounded: every business day has some open time, so this ends after `minutes` of
        // them; the cap only guards against a calendar jiff cannot convert (never with real
        // dates), where the start is returned rather than looping.
        let max_days = (u64::from(minutes) + 2) * 7 + MAX_HOLIDAYS as u64;
        for _ in 0..max_days {
            if self.is_business_day(day)
                && let Some((opens, closes)) = self.window(day)
            {
                let from = opens.max(start_instant);
                if from < closes {
                    let open_ms = closes.as_millisecond() - from.as_millisecond();
                    if left <= open_ms {
                        return Timestamp::from(
                            jiff::Timestamp::from_millisecond(from.as_millisecond() + left)
                                .unwrap_or(closes),
                        );
                    }
                    left -= open_ms;
                }
            }
            day = match day.tomorrow() {
                Ok(next) => next,
                Err(_) => break,
            };
        }
        start
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

    mod business_hours {
        use super::*;

        fn open_calendar(zone: &str, holidays: &str, hours: Option<&str>) -> BusinessCalendar {
            BusinessCalendar::from_lookup(|name| match name {
                TIME_ZONE_VARIABLE => Some(zone.to_owned()),
                HOLIDAYS_VARIABLE => Some(holidays.to_owned()),
                HOURS_VARIABLE => hours.map(str::to_owned),
                _ => None,
            })
            .expect("valid calendar")
        }

        fn new_york() -> BusinessCalendar {
            open_calendar("America/New_York", "", None)
        }

        // 2026-01-05 is a Monday; New York is UTC-5 in winter; default hours 08:00-18:00.
        #[test]
        fn inside_one_day() {
            let ny = new_york();
            // Monday 10:00 local + 1 hour → 11:00 local.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T15:00:00Z"), 60),
                at("2026-01-05T16:00:00Z")
            );
            // Seconds and milliseconds of the start are kept.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T15:00:07.250Z"), 1),
                at("2026-01-05T15:01:07.250Z")
            );
            // Nothing to count: due at once when open.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T15:00:00Z"), 0),
                at("2026-01-05T15:00:00Z")
            );
        }

        #[test]
        fn evenings_and_nights_are_skipped() {
            let ny = new_york();
            // Monday 17:00 local + 2 hours → 1 hour on Monday, 1 on Tuesday: Tuesday 09:00.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T22:00:00Z"), 120),
                at("2026-01-06T14:00:00Z")
            );
            // Monday 20:00 local (Tuesday in UTC) + 1 hour → Tuesday 09:00 local.
            assert_eq!(
                ny.after_business_hours(at("2026-01-06T01:00:00Z"), 60),
                at("2026-01-06T14:00:00Z")
            );
            // Tuesday 03:00 local, the same.
            assert_eq!(
                ny.after_business_hours(at("2026-01-06T08:00:00Z"), 60),
                at("2026-01-06T14:00:00Z")
            );
            // Outside hours with nothing to count: the next opening.
            assert_eq!(
                ny.after_business_hours(at("2026-01-06T01:00:00Z"), 0),
                at("2026-01-06T13:00:00Z")
            );
        }

        #[test]
        fn a_start_before_opening_counts_from_opening() {
            let ny = new_york();
            // Monday 06:30 local + 30 minutes → 08:30 local.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T11:30:00Z"), 30),
                at("2026-01-05T13:30:00Z")
            );
            // Monday 00:00 local exactly.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T05:00:00Z"), 600),
                at("2026-01-05T23:00:00Z")
            );
        }

        #[test]
        fn closing_time_exactly() {
            let ny = new_york();
            // A count that ends at closing is due at closing: Monday 10:00 + 8 hours = 18:00.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T15:00:00Z"), 480),
                at("2026-01-05T23:00:00Z")
            );
            // One minute more → Tuesday 08:01.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T15:00:00Z"), 481),
                at("2026-01-06T13:01:00Z")
            );
            // A start exactly at closing counts from the next opening.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T23:00:00Z"), 1),
                at("2026-01-06T13:01:00Z")
            );
            // One millisecond before closing: that millisecond counts.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T22:59:59.999Z"), 1),
                at("2026-01-06T13:00:59.999Z")
            );
            // Exactly at opening.
            assert_eq!(
                ny.after_business_hours(at("2026-01-06T13:00:00Z"), 60),
                at("2026-01-06T14:00:00Z")
            );
        }

        #[test]
        fn friday_afternoon_runs_to_monday_and_weekends_are_skipped() {
            let ny = new_york();
            // Friday 9 January 16:00 local + 4 hours → 2 on Friday, 2 on Monday: Monday 10:00.
            assert_eq!(
                ny.after_business_hours(at("2026-01-09T21:00:00Z"), 240),
                at("2026-01-12T15:00:00Z")
            );
            // Friday 23:30 local (Saturday in UTC), Saturday and Sunday: Monday 09:00.
            for start in [
                "2026-01-10T04:30:00Z",
                "2026-01-10T17:00:00Z",
                "2026-01-11T20:00:00Z",
            ] {
                assert_eq!(
                    ny.after_business_hours(at(start), 60),
                    at("2026-01-12T14:00:00Z"),
                    "{start}"
                );
            }
        }

        #[test]
        fn holidays_are_skipped() {
            // Thanksgiving (Thursday 26 November) and the day after.
            let ny = open_calendar("America/New_York", "2026-11-26,2026-11-27", None);
            // Wednesday 17:00 local + 2 hours → 1 on Wednesday, 1 on Monday 30th: 09:00.
            assert_eq!(
                ny.after_business_hours(at("2026-11-25T22:00:00Z"), 120),
                at("2026-11-30T14:00:00Z")
            );
            // Starting on the holiday counts from Monday.
            assert_eq!(
                ny.after_business_hours(at("2026-11-26T15:00:00Z"), 120),
                at("2026-11-30T15:00:00Z")
            );
            // Without the holidays: Thursday 09:00.
            assert_eq!(
                new_york().after_business_hours(at("2026-11-25T22:00:00Z"), 120),
                at("2026-11-26T14:00:00Z")
            );
        }

        #[test]
        fn multi_day_spans() {
            let ny = new_york();
            // Monday 08:00 + 40 hours = four full days: Thursday 18:00.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T13:00:00Z"), 40 * 60),
                at("2026-01-08T23:00:00Z")
            );
            // Monday 10:00 + 40 hours: 8 + 10 + 10 + 10, then 2 on Friday: Friday 10:00.
            assert_eq!(
                ny.after_business_hours(at("2026-01-05T15:00:00Z"), 40 * 60),
                at("2026-01-09T15:00:00Z")
            );
            // Wednesday 14:00 + 200 hours (20 days of 10 hours, four weeks): 4 hours on the
            // Wednesday, then 19 days and 6 hours → Wednesday 4 February 14:00.
            assert_eq!(
                ny.after_business_hours(at("2026-01-07T19:00:00Z"), 200 * 60),
                at("2026-02-04T19:00:00Z")
            );
            // Other hours: 09:30-17:00 is 7.5 hours a day.
            let short = open_calendar("America/New_York", "", Some("09:30-17:00"));
            assert_eq!(
                short.after_business_hours(at("2026-01-05T14:30:00Z"), 15 * 60),
                at("2026-01-06T22:00:00Z")
            );
            assert_eq!(
                short.after_business_hours(at("2026-01-05T14:30:00Z"), 15 * 60 + 1),
                at("2026-01-07T14:31:00Z")
            );
        }

        #[test]
        fn daylight_saving_changes_keep_local_opening_hours() {
            let ny = new_york();
            // Clocks go forward on Sunday 8 March: Friday 6th 16:00 EST + 4 hours → Monday 9th
            // 10:00 EDT (UTC-4).
            assert_eq!(
                ny.after_business_hours(at("2026-03-06T21:00:00Z"), 240),
                at("2026-03-09T14:00:00Z")
            );
            // And back on Sunday 1 November: Friday 30 October 16:00 EDT + 4 hours → Monday 2nd
            // 10:00 EST (UTC-5).
            assert_eq!(
                ny.after_business_hours(at("2026-10-30T20:00:00Z"), 240),
                at("2026-11-02T15:00:00Z")
            );
            // Jerusalem moves its clocks on a Friday (27 March 2026, 02:00 → 03:00): with hours
            // 01:00-05:00 that Friday is open 3 real hours, not 4.
            let jerusalem = open_calendar("Asia/Jerusalem", "", Some("01:00-05:00"));
            // Friday 01:00 IST (UTC+2) + 3 hours → 05:00 IDT (UTC+3), the closing.
            assert_eq!(
                jerusalem.after_business_hours(at("2026-03-26T23:00:00Z"), 180),
                at("2026-03-27T02:00:00Z")
            );
            // + 4 hours → one hour into Monday: 02:00 IDT.
            assert_eq!(
                jerusalem.after_business_hours(at("2026-03-26T23:00:00Z"), 240),
                at("2026-03-29T23:00:00Z")
            );
            // Thursday 04:00 IST + 2 hours → 1 on Thursday, 1 on Friday: 02:00 IST, which is
            // the instant the clocks jump (03:00 IDT).
            assert_eq!(
                jerusalem.after_business_hours(at("2026-03-26T02:00:00Z"), 120),
                at("2026-03-27T00:00:00Z")
            );
        }

        /// Whether the practice is open during the minute from `t` (for the brute-force check).
        fn open_at(calendar: &BusinessCalendar, t: jiff::Timestamp) -> bool {
            let local = t.to_zoned(calendar.zone.zone.clone());
            calendar.is_business_day(local.date())
                && local.time() >= calendar.hours.opens
                && local.time() < calendar.hours.closes
        }

        /// Counting minute by minute agrees with the day-by-day arithmetic, from starts all
        /// over the week (inside and outside hours, weekends, holidays, both daylight-saving
        /// changes), for short and long counts; and later starts are never due earlier.
        #[test]
        fn agrees_with_counting_minute_by_minute() {
            for (zone, holidays, hours, first) in [
                (
                    "America/New_York",
                    "2026-03-09,2026-11-02",
                    "08:00-18:00",
                    "2026-03-05T00:00:00Z",
                ),
                (
                    "America/New_York",
                    "2026-03-09,2026-11-02",
                    "00:30-23:45",
                    "2026-10-29T00:00:00Z",
                ),
                ("Asia/Jerusalem", "", "01:00-05:00", "2026-03-25T00:00:00Z"),
                (
                    "Europe/London",
                    "2026-03-30",
                    "09:00-17:30",
                    "2026-03-26T00:00:00Z",
                ),
            ] {
                let calendar = open_calendar(zone, holidays, Some(hours));
                let mut previous: Option<Timestamp> = None;
                // Every 53 minutes over a week: starts fall on every hour of the clock.
                for step in 0..(7 * 24 * 60 / 53) {
                    let start = at(first).plus(std::time::Duration::from_secs(step * 53 * 60));
                    // Long counts (two and a half days or more) from a fifth of the starts.
                    let long = if step % 5 == 0 { 1500 } else { 600 };
                    for minutes in [1u32, 61, long] {
                        let due = calendar.after_business_hours(start, minutes);
                        let mut counted = 0;
                        let mut t = jiff::Timestamp::from(start);
                        while counted < minutes {
                            if open_at(&calendar, t) {
                                counted += 1;
                            }
                            t += jiff::SignedDuration::from_mins(1);
                        }
                        assert_eq!(due, Timestamp::from(t), "{zone} {hours} {start} +{minutes}");
                    }
                    let due = calendar.after_business_hours(start, 61);
                    if let Some(previous) = previous {
                        assert!(due >= previous, "{zone} {start}");
                    }
                    previous = Some(due);
                }
            }
        }

        #[test]
        fn opening_hours_are_read_and_checked() {
            let hours = |raw: Option<&str>| {
                OpeningHours::from_lookup(|name| match name {
                    HOURS_VARIABLE => raw.map(str::to_owned),
                    _ => None,
                })
            };
            assert_eq!(hours(None), Ok(OpeningHours::default()));
            assert_eq!(hours(Some(" ")), Ok(OpeningHours::default()));
            assert_eq!(
                OpeningHours::default().to_string(),
                "08:00-18:00".to_owned()
            );
            let parsed = hours(Some(" 07:30 - 19:15 ")).expect("valid");
            assert_eq!(parsed.to_string(), "07:30-19:15");
            assert_eq!(
                hours(Some("00:00-23:59")).expect("valid").to_string(),
                "00:00-23:59"
            );
            for bad in [
                "18:00-08:00",
                "08:00-08:00",
                "8:00-18:00",
                "08:00-24:00",
                "08:60-18:00",
                "08:00",
                "08:00-18:00-20:00",
                "0800-1800",
                "08:00:00-18:00:00",
                "nine to five",
                "+8:00-18:00",
            ] {
                let error = hours(Some(bad)).expect_err(bad);
                assert!(error.contains(HOURS_VARIABLE), "{bad}: {error}");
            }
            // The calendar names the variable with the others'.
            let error = BusinessCalendar::from_lookup(|name| match name {
                HOURS_VARIABLE => Some("late".to_owned()),
                HOLIDAYS_VARIABLE => Some("someday".to_owned()),
                _ => None,
            })
            .expect_err("three bad variables");
            assert_eq!(error.problems.len(), 3, "{:?}", error.problems);
            assert!(error.problems[2].contains(HOURS_VARIABLE));
            // The business-day rule does not depend on the hours.
            let late = open_calendar("America/New_York", "", Some("20:00-23:00"));
            assert_eq!(
                late.end_of_business_days(at("2026-01-05T15:00:00Z"), 1),
                at("2026-01-07T05:00:00Z")
            );
        }
    }
}
