//! Quiet hours: no text between two local times of the practice's zone (`21:00-08:00`). A
//! text due inside them waits until they end; email is never held.

use jiff::civil::Time;
use jiff::tz::TimeZone;
use portal_shared::domain::timestamp::Timestamp;

#[derive(Debug, Clone)]
pub struct QuietHours {
    start: Time,
    end: Time,
    zone: TimeZone,
}

impl QuietHours {
    /// `HH:MM-HH:MM` in the IANA zone `zone`. Equal ends mean no quiet hours.
    pub fn parse(raw: &str, zone: &str) -> Result<Self, String> {
        let bad = || format!("QUIET_HOURS must be two local times like 21:00-08:00, not `{raw}`");
        let (start, end) = raw.trim().split_once('-').ok_or_else(bad)?;
        let time = |part: &str| {
            let (hour, minute) = part.trim().split_once(':')?;
            let hour: i8 = hour.parse().ok()?;
            let minute: i8 = minute.parse().ok()?;
            Time::new(hour, minute, 0, 0).ok()
        };
        let zone = TimeZone::get(zone.trim())
            .map_err(|_| "PRACTICE_TIME_ZONE must name an IANA time zone".to_owned())?;
        Ok(QuietHours {
            start: time(start).ok_or_else(bad)?,
            end: time(end).ok_or_else(bad)?,
            zone,
        })
    }

    /// When a text due at `at` may go: `None` if it may go now, else the end of the quiet
    /// hours it falls in (the next local `end` time, whatever a clock change did that night).
    pub fn release_at(&self, at: Timestamp) -> Option<Timestamp> {
        let local = jiff::Timestamp::from(at).to_zoned(self.zone.clone());
        let time = local.time();
        let (inside, ends_today) = if self.start == self.end {
            (false, false)
        } else if self.start < self.end {
            (self.start <= time && time < self.end, true)
        } else {
            // Spans midnight: the evening part ends tomorrow, the morning part today.
            (time >= self.start || time < self.end, time < self.end)
        };
        if !inside {
            return None;
        }
        let mut date = local.date();
        if !ends_today {
            date = date.tomorrow().ok()?;
        }
        // A local time skipped by a clock change resolves to the instant just after the gap.
        let end = date
            .to_datetime(self.end)
            .to_zoned(self.zone.clone())
            .ok()?;
        Some(Timestamp::from(end.timestamp()))
    }

    /// The practice's time zone, in which notifications write times too.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// Whether `at` falls inside the quiet hours.
    pub fn is_quiet(&self, at: Timestamp) -> bool {
        self.release_at(at).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn new_york(raw: &str) -> QuietHours {
        QuietHours::parse(raw, "America/New_York").expect("quiet hours")
    }

    #[test]
    fn outside_the_hours_a_text_goes_at_once() {
        let quiet = new_york("21:00-08:00");
        // 12:00 and 20:59 in New York (UTC-5 in January).
        assert_eq!(quiet.release_at(at("2027-01-12T17:00:00Z")), None);
        assert_eq!(quiet.release_at(at("2027-01-13T01:59:00Z")), None);
        // 08:00 sharp: the quiet hours are over.
        assert_eq!(quiet.release_at(at("2027-01-12T13:00:00Z")), None);
    }

    #[test]
    fn hours_spanning_midnight_end_the_next_morning() {
        let quiet = new_york("21:00-08:00");
        // 21:00 and 23:30 local: until 08:00 the next day.
        let next_morning = Some(at("2027-01-13T13:00:00Z"));
        assert_eq!(quiet.release_at(at("2027-01-13T02:00:00Z")), next_morning);
        assert_eq!(quiet.release_at(at("2027-01-13T04:30:00Z")), next_morning);
        // 03:00 local: until 08:00 the same day.
        assert_eq!(quiet.release_at(at("2027-01-13T08:00:00Z")), next_morning);
        assert!(quiet.is_quiet(at("2027-01-13T12:59:00Z")));
    }

    #[test]
    fn hours_within_a_day_end_that_day() {
        let quiet = new_york("12:00-13:00");
        assert_eq!(
            quiet.release_at(at("2027-01-12T17:30:00Z")),
            Some(at("2027-01-12T18:00:00Z"))
        );
        assert_eq!(quiet.release_at(at("2027-01-12T18:00:00Z")), None);
        assert!(!new_york("08:00-08:00").is_quiet(at("2027-01-12T13:00:00Z")));
    }

    #[test]
    fn a_clock_change_in_the_night_moves_the_end_in_utc() {
        let quiet = new_york("21:00-08:00");
        // Spring forward (14 March 2027): 22:00 EST on the 13th → 08:00 EDT = 12:00Z.
        assert_eq!(
            quiet.release_at(at("2027-03-14T03:00:00Z")),
            Some(at("2027-03-14T12:00:00Z"))
        );
        // Fall back (7 November 2027): 22:00 EDT on the 6th → 08:00 EST = 13:00Z.
        assert_eq!(
            quiet.release_at(at("2027-11-07T02:00:00Z")),
            Some(at("2027-11-07T13:00:00Z"))
        );
        // A quiet end inside the skipped hour (02:30 does not exist that night).
        let gap = new_york("01:00-02:30");
        assert_eq!(
            gap.release_at(at("2027-03-14T06:30:00Z")),
            Some(at("2027-03-14T07:30:00Z"))
        );
    }

    #[test]
    fn malformed_hours_are_refused() {
        for raw in [
            "",
            "21:00",
            "21-08",
            "24:00-08:00",
            "21:60-08:00",
            "a:b-c:d",
        ] {
            assert!(QuietHours::parse(raw, "America/New_York").is_err(), "{raw}");
        }
        assert!(QuietHours::parse("21:00-08:00", "Nowhere/Else").is_err());
    }
}
