//! The refills function: prescription refill requests. A patient (or a caregiver with the
//! `records` scope) asks the practice to renew one current medication of the consolidated
//! record and names a pharmacy; clinicians review and decide (approve, deny, ask for a visit),
//! the renewed prescription joins the record from the practice's own source, and the front
//! desk marks approved ones sent to the pharmacy.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - patient: `/patients/{patientId}/refills*` (medications with eligibility, ask, list, one
//!   request, withdraw);
//! - staff: `/staff/refills*` (queue, one request, review, decision, sent);
//! - pharmacies: `GET /pharmacies` (anyone signed in), `POST /staff/pharmacies`,
//!   `DELETE /staff/pharmacies/{pharmacyId}`.
//!
//! Feature switch ([`FEATURE_ROUTES`]): the patient routes belong to `refills`.

mod config;
mod controlled;
mod eligibility;
mod medications;
pub mod model;
mod patient;
mod pharmacies;
pub mod pharmacy_input;
mod repo;
mod staff;
mod staff_repo;
mod visits;

pub use config::RefillSettings;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_records::model::Source;
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};
use portal_shared::platform::response_targets::ResponseTargets;

pub const REFILL_MEDICATIONS: Route =
    Route::new("GET", "/patients/{patientId}/refills/medications");
pub const ASK_REFILL: Route = Route::new("POST", "/patients/{patientId}/refills");
pub const PATIENT_REFILLS: Route = Route::new("GET", "/patients/{patientId}/refills");
pub const PATIENT_REFILL: Route = Route::new("GET", "/patients/{patientId}/refills/{refillId}");
pub const WITHDRAW_REFILL: Route =
    Route::new("POST", "/patients/{patientId}/refills/{refillId}/withdraw");

pub const REFILL_QUEUE: Route = Route::new("GET", "/staff/refills");
pub const STAFF_REFILL: Route = Route::new("GET", "/staff/refills/{refillId}");
pub const REVIEW_REFILL: Route = Route::new("POST", "/staff/refills/{refillId}/review");
pub const DECIDE_REFILL: Route = Route::new("POST", "/staff/refills/{refillId}/decision");
pub const REFILL_SENT: Route = Route::new("POST", "/staff/refills/{refillId}/sent");

pub const LIST_PHARMACIES: Route = Route::new("GET", "/pharmacies");
pub const ADD_PHARMACY: Route = Route::new("POST", "/staff/pharmacies");
pub const RETIRE_PHARMACY: Route = Route::new("DELETE", "/staff/pharmacies/{pharmacyId}");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    REFILL_MEDICATIONS,
    ASK_REFILL,
    PATIENT_REFILLS,
    PATIENT_REFILL,
    WITHDRAW_REFILL,
    REFILL_QUEUE,
    STAFF_REFILL,
    REVIEW_REFILL,
    DECIDE_REFILL,
    REFILL_SENT,
    LIST_PHARMACIES,
    ADD_PHARMACY,
    RETIRE_PHARMACY,
];

/// The patient routes belong to the `refills` switch; staff's and the directory do not (the
/// practice keeps working the requests it has while the feature is off for patients).
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[
    (REFILL_MEDICATIONS, Feature::Refills),
    (ASK_REFILL, Feature::Refills),
    (PATIENT_REFILLS, Feature::Refills),
    (PATIENT_REFILL, Feature::Refills),
    (WITHDRAW_REFILL, Feature::Refills),
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    /// Response targets on the practice's calendar: a request is due after the `refill` one.
    pub targets: ResponseTargets,
    /// How recent a visit with the practice must be for an online renewal, in months.
    pub visit_months: u32,
    /// The practice's own source of records (its encounters; the renewed prescriptions).
    pub practice: Source,
}

impl Deps {
    pub fn new(settings: &Settings, refills: &RefillSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
            targets: refills.targets.clone(),
            visit_months: refills.visit_months,
            practice: refills.practice.clone(),
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(REFILL_MEDICATIONS) {
            patient::medications(deps, &call).await
        } else if call.is(ASK_REFILL) {
            patient::ask(deps, &call).await
        } else if call.is(PATIENT_REFILLS) {
            patient::list(deps, &call).await
        } else if call.is(PATIENT_REFILL) {
            patient::get(deps, &call).await
        } else if call.is(WITHDRAW_REFILL) {
            patient::withdraw(deps, &call).await
        } else if call.is(REFILL_QUEUE) {
            staff::queue(deps, &call).await
        } else if call.is(STAFF_REFILL) {
            staff::get(deps, &call).await
        } else if call.is(REVIEW_REFILL) {
            staff::review(deps, &call).await
        } else if call.is(DECIDE_REFILL) {
            staff::decide(deps, &call).await
        } else if call.is(REFILL_SENT) {
            staff::sent(deps, &call).await
        } else if call.is(LIST_PHARMACIES) {
            pharmacies::list(deps, &call).await
        } else if call.is(ADD_PHARMACY) {
            pharmacies::add(deps, &call).await
        } else if call.is(RETIRE_PHARMACY) {
            pharmacies::retire(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
