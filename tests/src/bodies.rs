//! Valid request bodies and names no other test uses.

use crate::*;
use portal_local::identity::DEMO_PASSWORD;
use serde_json::{Value, json};

/// A text no other test uses (`label` and a ULID).
pub fn unique(label: &str) -> String {
    format!("{label} {}", ulid::Ulid::generate())
}

/// The string `field` of an answer's body (a created thing's id), or a panic naming it.
pub fn id_of(value: &Value, field: &str) -> String {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {value:#?}"))
        .to_owned()
}

/// A family name no other test uses, so tests can count what they wrote.
pub fn unique_family_name() -> String {
    format!("Tester{}", ulid::Ulid::generate())
}

/// A valid registration body.
pub fn registration(family: &str) -> Value {
    json!({
        "legalName": {"given": "Ana", "family": family},
        "dateOfBirth": "1984-03-12",
        "sex": "female",
        "contact": {"email": format!("{}@patients.portal.test", family.to_lowercase()), "phone": "+15555550101"}
    })
}

/// An email address no other test's caregiver uses.
pub fn unique_carer_email() -> String {
    format!("carer-{}@carers.portal.test", ulid::Ulid::generate()).to_lowercase()
}

/// A valid care-circle invitation for `email`: records and profile, no end date.
pub fn invitation_body(email: &str) -> Value {
    json!({
        "email": email,
        "name": "Sam Carer",
        "relationship": "son",
        "scopes": ["records", "profile"],
    })
}

/// Accepting `invitation` with a new account: Sam Carer, the demo password.
pub fn new_caregiver_acceptance(invitation: &Invitation) -> Value {
    json!({
        "code": invitation.code,
        "email": invitation.email,
        "password": DEMO_PASSWORD,
        "givenName": "Sam",
        "familyName": "Carer",
    })
}
