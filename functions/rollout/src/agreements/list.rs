//! `GET /rollout/agreements`: the current version of each kind, or none yet.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use super::model::{Agreement, AgreementKind};
use crate::Deps;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KindView {
    kind: AgreementKind,
    /// `null` until a first version is published (then nobody is asked to accept it).
    current: Option<Agreement>,
}

#[derive(Serialize)]
struct Agreements {
    items: Vec<KindView>,
}

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ManageAgreements)
        .await?;
    let mut published = super::store(deps).current_all().await?;
    let items = AgreementKind::ALL
        .into_iter()
        .map(|kind| KindView {
            kind,
            current: published
                .iter()
                .position(|agreement| agreement.kind == kind)
                .map(|at| published.swap_remove(at)),
        })
        .collect();
    json(StatusCode::OK, &Agreements { items })
}
