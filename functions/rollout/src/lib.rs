//! The rollout function: how a practice opens the portal a cohort and a wave at a time.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - cohorts: `GET/POST /rollout/cohorts`, `GET /rollout/cohorts/{cohort}`, members (list, add
//!   one by one or by filter, remove), a CSV upload of the practice's list, the history;
//! - invitation waves: `POST /rollout/cohorts/{cohort}/waves`, `GET /rollout/waves`,
//!   `GET /rollout/waves/{waveId}`, `POST /rollout/waves/{waveId}/resend`;
//! - feature switches: `GET /rollout/features`, `PUT /rollout/features/{feature}`, the kill
//!   switch, history and explain; `GET /patients/{patientId}/features` for the app;
//! - agreements: the versions (`GET /rollout/agreements`, `PUT /rollout/agreements/{kind}`) and
//!   each account's acceptance (`GET /account/agreements`, `POST
//!   /account/agreements/{kind}/acceptance`);
//! - adoption: `GET /rollout/adoption` (JSON or CSV).

mod adoption;
mod agreements;
mod cohorts;
mod switches;
mod waves;

/// The scheduled `invitation-waves` job (`src/bin/invitation_waves.rs`; the local stack runs it
/// too): one turn of each wave with members queued.
pub use waves::{WavesSummary, run_waves};

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::domain::practice::PracticeZone;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};

pub const LIST_COHORTS: Route = Route::new("GET", "/rollout/cohorts");
pub const CREATE_COHORT: Route = Route::new("POST", "/rollout/cohorts");
pub const GET_COHORT: Route = Route::new("GET", "/rollout/cohorts/{cohort}");
pub const LIST_COHORT_MEMBERS: Route = Route::new("GET", "/rollout/cohorts/{cohort}/members");
pub const ADD_COHORT_MEMBERS: Route = Route::new("POST", "/rollout/cohorts/{cohort}/members");
pub const REMOVE_COHORT_MEMBER: Route =
    Route::new("DELETE", "/rollout/cohorts/{cohort}/members/{patientId}");
pub const UPLOAD_COHORT_LIST: Route = Route::new("POST", "/rollout/cohorts/{cohort}/uploads");
pub const COHORT_HISTORY: Route = Route::new("GET", "/rollout/cohorts/{cohort}/history");

pub const START_WAVE: Route = Route::new("POST", "/rollout/cohorts/{cohort}/waves");
pub const LIST_WAVES: Route = Route::new("GET", "/rollout/waves");
pub const GET_WAVE: Route = Route::new("GET", "/rollout/waves/{waveId}");
pub const RESEND_WAVE: Route = Route::new("POST", "/rollout/waves/{waveId}/resend");

pub const LIST_SWITCHES: Route = Route::new("GET", "/rollout/features");
pub const CHANGE_SWITCH: Route = Route::new("PUT", "/rollout/features/{feature}");
pub const KILL_SWITCH: Route = Route::new("POST", "/rollout/features/{feature}/kill");
pub const SWITCH_HISTORY: Route = Route::new("GET", "/rollout/features/{feature}/history");
pub const EXPLAIN_SWITCH: Route = Route::new("GET", "/rollout/features/{feature}/explain");
pub const PATIENT_FEATURES: Route = Route::new("GET", "/patients/{patientId}/features");

pub const LIST_AGREEMENTS: Route = Route::new("GET", "/rollout/agreements");
pub const PUBLISH_AGREEMENT: Route = Route::new("PUT", "/rollout/agreements/{kind}");
pub const MY_AGREEMENTS: Route = Route::new("GET", "/account/agreements");
pub const ACCEPT_AGREEMENT: Route = Route::new("POST", "/account/agreements/{kind}/acceptance");

pub const ADOPTION: Route = Route::new("GET", "/rollout/adoption");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    LIST_COHORTS,
    CREATE_COHORT,
    GET_COHORT,
    LIST_COHORT_MEMBERS,
    ADD_COHORT_MEMBERS,
    REMOVE_COHORT_MEMBER,
    UPLOAD_COHORT_LIST,
    COHORT_HISTORY,
    START_WAVE,
    LIST_WAVES,
    GET_WAVE,
    RESEND_WAVE,
    LIST_SWITCHES,
    CHANGE_SWITCH,
    KILL_SWITCH,
    SWITCH_HISTORY,
    EXPLAIN_SWITCH,
    PATIENT_FEATURES,
    LIST_AGREEMENTS,
    PUBLISH_AGREEMENT,
    MY_AGREEMENTS,
    ACCEPT_AGREEMENT,
    ADOPTION,
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    /// The practice's zone (`PRACTICE_TIME_ZONE`): the days adoption is counted and reported
    /// by (UTC's without it, as everywhere).
    pub practice_zone: Option<PracticeZone>,
}

impl Deps {
    pub fn new(settings: &Settings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk),
            practice_zone: settings.practice_zone.clone(),
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(LIST_COHORTS) {
            cohorts::list(deps, &call).await
        } else if call.is(CREATE_COHORT) {
            cohorts::create(deps, &call).await
        } else if call.is(GET_COHORT) {
            cohorts::get(deps, &call).await
        } else if call.is(LIST_COHORT_MEMBERS) {
            cohorts::members(deps, &call).await
        } else if call.is(ADD_COHORT_MEMBERS) {
            cohorts::add_members(deps, &call).await
        } else if call.is(REMOVE_COHORT_MEMBER) {
            cohorts::remove_member(deps, &call).await
        } else if call.is(UPLOAD_COHORT_LIST) {
            cohorts::upload(deps, &call).await
        } else if call.is(COHORT_HISTORY) {
            cohorts::history(deps, &call).await
        } else if call.is(START_WAVE) {
            waves::start(deps, &call).await
        } else if call.is(LIST_WAVES) {
            waves::list(deps, &call).await
        } else if call.is(GET_WAVE) {
            waves::get(deps, &call).await
        } else if call.is(RESEND_WAVE) {
            waves::resend(deps, &call).await
        } else if call.is(LIST_SWITCHES) {
            switches::list(deps, &call).await
        } else if call.is(CHANGE_SWITCH) {
            switches::change(deps, &call).await
        } else if call.is(KILL_SWITCH) {
            switches::kill(deps, &call).await
        } else if call.is(SWITCH_HISTORY) {
            switches::history(deps, &call).await
        } else if call.is(EXPLAIN_SWITCH) {
            switches::explain(deps, &call).await
        } else if call.is(PATIENT_FEATURES) {
            switches::patient_features(deps, &call).await
        } else if call.is(LIST_AGREEMENTS) {
            agreements::list(deps, &call).await
        } else if call.is(PUBLISH_AGREEMENT) {
            agreements::publish(deps, &call).await
        } else if call.is(MY_AGREEMENTS) {
            agreements::mine(deps, &call).await
        } else if call.is(ACCEPT_AGREEMENT) {
            agreements::accept(deps, &call).await
        } else if call.is(ADOPTION) {
            adoption::read(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
