//! Visit types and schedules: what can be booked, and when. Pure rules, unit-tested.
//!
//! Availability is published in the practice's local time (weekly hours per weekday, closed
//! dates, one-off blocks); slots are generated from it for any range and handed out as UTC
//! instants. Every window starts and ends on the practice's local 20-minute grid, so the units
//! of a provider's time line up whatever the visit type, and a booking takes each unit it
//! covers (a 40-minute visit takes two): two bookings that overlap share a unit, and DynamoDB
//! lets only one create it.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// The length of one unit of a provider's time; every visit lasts a whole number of units.
pub const SLOT_UNIT_MINUTES: i64 = 20;

/// The longest range one slot search may cover.
pub const MAX_SEARCH_DAYS: i64 = 31;

/// A question of a visit type's check-in questionnaire.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: &'static str,
    pub text: &'static str,
    pub required: bool,
}

/// What kind of visit is booked. The catalogue is configuration compiled into the function
/// (it changes with the practice's way of working, through a release, not at the front desk).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitType {
    pub id: &'static str,
    pub name: &'static str,
    pub minutes: i64,
    /// Patients (and their caregivers) may book it themselves; otherwise only the front desk,
    /// after reviewing the request.
    pub self_bookable: bool,
    pub telehealth: bool,
    pub questionnaire: &'static [Question],
}

const REASON_QUESTIONS: &[Question] = &[
    Question {
        id: "symptomsChanged",
        text: "Have your symptoms changed since your last visit?",
        required: true,
    },
    Question {
        id: "anythingElse",
        text: "Is there anything else you would like us to know?",
        required: false,
    },
];

const NEW_PATIENT_QUESTIONS: &[Question] = &[
    Question {
        id: "previousProvider",
        text: "Who was your previous primary care provider?",
        required: false,
    },
    Question {
        id: "mainConcern",
        text: "What would you most like to discuss?",
        required: true,
    },
];

const TELEHEALTH_QUESTIONS: &[Question] = &[
    Question {
        id: "callbackPhone",
        text: "Which phone number can we call if the video connection fails?",
        required: true,
    },
    Question {
        id: "privateLocation",
        text: "Will you be somewhere private during the visit?",
        required: true,
    },
];

pub const VISIT_TYPES: &[VisitType] = &[
    VisitType {
        id: "new-patient",
        name: "New patient visit",
        minutes: 40,
        self_bookable: false,
        telehealth: false,
        questionnaire: NEW_PATIENT_QUESTIONS,
    },
    VisitType {
        id: "follow-up",
        name: "Follow-up visit",
        minutes: 20,
        self_bookable: true,
        telehealth: false,
        questionnaire: REASON_QUESTIONS,
    },
    VisitType {
        id: "telehealth",
        name: "Telehealth visit",
        minutes: 20,
        self_bookable: true,
        telehealth: true,
        questionnaire: TELEHEALTH_QUESTIONS,
    },
];

pub fn visit_type(id: &str) -> Option<&'static VisitType> {
    VISIT_TYPES.iter().find(|visit| visit.id == id)
}

pub fn visit_type_ids() -> String {
    VISIT_TYPES
        .iter()
        .map(|visit| visit.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A weekday as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Day {
    fn weekday(self) -> Weekday {
        match self {
            Day::Monday => Weekday::Monday,
            Day::Tuesday => Weekday::Tuesday,
            Day::Wednesday => Weekday::Wednesday,
            Day::Thursday => Weekday::Thursday,
            Day::Friday => Weekday::Friday,
            Day::Saturday => Weekday::Saturday,
            Day::Sunday => Weekday::Sunday,
        }
    }
}

/// Weekly hours on one weekday, local time `HH:MM` (the end may be `24:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WeeklyHours {
    pub day: Day,
    pub start: String,
    pub end: String,
}

/// Hours of one local time range, `HH:MM` (the end may be `24:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Hours {
    pub start: String,
    pub end: String,
}

/// The hours of one local date, replacing the weekly hours of its weekday for that date only
/// (extra Saturday hours, a short day before a holiday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DateHours {
    /// A local date, `YYYY-MM-DD`.
    pub date: String,
    /// At least one range; a date without any hours is a closed date.
    pub hours: Vec<Hours>,
}

