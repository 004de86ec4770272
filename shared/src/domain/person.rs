//! Value types for people and how to reach them. Each parses on the way in (serde calls
//! `parse`), so a value, once accepted, is valid everywhere it goes; the parse error is the
//! message the client sees next to the field's name.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use time::{Date, Month};

use crate::domain::timestamp::Timestamp;

/// The one serde idiom for validated newtypes (here and in `ids`): `#[serde(try_from =
/// "String", into = "String")]` on the type, `parse` behind `TryFrom<String>`, so a value is
/// checked on the way in and its parse error is the message the client sees. Values here are
/// PHI: `Debug` never prints them, so they cannot reach a log.
macro_rules! parsed_string {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                $name::parse(&raw)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(<redacted>)", stringify!($name))
            }
        }
    };
}

/// Trimmed, non-empty text on one line of at most `max_chars` characters
/// ([`crate::domain::text::plain_text`]'s one-line rule), the message naming it as `what`.
pub fn clean_text(raw: &str, max_chars: usize, what: &str) -> Result<String, String> {
    crate::domain::text::plain_text(raw, max_chars, false)
        .map_err(|message| format!("{what} {message}"))
}

/// One name (given names, family name, a preferred name): 1–100 characters of text.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);
parsed_string!(Name);

impl Name {
    pub fn parse(raw: &str) -> Result<Self, String> {
        clean_text(raw, 100, "a name").map(Name)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name on the patient's legal documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LegalName {
    /// Given names, in order (first and middle).
    pub given: Name,
    pub family: Name,
}

/// A date of birth: a real calendar date, not in the future, not before 1900.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DateOfBirth(Date);

impl DateOfBirth {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || "must be a date written YYYY-MM-DD".to_owned();
        let parts: Vec<&str> = raw.split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            return Err(bad());
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u8 = month.parse().map_err(|_| bad())?;
        let day: u8 = day.parse().map_err(|_| bad())?;
        let not_in_calendar = || "is not a date in the calendar".to_owned();
        let month = Month::try_from(month).map_err(|_| not_in_calendar())?;
        let date = Date::from_calendar_date(year, month, day).map_err(|_| not_in_calendar())?;
        if year < 1900 {
            return Err("must not be before 1900".into());
        }
        if date > Timestamp::now().date() {
            return Err("must not be in the future".into());
        }
        Ok(DateOfBirth(date))
    }

    pub fn date(&self) -> Date {
        self.0
    }

    /// `YYYY-MM-DD`, as stored and as FHIR writes a date.
    pub fn to_iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl TryFrom<String> for DateOfBirth {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        DateOfBirth::parse(&raw)
    }
}
impl From<DateOfBirth> for String {
    fn from(value: DateOfBirth) -> String {
        value.to_iso()
    }
}
impl fmt::Debug for DateOfBirth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DateOfBirth(<redacted>)")
    }
}

/// Administrative sex, as FHIR's AdministrativeGender codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

/// An email address: `local@domain.tld`, at most 254 characters; the domain is lowercased.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
parsed_string!(Email);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || "must be an email address like name@example.org".to_owned();
        let raw = raw.trim();
        if raw.len() > 254 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = raw.rsplit_once('@').ok_or_else(bad)?;
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(bad());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 (`+15555550101`). Spaces, dashes, dots and brackets are dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);
parsed_string!(Phone);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or("");
        let ok = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        if ok {
            Ok(Phone(compact))
        } else {
            Err("must be an international number like +15555550101".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A language the patient prefers, as a BCP 47 tag (`en`, `es-MX`, `zh-Hant`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);
parsed_string!(LanguageTag);

impl LanguageTag {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || "must be a language tag like en or es-MX".to_owned();
        let mut parts = raw.split('-');
        let primary = parts.next().unwrap_or("");
        if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let rest: Vec<&str> = parts.collect();
        let rest_ok = rest.len() <= 3
            && rest.iter().all(|p| {
                (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !rest_ok {
            return Err(bad());
        }
        Ok(LanguageTag(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Short free text in an address (a line, a city, a region): 1–100 characters.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AddressText(String);
parsed_string!(AddressText);

impl AddressText {
    pub fn parse(raw: &str) -> Result<Self, String> {
        clean_text(raw, 100, "this").map(AddressText)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case (`US`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);
parsed_string!(CountryCode);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() == 2 && raw.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(CountryCode(raw.to_ascii_uppercase()))
        } else {
            Err("must be a two-letter country code like US".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Address {
    /// Street lines, 1 to 3.
    #[serde(deserialize_with = "address_lines")]
    pub lines: Vec<AddressText>,
    pub city: AddressText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<AddressText>,
    pub postal_code: AddressText,
    pub country: CountryCode,
}

fn address_lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<AddressText>, D::Error> {
    let lines = Vec::<AddressText>::deserialize(d)?;
    if lines.is_empty() || lines.len() > 3 {
        return Err(serde::de::Error::custom("must have 1 to 3 lines"));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ana.Lopez+x@Example.ORG ").map(|e| e.0),
            Ok("Ana.Lopez+x@example.org".into())
        );
        for bad in [
            "", "a", "a@b", "a@@b.c", "a b@c.de", "@b.co", "a@-b.co", "a@b..co",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("+1 (555) 555-0101").map(|p| p.0),
            Ok("+15555550101".into())
        );
        for bad in ["5555550101", "+1", "+0123456789", "+1555abc0101"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_of_birth() {
        assert!(DateOfBirth::parse("1984-03-12").is_ok());
        for bad in [
            "1984-3-12",
            "1984-02-30",
            "1899-12-31",
            "2999-01-01",
            "12/03/1984",
            "",
        ] {
            assert!(DateOfBirth::parse(bad).is_err(), "{bad}");
        }
        let dob = DateOfBirth::parse("1984-03-12").expect("valid");
        assert_eq!(serde_json::to_string(&dob).expect("json"), "\"1984-03-12\"");
        assert!(!format!("{dob:?}").contains("1984"));
    }

    #[test]
    fn names_languages_countries() {
        assert!(Name::parse("  ").is_err());
        assert!(Name::parse(&"x".repeat(101)).is_err());
        assert!(Name::parse("Zoë\u{0007}").is_err());
        // A right-to-left override would show "Ana" as someone else's name on staff screens.
        assert!(Name::parse("Ana\u{202E}zeпoL").is_err());
        assert!(Name::parse("Zoë").is_ok());
        assert!(LanguageTag::parse("es-MX").is_ok());
        assert!(LanguageTag::parse("english").is_err());
        assert_eq!(CountryCode::parse("us").map(|c| c.0), Ok("US".into()));
    }
}
