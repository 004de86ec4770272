//! `GET /account/agreements`: what the signed-in caller must accept, asked at sign-in. Every
//! account gets the terms of use; a patient in a beta cohort also the beta terms. A kind with
//! no published version is left out (there is nothing to accept).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use serde::Serialize;

use super::model::{AgreementKind, MyAgreement};
use crate::Deps;

#[derive(Serialize)]
struct MyAgreements {
    items: Vec<MyAgreement>,
}

pub async fn mine(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let caller = call.caller();
    let store = super::store(deps);
    let published = store.current_all().await?;
    // The beta terms matter only once published, and only to a patient's own sign-in.
    let beta_patient = match caller.patient_id {
        Some(own) if published.iter().any(|a| a.kind == AgreementKind::BetaTerms) => {
            store.in_beta_cohort(own).await?
        }
        _ => false,
    };
    let acceptances = store.acceptances(&caller.sub).await?;
    let mut items: Vec<MyAgreement> = published
        .into_iter()
        .filter(|agreement| agreement.kind.applies(beta_patient))
        .map(|agreement| {
            let accepted = acceptances.iter().find(|a| a.kind == agreement.kind);
            MyAgreement::new(agreement, accepted)
        })
        .collect();
    items.sort_by_key(|item| item.kind);
    json(StatusCode::OK, &MyAgreements { items })
}
