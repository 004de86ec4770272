//! The patient profile as stored and as shown, and the legal-identity change requests.

use portal_shared::domain::ids::{ChangeId, PatientId};
use portal_shared::domain::person::{DateOfBirth, LanguageTag, LegalName, Name, Sex};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::account::PortalAccount;
pub use portal_shared::features::profile_record::{Communication, Contact, Profile};
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// The fields only staff may change directly: a patient's legal identity.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Identity {
    #[serde(default)]
    pub legal_name: Option<LegalName>,
    #[serde(default)]
    pub date_of_birth: Option<DateOfBirth>,
    #[serde(default)]
    pub sex: Option<Sex>,
}

impl Identity {
    pub fn is_empty(&self) -> bool {
        self.legal_name.is_none() && self.date_of_birth.is_none() && self.sex.is_none()
    }
}

/// The changes of a profile's legal identity (a profile function's rule: the item itself is
/// shared, `portal_shared::features::profile_record`).
pub trait IdentityEdits {
    fn apply_identity(&mut self, identity: &Identity);
    /// What of `requested` differs from the profile now (asking for today's values is no change).
    fn identity_changes(&self, requested: &Identity) -> Identity;
    /// The current values of the fields `change` would replace.
    fn identity_before(&self, change: &Identity) -> Identity;
}

impl IdentityEdits for Profile {
    fn apply_identity(&mut self, identity: &Identity) {
        if let Some(name) = &identity.legal_name {
            self.legal_name = name.clone();
        }
        if let Some(dob) = identity.date_of_birth {
            self.date_of_birth = dob;
        }
        if let Some(sex) = identity.sex {
            self.sex = sex;
        }
    }

    fn identity_changes(&self, requested: &Identity) -> Identity {
        Identity {
            legal_name: requested
                .legal_name
                .clone()
                .filter(|name| *name != self.legal_name),
            date_of_birth: requested
                .date_of_birth
                .filter(|dob| *dob != self.date_of_birth),
            sex: requested.sex.filter(|sex| *sex != self.sex),
        }
    }

    fn identity_before(&self, change: &Identity) -> Identity {
        Identity {
            legal_name: change.legal_name.as_ref().map(|_| self.legal_name.clone()),
            date_of_birth: change.date_of_birth.map(|_| self.date_of_birth),
            sex: change.sex.map(|_| self.sex),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Pending,
    Approved,
    Rejected,
}

/// A request to change the legal identity (`keys::profile_change`), reviewed by staff.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequest {
    pub change_id: ChangeId,
    pub patient_id: PatientId,
    pub requested: Identity,
    /// The values `requested` would replace, as they were when the request was made.
    pub previous: Identity,
    pub status: ChangeStatus,
    pub requested_at: Timestamp,
    pub requested_by: UserSub,
    #[serde(default)]
    pub decided_at: Option<Timestamp>,
    #[serde(default)]
    pub decided_by: Option<UserSub>,
    /// Why staff rejected it; shown to the patient.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A change request as patients see it in their profile.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequestView<'a> {
    pub change_id: ChangeId,
    pub status: ChangeStatus,
    pub requested: &'a Identity,
    pub requested_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub reason: Option<&'a str>,
}

impl<'a> From<&'a ChangeRequest> for ChangeRequestView<'a> {
    fn from(change: &'a ChangeRequest) -> Self {
        ChangeRequestView {
            change_id: change.change_id,
            status: change.status,
            requested: &change.requested,
            requested_at: change.requested_at,
            decided_at: change.decided_at,
            reason: change.reason.as_deref(),
        }
    }
}

/// A change request as staff see it in their work list.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeReviewView<'a> {
    pub change_id: ChangeId,
    pub patient_id: PatientId,
    pub status: ChangeStatus,
    pub requested: &'a Identity,
    pub previous: &'a Identity,
    pub requested_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub reason: Option<&'a str>,
}

impl<'a> From<&'a ChangeRequest> for ChangeReviewView<'a> {
    fn from(change: &'a ChangeRequest) -> Self {
        ChangeReviewView {
            change_id: change.change_id,
            patient_id: change.patient_id,
            status: change.status,
            requested: &change.requested,
            previous: &change.previous,
            requested_at: change.requested_at,
            decided_at: change.decided_at,
            reason: change.reason.as_deref(),
        }
    }
}

/// The profile as the API shows it (the version travels as the ETag header).
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView<'a> {
    pub patient_id: PatientId,
    pub legal_name: &'a LegalName,
    pub preferred_name: Option<&'a Name>,
    pub date_of_birth: DateOfBirth,
    pub sex: Sex,
    pub contact: &'a Contact,
    pub language: Option<&'a LanguageTag>,
    pub communication: &'a Communication,
    /// Recent legal-identity change requests, newest first, with staff's decisions.
    pub change_requests: Vec<ChangeRequestView<'a>>,
    /// Present once the patient has activated their portal account.
    pub portal_account: Option<&'a PortalAccount>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl<'a> ProfileView<'a> {
    pub fn new(profile: &'a Profile, changes: &'a [ChangeRequest]) -> Self {
        ProfileView {
            patient_id: profile.patient_id,
            legal_name: &profile.legal_name,
            preferred_name: profile.preferred_name.as_ref(),
            date_of_birth: profile.date_of_birth,
            sex: profile.sex,
            contact: &profile.contact,
            language: profile.language.as_ref(),
            communication: &profile.communication,
            change_requests: changes.iter().map(ChangeRequestView::from).collect(),
            portal_account: profile.portal_account.as_ref(),
            created_at: profile.created_at,
            updated_at: profile.updated_at,
        }
    }
}
