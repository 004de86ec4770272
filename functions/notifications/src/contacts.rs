//! How to reach a patient, as the sender and the preference and history routes need it: the
//! profile's email, phone, language and reminder opt-out, and whether an address has been
//! suppressed (bounced, complained about, failed for good).
//!
//! The profile item is read as the profile function stores it (`contact`, `language`,
//! `communication`), projected on those attributes; this crate does not depend on the profile
//! crate.
//!
//! Every read takes a proof of an audited access to the patient: a route's `PatientAccess`,
//! the sender's `JobAccess` ([`prove_sending`] obtains it), or an unsubscribe link's signed
//! token (its route audits the access).

use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::{Email, LanguageTag, Phone};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, JobAccess, JobRun, PracticeJob, ProvenPatientAccess};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::content::Language;
use crate::suppression;
use crate::unsubscribe_token::UnsubscribeToken;

/// What the sender needs of a patient's profile. Holds contact details: never logged.
#[derive(Clone)]
pub struct PatientContacts {
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub language: Language,
    /// The profile's `communication.appointmentReminders` (yes when absent).
    pub reminders_on: bool,
}

impl std::fmt::Debug for PatientContacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatientContacts")
            .field("email", &self.email.is_some())
            .field("phone", &self.phone.is_some())
            .field("language", &self.language)
            .field("reminders_on", &self.reminders_on)
            .finish()
    }
}

/// The profile attributes read, as the profile function writes them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileContactItem {
    #[serde(default)]
    contact: StoredContact,
    #[serde(default)]
    language: Option<LanguageTag>,
    #[serde(default)]
    communication: Option<StoredCommunication>,
}

#[derive(Default, Deserialize)]
struct StoredContact {
    #[serde(default)]
    email: Option<Email>,
    #[serde(default)]
    phone: Option<Phone>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredCommunication {
    #[serde(default = "yes")]
    appointment_reminders: bool,
}

fn yes() -> bool {
    true
}

impl From<ProfileContactItem> for PatientContacts {
    fn from(item: ProfileContactItem) -> Self {
        PatientContacts {
            email: item.contact.email,
            phone: item.contact.phone,
            language: Language::of_profile(item.language.as_ref()),
            reminders_on: item
                .communication
                .is_none_or(|communication| communication.appointment_reminders),
        }
    }
}

/// The sender's proof that it may read what it needs to tell `patient` something (their
/// contacts, their care circle): proven and audited first, so the patient's access log shows
/// that the portal sent them a notification.
pub async fn prove_sending(deps: &Deps, patient: PatientId) -> Result<JobAccess, ApiError> {
    // No invocation id reaches here through the recipients' resolution: a run of its own.
    let run = JobRun::start(PracticeJob::NotificationSender);
    deps.platform
        .authorize_job(
            &run,
            patient,
            Action::SendNotification,
            AuditResource::Contacts,
        )
        .await
}

/// The patient's contacts from their profile, under a proof of access to them (a route's or a
/// job's); `None` when there is no profile.
pub async fn read_contacts(
    deps: &Deps,
    access: &impl ProvenPatientAccess,
) -> Result<Option<PatientContacts>, ApiError> {
    read_profile_contacts(deps, access.patient()).await
}

/// The contacts of the patient an unsubscribe link names: the signed token is the proof, and
/// its route audits the access before reading.
pub async fn contacts_through_token(
    deps: &Deps,
    token: &UnsubscribeToken,
) -> Result<Option<PatientContacts>, ApiError> {
    read_profile_contacts(deps, token.patient).await
}

/// The one read, private: only the proven doors above reach it.
async fn read_profile_contacts(
    deps: &Deps,
    patient: PatientId,
) -> Result<Option<PatientContacts>, ApiError> {
    let item = deps
        .platform
        .dynamo
        .get_item()
        .table_name(&deps.platform.app_table)
        .set_key(Some(keys::profile(patient).attributes()))
        .consistent_read(true)
        .projection_expression("PK, contact, #language, communication")
        .expression_attribute_names("#language", "language")
        .send()
        .await
        .map_err(store::sdk_error)?
        .item;
    let Some(item) = item else {
        return Ok(None);
    };
    let read: ProfileContactItem = store::from_item(item)?;
    Ok(Some(read.into()))
}

/// Whether notifications can reach an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReachStatus {
    Ok,
    Missing,
    Undeliverable,
}

/// One contact's reachability (`ContactReachability` in the OpenAPI document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reachability {
    pub status: ReachStatus,
    /// Since when it is undeliverable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
}

impl Reachability {
    fn missing() -> Self {
        Reachability {
            status: ReachStatus::Missing,
            since: None,
        }
    }
}

/// `NotificationContacts` in the OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactsView {
    pub email: Reachability,
    pub phone: Reachability,
}

/// Whether the email and phone on file can be reached: undeliverable while the address's
/// suppression item exists (it goes when the address changes, as the new one has none).
pub async fn contacts_view(
    deps: &Deps,
    email: Option<&Email>,
    phone: Option<&Phone>,
) -> Result<ContactsView, ApiError> {
    let email = match email {
        Some(email) => reach(deps, &suppression::email_address(email)).await?,
        None => Reachability::missing(),
    };
    let phone = match phone {
        Some(phone) => reach(deps, &suppression::phone_address(phone)).await?,
        None => Reachability::missing(),
    };
    Ok(ContactsView { email, phone })
}

async fn reach(deps: &Deps, address: &suppression::Address) -> Result<Reachability, ApiError> {
    Ok(match suppression::find(deps, address).await? {
        Some(found) => Reachability {
            status: ReachStatus::Undeliverable,
            since: Some(found.at),
        },
        None => Reachability {
            status: ReachStatus::Ok,
            since: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: serde_json::Value) -> PatientContacts {
        let item: ProfileContactItem = serde_json::from_value(value).expect("item");
        item.into()
    }

    #[test]
    fn the_profile_shape_reads_into_contacts() {
        let contacts = read(json!({
            "contact": {"email": "ana@example.org", "phone": "+15555550101",
                        "address": {"line1": "x"}},
            "language": "es-MX",
            "communication": {"preferredChannel": "email", "appointmentReminders": false,
                              "healthReminders": true}
        }));
        assert_eq!(
            contacts.email.map(|e| e.as_str().to_owned()).as_deref(),
            Some("ana@example.org")
        );
        assert!(contacts.phone.is_some());
        assert_eq!(contacts.language, Language::Es);
        assert!(!contacts.reminders_on);
        let bare = read(json!({}));
        assert!(bare.email.is_none() && bare.phone.is_none());
        assert_eq!(bare.language, Language::En);
        assert!(bare.reminders_on);
    }

    #[test]
    fn reachability_serialises_as_documented() {
        let view = ContactsView {
            email: Reachability {
                status: ReachStatus::Undeliverable,
                since: Timestamp::parse("2027-01-01T00:00:00Z"),
            },
            phone: Reachability::missing(),
        };
        assert_eq!(
            serde_json::to_value(view).expect("json"),
            json!({"email": {"status": "undeliverable", "since": "2027-01-01T00:00:00.000Z"},
                   "phone": {"status": "missing"}})
        );
    }
}
