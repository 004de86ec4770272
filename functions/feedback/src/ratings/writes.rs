//! The one write path of a rating: the rating item (with the patient's cohorts and the
//! feature's switch state as they are now) and its additions to the day's totals of `all` and
//! of each cohort. Built here, sent in the transaction of whoever records the rating: the
//! rating route (`rate`), and other features that ask for a rating in passing (education's
//! helpful vote), so the averages never disagree with the ratings.

use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::domain::ids::FeedbackId;
use portal_shared::domain::practice::PracticeZone;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::{CohortName, cohorts_of};
use portal_shared::features::sign_ins;
use portal_shared::features::switches::Feature;
use portal_shared::policy::authz::PatientAccess;
use portal_shared::policy::caller::Caller;

use crate::ratings::model::{Feedback, SwitchState};
use crate::ratings::repo::RatingStore;

/// The totals one rating adds to in its transaction: `all` and at most this many of the
/// patient's cohorts (the first by name). With the rating and a few items of the caller's
/// own (an idempotency record, a vote) that is well inside DynamoDB's 100 items per
/// transaction; a patient is in a handful of cohorts.
pub const MAX_COHORT_TOTALS: usize = 90;
/// The name of the totals of every rating, whatever the cohort (no cohort may take it).
pub const ALL: &str = "all";

/// A rating to record, valid (1 to 5; a comment already checked as plain text).
#[derive(Debug, Clone)]
pub struct NewRating {
    pub feature: Feature,
    pub rating: u8,
    pub comment: Option<String>,
    /// Given in answer to a prompt, not on the patient's own.
    pub prompted: bool,
}

/// The rating of `new` by the patient of `access` (given by `caller`, at `at`) and the writes
/// that record it, for the caller's transaction (which may fail on contention: the totals are
/// shared; retry it with `transact_retrying`).
pub async fn rating_writes(
    platform: &Platform,
    practice_zone: Option<&PracticeZone>,
    access: &PatientAccess,
    caller: &Caller,
    new: NewRating,
    at: Timestamp,
) -> Result<(Feedback, Vec<TransactWriteItem>), ApiError> {
    let (dynamo, table) = (&platform.dynamo, &platform.app_table);
    let patient = access.patient();
    let (cohorts, states) = futures::try_join!(
        cohorts_of(dynamo, table, patient),
        platform.feature_states(patient, caller),
    )?;
    let switch_state = states
        .iter()
        .find(|(feature, _)| *feature == new.feature)
        .map(|(_, evaluation)| SwitchState::from(evaluation))
        .ok_or_else(|| ApiError::internal("the feature has no evaluation"))?;
    let mut cohorts: Vec<CohortName> = cohorts.into_iter().map(|c| c.cohort).collect();
    cohorts.sort();
    let feedback = Feedback {
        feedback_id: FeedbackId::generate(),
        patient_id: patient,
        feature: new.feature,
        rating: new.rating,
        comment: new.comment,
        cohorts,
        switch_state,
        at,
        prompted: new.prompted,
        answer: None,
    };
    let day = sign_ins::day_of(practice_zone, at);
    let ratings = RatingStore::new(dynamo, table);
    let mut items = ratings.rating_creation(&feedback)?;
    for cohort in std::iter::once(ALL).chain(
        feedback
            .cohorts
            .iter()
            .take(MAX_COHORT_TOTALS)
            .map(CohortName::as_str),
    ) {
        items.push(ratings.stats_add(feedback.feature, cohort, &day, feedback.rating)?);
    }
    Ok((feedback, items))
}
