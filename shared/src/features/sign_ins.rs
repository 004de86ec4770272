//! Adoption: which patients signed in on a day. On each successful sign-in of a patient's
//! account the auth function adds the patient's id to the day's sets (the practice's date) for
//! all patients and for each cohort the patient is in: `<cohort|all>#active#<shard>`
//! (`keys::adoption_counter`), a String Set `patients`. `ADD` of a set element is idempotent, so
//! signing in twice a day counts once, and the 7- and 30-day figures are the union of the days'
//! sets (the rollout function's adoption report).
//!
//! The sets are split into [`ACTIVE_SHARDS`] items by the patient's id: an update is charged
//! for the whole item it changes, so small items keep a sign-in's writes cheap, and no item
//! nears DynamoDB's 400 KB (16 items of ~14,000 ids each hold more than 200,000 patients a day).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::practice::PracticeZone;
use crate::domain::timestamp::Timestamp;
use crate::features::cohort::{self, CohortName};
use crate::platform::keys;
use crate::platform::store;

/// The metric word of the sets (`<cohort|all>#active#<shard>`).
pub const ACTIVE_METRIC: &str = "active";
/// The String Set attribute of a day's set.
pub const PATIENTS_ATTRIBUTE: &str = "patients";
/// How many items one day's set of one cohort is split into.
pub const ACTIVE_SHARDS: u8 = 16;

/// The day (`yyyy-mm-dd`) adoption counters of `at` are written under: the practice's date
/// when the function has its zone (`PRACTICE_TIME_ZONE`, `Settings::practice_zone`), else
/// UTC's, as the feature gate's use counters.
pub fn day_of(zone: Option<&PracticeZone>, at: Timestamp) -> String {
    match zone {
        Some(practice) => crate::platform::feature_gate::day_in(&practice.zone, at),
        None => crate::platform::feature_gate::day_in(&jiff::tz::TimeZone::UTC, at),
    }
}

/// The metric (with its shard) `patient`'s sign-ins are added to.
pub fn active_metric(patient: PatientId) -> String {
    let digest = Sha256::digest(patient.to_string().as_bytes());
    format!("{ACTIVE_METRIC}#{:02}", digest[0] % ACTIVE_SHARDS)
}

/// Adds `patient` to `day`'s sets of patients who signed in: all patients', and each of their
/// cohorts' (one Query of the patient's cohort items, then one UpdateItem per set, all at
/// once). The first error, if any, once all were tried.
pub async fn record_sign_in(
    dynamo: &Client,
    table: &str,
    day: &str,
    patient: PatientId,
) -> Result<(), ApiError> {
    let cohorts = cohort::cohorts_of(dynamo, table, patient).await?;
    let metric = active_metric(patient);
    let names: Vec<Option<&CohortName>> = std::iter::once(None)
        .chain(cohorts.iter().map(|found| Some(&found.cohort)))
        .collect();
    let writes = names.into_iter().map(|who| {
        let key = keys::adoption_counter(day, who, &metric);
        async move {
            dynamo
                .update_item()
                .table_name(table)
                .set_key(Some(key.attributes()))
                .update_expression("ADD #patients :patient")
                .expression_attribute_names("#patients", PATIENTS_ATTRIBUTE)
                .expression_attribute_values(
                    ":patient",
                    AttributeValue::Ss(vec![patient.to_string()]),
                )
                .send()
                .await
                .map(|_| ())
                .map_err(store::sdk_error)
        }
    });
    futures::future::join_all(writes)
        .await
        .into_iter()
        .collect::<Result<Vec<()>, ApiError>>()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patient_always_lands_in_the_same_shard() {
        let patient = PatientId::generate();
        assert_eq!(active_metric(patient), active_metric(patient));
        let shard: u8 = active_metric(patient)["active#".len()..]
            .parse()
            .expect("a number");
        assert!(shard < ACTIVE_SHARDS);
        let key = keys::adoption_counter("2026-03-01", None, &active_metric(patient));
        assert!(key.sk.starts_with("all#active#"), "{}", key.sk);
    }
}
