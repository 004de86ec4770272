//! A practice day as the API writes it: a date of the practice's calendar, `YYYY-MM-DD`
//! exactly (`2026-05-04`; not `2026-5-4`, no sign, no time), as day keys store it and sort.
//! And a [`DayRange`] of such days read from a call's `from` and `to` query parameters.
//!
//! Today is the caller's to say: the practice's date (`features::sign_ins::day_of`), the day
//! the counters a range reads were written under.

use time::{Date, Duration};

use crate::platform::validation::FieldErrors;

/// `raw` as a practice day, when written exactly `YYYY-MM-DD`.
pub fn parse(raw: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    (raw.len() == 10)
        .then(|| Date::parse(raw, &format).ok())
        .flatten()
}

/// `day` written `YYYY-MM-DD`.
pub fn text(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// The same day of the month `months` calendar months before `day` (the month's last day when
/// it is shorter: a month before 31 March is 28 or 29 February): where a window of months back
/// from today starts.
pub fn months_before(day: Date, months: u32) -> Date {
    let months = i32::try_from(months).unwrap_or(i32::MAX / 12);
    let total = day.year() * 12 + i32::from(u8::from(day.month())) - 1 - months;
    let (year, month_index) = (total.div_euclid(12), total.rem_euclid(12));
    let month = u8::try_from(month_index + 1)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .unwrap_or(time::Month::January);
    let day_of_month = day.day().min(month.length(year));
    Date::from_calendar_date(year, month, day_of_month).unwrap_or(day)
}

/// How long a range may be, and the range when none is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeRule {
    /// The range when `from` is not given: this many days ending at `to` (both included).
    pub default_days: i64,
    /// The longest range, in days, `from` and `to` both included.
    pub max_days: i64,
}

/// The days from `from` through `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: Date,
    pub to: Date,
}

