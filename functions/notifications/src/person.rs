//! Whose notifications: the patient, or one caregiver who acts for them. Preferences are kept
//! per person, and an unsubscribe link names one.

use portal_shared::domain::ids::PatientId;
use portal_shared::platform::keys::{self, Key};
use portal_shared::policy::authz::{PatientAccess, Relationship};
use portal_shared::policy::caller::{Caller, UserSub};

/// Whose preferences: the patient's own, or one caregiver's about this patient.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Person {
    Patient,
    Caregiver(UserSub),
}

impl Person {
    /// The person whose preferences an authorised caller manages: themselves. `None` for staff,
    /// who have no preferences about a patient.
    pub fn calling(caller: &Caller, access: &PatientAccess) -> Option<Person> {
        match access.relationship() {
            Relationship::Own => Some(Person::Patient),
            Relationship::Caregiver => Some(Person::Caregiver(caller.sub.clone())),
            Relationship::Staff(_) => None,
        }
    }

    /// The key of this person's preferences about `patient`.
    pub fn preferences_key(&self, patient: PatientId) -> Key {
        match self {
            Person::Patient => keys::patient_notification_preferences(patient),
            Person::Caregiver(sub) => keys::caregiver_notification_preferences(patient, sub),
        }
    }
}