/// A one-off block (a meeting, leave): no slot overlaps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Block {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// A provider's published availability, as the front desk sends it and as it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScheduleDoc {
    pub weekly: Vec<WeeklyHours>,
    /// Local dates (`YYYY-MM-DD`) without any hours: holidays, leave.
    #[serde(default)]
    pub closed_dates: Vec<String>,
    /// Dates whose hours differ from the weekly ones (each replaces its weekday's hours).
    #[serde(default)]
    pub date_hours: Vec<DateHours>,
    #[serde(default)]
    pub blocks: Vec<Block>,
}

struct Window {
    day: Weekday,
    /// Minutes after local midnight.
    start: i64,
    end: i64,
}

/// A validated schedule.
pub struct Schedule {
    windows: Vec<Window>,
    closed: BTreeSet<Date>,
    /// Per date, its own windows (minutes after local midnight), replacing the weekly ones.
    dated: BTreeMap<Date, Vec<(i64, i64)>>,
    blocks: Vec<(jiff::Timestamp, jiff::Timestamp)>,
}

/// `HH:MM` on the 20-minute grid, as minutes after midnight; `24:00` when `end_of_day` allows.
fn minutes_of(raw: &str, end_of_day: bool) -> Result<i64, String> {
    let message = || {
        format!(
            "must be a local time HH:MM on the {SLOT_UNIT_MINUTES}-minute grid (e.g. 09:00, 09:20)"
        )
    };
    let (hours, minutes) = raw.split_once(':').ok_or_else(message)?;
    if hours.len() != 2 || minutes.len() != 2 {
        return Err(message());
    }
    let hours: i64 = hours.parse().map_err(|_| message())?;
    let minutes: i64 = minutes.parse().map_err(|_| message())?;
    let total = hours * 60 + minutes;
    let valid = (0..60).contains(&minutes)
        && minutes % SLOT_UNIT_MINUTES == 0
        && (0..24 * 60).contains(&total)
        || (end_of_day && total == 24 * 60 && minutes == 0);
    if valid { Ok(total) } else { Err(message()) }
}

pub fn parse_date(raw: &str) -> Option<Date> {
    // Exactly YYYY-MM-DD.
    (raw.len() == 10)
        .then(|| raw.parse::<Date>().ok())
        .flatten()
}

/// One range of hours as published (`field.start`, `field.end`: `HH:MM`) in minutes after midnight: on the grid, its
/// end after its start, and overlapping none of `others` (the ranges of the same `period`,
/// day or date, accepted so far). Every problem is named in `errors`.
fn checked_range(
    errors: &mut FieldErrors,
    field: &str,
    (start, end): (&str, &str),
    others: &[(i64, i64)],
    period: &str,
) -> Option<(i64, i64)> {
    let start = errors.check(&format!("{field}.start"), minutes_of(start, false));
    let end = errors.check(&format!("{field}.end"), minutes_of(end, true));
    let (start, end) = (start?, end?);
    if end <= start {
        errors.add(format!("{field}.end"), "must be after start");
        None
    } else if others.iter().any(|(s, e)| *s < end && start < *e) {
        errors.add(field, format!("overlaps other hours on the same {period}"));
        None
    } else {
        Some((start, end))
    }
}

