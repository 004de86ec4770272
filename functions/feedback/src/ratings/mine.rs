//! `GET /patients/{patientId}/feedback`: what the patient told the practice and what it told
//! them → `{ratings, updates, surveys}`: their ratings, newest first (at most
//! [`MAX_RATINGS`], each with the practice's answer), their in-app updates, and the surveys
//! open now for their cohorts, with whether they answered each.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::SurveyId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::{Action, PatientAccess};
use serde::Serialize;

use crate::Deps;
use crate::ratings::model::{Feedback, Survey};
use crate::ratings::{feedback_resource, store};
use crate::updates::{self, FeedbackUpdate};

/// The ratings listed (the newest).
pub const MAX_RATINGS: i32 = 100;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OpenSurvey {
    pub survey_id: SurveyId,
    pub cohort: CohortName,
    pub closes_at: Timestamp,
    pub answered: bool,
}

#[derive(Serialize)]
struct Mine {
    ratings: Vec<Feedback>,
    updates: Vec<FeedbackUpdate>,
    surveys: Vec<OpenSurvey>,
}

/// The surveys open now for one of the patient's cohorts (the soonest to close first), and
/// whether they answered each: one Query of the surveys, one Query of the patient's cohorts,
/// one GetItem per open survey of theirs.
pub(super) async fn open_surveys_of(
    deps: &Deps,
    access: &PatientAccess,
    now: Timestamp,
) -> Result<Vec<OpenSurvey>, ApiError> {
    let ratings = store(deps);
    let (surveys, cohorts) = futures::try_join!(
        ratings.surveys(Some(now)),
        portal_shared::features::cohort::cohorts_of(
            &deps.platform.dynamo,
            &deps.platform.app_table,
            access.patient(),
        ),
    )?;
    let mut theirs: Vec<Survey> = surveys
        .into_iter()
        .filter(|survey| cohorts.iter().any(|c| c.cohort == survey.cohort))
        .collect();
    theirs.sort_by_key(|survey| (survey.closes_at, survey.survey_id));
    let answered = futures::future::try_join_all(
        theirs
            .iter()
            .map(|survey| ratings.answered(access, survey.survey_id)),
    )
    .await?;
    Ok(theirs
        .into_iter()
        .zip(answered)
        .map(|(survey, answered)| OpenSurvey {
            survey_id: survey.survey_id,
            cohort: survey.cohort,
            closes_at: survey.closes_at,
            answered,
        })
        .collect())
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::GiveFeedback, feedback_resource())
        .await?;
    let ratings = store(deps);
    let (ratings, updates, surveys) = futures::try_join!(
        ratings.ratings_of(&access, MAX_RATINGS),
        updates::updates_of(&deps.platform.dynamo, &deps.platform.app_table, &access),
        open_surveys_of(deps, &access, Timestamp::now()),
    )?;
    json(
        StatusCode::OK,
        &Mine {
            ratings,
            updates,
            surveys,
        },
    )
}
