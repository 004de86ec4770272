//! Ratings, surveys and the prompt guard as stored and as shown.

use portal_shared::domain::ids::{FeedbackId, PatientId, SurveyId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::features::switches::{Evaluation, Feature};
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

use crate::ratings::sus;

/// The longest comment on a rating, and the longest answer to one (plain text, lines allowed).
pub const MAX_TEXT_CHARS: usize = 2000;

/// The feature's switch as the patient met it when they rated it: on or off, and the rule that
/// decided (`everyone`, `off`, `killed`, `cohort`, `percentage`, `staff-role`, `staff-route`,
/// `not-in-rollout`: the name of `features::switches::Reason`, without its details, so the
/// shape stays small and stable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchState {
    pub on: bool,
    pub reason: String,
}

impl From<&Evaluation> for SwitchState {
    fn from(evaluation: &Evaluation) -> Self {
        SwitchState {
            on: evaluation.on,
            reason: evaluation.reason.name().to_owned(),
        }
    }
}

/// The practice's answer to a comment (the latest: answering again replaces it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub text: String,
    pub at: Timestamp,
    /// The staff member who answered.
    pub by: UserSub,
}

/// One rating of a feature by a patient (`keys::feedback`), as stored and as the patient sees
/// it. Stored with `GSI1PK` = `keys::feature_feedback(feature)` and `GSI1SK` = `<at>#<id>`
/// besides (the feature's ratings, newest first).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    pub feedback_id: FeedbackId,
    pub patient_id: PatientId,
    pub feature: Feature,
    /// 1 (poor) to 5 (very good).
    pub rating: u8,
    #[serde(default)]
    pub comment: Option<String>,
    /// The cohorts the patient was in when they rated.
    pub cohorts: Vec<CohortName>,
    pub switch_state: SwitchState,
    pub at: Timestamp,
    /// Given in answer to a prompt (`POST .../feedback/prompt`), not on the patient's own.
    pub prompted: bool,
    #[serde(default)]
    pub answer: Option<Answer>,
}

impl Feedback {
    /// The item's sort key on GSI1 (under the feature's partition): newest last.
    pub fn gsi1_sort_key(&self) -> String {
        format!("{}#{}", self.at, self.feedback_id)
    }
}

/// A comment as staff list it: the rating without `prompted`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentView<'a> {
    pub feedback_id: FeedbackId,
    pub patient_id: PatientId,
    pub feature: Feature,
    pub rating: u8,
    pub comment: &'a str,
    pub cohorts: &'a [CohortName],
    pub switch_state: &'a SwitchState,
    pub at: Timestamp,
    pub answer: Option<&'a Answer>,
}

impl<'a> CommentView<'a> {
    /// `None` for a rating without a comment.
    pub fn of(feedback: &'a Feedback) -> Option<Self> {
        Some(CommentView {
            feedback_id: feedback.feedback_id,
            patient_id: feedback.patient_id,
            feature: feedback.feature,
            rating: feedback.rating,
            comment: feedback.comment.as_deref()?,
            cohorts: &feedback.cohorts,
            switch_state: &feedback.switch_state,
            at: feedback.at,
            answer: feedback.answer.as_ref(),
        })
    }
}

/// One day's totals of a feature's ratings for one cohort or `all` (`keys::feedback_stats`;
/// shared with the support function's weekly digest).
pub use portal_shared::features::feedback_stats::DayStats;

/// A row of the averages: the day's count and mean rating (two decimals).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryRow {
    pub feature: Feature,
    pub cohort: String,
    pub day: String,
    pub count: u64,
    pub average: f64,
}

impl From<DayStats> for SummaryRow {
    fn from(stats: DayStats) -> Self {
        SummaryRow {
            average: average(stats.sum, stats.count),
            feature: stats.feature,
            cohort: stats.cohort,
            day: stats.day,
            count: stats.count,
        }
    }
}

/// `sum / count` to two decimals (0 for no ratings).
pub fn average(sum: u64, count: u64) -> f64 {
    if count == 0 {
        return 0.0;
    }
    (sum as f64 / count as f64 * 100.0).round() / 100.0
}

/// A System Usability Scale survey of one cohort (`keys::survey`), as stored: `responses` and
/// `scoreSum` are added to in each response's transaction.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    pub survey_id: SurveyId,
    pub cohort: CohortName,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub created_at: Timestamp,
    pub created_by: UserSub,
    pub responses: u64,
    pub score_sum: f64,
}

impl Survey {
    /// Open for answers at `now`.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

/// A survey as the API shows it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyView<'a> {
    pub survey_id: SurveyId,
    pub cohort: &'a CohortName,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub created_at: Timestamp,
    pub created_by: &'a UserSub,
    pub responses: u64,
    /// The mean SUS score (one decimal); absent before the first response.
    pub mean_score: Option<f64>,
}

impl<'a> SurveyView<'a> {
    /// The view of `survey` with these totals (the item's own, or those of its responses).
    pub fn with_totals(survey: &'a Survey, responses: u64, score_sum: f64) -> Self {
        SurveyView {
            survey_id: survey.survey_id,
            cohort: &survey.cohort,
            opens_at: survey.opens_at,
            closes_at: survey.closes_at,
            created_at: survey.created_at,
            created_by: &survey.created_by,
            responses,
            mean_score: sus::mean(score_sum, responses),
        }
    }
}

impl<'a> From<&'a Survey> for SurveyView<'a> {
    fn from(survey: &'a Survey) -> Self {
        SurveyView::with_totals(survey, survey.responses, survey.score_sum)
    }
}

/// One patient's answers to a survey (`keys::survey_response`): one per patient.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyResponse {
    pub survey_id: SurveyId,
    pub patient_id: PatientId,
    /// The ten answers, 1 (strongly disagree) to 5 (strongly agree), in the questionnaire's order.
    pub answers: Vec<u8>,
    pub score: f64,
    pub at: Timestamp,
}

/// What a patient is asked for (`POST .../feedback/prompt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Prompt {
    /// The usability questionnaire of an open survey of one of the patient's cohorts.
    Sus {
        #[serde(rename = "surveyId")]
        survey_id: SurveyId,
    },
    /// A rating of the feature the app asked about.
    Rating { feature: Feature },
}

/// When the patient was last prompted, and for what (`keys::feedback_prompt`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptRecord {
    pub last_prompted_at: Timestamp,
    pub prompt: Prompt,
}
