//! A pharmacy as sent: the directory's new entry (`POST /staff/pharmacies`) and the one a
//! patient enters on a request have the same fields and the same rules, but for the ids: the
//! directory's entries carry at least one of the NCPDP id (7 digits) and the NPI (10 digits,
//! Luhn check digit with the `80840` prefix), which name it to the pharmacy networks; a patient
//! may give either, both or neither ([`Ids`]).

use std::fmt;

use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::platform::validation::FieldErrors;
use serde::Deserialize;

use crate::model::{PharmacyAddress, PharmacySnapshot};

/// A National Council for Prescription Drug Programs pharmacy id: 7 digits.
#[derive(Clone, PartialEq, Eq)]
pub struct NcpdpId(String);

impl NcpdpId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() == 7 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(NcpdpId(raw.to_owned()))
        } else {
            Err("must be 7 digits (an NCPDP id)".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A National Provider Identifier: 10 digits whose last is the Luhn check digit of the other
/// nine behind the prefix `80840` (the US health industry's card issuer number).
#[derive(Clone, PartialEq, Eq)]
pub struct Npi(String);

impl Npi {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() != 10 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must be 10 digits (an NPI)".into());
        }
        if !luhn_valid(&format!("80840{raw}")) {
            return Err("is not an NPI: its check digit is wrong".into());
        }
        Ok(Npi(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn check over ASCII digits (the rightmost digit is the check digit).
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

// Ids are not secret, but the types print like the other parsed values: by what they are.
impl fmt::Debug for NcpdpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NcpdpId({})", self.0)
    }
}

impl fmt::Debug for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Npi({})", self.0)
    }
}

/// The address as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddressInput {
    pub line: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

/// A pharmacy as sent: `{name, address: {line, city, state, postalCode}, phone, ncpdpId?,
/// npi?}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PharmacyInput {
    pub name: String,
    pub address: AddressInput,
    pub phone: String,
    #[serde(default)]
    pub ncpdp_id: Option<String>,
    #[serde(default)]
    pub npi: Option<String>,
}

/// Whether a pharmacy must carry an NCPDP id or an NPI. The practice's directory must (staff
/// look them up once, and a prescription is routed by them); a patient entering their own
/// pharmacy rarely knows either, and staff can find it by name, address and phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    Required,
    Optional,
}

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_LINE_CHARS: usize = 200;
pub const MAX_CITY_CHARS: usize = 100;

impl PharmacyInput {
    /// The pharmacy as a snapshot without a directory id, or 422 naming every field under
    /// `prefix` (`pharmacy.` on a request, empty for the directory).
    pub fn validate(self, prefix: &str, ids: Ids) -> Result<PharmacySnapshot, ApiError> {
        let mut errors = FieldErrors::new();
        self.check(prefix, ids, &mut errors)
            .filter(|_| errors.is_empty())
            .ok_or_else(|| ApiError::Invalid(errors.into_vec()))
    }

    /// As [`Self::validate`], recording problems in `errors` (for a body with other fields).
    pub fn check(
        self,
        prefix: &str,
        ids: Ids,
        errors: &mut FieldErrors,
    ) -> Option<PharmacySnapshot> {
        let field = |name: &str| format!("{prefix}{name}");
        let name = errors.check(
            &field("name"),
            plain_text(&self.name, MAX_NAME_CHARS, false),
        );
        let line = errors.check(
            &field("address.line"),
            plain_text(&self.address.line, MAX_LINE_CHARS, false),
        );
        let city = errors.check(
            &field("address.city"),
            plain_text(&self.address.city, MAX_CITY_CHARS, false),
        );
        let state = errors.check(&field("address.state"), us_state(&self.address.state));
        let postal_code = errors.check(
            &field("address.postalCode"),
            zip_code(&self.address.postal_code),
        );
        let phone = errors.check(&field("phone"), phone(&self.phone));
        let ncpdp_id = optional(self.ncpdp_id.as_deref())
            .map(|raw| errors.check(&field("ncpdpId"), NcpdpId::parse(raw)));
        let npi =
            optional(self.npi.as_deref()).map(|raw| errors.check(&field("npi"), Npi::parse(raw)));
        if ids == Ids::Required && ncpdp_id.is_none() && npi.is_none() {
            errors.add(
                field("ncpdpId"),
                "an NCPDP id or an NPI is required (at least one)",
            );
        }
        Some(PharmacySnapshot {
            pharmacy_id: None,
            name: name?,
            address: PharmacyAddress {
                line: line?,
                city: city?,
                state: state?,
                postal_code: postal_code?,
            },
            phone: phone?,
            ncpdp_id: match ncpdp_id {
                Some(parsed) => Some(parsed?.as_str().to_owned()),
                None => None,
            },
            npi: match npi {
                Some(parsed) => Some(parsed?.as_str().to_owned()),
                None => None,
            },
        })
    }
}

