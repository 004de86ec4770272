//! `GET /health` (public): whether this deployment answers, for load balancers, uptime checks
//! and the runbook. It reads one item that belongs to no patient (`SYSTEM` / `HEALTH`, which
//! need not exist), so a 200 says API Gateway, Lambda and DynamoDB all answered; no caller, no
//! patient data, no audit event.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::json;
use portal_shared::platform::keys;
use portal_shared::platform::store;
use serde::Serialize;

use crate::Deps;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    status: &'static str,
    database: &'static str,
}

pub async fn handle(deps: &Deps) -> Result<Response<Body>, ApiError> {
    // Any failure to read is the store's usual answer: 503 when throttled, 500 otherwise.
    store::get_item(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &keys::health_probe(),
        None,
    )
    .await?;
    json(
        StatusCode::OK,
        &Health {
            status: "ok",
            database: "ok",
        },
    )
}