impl Schedule {
    /// Checks a document, naming every bad field (`weekly[0].start`, `closedDates[1]`...).
    pub fn parse(doc: &ScheduleDoc) -> Result<Schedule, portal_shared::ApiError> {
        let mut errors = FieldErrors::new();
        let mut windows: Vec<Window> = Vec::new();
        if doc.weekly.len() > 50 {
            errors.add("weekly", "must have at most 50 entries");
        }
        for (index, hours) in doc.weekly.iter().enumerate() {
            let day = hours.day.weekday();
            let same_day: Vec<(i64, i64)> = windows
                .iter()
                .filter(|w| w.day == day)
                .map(|w| (w.start, w.end))
                .collect();
            let field = format!("weekly[{index}]");
            if let Some((start, end)) = checked_range(
                &mut errors,
                &field,
                (&hours.start, &hours.end),
                &same_day,
                "day",
            ) {
                windows.push(Window { day, start, end });
            }
        }
        let mut closed = BTreeSet::new();
        if doc.closed_dates.len() > 366 {
            errors.add("closedDates", "must have at most 366 entries");
        }
        for (index, raw) in doc.closed_dates.iter().enumerate() {
            match parse_date(raw) {
                Some(date) => {
                    closed.insert(date);
                }
                None => errors.add(format!("closedDates[{index}]"), "must be a date YYYY-MM-DD"),
            }
        }
        let mut dated: BTreeMap<Date, Vec<(i64, i64)>> = BTreeMap::new();
        if doc.date_hours.len() > 366 {
            errors.add("dateHours", "must have at most 366 entries");
        }
        for (index, entry) in doc.date_hours.iter().enumerate() {
            let field = format!("dateHours[{index}]");
            let Some(date) = parse_date(&entry.date) else {
                errors.add(format!("{field}.date"), "must be a date YYYY-MM-DD");
                continue;
            };
            if closed.contains(&date) {
                errors.add(format!("{field}.date"), "is a closed date");
            } else if dated.contains_key(&date) {
                errors.add(format!("{field}.date"), "has hours listed already");
            }
            if entry.hours.is_empty() || entry.hours.len() > 10 {
                errors.add(
                    format!("{field}.hours"),
                    "must list 1 to 10 ranges (a date without hours is a closed date)",
                );
            }
            let mut ranges: Vec<(i64, i64)> = Vec::new();
            for (at, hours) in entry.hours.iter().enumerate() {
                let field = format!("{field}.hours[{at}]");
                if let Some(range) = checked_range(
                    &mut errors,
                    &field,
                    (&hours.start, &hours.end),
                    &ranges,
                    "date",
                ) {
                    ranges.push(range);
                }
            }
            dated.entry(date).or_insert(ranges);
        }
        let mut blocks = Vec::new();
        if doc.blocks.len() > 366 {
            errors.add("blocks", "must have at most 366 entries");
        }
        for (index, block) in doc.blocks.iter().enumerate() {
            if block.end <= block.start {
                errors.add(format!("blocks[{index}].end"), "must be after start");
            } else {
                blocks.push((
                    jiff::Timestamp::from(block.start),
                    jiff::Timestamp::from(block.end),
                ));
            }
        }
        errors.finish()?;
        Ok(Schedule {
            windows,
            closed,
            dated,
            blocks,
        })
    }

