//! The feedback function: ask first, then listen. The practice lists feature ideas, polls
//! staff, patients and other practices to rank them, collects ratings and usability surveys
//! from the beta patients, answers their comments, and tells everyone who took part when an
//! idea's status changes.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - ideas: `GET/POST /feedback/ideas`, `GET/PUT /feedback/ideas/{ideaId}`; patients'
//!   suggestions (`POST /patients/{patientId}/suggestions`), the staff queue
//!   (`GET /feedback/suggestions`) and decisions
//!   (`POST /patients/{patientId}/suggestions/{suggestionId}/decision`);
//! - polls: `GET/POST /feedback/polls`, `GET /feedback/polls/{pollId}`, close, results (JSON
//!   or CSV), practice links; ballots of staff (`/account/polls`), patients
//!   (`/patients/{patientId}/polls`) and other practices (`/public/polls/*`, no sign-in);
//! - ratings: a patient's ratings, prompt, survey answers and feedback list
//!   (`/patients/{patientId}/feedback/*`); staff's averages, comments, answers and surveys.
//!
//! Feature switch ([`FEATURE_ROUTES`]): the patient-facing routes belong to `feedback`.

mod catalogue;
mod config;
mod ideas;
mod polls;
mod ratings;
mod respondent;
mod updates;

pub use config::FeedbackSettings;
pub use ratings::{Feedback, NewRating, rating_writes};

use std::time::Duration;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::domain::practice::PracticeZone;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch, dispatch_public, is_public_route};

pub const LIST_IDEAS: Route = Route::new("GET", "/feedback/ideas");
pub const CREATE_IDEA: Route = Route::new("POST", "/feedback/ideas");
pub const GET_IDEA: Route = Route::new("GET", "/feedback/ideas/{ideaId}");
pub const UPDATE_IDEA: Route = Route::new("PUT", "/feedback/ideas/{ideaId}");
pub const SUGGEST_IDEA: Route = Route::new("POST", "/patients/{patientId}/suggestions");
pub const LIST_SUGGESTIONS: Route = Route::new("GET", "/feedback/suggestions");
pub const DECIDE_SUGGESTION: Route = Route::new(
    "POST",
    "/patients/{patientId}/suggestions/{suggestionId}/decision",
);

pub const LIST_POLLS: Route = Route::new("GET", "/feedback/polls");
pub const CREATE_POLL: Route = Route::new("POST", "/feedback/polls");
pub const GET_POLL: Route = Route::new("GET", "/feedback/polls/{pollId}");
pub const CLOSE_POLL: Route = Route::new("POST", "/feedback/polls/{pollId}/close");
pub const POLL_RESULTS: Route = Route::new("GET", "/feedback/polls/{pollId}/results");
pub const CREATE_POLL_LINK: Route = Route::new("POST", "/feedback/polls/{pollId}/links");
pub const STAFF_POLLS: Route = Route::new("GET", "/account/polls");
pub const STAFF_BALLOT: Route = Route::new("PUT", "/account/polls/{pollId}/ballot");
pub const PATIENT_POLLS: Route = Route::new("GET", "/patients/{patientId}/polls");
pub const PATIENT_BALLOT: Route = Route::new("PUT", "/patients/{patientId}/polls/{pollId}/ballot");
pub const PUBLIC_POLL_LOOKUP: Route = Route::new("POST", "/public/polls/lookup");
pub const PUBLIC_BALLOT: Route = Route::new("POST", "/public/polls/ballots");

pub const RATE_FEATURE: Route = Route::new("POST", "/patients/{patientId}/feedback/ratings");
pub const MY_FEEDBACK: Route = Route::new("GET", "/patients/{patientId}/feedback");
pub const FEEDBACK_PROMPT: Route = Route::new("POST", "/patients/{patientId}/feedback/prompt");
pub const ANSWER_SURVEY: Route = Route::new(
    "POST",
    "/patients/{patientId}/feedback/surveys/{surveyId}/response",
);
pub const OPEN_SURVEY: Route = Route::new("POST", "/feedback/surveys");
pub const LIST_SURVEYS: Route = Route::new("GET", "/feedback/surveys");
pub const GET_SURVEY: Route = Route::new("GET", "/feedback/surveys/{surveyId}");
pub const RATINGS_SUMMARY: Route = Route::new("GET", "/feedback/ratings");
pub const LIST_COMMENTS: Route = Route::new("GET", "/feedback/comments");
pub const ANSWER_COMMENT: Route =
    Route::new("POST", "/patients/{patientId}/feedback/{feedbackId}/answer");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    LIST_IDEAS,
    CREATE_IDEA,
    GET_IDEA,
    UPDATE_IDEA,
    SUGGEST_IDEA,
    LIST_SUGGESTIONS,
    DECIDE_SUGGESTION,
    LIST_POLLS,
    CREATE_POLL,
    GET_POLL,
    CLOSE_POLL,
    POLL_RESULTS,
    CREATE_POLL_LINK,
    STAFF_POLLS,
    STAFF_BALLOT,
    PATIENT_POLLS,
    PATIENT_BALLOT,
    PUBLIC_POLL_LOOKUP,
    PUBLIC_BALLOT,
    RATE_FEATURE,
    MY_FEEDBACK,
    FEEDBACK_PROMPT,
    ANSWER_SURVEY,
    OPEN_SURVEY,
    LIST_SURVEYS,
    GET_SURVEY,
    RATINGS_SUMMARY,
    LIST_COMMENTS,
    ANSWER_COMMENT,
];

