//! `POST /patients/{patientId}/feedback/surveys/{surveyId}/response`: a member of the survey's
//! cohort answers the usability questionnaire (`{answers: [10 × 1..=5]}`) → 201 `{surveyId,
//! score}`.
//!
//! Only a member of the survey's cohort now (anyone else: 404, as for an unknown survey), once
//! (409), while the survey is open (409). The response and the survey's `responses` and
//! `scoreSum` are written in one transaction whose conditions decide both.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::SurveyId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::cohorts_of;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::ratings::model::SurveyResponse;
use crate::ratings::repo::Responded;
use crate::ratings::sus::{self, ANSWERS, QUESTIONS};
use crate::ratings::{store, survey_in_path, survey_resource};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Answers {
    answers: Vec<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Scored {
    survey_id: SurveyId,
    score: f64,
}

/// The ten answers, or 422 naming `answers` (not ten) or `answers[i]` (out of range).
fn validate(answers: &[i64]) -> Result<[u8; QUESTIONS], ApiError> {
    if answers.len() != QUESTIONS {
        return Err(ApiError::invalid(
            "answers",
            format!("must hold exactly {QUESTIONS} answers, one per statement"),
        ));
    }
    let mut errors = FieldErrors::new();
    let mut valid = [0u8; QUESTIONS];
    for (index, &answer) in answers.iter().enumerate() {
        match u8::try_from(answer).ok().filter(|a| ANSWERS.contains(a)) {
            Some(answer) => valid[index] = answer,
            None => errors.add(
                format!("answers[{index}]"),
                "must be a whole number from 1 to 5",
            ),
        }
    }
    errors.finish()?;
    Ok(valid)
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw_id = call.path_param("surveyId").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::GiveFeedback, survey_resource(&raw_id))
        .await?;
    let request: Answers = call.json_body()?;
    let answers = validate(&request.answers)?;
    let survey_id = survey_in_path(call)?;
    let ratings = store(deps);
    let survey = ratings.survey(survey_id).await?.ok_or(ApiError::NotFound)?;
    let cohorts = cohorts_of(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        access.patient(),
    )
    .await?;
    if !cohorts.iter().any(|c| c.cohort == survey.cohort) {
        return Err(ApiError::NotFound);
    }
    let response = SurveyResponse {
        survey_id,
        patient_id: access.patient(),
        answers: answers.to_vec(),
        score: sus::score(&answers),
        at: Timestamp::now(),
    };
    match ratings.respond(&access, &response).await? {
        Responded::Recorded => json(
            StatusCode::CREATED,
            &Scored {
                survey_id,
                score: response.score,
            },
        ),
        Responded::AlreadyAnswered => Err(ApiError::AlreadyAnswered(
            "This survey has been answered for this patient already: each patient answers it \
             once."
                .into(),
        )),
        Responded::Closed => Err(ApiError::Conflict(
            "This survey is closed: it no longer takes answers.".into(),
        )),
    }
}
