//! Who answers a poll: a patient (or a caregiver for them), a staff member, or another practice
//! through its link. One ballot per respondent: the ballot's key is the respondent's.

use portal_shared::domain::ids::{BallotLinkId, PatientId};
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// A poll's audiences, whose results are counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stratum {
    Staff,
    Patients,
    Practices,
}

impl Stratum {
    pub const ALL: [Stratum; 3] = [Stratum::Staff, Stratum::Patients, Stratum::Practices];

    pub const fn as_str(self) -> &'static str {
        match self {
            Stratum::Staff => "staff",
            Stratum::Patients => "patients",
            Stratum::Practices => "practices",
        }
    }
}

/// One respondent of a poll.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Respondent {
    Patient(PatientId),
    Staff(UserSub),
    Practice(BallotLinkId),
}

impl Respondent {
    pub fn stratum(&self) -> Stratum {
        match self {
            Respondent::Patient(_) => Stratum::Patients,
            Respondent::Staff(_) => Stratum::Staff,
            Respondent::Practice(_) => Stratum::Practices,
        }
    }

    /// The respondent's part of the ballot's key (`keys::ballot`).
    pub fn key_part(&self) -> String {
        match self {
            Respondent::Patient(patient) => patient.to_string(),
            Respondent::Staff(sub) => sub.to_string(),
            Respondent::Practice(link) => link.to_string(),
        }
    }
}
