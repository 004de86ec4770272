//! The education function: health education matched to the patient's consolidated record (plus
//! topics a clinician assigned), the practice's topic library (a compiled-in starter library the
//! clinicians can extend, edit and retire), and staff onboarding training (modules, quizzes,
//! admins' progress view and waivers).
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - patient: `/patients/{patientId}/education*` (matched list, one topic, helpful vote);
//! - staff: `/staff/patients/{patientId}/education*` (assign, unassign),
//!   `/staff/education/topics*` (library list, add, edit, retire);
//! - training: `/staff/training*` (own plan, one module, quiz attempts), `/admin/training`,
//!   `/admin/staff/{staffId}/training/{moduleId}/waiver`.
//!
//! Feature switch ([`FEATURE_ROUTES`]): the patient routes belong to `education`.

mod language;
pub mod library;
pub mod matching;
mod patient;
mod records;
mod repo;
mod staff;
mod topics;
pub mod training;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::domain::practice::PracticeZone;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};

pub const PATIENT_EDUCATION: Route = Route::new("GET", "/patients/{patientId}/education");
pub const PATIENT_TOPIC: Route = Route::new("GET", "/patients/{patientId}/education/{topicId}");
pub const TOPIC_HELPFUL: Route =
    Route::new("PUT", "/patients/{patientId}/education/{topicId}/helpful");

pub const ASSIGN_TOPIC: Route = Route::new("POST", "/staff/patients/{patientId}/education");
pub const UNASSIGN_TOPIC: Route =
    Route::new("DELETE", "/staff/patients/{patientId}/education/{topicId}");

pub const LIBRARY: Route = Route::new("GET", "/staff/education/topics");
pub const ADD_TOPIC: Route = Route::new("POST", "/staff/education/topics");
pub const EDIT_TOPIC: Route = Route::new("PUT", "/staff/education/topics/{topicId}");
pub const RETIRE_TOPIC: Route = Route::new("DELETE", "/staff/education/topics/{topicId}");

pub const MY_TRAINING: Route = Route::new("GET", "/staff/training");
pub const TRAINING_MODULE: Route = Route::new("GET", "/staff/training/{moduleId}");
pub const TRAINING_ATTEMPT: Route = Route::new("POST", "/staff/training/{moduleId}/attempts");
pub const ONBOARDING_PROGRESS: Route = Route::new("GET", "/admin/training");
pub const WAIVE_TRAINING: Route =
    Route::new("POST", "/admin/staff/{staffId}/training/{moduleId}/waiver");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    PATIENT_EDUCATION,
    PATIENT_TOPIC,
    TOPIC_HELPFUL,
    ASSIGN_TOPIC,
    UNASSIGN_TOPIC,
    LIBRARY,
    ADD_TOPIC,
    EDIT_TOPIC,
    RETIRE_TOPIC,
    MY_TRAINING,
    TRAINING_MODULE,
    TRAINING_ATTEMPT,
    ONBOARDING_PROGRESS,
    WAIVE_TRAINING,
];

/// The patient routes belong to the `education` switch; staff's do not (clinicians keep the
/// library and their assignments while the feature is off for patients).
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[
    (PATIENT_EDUCATION, Feature::Education),
    (PATIENT_TOPIC, Feature::Education),
    (TOPIC_HELPFUL, Feature::Education),
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    /// The practice's time zone: the day a helpful vote's rating counts towards.
    pub practice_zone: Option<PracticeZone>,
}

impl Deps {
    pub fn new(settings: &Settings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
            practice_zone: settings.practice_zone.clone(),
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(PATIENT_EDUCATION) {
            patient::list(deps, &call).await
        } else if call.is(PATIENT_TOPIC) {
            patient::get(deps, &call).await
        } else if call.is(TOPIC_HELPFUL) {
            patient::helpful(deps, &call).await
        } else if call.is(ASSIGN_TOPIC) {
            staff::assign(deps, &call).await
        } else if call.is(UNASSIGN_TOPIC) {
            staff::unassign(deps, &call).await
        } else if call.is(LIBRARY) {
            topics::list(deps, &call).await
        } else if call.is(ADD_TOPIC) {
            topics::add(deps, &call).await
        } else if call.is(EDIT_TOPIC) {
            topics::edit(deps, &call).await
        } else if call.is(RETIRE_TOPIC) {
            topics::retire(deps, &call).await
        } else if call.is(MY_TRAINING) {
            training::my::handle(deps, &call).await
        } else if call.is(TRAINING_MODULE) {
            training::module::handle(deps, &call).await
        } else if call.is(TRAINING_ATTEMPT) {
            training::attempt::handle(deps, &call).await
        } else if call.is(ONBOARDING_PROGRESS) {
            training::progress::handle(deps, &call).await
        } else if call.is(WAIVE_TRAINING) {
            training::waive::handle(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
