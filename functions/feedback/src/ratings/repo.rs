//! The ratings' and surveys' reads and writes. A rating and the day's totals it adds to are
//! one transaction; so are a survey response and its survey's totals, and an answer with the
//! author's in-app update and outbox record. The prompt guard is one conditional put.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::{FeedbackId, PatientId, SurveyId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::feedback_stats;
use portal_shared::features::switches::Feature;
use portal_shared::platform::keys::{self, GSI1, GSI1PK, GSI1SK};
use portal_shared::platform::store::{self, Item, Transacted, string};
use portal_shared::platform::write::transact_retrying_up_to;
use portal_shared::policy::authz::{PatientAccess, StaffAccess};
use serde::Deserialize;

use crate::ratings::model::{Answer, DayStats, Feedback, PromptRecord, Survey, SurveyResponse};

/// Attempts in all of a write that loses to concurrent ones on the same totals item (a day's
/// totals of a popular feature, a survey's count): they conflict by design, briefly.
const CONTENTION_ATTEMPTS: usize = 8;

pub struct RatingStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

/// What became of a survey response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responded {
    Recorded,
    /// The patient answered this survey before: nothing was written.
    AlreadyAnswered,
    /// The survey is closed (or gone): nothing was written.
    Closed,
}

/// What became of a rating's transaction.
#[derive(Debug, PartialEq, Eq)]
pub enum Rated {
    Recorded,
    /// These writes' conditions failed (by index): nothing was written.
    Refused(Vec<usize>),
}

fn busy() -> ApiError {
    ApiError::Conflict(
        "Many answers were being saved at the same moment; try again (nothing was saved).".into(),
    )
}

