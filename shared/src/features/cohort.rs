//! Cohorts: named groups of patients the practice opens features to and invites a wave at a
//! time (`beta-1`, `wave-2`). The rollout function owns them; the feature switches read their
//! members, and sign-in and agreements read which cohorts a patient is in.
//!
//! A membership is two items written together (by the rollout function): the member item in the
//! cohort's partition ([`keys::cohort_member`], read by [`members_of`]) and the patient's own
//! [`PatientCohort`] item in their partition ([`keys::patient_cohort`], read by [`cohorts_of`]).

use serde::{Deserialize, Serialize};

pub use crate::domain::cohort_name::CohortName;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::platform::keys;
use crate::platform::store;

/// The patient's side of a membership, in the patient's partition (SK `COHORT#<name>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientCohort {
    pub cohort: CohortName,
    /// Members of a beta cohort must accept the beta terms.
    pub beta: bool,
    pub added_at: Timestamp,
}

/// The members of a cohort: one Query of the cohort's partition (member items only, their sort
/// keys alone), every page, strongly consistent. For the feature switches' cache, which holds
/// the members of the cohorts that switches name.
pub async fn members_of(
    dynamo: &aws_sdk_dynamodb::Client,
    table: &str,
    name: &CohortName,
) -> Result<Vec<PatientId>, ApiError> {
    #[derive(Deserialize)]
    struct MemberKey {
        #[serde(rename = "SK")]
        sk: String,
    }
    let partition = keys::cohort_partition(name);
    let found: Vec<MemberKey> = store::query_all(|start_after| {
        dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", store::string(partition.clone()))
            .expression_attribute_values(":prefix", store::string(keys::COHORT_MEMBER_PREFIX))
            .projection_expression("SK")
            .consistent_read(true)
            .set_exclusive_start_key(start_after)
    })
    .await?;
    found
        .into_iter()
        .map(|key| {
            key.sk
                .strip_prefix(keys::COHORT_MEMBER_PREFIX)
                .and_then(PatientId::parse)
                .ok_or_else(|| ApiError::internal("a cohort member item has a malformed key"))
        })
        .collect()
}

/// The cohorts a patient is in: one Query of the patient's partition (SK begins with
/// `COHORT#`), strongly consistent. For agreements (is the patient in a beta cohort?) and
/// sign-in adoption counting.
pub async fn cohorts_of(
    dynamo: &aws_sdk_dynamodb::Client,
    table: &str,
    patient: PatientId,
) -> Result<Vec<PatientCohort>, ApiError> {
    let partition = keys::patient_partition(patient);
    store::query_all(|start_after| {
        dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", store::string(partition.clone()))
            .expression_attribute_values(":prefix", store::string(keys::PATIENT_COHORT_PREFIX))
            .consistent_read(true)
            .set_exclusive_start_key(start_after)
    })
    .await
}
