//! `POST /patients/{patientId}/feedback/prompt` (`{feature?}`, or no body): should the app ask
//! the patient for feedback now? → `{prompt: null | {kind: "sus", surveyId} | {kind:
//! "rating", feature}}`.
//!
//! The over-asking guard: only patients of a beta cohort (who accepted the beta terms, which
//! ask them for feedback) are prompted, at most once per `FEEDBACK_PROMPT_INTERVAL_DAYS`. An
//! open survey of one of their cohorts that they have not answered comes first (the soonest to
//! close); else a rating of `feature`, when the app names one and the patient has not rated it
//! within the interval. A prompt is claimed by one conditional put of `keys::feedback_prompt`
//! (`lastPromptedAt` absent or before now − interval), so of concurrent requests at most one
//! prompts; with no prompt nothing is written.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::cohorts_of;
use portal_shared::features::switches::Feature;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::ratings::mine::open_surveys_of;
use crate::ratings::model::{Prompt, PromptRecord};
use crate::ratings::{feature_named, store};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Asked {
    #[serde(default)]
    feature: Option<String>,
}

#[derive(Serialize)]
struct Answer {
    prompt: Option<Prompt>,
}

/// The prompt the patient would get now, before the guard's claim.
async fn candidate(
    deps: &Deps,
    access: &PatientAccess,
    feature: Option<Feature>,
    now: Timestamp,
    cutoff: Timestamp,
) -> Result<Option<Prompt>, ApiError> {
    let cohorts = cohorts_of(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        access.patient(),
    )
    .await?;
    if !cohorts.iter().any(|cohort| cohort.beta) {
        return Ok(None);
    }
    let surveys = open_surveys_of(deps, access, now).await?;
    if let Some(survey) = surveys.into_iter().find(|survey| !survey.answered) {
        return Ok(Some(Prompt::Sus {
            survey_id: survey.survey_id,
        }));
    }
    match feature {
        Some(feature) if !store(deps).rated_since(access, feature, cutoff).await? => {
            Ok(Some(Prompt::Rating { feature }))
        }
        _ => Ok(None),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::GiveFeedback,
            AuditResource::Route("feedback/prompt".into()),
        )
        .await?;
    let asked: Asked = if call.body_bytes().iter().all(u8::is_ascii_whitespace) {
        Asked::default()
    } else {
        call.json_body()?
    };
    let feature = asked
        .feature
        .as_deref()
        .map(feature_named)
        .transpose()
        .map_err(|message| ApiError::invalid("feature", message))?;

    let now = Timestamp::now();
    let cutoff = now.minus(deps.prompt_interval);
    let prompt = match candidate(deps, &access, feature, now, cutoff).await? {
        Some(prompt) => {
            let record = PromptRecord {
                last_prompted_at: now,
                prompt: prompt.clone(),
            };
            store(deps)
                .claim_prompt(&access, &record, cutoff)
                .await?
                .then_some(prompt)
        }
        None => None,
    };
    json(StatusCode::OK, &Answer { prompt })
}