impl<'a> RatingStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        RatingStore { dynamo, table }
    }

    // ---- ratings ------------------------------------------------------------------------

    /// The write that creates a rating (never over another), with its GSI1 keys.
    pub fn rating_creation(&self, feedback: &Feedback) -> Result<Vec<TransactWriteItem>, ApiError> {
        let mut item = store::to_item(
            &keys::feedback(feedback.patient_id, feedback.feedback_id),
            feedback,
        )?;
        item.insert(
            GSI1PK.to_owned(),
            string(keys::feature_feedback(feedback.feature)),
        );
        item.insert(GSI1SK.to_owned(), string(feedback.gsi1_sort_key()));
        store::create_puts(self.table, vec![item])
    }

    /// One rating added to `cohort`'s (or `all`'s) totals of the feature for `day`.
    pub fn stats_add(
        &self,
        feature: Feature,
        cohort: &str,
        day: &str,
        rating: u8,
    ) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::feedback_stats(feature, cohort, day).attributes()))
            .update_expression(
                "ADD #count :one, #sum :rating SET #feature = :feature, #cohort = :cohort, #day = :day",
            )
            .expression_attribute_names("#count", "count")
            .expression_attribute_names("#sum", "sum")
            .expression_attribute_names("#feature", "feature")
            .expression_attribute_names("#cohort", "cohort")
            .expression_attribute_names("#day", "day")
            .expression_attribute_values(":one", store::number(1))
            .expression_attribute_values(":rating", store::number(rating))
            .expression_attribute_values(":feature", string(feature.as_str()))
            .expression_attribute_values(":cohort", string(cohort))
            .expression_attribute_values(":day", string(day))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Writes a rating's transaction (the rating, the totals, the idempotency record), again
    /// while it loses to concurrent ratings on the same totals.
    pub async fn record_rating(
        &self,
        _access: &PatientAccess,
        items: Vec<TransactWriteItem>,
    ) -> Result<Rated, ApiError> {
        match transact_retrying_up_to(CONTENTION_ATTEMPTS, self.dynamo, items).await? {
            Transacted::Done => Ok(Rated::Recorded),
            Transacted::ConditionsFailed(failed) => Ok(Rated::Refused(failed)),
            Transacted::Contention => Err(busy()),
        }
    }

    /// The patient's ratings, newest first (at most `limit`).
    pub async fn ratings_of(
        &self,
        access: &PatientAccess,
        limit: i32,
    ) -> Result<Vec<Feedback>, ApiError> {
        let (ratings, _) = store::newest_in_patient_partition(
            self.dynamo,
            self.table,
            access,
            keys::FEEDBACK_PREFIX,
            limit,
            None,
        )
        .await?;
        Ok(ratings)
    }

    /// Whether the patient rated `feature` at or after `since`: the ratings whose ids (ULIDs,
    /// which begin with their time) are not older than `since`, the feature's only.
    pub async fn rated_since(
        &self,
        access: &PatientAccess,
        feature: Feature,
        since: Timestamp,
    ) -> Result<bool, ApiError> {
        #[derive(Deserialize)]
        struct Found {}
        let millis = u64::try_from(since.unix_millis()).unwrap_or(0);
        let from = format!(
            "{}{}",
            keys::FEEDBACK_PREFIX,
            ulid::Ulid::from_parts(millis, 0)
        );
        let partition = keys::patient_partition(access.patient());
        let found: Vec<Found> = store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND SK BETWEEN :from AND :to")
                .filter_expression("#feature = :feature")
                .expression_attribute_names("#feature", "feature")
                .expression_attribute_values(":pk", string(partition.clone()))
                .expression_attribute_values(":from", string(from.clone()))
                // `~` sorts after every id character.
                .expression_attribute_values(":to", string(format!("{}~", keys::FEEDBACK_PREFIX)))
                .expression_attribute_values(":feature", string(feature.as_str()))
                .projection_expression("PK")
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await?;
        Ok(!found.is_empty())
    }

    /// One rating of the patient's.
    pub async fn feedback(
        &self,
        access: &PatientAccess,
        id: FeedbackId,
    ) -> Result<Option<Feedback>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::feedback(access.patient(), id),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// Sets (or replaces) the answer to a rating that exists, together with `told` (the
    /// author's in-app update and outbox record). `false` when the rating is gone.
    pub async fn answer(
        &self,
        access: &PatientAccess,
        id: FeedbackId,
        answer: &Answer,
        told: Vec<TransactWriteItem>,
    ) -> Result<bool, ApiError> {
        let update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::feedback(access.patient(), id).attributes()))
            .update_expression("SET #answer = :answer")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#answer", "answer")
            .expression_attribute_values(":answer", serde_dynamo::to_attribute_value(answer)?)
            .build()
            .map_err(ApiError::internal)?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        items.extend(told);
        match transact_retrying_up_to(CONTENTION_ATTEMPTS, self.dynamo, items).await? {
            Transacted::Done => Ok(true),
            Transacted::ConditionsFailed(failed) if failed == [0] => Ok(false),
            Transacted::ConditionsFailed(_) => Err(ApiError::internal(
                "a new in-app update or outbox record collided with an existing item",
            )),
            Transacted::Contention => Err(busy()),
        }
    }

    /// One page of the comments on `features`, newest first: the ratings that carry a comment,
    /// older than `before` (a GSI1 sort key, `<at>#<feedbackId>`: unique, so nothing is listed
    /// twice or skipped). For each feature at once, up to `limit` comments from GSI1 under
    /// `keys::feature_feedback` (filtered on `attribute_exists(comment)`); merged by sort key
    /// and cut at `limit`. The sort key of the last one listed when there are more.
    pub async fn comments(
        &self,
        _access: &StaffAccess,
        features: &[Feature],
        before: Option<&str>,
        limit: i32,
    ) -> Result<(Vec<Feedback>, Option<String>), ApiError> {
        let pages = futures::future::try_join_all(
            features
                .iter()
                .map(|feature| self.comments_of(*feature, before, limit)),
        )
        .await?;
        let mut more = false;
        let mut comments = Vec::new();
        for (page, resume) in pages {
            more |= resume.is_some();
            comments.extend(page);
        }
        comments.sort_by_key(|feedback| std::cmp::Reverse(feedback.gsi1_sort_key()));
        let wanted = usize::try_from(limit.max(1)).unwrap_or(1);
        if comments.len() > wanted {
            more = true;
            comments.truncate(wanted);
        }
        let next = if more {
            comments.last().map(Feedback::gsi1_sort_key)
        } else {
            None
        };
        Ok((comments, next))
    }

    async fn comments_of(
        &self,
        feature: Feature,
        before: Option<&str>,
        limit: i32,
    ) -> Result<(Vec<Feedback>, Option<Item>), ApiError> {
        let partition = keys::feature_feedback(feature);
        store::filled_page(
            |start_after| {
                let query = self
                    .dynamo
                    .query()
                    .table_name(self.table)
                    .index_name(GSI1)
                    .filter_expression("attribute_exists(#comment)")
                    .expression_attribute_names("#comment", "comment")
                    .expression_attribute_values(":pk", string(partition.clone()))
                    .scan_index_forward(false)
                    .set_exclusive_start_key(start_after);
                match before {
                    Some(before) => query
                        .key_condition_expression("GSI1PK = :pk AND GSI1SK < :before")
                        .expression_attribute_values(":before", string(before)),
                    None => query.key_condition_expression("GSI1PK = :pk"),
                }
            },
            limit,
            None,
            |_: &Feedback| true,
            |feedback: &Feedback| {
                let mut position =
                    keys::feedback(feedback.patient_id, feedback.feedback_id).attributes();
                position.insert(GSI1PK.to_owned(), string(partition.clone()));
                position.insert(GSI1SK.to_owned(), string(feedback.gsi1_sort_key()));
                position
            },
        )
        .await
    }

    /// Every patient who rated `feature`, each once (GSI1, their ids only).
    pub async fn raters(&self, feature: Feature) -> Result<Vec<PatientId>, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Rater {
            patient_id: PatientId,
        }
        let partition = keys::feature_feedback(feature);
        let found: Vec<Rater> = store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_names("#patient", "patientId")
                .expression_attribute_values(":pk", string(partition.clone()))
                .projection_expression("#patient")
                .set_exclusive_start_key(start_after)
        })
        .await?;
        let distinct: BTreeSet<PatientId> =
            found.into_iter().map(|rater| rater.patient_id).collect();
        Ok(distinct.into_iter().collect())
    }

    /// A feature's daily totals for `cohort` (or `all`) from `from` to `to` (YYYY-MM-DD, both
    /// included), oldest first.
    pub async fn stats(
        &self,
        _access: &StaffAccess,
        feature: Feature,
        cohort: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<DayStats>, ApiError> {
        feedback_stats::read_stats(self.dynamo, self.table, feature, cohort, from, to).await
    }

    // ---- the prompt guard -----------------------------------------------------------------

    /// Records that the patient is prompted now, only if they were not prompted after
    /// `cutoff`. `false` (nothing written) when they were: another request claimed it.
    pub async fn claim_prompt(
        &self,
        access: &PatientAccess,
        record: &PromptRecord,
        cutoff: Timestamp,
    ) -> Result<bool, ApiError> {
        let item = store::to_item(&keys::feedback_prompt(access.patient()), record)?;
        let written = self
            .dynamo
            .put_item()
            .table_name(self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#last) OR #last < :cutoff")
            .expression_attribute_names("#last", "lastPromptedAt")
            .expression_attribute_values(":cutoff", string(cutoff.to_string()))
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    // ---- surveys --------------------------------------------------------------------------

    /// The put that creates a survey (new ids only), for `idempotency::create_once`.
    pub fn survey_creation(
        &self,
        _access: &StaffAccess,
        survey: &Survey,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        Ok(vec![store::create_put(
            self.table,
            &keys::survey(survey.survey_id),
            survey,
        )?])
    }

    /// Every survey, newest first (a practice runs a few per beta wave). `open_at`: only
    /// those still open then (closing after it).
    pub async fn surveys(&self, open_at: Option<Timestamp>) -> Result<Vec<Survey>, ApiError> {
        let mut surveys: Vec<Survey> = store::query_all(|start_after| {
            let query = self
                .dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(keys::SURVEYS_PARTITION))
                .expression_attribute_values(":prefix", string(keys::SURVEY_PREFIX))
                .scan_index_forward(false)
                .consistent_read(true)
                .set_exclusive_start_key(start_after);
            match open_at {
                Some(now) => query
                    .filter_expression("#closes > :now")
                    .expression_attribute_names("#closes", "closesAt")
                    .expression_attribute_values(":now", string(now.to_string())),
                None => query,
            }
        })
        .await?;
        if let Some(now) = open_at {
            surveys.retain(|survey| survey.is_open(now));
        }
        Ok(surveys)
    }

    pub async fn survey(&self, id: SurveyId) -> Result<Option<Survey>, ApiError> {
        let item = store::get_item(self.dynamo, self.table, &keys::survey(id), None).await?;
        item.map(store::from_item).transpose()
    }

    /// Whether the patient answered the survey.
    pub async fn answered(
        &self,
        access: &PatientAccess,
        survey: SurveyId,
    ) -> Result<bool, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::survey_response(survey, access.patient()),
            Some("PK"),
        )
        .await?;
        Ok(item.is_some())
    }

    /// Every response's score (for the bands).
    pub async fn scores(
        &self,
        _access: &StaffAccess,
        survey: SurveyId,
    ) -> Result<Vec<f64>, ApiError> {
        #[derive(Deserialize)]
        struct Scored {
            score: f64,
        }
        let partition = keys::survey_partition(survey);
        let found: Vec<Scored> = store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_names("#score", "score")
                .expression_attribute_values(":pk", string(partition.clone()))
                .expression_attribute_values(":prefix", string(keys::SURVEY_RESPONSE_PREFIX))
                .projection_expression("#score")
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await?;
        Ok(found.into_iter().map(|scored| scored.score).collect())
    }

    /// Records the patient's response and adds it to the survey's totals, in one
    /// transaction: only the first response of the patient, only while the survey is open.
    pub async fn respond(
        &self,
        access: &PatientAccess,
        response: &SurveyResponse,
    ) -> Result<Responded, ApiError> {
        let put = store::create_put(
            self.table,
            &keys::survey_response(response.survey_id, access.patient()),
            response,
        )?;
        let now: AttributeValue = string(response.at.to_string());
        let totals = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::survey(response.survey_id).attributes()))
            .update_expression("ADD #responses :one, #sum :score")
            .condition_expression("attribute_exists(PK) AND #opens <= :now AND #closes > :now")
            .expression_attribute_names("#responses", "responses")
            .expression_attribute_names("#sum", "scoreSum")
            .expression_attribute_names("#opens", "opensAt")
            .expression_attribute_names("#closes", "closesAt")
            .expression_attribute_values(":one", store::number(1))
            .expression_attribute_values(":score", store::number(response.score))
            .expression_attribute_values(":now", now)
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![put, TransactWriteItem::builder().update(totals).build()];
        match transact_retrying_up_to(CONTENTION_ATTEMPTS, self.dynamo, items).await? {
            Transacted::Done => Ok(Responded::Recorded),
            Transacted::ConditionsFailed(failed) if failed.contains(&0) => {
                Ok(Responded::AlreadyAnswered)
            }
            Transacted::ConditionsFailed(_) => Ok(Responded::Closed),
            Transacted::Contention => Err(busy()),
        }
    }
}
