//! Request bodies. Each rejects unknown fields and parses every value into its domain type,
//! so a body that deserialises is valid field by field.

use portal_shared::domain::person::{
    Address, DateOfBirth, Email, LanguageTag, LegalName, Name, Phone, Sex,
};
/// `POST /staff/patients` (shared: a cohort's list upload registers patients too).
pub use portal_shared::features::profile_record::Registration;
use serde::Deserialize;

use crate::model::{Communication, Identity};

// A field of a merge patch (RFC 7396) is absent (keep), `null` (clear) or a new value:
// `Option<Option<T>>` read by serde_with's `double_option` (absent → `None`, `null` →
// `Some(None)`, a value → `Some(Some(v))`).

/// Contact details in a patch: each part may be kept, cleared or replaced.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContactPatch {
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub email: Option<Option<Email>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub phone: Option<Option<Phone>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub address: Option<Option<Address>>,
}

/// `PATCH /patients/{patientId}/profile` (JSON merge patch).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfilePatch {
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub preferred_name: Option<Option<Name>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub contact: Option<Option<ContactPatch>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub language: Option<Option<LanguageTag>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub communication: Option<Option<Communication>>,
    // Legal identity: cannot be cleared, only replaced (by staff, or by staff's approval).
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub legal_name: Option<Option<LegalName>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub date_of_birth: Option<Option<DateOfBirth>>,
    #[serde(default, with = "::serde_with::rust::double_option")]
    pub sex: Option<Option<Sex>>,
}

impl ProfilePatch {
    /// The legal-identity part, or the first identity field that was sent as `null`.
    pub fn identity(&self) -> Result<Identity, &'static str> {
        fn required<T: Clone>(
            field: &Option<Option<T>>,
            name: &'static str,
        ) -> Result<Option<T>, &'static str> {
            match field {
                None => Ok(None),
                Some(None) => Err(name),
                Some(Some(value)) => Ok(Some(value.clone())),
            }
        }
        Ok(Identity {
            legal_name: required(&self.legal_name, "legalName")?,
            date_of_birth: required(&self.date_of_birth, "dateOfBirth")?,
            sex: required(&self.sex, "sex")?,
        })
    }

    /// The first object field sent as `null`: these have parts to clear one by one, and no
    /// patient is without communication preferences.
    pub fn nulled_object(&self) -> Option<&'static str> {
        if matches!(self.contact, Some(None)) {
            Some("contact")
        } else if matches!(self.communication, Some(None)) {
            Some("communication")
        } else {
            None
        }
    }

    pub fn is_empty(&self) -> bool {
        let contact_empty = match &self.contact {
            Some(Some(contact)) => {
                contact.email.is_none() && contact.phone.is_none() && contact.address.is_none()
            }
            _ => true,
        };
        self.preferred_name.is_none()
            && contact_empty
            && self.language.is_none()
            && self.communication.is_none()
            && self.legal_name.is_none()
            && self.date_of_birth.is_none()
            && self.sex.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approve,
    Reject,
}

/// `POST /staff/profile-changes/{changeId}/decision`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Decision {
    pub decision: Verdict,
    #[serde(default)]
    pub reason: Option<String>,
}

pub const MAX_REASON_CHARS: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::platform::http::parse_json;

    #[test]
    fn merge_patch_tells_absent_from_null() {
        let patch: ProfilePatch =
            parse_json(br#"{"preferredName":null,"contact":{"phone":"+15555550100"}}"#)
                .expect("valid");
        assert!(matches!(patch.preferred_name, Some(None)));
        let contact = patch.contact.flatten().expect("contact");
        assert!(contact.email.is_none());
        assert!(matches!(contact.phone, Some(Some(_))));
        assert!(patch.language.is_none());
    }

    #[test]
    fn identity_cannot_be_cleared() {
        let patch: ProfilePatch = parse_json(br#"{"sex":null}"#).expect("parses");
        assert_eq!(patch.identity().unwrap_err(), "sex");
    }
}
