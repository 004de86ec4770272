//! Identifiers. Every id the portal mints is a ULID (sortable by creation time); each kind of
//! id is its own type so a change id can never be used where a patient id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ulid::Ulid;

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Ulid);

        impl $name {
            /// A new, unique id.
            pub fn generate() -> Self {
                Self(Ulid::generate())
            }

            /// Accepts the canonical 26-character Crockford base32 form only.
            pub fn parse(raw: &str) -> Option<Self> {
                // Ulid::from_str also takes lower case and overflowing first characters;
                // one id must have one spelling (it is part of keys and fingerprints).
                let parsed = Ulid::from_str(raw).ok()?;
                (parsed.to_string() == raw).then_some(Self(parsed))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = &'static str;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw).ok_or("not a valid id")
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.to_string()
            }
        }
    };
}

ulid_id!(
    /// One import of a FHIR bundle into a patient's record.
    ImportId
);

ulid_id!(
    /// A patient of the practice: the key of their partition and the value of the
    /// `custom:patient_id` attribute of their sign-in.
    PatientId
);
ulid_id!(
    /// A request to change a patient's legal identity, waiting for staff review.
    ChangeId
);
ulid_id!(
    /// One audit event.
    EventId
);
ulid_id!(
    /// One issued activation code (the id staff see; the code itself is shown once).
    ActivationCodeId
);
ulid_id!(
    /// One member of a patient's care circle, from invitation through acceptance to
    /// revocation.
    InvitationId
);
ulid_id!(
    /// A secure-messaging conversation between a patient and the care team.
    ConversationId
);
ulid_id!(
    /// A notification record waiting for the email/SMS sender.
    NotificationId
);
ulid_id!(
    /// One appointment of a patient, from booking through check-in or cancellation.
    AppointmentId
);
ulid_id!(
    /// A clinician who can be booked (the practice's provider directory).
    ProviderId
);
ulid_id!(
    /// One invitation wave: a cohort's members sent activation codes at a rate.
    WaveId
);
ulid_id!(
    /// A feature idea the practice could build (staff's, or a patient's accepted suggestion).
    IdeaId
);
ulid_id!(
    /// A patient's suggestion of a feature idea, until staff accept or decline it.
    SuggestionId
);
ulid_id!(
    /// A feature-priority poll of staff, patients and other practices.
    PollId
);
ulid_id!(
    /// A link through which another practice casts its one ballot in a poll.
    BallotLinkId
);
ulid_id!(
    /// One rating (1 to 5, with an optional comment) of a portal feature by a patient.
    FeedbackId
);
ulid_id!(
    /// A System Usability Scale survey of a cohort (at the end of its beta wave).
    SurveyId
);
ulid_id!(
    /// A problem report to the quick-response team (from a patient, a caregiver or staff).
    ReportId
);
ulid_id!(
    /// An incident the quick-response team opened on one or more features.
    IncidentId
);
ulid_id!(
    /// An announcement to a stakeholder group (patients, a cohort, caregivers, staff, practices).
    AnnouncementId
);
ulid_id!(
    /// A patient's request to renew one current medication of their record.
    RefillId
);
ulid_id!(
    /// A pharmacy of the practice's directory (refill requests name one).
    PharmacyId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_canonical_ulids() {
        let id = PatientId::generate();
        assert_eq!(PatientId::parse(&id.to_string()), Some(id));
        assert_eq!(PatientId::parse("me"), None);
        assert_eq!(PatientId::parse("../../etc"), None);
        assert_eq!(PatientId::parse(&format!("{id}0")), None);
        assert_eq!(PatientId::parse(&id.to_string().to_lowercase()), None);
        assert_eq!(PatientId::parse("ZZZZZZZZZZZZZZZZZZZZZZZZZZ"), None);
    }
}

/// A record of the health record: derived from its source, resource type and the source's
/// resource id, so importing the same resource again names the same record (32 hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecordId(String);

impl RecordId {
    pub const LEN: usize = 32;

    /// The id of `resource_type/resource_id` from `source`.
    pub fn derive(source: &str, resource_type: &str, resource_id: &str) -> Self {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for part in [source, resource_type, resource_id] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        RecordId(hex::encode(&hasher.finalize()[..Self::LEN / 2]))
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let valid = raw.len() == Self::LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| RecordId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RecordId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        RecordId::parse(&raw).ok_or_else(|| "not a valid record id".to_owned())
    }
}

impl From<RecordId> for String {
    fn from(id: RecordId) -> String {
        id.0
    }
}
