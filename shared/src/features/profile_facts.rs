//! What features other than the profile read of a patient's profile item. A reader names the
//! facts it needs and gets only those (one consistent GetItem with a projection), typed as the
//! profile function stores them, so no feature parses the profile item its own way. A read
//! takes the access (`ProvenPatientAccess`) the authorizer issued (and audited) for the patient.

use aws_sdk_dynamodb::Client;
use serde::Deserialize;

use crate::domain::ids::PatientId;
use crate::domain::person::{DateOfBirth, Email, LegalName, Name, Phone, Sex};
use crate::features::account::{PORTAL_ACCOUNT_ATTRIBUTE, PortalAccount};
use crate::features::notification::Channel;
use crate::platform::error::ApiError;
use crate::platform::keys;
use crate::platform::store;
use crate::policy::access::ProvenPatientAccess;

/// One thing a feature may read of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// Legal and preferred name.
    Name,
    DateOfBirth,
    Sex,
    /// The patient's communication preferences (appointment reminders).
    Communication,
    /// The portal account state (activation).
    PortalAccount,
    /// The email address and phone number on file (where a code may be sent).
    Contact,
}

impl Fact {
    fn attributes(self) -> &'static [&'static str] {
        match self {
            Fact::Name => &["legalName", "preferredName"],
            Fact::DateOfBirth => &["dateOfBirth"],
            Fact::Sex => &["sex"],
            Fact::Communication => &["communication"],
            Fact::PortalAccount => &[PORTAL_ACCOUNT_ATTRIBUTE],
            Fact::Contact => &["contact"],
        }
    }
}

/// The facts read (each `None` when not asked for, or not on the profile).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileFacts {
    #[serde(default)]
    pub legal_name: Option<LegalName>,
    #[serde(default)]
    pub preferred_name: Option<Name>,
    #[serde(default)]
    pub date_of_birth: Option<DateOfBirth>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    communication: Option<Communication>,
    #[serde(default)]
    pub portal_account: Option<PortalAccount>,
    #[serde(default)]
    contact: Option<Contact>,
}

/// The parts of the profile's `contact` a notification can go to (the postal address is not
/// one of them).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Contact {
    #[serde(default)]
    email: Option<Email>,
    #[serde(default)]
    phone: Option<Phone>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Communication {
    #[serde(default = "yes")]
    appointment_reminders: bool,
}

fn yes() -> bool {
    true
}

impl ProfileFacts {
    /// Whether the patient wants appointment reminders: yes unless their preferences say no.
    pub fn wants_appointment_reminders(&self) -> bool {
        self.communication
            .as_ref()
            .is_none_or(|communication| communication.appointment_reminders)
    }

    /// The address on file for `channel` (an email address, or a phone number for texts).
    pub fn address_for(&self, channel: Channel) -> Option<crate::features::suppression::Address> {
        let contact = self.contact.as_ref()?;
        match channel {
            Channel::Email => contact
                .email
                .as_ref()
                .map(crate::features::suppression::email_address),
            Channel::Sms => contact
                .phone
                .as_ref()
                .map(crate::features::suppression::phone_address),
        }
    }

    /// The email address on file (where the patient's portal account usually signs in).
    pub fn contact_email(&self) -> Option<&Email> {
        self.contact.as_ref()?.email.as_ref()
    }

    /// The name a caregiver or the front desk knows the patient by: preferred name (else given
    /// names) and family name.
    pub fn display_name(&self) -> Option<String> {
        let legal = self.legal_name.as_ref()?;
        let first = self.preferred_name.as_ref().unwrap_or(&legal.given);
        Some(format!("{} {}", first.as_str(), legal.family.as_str()))
    }

    /// Reads `facts` of the profile of the patient `access` was granted for (a caller's, or a
    /// practice job's); `None` when the patient has no profile (a well-formed id of nobody).
    pub async fn read(
        dynamo: &Client,
        table: &str,
        access: &impl ProvenPatientAccess,
        facts: &[Fact],
    ) -> Result<Option<ProfileFacts>, ApiError> {
        get(dynamo, table, access.patient(), facts).await
    }

    /// Reads `facts` of a patient reached through a one-time code on a public route
    /// (activating an account), before there is any caller to authorise: the code is what
    /// proves the access, and the route audits the attempt itself.
    pub async fn read_through_code(
        dynamo: &Client,
        table: &str,
        patient: PatientId,
        facts: &[Fact],
    ) -> Result<Option<ProfileFacts>, ApiError> {
        get(dynamo, table, patient, facts).await
    }
}

/// One consistent GetItem of the profile, projected on the facts' attributes.
async fn get(
    dynamo: &Client,
    table: &str,
    patient: PatientId,
    facts: &[Fact],
) -> Result<Option<ProfileFacts>, ApiError> {
    // The key is always projected, so a profile whose facts are all absent is still found.
    let mut request = dynamo
        .get_item()
        .table_name(table)
        .set_key(Some(keys::profile(patient).attributes()))
        .consistent_read(true)
        .expression_attribute_names("#pk", "PK");
    let mut projection = vec!["#pk".to_owned()];
    let mut attributes: Vec<&str> = facts
        .iter()
        .flat_map(|fact| fact.attributes().iter().copied())
        .collect();
    // A fact named twice must not project its attribute twice (DynamoDB refuses that).
    attributes.sort_unstable();
    attributes.dedup();
    for (index, attribute) in attributes.into_iter().enumerate() {
        let name = format!("#f{index}");
        request = request.expression_attribute_names(&name, attribute);
        projection.push(name);
    }
    let item = request
        .projection_expression(projection.join(", "))
        .send()
        .await
        .map_err(store::sdk_error)?
        .item;
    item.map(store::from_item).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(json: serde_json::Value) -> ProfileFacts {
        serde_json::from_value(json).expect("facts")
    }

    #[test]
    fn reminders_are_wanted_unless_turned_off() {
        assert!(facts(serde_json::json!({})).wants_appointment_reminders());
        assert!(
            facts(serde_json::json!({"communication": {"preferredChannel": "sms"}}))
                .wants_appointment_reminders()
        );
        assert!(
            !facts(serde_json::json!({"communication": {"appointmentReminders": false}}))
                .wants_appointment_reminders()
        );
    }

    #[test]
    fn a_channel_reaches_the_patient_only_with_its_contact_on_file() {
        let both = facts(serde_json::json!({"contact": {
            "email": "ana@example.org", "phone": "+15555550101"
        }}));
        assert!(
            both.address_for(Channel::Email).is_some() && both.address_for(Channel::Sms).is_some()
        );
        let email_only = facts(serde_json::json!({"contact": {"email": "ana@example.org"}}));
        assert!(email_only.address_for(Channel::Email).is_some());
        assert!(email_only.address_for(Channel::Sms).is_none());
        assert!(
            facts(serde_json::json!({}))
                .address_for(Channel::Email)
                .is_none()
        );
    }

    #[test]
    fn the_display_name_prefers_the_preferred_name() {
        let legal = serde_json::json!({"given": "Ana Maria", "family": "Lopez"});
        assert_eq!(
            facts(serde_json::json!({"legalName": legal})).display_name(),
            Some("Ana Maria Lopez".into())
        );
        assert_eq!(
            facts(serde_json::json!({"legalName": legal, "preferredName": "Annie"})).display_name(),
            Some("Annie Lopez".into())
        );
        assert_eq!(facts(serde_json::json!({})).display_name(), None);
    }
}
