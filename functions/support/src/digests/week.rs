//! The practice's weeks (Monday to Sunday in `PRACTICE_TIME_ZONE`) and which week's digest is
//! due. A week's digest is due from the following Monday at `WEEKLY_DIGEST_AT` (practice
//! time); the job composes the most recent week whose digest is due ([`due_week`]), so an hour
//! that failed is made up by the next one, and nothing older is ever composed.

use jiff::ToSpan;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use portal_shared::domain::timestamp::Timestamp;

/// One practice week, named by its Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Week {
    monday: Date,
}

impl Week {
    /// The week `date` is in.
    pub fn containing(date: Date) -> Week {
        let back = i64::from(date.weekday().to_monday_zero_offset());
        Week {
            monday: date.checked_sub(back.days()).unwrap_or(date),
        }
    }

    /// The week that starts on `monday`; `None` when it is another day.
    pub fn starting(monday: Date) -> Option<Week> {
        (monday.weekday() == Weekday::Monday).then_some(Week { monday })
    }

    pub fn monday(self) -> Date {
        self.monday
    }

    /// Its last day.
    pub fn sunday(self) -> Date {
        self.monday.checked_add(6.days()).unwrap_or(self.monday)
    }

    /// The week before.
    pub fn previous(self) -> Week {
        Week {
            monday: self.monday.checked_sub(7.days()).unwrap_or(self.monday),
        }
    }

    fn next_monday(self) -> Date {
        self.monday.checked_add(7.days()).unwrap_or(self.monday)
    }

    /// Its Monday, `yyyy-mm-dd` (the digest's id).
    pub fn id(self) -> String {
        self.monday.to_string()
    }

    /// Its seven days, `yyyy-mm-dd`, Monday first.
    pub fn days(self) -> Vec<String> {
        self.monday
            .series(1.day())
            .take(7)
            .map(|day| day.to_string())
            .collect()
    }

    /// Monday 00:00 in `zone`.
    pub fn starts_at(self, zone: &TimeZone) -> Option<Timestamp> {
        instant(self.monday, Time::midnight(), zone)
    }

    /// The next Monday 00:00 in `zone` (the end, not included): 167 or 169 hours after the
    /// start in the weeks the clocks change.
    pub fn ends_at(self, zone: &TimeZone) -> Option<Timestamp> {
        instant(self.next_monday(), Time::midnight(), zone)
    }

    /// When its digest is due: the next Monday at `at` in `zone` (a time the clocks skip
    /// counts as the first instant after the gap).
    pub fn due_at(self, zone: &TimeZone, at: Time) -> Option<Timestamp> {
        instant(self.next_monday(), at, zone)
    }
}

fn instant(date: Date, time: Time, zone: &TimeZone) -> Option<Timestamp> {
    date.to_datetime(time)
        .to_zoned(zone.clone())
        .ok()
        .map(|zoned| Timestamp::from(zoned.timestamp()))
}