/// The routes other practices reach without signing in (the token in the body is the proof).
pub const PUBLIC_ROUTES: &[Route] = &[PUBLIC_POLL_LOOKUP, PUBLIC_BALLOT];

/// The patient-facing routes belong to the `feedback` switch; staff's do not (the practice
/// keeps reading and answering what it collected while the feature is off for patients).
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[
    (SUGGEST_IDEA, Feature::Feedback),
    (PATIENT_POLLS, Feature::Feedback),
    (PATIENT_BALLOT, Feature::Feedback),
    (RATE_FEATURE, Feature::Feedback),
    (MY_FEEDBACK, Feature::Feedback),
    (FEEDBACK_PROMPT, Feature::Feedback),
    (ANSWER_SURVEY, Feature::Feedback),
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    /// At most one feedback prompt per patient in this long (`FEEDBACK_PROMPT_INTERVAL_DAYS`).
    pub prompt_interval: Duration,
    /// The practice's zone (`PRACTICE_TIME_ZONE`): the days ratings are summed by (UTC's
    /// without it).
    pub practice_zone: Option<PracticeZone>,
    /// The web app's origin, for the practice links' URLs (`WEB_ORIGIN`; none locally).
    pub web_origin: Option<String>,
}

impl Deps {
    pub fn new(settings: &Settings, feedback: &FeedbackSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
            prompt_interval: feedback.prompt_interval,
            practice_zone: settings.practice_zone.clone(),
            web_origin: settings.web_origin.clone(),
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    if is_public_route(&request, PUBLIC_ROUTES) {
        return dispatch_public(request, |incoming| async move {
            if incoming.is(PUBLIC_POLL_LOOKUP) {
                polls::public_lookup(deps, &incoming).await
            } else if incoming.is(PUBLIC_BALLOT) {
                polls::public_ballot(deps, &incoming).await
            } else {
                Err(ApiError::NotFound)
            }
        })
        .await;
    }
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(LIST_IDEAS) {
            ideas::list(deps, &call).await
        } else if call.is(CREATE_IDEA) {
            ideas::create(deps, &call).await
        } else if call.is(GET_IDEA) {
            ideas::get(deps, &call).await
        } else if call.is(UPDATE_IDEA) {
            ideas::update(deps, &call).await
        } else if call.is(SUGGEST_IDEA) {
            ideas::suggest(deps, &call).await
        } else if call.is(LIST_SUGGESTIONS) {
            ideas::suggestions(deps, &call).await
        } else if call.is(DECIDE_SUGGESTION) {
            ideas::decide(deps, &call).await
        } else if call.is(LIST_POLLS) {
            polls::list(deps, &call).await
        } else if call.is(CREATE_POLL) {
            polls::create(deps, &call).await
        } else if call.is(GET_POLL) {
            polls::get(deps, &call).await
        } else if call.is(CLOSE_POLL) {
            polls::close(deps, &call).await
        } else if call.is(POLL_RESULTS) {
            polls::results(deps, &call).await
        } else if call.is(CREATE_POLL_LINK) {
            polls::create_link(deps, &call).await
        } else if call.is(STAFF_POLLS) {
            polls::staff_polls(deps, &call).await
        } else if call.is(STAFF_BALLOT) {
            polls::staff_ballot(deps, &call).await
        } else if call.is(PATIENT_POLLS) {
            polls::patient_polls(deps, &call).await
        } else if call.is(PATIENT_BALLOT) {
            polls::patient_ballot(deps, &call).await
        } else if call.is(RATE_FEATURE) {
            ratings::rate(deps, &call).await
        } else if call.is(MY_FEEDBACK) {
            ratings::mine(deps, &call).await
        } else if call.is(FEEDBACK_PROMPT) {
            ratings::prompt(deps, &call).await
        } else if call.is(ANSWER_SURVEY) {
            ratings::answer_survey(deps, &call).await
        } else if call.is(OPEN_SURVEY) {
            ratings::open_survey(deps, &call).await
        } else if call.is(LIST_SURVEYS) {
            ratings::surveys(deps, &call).await
        } else if call.is(GET_SURVEY) {
            ratings::survey(deps, &call).await
        } else if call.is(RATINGS_SUMMARY) {
            ratings::summary(deps, &call).await
        } else if call.is(LIST_COMMENTS) {
            ratings::comments(deps, &call).await
        } else if call.is(ANSWER_COMMENT) {
            ratings::answer(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
