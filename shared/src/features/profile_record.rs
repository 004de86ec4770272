//! The profile item (`keys::profile`) as it is written, and the registration that creates it.
//!
//! The profile function owns the item: it reads and updates it and reviews changes of the
//! legal identity. Two routes register patients: the front desk's `POST /staff/patients`, and
//! a cohort's list upload (the rollout function), which registers the people of a practice's
//! list who are not registered yet. Both build the [`Profile`] with [`Profile::register`] and
//! write it with [`Profile::creation`], so a patient is the same item, with the same entry in
//! the match index (`features::patient_match`), whoever registered them. Other features read
//! facts of the profile through `features::profile_facts`.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::{ChangeId, PatientId};
use crate::domain::person::{
    Address, DateOfBirth, Email, LanguageTag, LegalName, Name, Phone, Sex,
};
use crate::domain::timestamp::Timestamp;
use crate::features::account::PortalAccount;
use crate::features::patient_match::{self, MatchKey, Registering};
use crate::features::patient_search::SearchKeys;
use crate::platform::keys;
use crate::platform::store;

/// How to reach the patient. Every part is optional: some patients have no email.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Contact {
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub address: Option<Address>,
}

/// The channel the patient prefers to hear from the practice on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Portal,
    Email,
    Sms,
    Phone,
    Mail,
}

/// How the patient wants to hear from the practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Communication {
    pub preferred_channel: Channel,
    pub appointment_reminders: bool,
    pub health_reminders: bool,
}

impl Default for Communication {
    fn default() -> Self {
        Communication {
            preferred_channel: Channel::Portal,
            appointment_reminders: true,
            health_reminders: true,
        }
    }
}

/// What registering a patient takes (the body of `POST /staff/patients`; a list upload builds
/// one per new person).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Registration {
    pub legal_name: LegalName,
    #[serde(default)]
    pub preferred_name: Option<Name>,
    pub date_of_birth: DateOfBirth,
    pub sex: Sex,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub language: Option<LanguageTag>,
    #[serde(default)]
    pub communication: Option<Communication>,
}

/// The profile item as written: [`Profile`] and its search keys ([`Profile::stored`]).
#[derive(Debug, Serialize)]
pub struct StoredProfile<'a> {
    #[serde(flatten)]
    profile: &'a Profile,
    #[serde(flatten)]
    search: SearchKeys,
}

/// The profile item (`keys::profile`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub patient_id: PatientId,
    pub legal_name: LegalName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<Name>,
    pub date_of_birth: DateOfBirth,
    pub sex: Sex,
    pub contact: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<LanguageTag>,
    pub communication: Communication,
    /// The change request waiting for staff, if any (at most one at a time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_change_id: Option<ChangeId>,
    /// The patient's portal account, once activated. Written by the auth function alone (one
    /// UpdateItem of this attribute): read here, never written back, so a profile save can
    /// neither erase nor overwrite it.
    #[serde(default, skip_serializing)]
    pub portal_account: Option<PortalAccount>,
    pub version: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Profile {
    /// A new patient's profile, with a new patient id, at version 1; or the field whose value
    /// the registration cannot have (a preferred channel the contact details cannot reach).
    pub fn register(
        registration: Registration,
        now: Timestamp,
    ) -> Result<Profile, (&'static str, &'static str)> {
        let profile = Profile {
            patient_id: PatientId::generate(),
            legal_name: registration.legal_name,
            preferred_name: registration.preferred_name,
            date_of_birth: registration.date_of_birth,
            sex: registration.sex,
            contact: registration.contact,
            language: registration.language,
            communication: registration.communication.unwrap_or_default(),
            pending_change_id: None,
            portal_account: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        profile.check_reachable()?;
        Ok(profile)
    }

    /// Cross-field rules: the preferred channel must be one the patient can be reached on.
    pub fn check_reachable(&self) -> Result<(), (&'static str, &'static str)> {
        let message = match self.communication.preferred_channel {
            Channel::Email if self.contact.email.is_none() => {
                "needs an email address in contact.email"
            }
            Channel::Sms | Channel::Phone if self.contact.phone.is_none() => {
                "needs a phone number in contact.phone"
            }
            Channel::Mail if self.contact.address.is_none() => {
                "needs a postal address in contact.address"
            }
            _ => return Ok(()),
        };
        Err(("communication.preferredChannel", message))
    }

    /// The key this profile is found by in the match index.
    pub fn match_key(&self) -> MatchKey {
        MatchKey::of(&self.legal_name, self.date_of_birth)
    }

    /// The profile as every write of its item sets it: its own attributes and the staff
    /// search's index attributes (`features::patient_search`), derived from the name and birth
    /// date in this very write, so a change of either moves the patient in the search with it.
    pub fn stored(&self) -> StoredProfile<'_> {
        StoredProfile {
            profile: self,
            search: SearchKeys::of(self.patient_id, &self.legal_name, self.date_of_birth),
        }
    }

    /// The writes that register this new patient, for one transaction: [0] the profile, never
    /// over an existing one (`attribute_not_exists(PK)`); [1] the patient in its match item
    /// (conditional under [`Registering::OnlyTheFirst`]).
    pub fn creation(
        &self,
        table: &str,
        registering: Registering,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        let item = store::to_item(&keys::profile(self.patient_id), &self.stored())?;
        let profile = store::transact_put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(PK)"),
        )?;
        let matched =
            patient_match::register(table, &self.match_key(), self.patient_id, registering)?;
        Ok(vec![profile, matched])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration(channel: Channel) -> Registration {
        Registration {
            legal_name: LegalName {
                given: Name::parse("Ana").expect("name"),
                family: Name::parse("Lopez").expect("name"),
            },
            preferred_name: None,
            date_of_birth: DateOfBirth::parse("1984-03-12").expect("date"),
            sex: Sex::Female,
            contact: Contact::default(),
            language: None,
            communication: Some(Communication {
                preferred_channel: channel,
                appointment_reminders: true,
                health_reminders: true,
            }),
        }
    }

    #[test]
    fn a_registration_starts_at_version_one_and_must_be_reachable() {
        let now = Timestamp::now();
        let profile = Profile::register(registration(Channel::Portal), now).expect("valid");
        assert_eq!(profile.version, 1);
        assert_eq!(profile.created_at, now);
        assert!(profile.pending_change_id.is_none());
        assert_eq!(
            Profile::register(registration(Channel::Sms), now).unwrap_err(),
            (
                "communication.preferredChannel",
                "needs a phone number in contact.phone"
            )
        );
        let writes = profile.creation("t", Registering::Anyone).expect("writes");
        assert_eq!(writes.len(), 2);
    }
}