/// The most recent week whose digest is due at `now`: the week before this one once this
/// Monday's `at` has passed, else the week before that (already due last Monday).
pub fn due_week(zone: &TimeZone, at: Time, now: Timestamp) -> Week {
    let today = jiff::Timestamp::from(now).to_zoned(zone.clone()).date();
    let last = Week::containing(today).previous();
    match last.due_at(zone, at) {
        Some(due) if now >= due => last,
        _ => last.previous(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> TimeZone {
        TimeZone::get("America/New_York").expect("zone")
    }

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn date(raw: &str) -> Date {
        raw.parse().expect("date")
    }

    const SEVEN: Time = Time::constant(7, 0, 0, 0);

    fn due(now: &str) -> String {
        due_week(&zone(), SEVEN, at(now)).id()
    }

    #[test]
    fn a_week_runs_monday_to_sunday() {
        let week = Week::containing(date("2026-12-03"));
        assert_eq!(week.id(), "2026-11-30");
        assert_eq!(week.sunday().to_string(), "2026-12-06");
        assert_eq!(Week::containing(date("2026-11-30")), week);
        assert_eq!(Week::containing(date("2026-12-06")), week);
        assert_eq!(Week::containing(date("2026-12-07")).id(), "2026-12-07");
        assert_eq!(week.previous().id(), "2026-11-23");
        assert_eq!(
            week.days(),
            [
                "2026-11-30",
                "2026-12-01",
                "2026-12-02",
                "2026-12-03",
                "2026-12-04",
                "2026-12-05",
                "2026-12-06"
            ]
        );
        assert_eq!(Week::starting(date("2026-11-30")), Some(week));
        assert_eq!(Week::starting(date("2026-12-01")), None);
        // Across a year's end.
        assert_eq!(Week::containing(date("2027-01-01")).id(), "2026-12-28");
    }

    #[test]
    fn a_week_is_bounded_by_local_midnights() {
        let week = Week::containing(date("2026-12-03"));
        // New York is UTC-5 in winter.
        assert_eq!(week.starts_at(&zone()), Some(at("2026-11-30T05:00:00Z")));
        assert_eq!(week.ends_at(&zone()), Some(at("2026-12-07T05:00:00Z")));
        assert_eq!(
            week.due_at(&zone(), SEVEN),
            Some(at("2026-12-07T12:00:00Z"))
        );
    }

    #[test]
    fn the_weeks_the_clocks_change_are_an_hour_longer_or_shorter() {
        let hours = |week: Week| {
            let start = week.starts_at(&zone()).expect("start").unix_seconds();
            let end = week.ends_at(&zone()).expect("end").unix_seconds();
            (end - start) / 3600
        };
        // Clocks go back on Sunday 2026-11-01: the week ends in winter time.
        let autumn = Week::containing(date("2026-10-28"));
        assert_eq!(autumn.starts_at(&zone()), Some(at("2026-10-26T04:00:00Z")));
        assert_eq!(autumn.ends_at(&zone()), Some(at("2026-11-02T05:00:00Z")));
        assert_eq!(hours(autumn), 169);
        assert_eq!(
            autumn.due_at(&zone(), SEVEN),
            Some(at("2026-11-02T12:00:00Z"))
        );
        // Clocks go forward on Sunday 2026-03-08.
        let spring = Week::containing(date("2026-03-04"));
        assert_eq!(hours(spring), 167);
        assert_eq!(
            spring.due_at(&zone(), SEVEN),
            Some(at("2026-03-09T11:00:00Z"))
        );
        assert_eq!(hours(Week::containing(date("2026-03-11"))), 168);
    }

    #[test]
    fn last_week_is_due_from_monday_at_the_set_time_in_the_practice_zone() {
        // Monday 2026-12-07 06:59 in New York: last week is not due yet, the one before is.
        assert_eq!(due("2026-12-07T11:59:00Z"), "2026-11-23");
        // 07:00: last week is due.
        assert_eq!(due("2026-12-07T12:00:00Z"), "2026-11-30");
        // Sunday 23:30 in New York is Monday in UTC: still the week before last.
        assert_eq!(due("2026-12-07T04:30:00Z"), "2026-11-23");
        // Another zone's Monday: Tokyo's Monday 07:00 is Sunday evening UTC.
        let tokyo = TimeZone::get("Asia/Tokyo").expect("zone");
        assert_eq!(
            due_week(&tokyo, SEVEN, at("2026-12-06T22:00:00Z")).id(),
            "2026-11-30"
        );
        assert_eq!(
            due_week(&tokyo, SEVEN, at("2026-12-06T21:59:00Z")).id(),
            "2026-11-23"
        );
    }

    #[test]
    fn a_missed_monday_is_made_up_later_in_the_week_and_never_older_weeks() {
        // Wednesday, Sunday night: still last week's digest (catching up).
        assert_eq!(due("2026-12-09T15:00:00Z"), "2026-11-30");
        assert_eq!(due("2026-12-14T04:59:00Z"), "2026-11-30");
        // The next Monday 07:00 moves on: the missed week is not composed any more.
        assert_eq!(due("2026-12-14T12:00:00Z"), "2026-12-07");
        // Another time of day.
        let noon = Time::constant(12, 30, 0, 0);
        assert_eq!(
            due_week(&zone(), noon, at("2026-12-07T17:29:00Z")).id(),
            "2026-11-23"
        );
        assert_eq!(
            due_week(&zone(), noon, at("2026-12-07T17:30:00Z")).id(),
            "2026-11-30"
        );
        // The Monday after the clocks go back: 07:00 EST is 12:00 UTC.
        assert_eq!(due("2026-11-02T11:59:00Z"), "2026-10-19");
        assert_eq!(due("2026-11-02T12:00:00Z"), "2026-10-26");
    }
}