/// An optional id: absent, null and blank are all "not given".
fn optional(raw: Option<&str>) -> Option<&str> {
    raw.filter(|value| !value.trim().is_empty())
}

/// A US state or territory: two capital letters (`IL`); lower case is accepted and raised.
fn us_state(raw: &str) -> Result<String, String> {
    let state = raw.trim().to_ascii_uppercase();
    if state.len() == 2 && state.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(state)
    } else {
        Err("must be a two-letter state code (IL)".into())
    }
}

/// A ZIP code: 5 digits, or ZIP+4 (`62701-1234`).
fn zip_code(raw: &str) -> Result<String, String> {
    let zip = raw.trim();
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    let valid = match zip.split_once('-') {
        None => digits(zip, 5),
        Some((five, four)) => digits(five, 5) && digits(four, 4),
    };
    if valid {
        Ok(zip.to_owned())
    } else {
        Err("must be a ZIP code (62701 or 62701-1234)".into())
    }
}

/// A phone number as people write it: digits with spaces, `+`, `-`, `.`, `(`, `)`; 7 to 15
/// digits.
fn phone(raw: &str) -> Result<String, String> {
    let phone = raw.trim();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'));
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if allowed && (7..=15).contains(&digits) && phone.len() <= 30 {
        Ok(phone.to_owned())
    } else {
        Err("must be a phone number (7 to 15 digits; spaces, +, -, ., ( and ) allowed)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(value: serde_json::Value) -> PharmacyInput {
        serde_json::from_value(value).expect("shape")
    }

    fn good() -> serde_json::Value {
        json!({
            "name": "Maple Pharmacy",
            "address": {"line": "1 Maple Street", "city": "Springfield", "state": "il",
                        "postalCode": "62701"},
            "phone": "(217) 555-0100",
            "ncpdpId": "1234567",
        })
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("not a 422: {other:?}"),
        }
    }

    #[test]
    fn npis_carry_a_luhn_check_digit_behind_80840() {
        // CMS's published example, and a practice NPI used in the demo.
        assert!(Npi::parse("1234567893").is_ok());
        assert!(Npi::parse("1234567890").is_err());
        assert!(Npi::parse("123456789").is_err());
        assert!(Npi::parse("12345678a3").is_err());
        assert!(NcpdpId::parse("1234567").is_ok());
        for bad in ["123456", "12345678", "12a4567", ""] {
            assert!(NcpdpId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_valid_pharmacy_becomes_a_snapshot() {
        let snapshot = input(good())
            .validate("pharmacy.", Ids::Required)
            .expect("valid");
        assert_eq!(snapshot.address.state, "IL");
        assert_eq!(snapshot.ncpdp_id.as_deref(), Some("1234567"));
        assert_eq!(snapshot.npi, None);
        assert_eq!(snapshot.pharmacy_id, None);
        let mut with_npi = good();
        with_npi["ncpdpId"] = json!(null);
        with_npi["npi"] = json!("1234567893");
        assert!(input(with_npi).validate("", Ids::Required).is_ok());
    }

    #[test]
    fn every_bad_field_is_named_under_the_prefix() {
        let bad = json!({
            "name": " ",
            "address": {"line": "", "city": "X", "state": "Illinois", "postalCode": "627"},
            "phone": "call me",
            "npi": "1234567890",
        });
        let named = fields(
            input(bad)
                .validate("pharmacy.", Ids::Required)
                .expect_err("invalid"),
        );
        for field in [
            "pharmacy.name",
            "pharmacy.address.line",
            "pharmacy.address.state",
            "pharmacy.address.postalCode",
            "pharmacy.phone",
            "pharmacy.npi",
        ] {
            assert!(named.contains(&field.to_owned()), "{field} in {named:?}");
        }
        let mut neither = good();
        neither["ncpdpId"] = json!(" ");
        assert_eq!(
            fields(
                input(neither.clone())
                    .validate("", Ids::Required)
                    .expect_err("no id")
            ),
            ["ncpdpId"]
        );
        // A pharmacy the patient enters needs neither.
        let entered = input(neither)
            .validate("pharmacy.", Ids::Optional)
            .expect("valid without ids");
        assert_eq!((entered.ncpdp_id, entered.npi), (None, None));
    }
}
