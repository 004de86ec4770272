//! `GET /feedback/suggestions?status=pending|accepted|declined`: the portal lead's queue of
//! patients' suggestions in one status (`pending` by default), oldest first. The list is read
//! first (GSI1), then each patient it reaches is audited, then it is answered.

use std::collections::BTreeSet;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::ideas::model::{Suggestion, SuggestionStatus};
use crate::ideas::store;

#[derive(Serialize)]
struct Suggestions {
    items: Vec<Suggestion>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageIdeas).await?;
    let status = match call.query("status") {
        None => SuggestionStatus::Pending,
        Some(raw) => SuggestionStatus::parse(&raw)
            .ok_or_else(|| ApiError::invalid("status", "must be pending, accepted or declined"))?,
    };
    let items = store(deps).queue(&access, status).await?;
    let patients: BTreeSet<_> = items.iter().map(|s| s.patient_id).collect();
    let reached: Vec<_> = patients
        .into_iter()
        .map(|patient| (patient, AuditResource::Suggestions))
        .collect();
    if !reached.is_empty() {
        authorizer
            .record_staff_access(call, &access, &reached)
            .await?;
    }
    json(StatusCode::OK, &Suggestions { items })
}
