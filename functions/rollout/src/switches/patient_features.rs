//! `GET /patients/{patientId}/features`: which features are on for this patient, as the caller
//! uses the portal for them (the app hides the others). Evaluated from the cached switches
//! with the caller's roles, as the gate decides on each feature's routes. Never gated itself:
//! it is how the app learns what to hide.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::switches::Feature;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;

#[derive(Serialize)]
struct FeatureState {
    feature: Feature,
    on: bool,
}

#[derive(Serialize)]
struct FeatureStates {
    features: Vec<FeatureState>,
}

pub async fn patient_features(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ReadFeatures,
            AuditResource::Route("features".into()),
        )
        .await?;
    let features = deps
        .platform
        .feature_states(access.patient(), call.caller())
        .await?
        .into_iter()
        .map(|(feature, evaluation)| FeatureState {
            feature,
            on: evaluation.on,
        })
        .collect();
    json(StatusCode::OK, &FeatureStates { features })
}
