//! Dates and times as a notification writes them: in the practice's time zone, in the
//! reader's language ("Tuesday, January 12, 2027 at 3:30 PM EST"; "martes, 12 de enero de
//! 2027, 15:30 EST").

use jiff::tz::TimeZone;
use portal_shared::domain::timestamp::Timestamp;

use super::Language;

const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const ES_DAYS: [&str; 7] = [
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const ES_MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// `at` in `zone`, written out in full for `language`.
pub fn date_time(at: Timestamp, zone: &TimeZone, language: Language) -> String {
    let local = jiff::Timestamp::from(at).to_zoned(zone.clone());
    let day = usize::try_from(local.weekday().to_monday_zero_offset()).unwrap_or(0);
    let month = usize::try_from(local.month() - 1).unwrap_or(0);
    let zone_name = local.strftime("%Z").to_string();
    let (hour, minute) = (local.hour(), local.minute());
    match language {
        Language::En => {
            let (hour12, half) = match hour {
                0 => (12, "AM"),
                1..=11 => (hour, "AM"),
                12 => (12, "PM"),
                _ => (hour - 12, "PM"),
            };
            format!(
                "{}, {} {}, {} at {hour12}:{minute:02} {half} {zone_name}",
                EN_DAYS[day % 7],
                EN_MONTHS[month % 12],
                local.day(),
                local.year()
            )
        }
        Language::Es => format!(
            "{}, {} de {} de {}, {hour:02}:{minute:02} {zone_name}",
            ES_DAYS[day % 7],
            local.day(),
            ES_MONTHS[month % 12],
            local.year()
        ),
    }
}

/// A day, written out in full for `language` ("Monday, November 30, 2026"; "lunes, 30 de
/// noviembre de 2026").
pub fn date(day: jiff::civil::Date, language: Language) -> String {
    let weekday = usize::try_from(day.weekday().to_monday_zero_offset()).unwrap_or(0);
    let month = usize::try_from(day.month() - 1).unwrap_or(0);
    match language {
        Language::En => format!(
            "{}, {} {}, {}",
            EN_DAYS[weekday % 7],
            EN_MONTHS[month % 12],
            day.day(),
            day.year()
        ),
        Language::Es => format!(
            "{}, {} de {} de {}",
            ES_DAYS[weekday % 7],
            day.day(),
            ES_MONTHS[month % 12],
            day.year()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_out_in_the_readers_language() {
        let day = jiff::civil::date(2026, 11, 30);
        assert_eq!(date(day, Language::En), "Monday, November 30, 2026");
        assert_eq!(date(day, Language::Es), "lunes, 30 de noviembre de 2026");
    }

    #[test]
    fn times_are_local_and_in_the_readers_language() {
        let zone = TimeZone::get("America/New_York").expect("zone");
        let at = Timestamp::parse("2027-01-12T20:30:00Z").expect("at");
        assert_eq!(
            date_time(at, &zone, Language::En),
            "Tuesday, January 12, 2027 at 3:30 PM EST"
        );
        assert_eq!(
            date_time(at, &zone, Language::Es),
            "martes, 12 de enero de 2027, 15:30 EST"
        );
        let midnight = Timestamp::parse("2027-07-01T04:05:00Z").expect("at");
        assert_eq!(
            date_time(midnight, &zone, Language::En),
            "Thursday, July 1, 2027 at 12:05 AM EDT"
        );
    }
}
