//! Cohorts as stored and as shown: the definition, the cohort's half of a membership (the
//! patient's half is shared: `features::cohort::PatientCohort`, which agreements and sign-in
//! read), and the history of changes.

use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::{DateOfBirth, LegalName, Name};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// A cohort's definition (`keys::cohort`, in the `COHORTS` partition).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cohort {
    pub name: CohortName,
    pub description: String,
    /// Members must accept the beta terms (they agree to be asked for feedback).
    pub beta: bool,
    /// The members now: added to in each membership's own transaction.
    pub member_count: u64,
    pub created_at: Timestamp,
    pub created_by: UserSub,
    /// The definition's version (it has no update yet: 1).
    pub version: u64,
}

/// A cohort as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CohortView<'a> {
    pub name: &'a CohortName,
    pub description: &'a str,
    pub beta: bool,
    pub member_count: u64,
    pub created_at: Timestamp,
    pub created_by: &'a UserSub,
}

impl<'a> From<&'a Cohort> for CohortView<'a> {
    fn from(cohort: &'a Cohort) -> Self {
        CohortView {
            name: &cohort.name,
            description: &cohort.description,
            beta: cohort.beta,
            member_count: cohort.member_count,
            created_at: cohort.created_at,
            created_by: &cohort.created_by,
        }
    }
}

/// The cohort's half of a membership (`keys::cohort_member`, in the cohort's partition): what
/// the member list shows, with the name and birth date copied from the profile when the
/// patient joined (the switches' cache reads only the sort key).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CohortMember {
    pub patient_id: PatientId,
    pub family_name: Name,
    pub given_name: Name,
    pub birth_date: DateOfBirth,
    pub added_at: Timestamp,
    pub added_by: UserSub,
}

/// A member as the member list shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub patient_id: PatientId,
    pub name: LegalName,
    pub birth_date: DateOfBirth,
    pub added_at: Timestamp,
    pub added_by: UserSub,
}

impl From<CohortMember> for MemberView {
    fn from(member: CohortMember) -> Self {
        MemberView {
            patient_id: member.patient_id,
            name: LegalName {
                given: member.given_name,
                family: member.family_name,
            },
            birth_date: member.birth_date,
            added_at: member.added_at,
            added_by: member.added_by,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The cohort was created.
    Created,
    /// A patient joined (one by one, by a filter, or from an upload: then with `uploadId`).
    Added,
    /// A patient left.
    Removed,
    /// A list was uploaded: `count` patients joined from it (each also has its `added`).
    Uploaded,
}

/// One change of a cohort (`keys::cohort_history`), written in the change's transaction; as
/// stored and as shown. Ids only: never a name.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub at: Timestamp,
    /// The staff member who made the change.
    pub by: UserSub,
    pub change: Change,
    #[serde(default)]
    pub patient_id: Option<PatientId>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub upload_id: Option<String>,
}