    /// The open slots (before bookings are taken out) of a visit of `minutes` that start in
    /// `[from, to)` and after `not_before`, in time order.
    pub fn slots(
        &self,
        zone: &TimeZone,
        minutes: i64,
        from: Timestamp,
        to: Timestamp,
        not_before: Timestamp,
    ) -> Vec<Timestamp> {
        let (from, to, not_before) = (
            jiff::Timestamp::from(from),
            jiff::Timestamp::from(to),
            jiff::Timestamp::from(not_before),
        );
        let unit = jiff::SignedDuration::from_mins(SLOT_UNIT_MINUTES);
        let length = jiff::SignedDuration::from_mins(minutes);
        let mut found = Vec::new();
        let first = from.to_zoned(zone.clone()).date();
        let last = to.to_zoned(zone.clone()).date();
        let mut date = first.yesterday().unwrap_or(first);
        while date <= last {
            if !self.closed.contains(&date) {
                // A date with hours of its own uses them instead of its weekday's.
                let mut windows: Vec<(i64, i64)> = match self.dated.get(&date) {
                    Some(ranges) => ranges.clone(),
                    None => self
                        .windows
                        .iter()
                        .filter(|w| w.day == date.weekday())
                        .map(|w| (w.start, w.end))
                        .collect(),
                };
                windows.sort();
                for (window_start, window_end) in windows {
                    let (Some(start), Some(end)) = (
                        local_instant(zone, date, window_start),
                        local_instant(zone, date, window_end),
                    ) else {
                        continue;
                    };
                    let mut at = start;
                    while let (Ok(slot_end), true) = (at.checked_add(length), at < end) {
                        if slot_end > end {
                            break;
                        }
                        let blocked = self.blocks.iter().any(|(block_start, block_end)| {
                            at < *block_end && *block_start < slot_end
                        });
                        if at >= from && at < to && at >= not_before && !blocked {
                            found.push(Timestamp::from(at));
                        }
                        match at.checked_add(unit) {
                            Ok(next) => at = next,
                            Err(_) => break,
                        }
                    }
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        found.sort();
        found.dedup();
        found
    }
}

/// The instant of `minutes` after midnight on the local `date`. A local time that a
/// daylight-saving change skips or repeats resolves as clocks do ("compatible": the later
/// reading in a gap, the earlier in a fold).
fn local_instant(zone: &TimeZone, date: Date, minutes: i64) -> Option<jiff::Timestamp> {
    let (date, minutes) = if minutes >= 24 * 60 {
        (date.tomorrow().ok()?, minutes - 24 * 60)
    } else {
        (date, minutes)
    };
    let time = jiff::civil::time((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
    zone.to_ambiguous_zoned(date.to_datetime(time))
        .compatible()
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// The local calendar date of an instant in the practice's zone.
pub fn local_date(zone: &TimeZone, at: Timestamp) -> Date {
    jiff::Timestamp::from(at).to_zoned(zone.clone()).date()
}

/// The instants from local midnight of `date` to the next local midnight.
pub fn local_day(zone: &TimeZone, date: Date) -> Option<(Timestamp, Timestamp)> {
    let start = local_instant(zone, date, 0)?;
    let end = local_instant(zone, date, 24 * 60)?;
    Some((Timestamp::from(start), Timestamp::from(end)))
}

/// The units of provider time a visit from `start` of `minutes` takes.
pub fn units(start: Timestamp, minutes: i64) -> Vec<Timestamp> {
    (0..minutes / SLOT_UNIT_MINUTES)
        .map(|index| {
            let at = jiff::Timestamp::from(start)
                .checked_add(jiff::SignedDuration::from_mins(index * SLOT_UNIT_MINUTES))
                .unwrap_or_else(|_| jiff::Timestamp::from(start));
            Timestamp::from(at)
        })
        .collect()
}

/// The starts among `starts` whose every unit (of a visit of `minutes`) is free of `taken`.
pub fn free_starts(
    starts: Vec<Timestamp>,
    minutes: i64,
    taken: &BTreeSet<Timestamp>,
) -> impl Iterator<Item = Timestamp> + '_ {
    starts.into_iter().filter(move |start| {
        units(*start, minutes)
            .iter()
            .all(|unit| !taken.contains(unit))
    })
}

/// When a visit's reminder is due: a day before it, or at once when that has passed.
pub fn reminder_at(start: Timestamp, now: Timestamp) -> Timestamp {
    let day_before = jiff::Timestamp::from(start)
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .map(Timestamp::from)
        .unwrap_or(now);
    day_before.max(now)
}

pub fn plus_minutes(at: Timestamp, minutes: i64) -> Timestamp {
    at.plus(std::time::Duration::from_secs((minutes.max(0) as u64) * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> TimeZone {
        TimeZone::get("America/New_York").expect("bundled tzdb")
    }

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn every_day(start: &str, end: &str) -> ScheduleDoc {
        let days = [
            Day::Monday,
            Day::Tuesday,
            Day::Wednesday,
            Day::Thursday,
            Day::Friday,
            Day::Saturday,
            Day::Sunday,
        ];
        ScheduleDoc {
            weekly: days
                .into_iter()
                .map(|day| WeeklyHours {
                    day,
                    start: start.into(),
                    end: end.into(),
                })
                .collect(),
            closed_dates: vec![],
            date_hours: vec![],
            blocks: vec![],
        }
    }

    fn strings(slots: &[Timestamp]) -> Vec<String> {
        slots.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn nine_o_clock_moves_in_utc_when_daylight_saving_starts() {
        // 2026-03-08: New York springs forward (EST, UTC-5 → EDT, UTC-4).
        let schedule = Schedule::parse(&every_day("09:00", "09:20")).expect("valid");
        let slots = schedule.slots(
            &zone(),
            20,
            at("2026-03-07T00:00:00Z"),
            at("2026-03-10T00:00:00Z"),
            at("2026-01-01T00:00:00Z"),
        );
        assert_eq!(
            strings(&slots),
            [
                "2026-03-07T14:00:00.000Z",
                "2026-03-08T13:00:00.000Z",
                "2026-03-09T13:00:00.000Z"
            ]
        );
    }

    #[test]
    fn nine_o_clock_moves_back_when_daylight_saving_ends() {
        // 2026-11-01: New York falls back (EDT → EST).
        let schedule = Schedule::parse(&every_day("09:00", "09:20")).expect("valid");
        let slots = schedule.slots(
            &zone(),
            20,
            at("2026-10-31T00:00:00Z"),
            at("2026-11-03T00:00:00Z"),
            at("2026-01-01T00:00:00Z"),
        );
        assert_eq!(
            strings(&slots),
            [
                "2026-10-31T13:00:00.000Z",
                "2026-11-01T14:00:00.000Z",
                "2026-11-02T14:00:00.000Z"
            ]
        );
    }

    #[test]
    fn hours_across_a_transition_last_as_long_as_the_clock_says() {
        let schedule = Schedule::parse(&every_day("01:00", "04:00")).expect("valid");
        // Spring forward: 01:00 EST to 04:00 EDT is two real hours, six units.
        let spring = schedule.slots(
            &zone(),
            20,
            at("2026-03-08T05:00:00Z"),
            at("2026-03-08T12:00:00Z"),
            at("2026-01-01T00:00:00Z"),
        );
        assert_eq!(spring.len(), 6);
        assert_eq!(spring[0].to_string(), "2026-03-08T06:00:00.000Z");
        assert_eq!(spring[5].to_string(), "2026-03-08T07:40:00.000Z");
        // Fall back: 01:00 EDT to 04:00 EST is four real hours, twelve units.
        let fall = schedule.slots(
            &zone(),
            20,
            at("2026-11-01T04:00:00Z"),
            at("2026-11-01T12:00:00Z"),
            at("2026-01-01T00:00:00Z"),
        );
        assert_eq!(fall.len(), 12);
        assert_eq!(fall[0].to_string(), "2026-11-01T05:00:00.000Z");
        assert_eq!(fall[11].to_string(), "2026-11-01T08:40:00.000Z");
        // A local day is 23 or 25 hours long on those dates.
        let (start, end) = local_day(&zone(), "2026-03-08".parse().expect("date")).expect("day");
        assert_eq!(end.unix_seconds() - start.unix_seconds(), 23 * 3600);
        let (start, end) = local_day(&zone(), "2026-11-01".parse().expect("date")).expect("day");
        assert_eq!(end.unix_seconds() - start.unix_seconds(), 25 * 3600);
    }

    #[test]
    fn longer_visits_fit_inside_the_hours_and_avoid_blocks_and_closed_dates() {
        let mut doc = every_day("09:00", "10:00");
        doc.closed_dates = vec!["2026-06-02".into()];
        doc.blocks = vec![Block {
            start: at("2026-06-01T13:30:00Z"),
            end: at("2026-06-01T13:40:00Z"),
        }];
        let schedule = Schedule::parse(&doc).expect("valid");
        let slots = schedule.slots(
            &zone(),
            40,
            at("2026-06-01T00:00:00Z"),
            at("2026-06-03T00:00:00Z"),
            at("2026-01-01T00:00:00Z"),
        );
        // 09:00 EDT = 13:00Z; 13:00 and 13:20 overlap the block; 13:40 would end after 10:00.
        assert!(strings(&slots).is_empty(), "{slots:?}");
        let twenty = schedule.slots(
            &zone(),
            20,
            at("2026-06-01T00:00:00Z"),
            at("2026-06-03T00:00:00Z"),
            at("2026-01-01T00:00:00Z"),
        );
        assert_eq!(
            strings(&twenty),
            ["2026-06-01T13:00:00.000Z", "2026-06-01T13:40:00.000Z"]
        );
        assert_eq!(
            strings(&units(at("2026-06-01T13:00:00Z"), 40)),
            ["2026-06-01T13:00:00.000Z", "2026-06-01T13:20:00.000Z"]
        );
    }

    #[test]
    fn reminders_are_due_a_day_before_or_at_once() {
        let start = at("2026-06-10T14:00:00Z");
        assert_eq!(
            reminder_at(start, at("2026-06-01T00:00:00Z")).to_string(),
            "2026-06-09T14:00:00.000Z"
        );
        let late = at("2026-06-10T01:00:00Z");
        assert_eq!(reminder_at(start, late), late);
    }

    #[test]
    fn past_slots_are_not_offered() {
        let schedule = Schedule::parse(&every_day("09:00", "10:00")).expect("valid");
        let slots = schedule.slots(
            &zone(),
            20,
            at("2026-06-01T00:00:00Z"),
            at("2026-06-02T00:00:00Z"),
            at("2026-06-01T13:10:00Z"),
        );
        assert_eq!(
            strings(&slots),
            ["2026-06-01T13:20:00.000Z", "2026-06-01T13:40:00.000Z"]
        );
    }

    #[test]
    fn bad_hours_name_the_field() {
        let mut doc = every_day("09:00", "10:00");
        doc.weekly[0].start = "09:10".into();
        doc.weekly[1].end = "08:00".into();
        doc.weekly.push(WeeklyHours {
            day: Day::Sunday,
            start: "09:40".into(),
            end: "11:00".into(),
        });
        doc.closed_dates = vec!["tomorrow".into()];
        let Err(portal_shared::ApiError::Invalid(errors)) = Schedule::parse(&doc) else {
            panic!("must be refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "weekly[0].start",
                "weekly[1].end",
                "weekly[7]",
                "closedDates[0]"
            ]
        );
        assert!(minutes_of("24:00", true).is_ok());
        assert!(minutes_of("24:00", false).is_err());
        assert!(minutes_of("9:00", false).is_err());
    }

    #[test]
    fn a_date_with_hours_of_its_own_replaces_its_weekdays_hours() {
        let mut doc = every_day("09:00", "10:00");
        // Monday 2026-06-01: a short day; Tuesday 2026-06-02: afternoon hours instead.
        doc.date_hours = vec![
            DateHours {
                date: "2026-06-01".into(),
                hours: vec![Hours {
                    start: "09:00".into(),
                    end: "09:20".into(),
                }],
            },
            DateHours {
                date: "2026-06-02".into(),
                hours: vec![
                    Hours {
                        start: "15:00".into(),
                        end: "15:20".into(),
                    },
                    Hours {
                        start: "13:00".into(),
                        end: "13:20".into(),
                    },
                ],
            },
        ];
        let schedule = Schedule::parse(&doc).expect("valid");
        let slots = schedule.slots(
            &zone(),
            20,
            at("2026-06-01T00:00:00Z"),
            at("2026-06-04T00:00:00Z"),
            at("2026-01-01T00:00:00Z"),
        );
        assert_eq!(
            strings(&slots),
            [
                // 09:00 EDT on the short day only.
                "2026-06-01T13:00:00.000Z",
                // 13:00 and 15:00 EDT, not the weekly 09:00-10:00.
                "2026-06-02T17:00:00.000Z",
                "2026-06-02T19:00:00.000Z",
                // Wednesday keeps its weekly hours.
                "2026-06-03T13:00:00.000Z",
                "2026-06-03T13:20:00.000Z",
                "2026-06-03T13:40:00.000Z",
            ]
        );
    }

    #[test]
    fn bad_date_hours_name_the_field() {
        let mut doc = every_day("09:00", "10:00");
        doc.closed_dates = vec!["2026-12-25".into()];
        let hours = |start: &str, end: &str| Hours {
            start: start.into(),
            end: end.into(),
        };
        doc.date_hours = vec![
            DateHours {
                date: "2026-12-25".into(),
                hours: vec![hours("09:00", "10:00")],
            },
            DateHours {
                date: "someday".into(),
                hours: vec![hours("09:00", "10:00")],
            },
            DateHours {
                date: "2026-12-26".into(),
                hours: vec![],
            },
            DateHours {
                date: "2026-12-27".into(),
                hours: vec![hours("09:10", "10:00"), hours("11:00", "10:00")],
            },
            DateHours {
                date: "2026-12-28".into(),
                hours: vec![hours("09:00", "11:00"), hours("10:00", "12:00")],
            },
            DateHours {
                date: "2026-12-28".into(),
                hours: vec![hours("13:00", "14:00")],
            },
        ];
        let Err(portal_shared::ApiError::Invalid(errors)) = Schedule::parse(&doc) else {
            panic!("must be refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "dateHours[0].date",
                "dateHours[1].date",
                "dateHours[2].hours",
                "dateHours[3].hours[0].start",
                "dateHours[3].hours[1].end",
                "dateHours[4].hours[1]",
                "dateHours[5].date",
            ]
        );
    }
}