impl DayRange {
    /// The range a call asks for in its `from` and `to` query parameters (`query` reads one by
    /// name): `to` is today when absent, `from` the start of `rule.default_days` ending at
    /// `to`. Every problem is added to `errors`, naming `from` or `to`: not a date; `to` after
    /// `today`; `from` after `to`; more than `rule.max_days` days. `None` when there was one
    /// (the caller answers 422 with `errors`, and its own fields' problems with them).
    pub fn from_query(
        query: impl Fn(&str) -> Option<String>,
        rule: RangeRule,
        today: Date,
        errors: &mut FieldErrors,
    ) -> Option<DayRange> {
        let mut read = |name: &str| -> Result<Option<Date>, ()> {
            let Some(raw) = query(name) else {
                return Ok(None);
            };
            match parse(&raw) {
                Some(day) => Ok(Some(day)),
                None => {
                    errors.add(name, "must be a date, YYYY-MM-DD");
                    Err(())
                }
            }
        };
        let (from, to) = (read("from"), read("to"));
        let (Ok(from), Ok(to)) = (from, to) else {
            return None;
        };
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(rule.default_days - 1));
        let mut valid = true;
        if to > today {
            errors.add("to", format!("must not be after today ({})", text(today)));
            valid = false;
        }
        if from > to {
            errors.add("from", "must not be after `to`");
            valid = false;
        } else if (to - from).whole_days() + 1 > rule.max_days {
            errors.add(
                "from",
                format!(
                    "the range is at most {} days, `from` and `to` included",
                    rule.max_days
                ),
            );
            valid = false;
        }
        valid.then_some(DayRange { from, to })
    }

    /// Every day of the range, in order, written `YYYY-MM-DD`.
    pub fn days(&self) -> Vec<String> {
        std::iter::successors(Some(self.from), |day| day.next_day())
            .take_while(|day| *day <= self.to)
            .map(text)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::validation::FieldError;

    #[test]
    fn months_before_counts_calendar_months_and_keeps_to_real_days() {
        use time::macros::date;
        for (day, months, start) in [
            (date!(2026 - 12 - 07), 12, date!(2025 - 12 - 07)),
            (date!(2026 - 12 - 07), 24, date!(2024 - 12 - 07)),
            (date!(2026 - 03 - 31), 1, date!(2026 - 02 - 28)),
            (date!(2028 - 03 - 31), 1, date!(2028 - 02 - 29)),
            (date!(2024 - 02 - 29), 24, date!(2022 - 02 - 28)),
            (date!(2026 - 01 - 15), 1, date!(2025 - 12 - 15)),
            (date!(2026 - 01 - 15), 60, date!(2021 - 01 - 15)),
            (date!(2026 - 05 - 31), 3, date!(2026 - 02 - 28)),
        ] {
            assert_eq!(months_before(day, months), start, "{day} - {months} months");
        }
    }

    const RULE: RangeRule = RangeRule {
        default_days: 30,
        max_days: 92,
    };

    fn day(raw: &str) -> Date {
        parse(raw).expect("a date")
    }

    /// The range asked for with `from` and `to` on 2026-05-04, and the problems named.
    fn asked(from: Option<&str>, to: Option<&str>) -> (Option<DayRange>, Vec<FieldError>) {
        let mut errors = FieldErrors::new();
        let range = DayRange::from_query(
            |name| match name {
                "from" => from.map(str::to_owned),
                "to" => to.map(str::to_owned),
                _ => None,
            },
            RULE,
            day("2026-05-04"),
            &mut errors,
        );
        (range, errors.into_vec())
    }

    fn range(from: &str, to: &str) -> Option<DayRange> {
        Some(DayRange {
            from: day(from),
            to: day(to),
        })
    }

    fn named(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect()
    }

    #[test]
    fn a_day_is_written_yyyy_mm_dd_exactly() {
        let may = day("2026-05-04");
        assert_eq!(text(may), "2026-05-04");
        assert_eq!(parse(&text(may)), Some(may));
        assert_eq!(text(day("0999-01-31")), "0999-01-31");
        for bad in [
            "2026-5-4",
            "2026-05-4",
            "2026-13-01",
            "2026-02-30",
            "+2026-05-04",
            "2026-05-04T00:00:00Z",
            " 2026-05-04",
            "04/05/2026",
            "yesterday",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_default_is_the_days_ending_today() {
        let (asked, errors) = asked(None, None);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(asked, range("2026-04-05", "2026-05-04"));
        assert_eq!(asked.map(|r| r.days().len()), Some(30));
        // Only `to`: the default length ending there.
        let (asked, _) = self::asked(None, Some("2026-03-31"));
        assert_eq!(asked, range("2026-03-02", "2026-03-31"));
        // Only `from`: through today.
        let (asked, _) = self::asked(Some("2026-05-01"), None);
        assert_eq!(asked, range("2026-05-01", "2026-05-04"));
    }

    #[test]
    fn exactly_the_longest_range_is_allowed_and_one_day_more_is_not() {
        // 2026-02-02 through 2026-05-04 is 92 days, both included.
        let (asked, errors) = asked(Some("2026-02-02"), Some("2026-05-04"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(asked.map(|r| r.days().len()), Some(92));
        let (asked, errors) = self::asked(Some("2026-02-01"), Some("2026-05-04"));
        assert_eq!(asked, None);
        assert_eq!(
            named(&errors),
            [(
                "from",
                "the range is at most 92 days, `from` and `to` included"
            )]
        );
        // One day is a range.
        let (asked, errors) = self::asked(Some("2026-05-04"), Some("2026-05-04"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(asked.map(|r| r.days()), Some(vec!["2026-05-04".to_owned()]));
    }

    #[test]
    fn the_range_ends_today_at_the_latest() {
        let (asked, errors) = asked(Some("2026-05-01"), Some("2026-05-05"));
        assert_eq!(asked, None);
        assert_eq!(
            named(&errors),
            [("to", "must not be after today (2026-05-04)")]
        );
        // A range wholly after today names `to` only: `from` is not after it.
        let (_, errors) = self::asked(Some("2026-06-01"), Some("2026-06-02"));
        assert_eq!(
            named(&errors),
            [("to", "must not be after today (2026-05-04)")]
        );
    }

    #[test]
    fn from_after_to_is_refused() {
        let (asked, errors) = asked(Some("2026-05-03"), Some("2026-05-02"));
        assert_eq!(asked, None);
        assert_eq!(named(&errors), [("from", "must not be after `to`")]);
        // `from` after today with no `to` is after `to` (today).
        let (_, errors) = self::asked(Some("2026-05-05"), None);
        assert_eq!(named(&errors), [("from", "must not be after `to`")]);
    }

    #[test]
    fn bad_dates_are_each_named_and_the_range_is_not_checked() {
        let (asked, errors) = asked(Some("2026-5-4"), Some("tomorrow"));
        assert_eq!(asked, None);
        assert_eq!(
            named(&errors),
            [
                ("from", "must be a date, YYYY-MM-DD"),
                ("to", "must be a date, YYYY-MM-DD"),
            ]
        );
        // A good `to` after today is not judged while `from` is not a date.
        let (_, errors) = self::asked(Some("2026-13-01"), Some("2027-01-01"));
        assert_eq!(named(&errors), [("from", "must be a date, YYYY-MM-DD")]);
    }

    #[test]
    fn the_days_run_across_months_and_years() {
        let across = DayRange {
            from: day("2025-12-30"),
            to: day("2026-01-02"),
        };
        assert_eq!(
            across.days(),
            ["2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"]
        );
        let none = DayRange {
            from: day("2026-01-02"),
            to: day("2026-01-01"),
        };
        assert!(none.days().is_empty());
        let last = DayRange {
            from: Date::MAX,
            to: Date::MAX,
        };
        assert_eq!(last.days().len(), 1);
    }
}
