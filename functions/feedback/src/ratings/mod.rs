//! Ratings of features, comments and answers, the feedback prompt, usability surveys.
//!
//! - A patient (or a caregiver for them, `Action::GiveFeedback`) rates a feature 1 to 5, with
//!   an optional comment; the rating keeps the cohorts the patient was in and the feature's
//!   switch state at the time, and adds to the day's totals of the feature for each of those
//!   cohorts and for `all` in the same transaction (`rate`). The patient lists their ratings
//!   with the practice's answers, their in-app updates and their open surveys (`mine`).
//! - The prompt (`prompt`): patients of a beta cohort (who agreed to be asked) are asked at
//!   most once per `FEEDBACK_PROMPT_INTERVAL_DAYS` — an open usability survey of one of their
//!   cohorts first, else a rating of the feature the app names.
//! - Staff read the averages per feature, cohort and day (`summary`), read the comments (each
//!   patient reached audited, `comments`) and answer them, which tells the author (`answer`).
//! - System Usability Scale surveys: a portal lead opens one for a cohort (`open_survey`),
//!   members answer once while it is open (`answer_survey`), staff read the scores (`surveys`,
//!   `survey`); scoring in [`sus`].
//!
//! One handler per file; `repo` owns every read and write.

mod answer;
mod answer_survey;
mod comments;
mod mine;
mod model;
mod open_survey;
mod prompt;
mod rate;
mod repo;
mod summary;
mod survey;
mod surveys;
mod sus;
mod writes;

pub use answer::handle as answer;
pub use answer_survey::handle as answer_survey;
pub use comments::handle as comments;
pub use mine::handle as mine;
pub use open_survey::handle as open_survey;
pub use prompt::handle as prompt;
pub use rate::handle as rate;
pub use summary::handle as summary;
pub use survey::handle as survey;
pub use surveys::handle as surveys;

// The one write path of a rating, for other features that record one (education's vote).
pub use model::Feedback;
pub use writes::{NewRating, rating_writes};

use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, SurveyId};
use portal_shared::features::switches::Feature;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use crate::ratings::repo::RatingStore;

fn store(deps: &Deps) -> RatingStore<'_> {
    RatingStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// What a patient's feedback routes reach, as their access log names it.
fn feedback_resource() -> AuditResource {
    AuditResource::Route("feedback".into())
}

/// One rating (and its comment), as the access log names it; the id as it was asked for.
fn rating_resource(id: &str) -> AuditResource {
    AuditResource::Route(format!("feedback/{id}"))
}

/// One survey's answers of the patient, as the access log names them.
fn survey_resource(id: &str) -> AuditResource {
    AuditResource::Route(format!("feedback/surveys/{id}"))
}

/// The survey named by `{surveyId}`; a malformed id names none: 404.
fn survey_in_path(call: &Call) -> Result<SurveyId, ApiError> {
    call.path_param("surveyId")
        .and_then(|raw| SurveyId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// The feature named by `raw`, or what is wrong with it.
fn feature_named(raw: &str) -> Result<Feature, String> {
    Feature::parse(raw).ok_or_else(|| {
        let names: Vec<&str> = Feature::ALL.iter().map(|f| f.as_str()).collect();
        format!("must be one of {}", names.join(", "))
    })
}

/// Every patient who rated `feature` (each once), for closing the loop when an idea linked to
/// it changes status. One Query of GSI1 (`keys::feature_feedback`), patient ids only; the
/// index is eventually consistent, so a rating given a moment before may be missed.
pub async fn raters_of(deps: &Deps, feature: Feature) -> Result<Vec<PatientId>, ApiError> {
    store(deps).raters(feature).await
}
