//! `GET /patients/{patientId}/polls`: the polls addressed to one of the patient's cohorts
//! (scheduled, open or closed), each with its ideas, the patient's ballot and, once closed,
//! the outcome. Audited as an access to the patient's polls.

use std::collections::BTreeSet;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::cohort::cohorts_of;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::polls::respond::{Items, as_seen_by};
use crate::polls::store;
use crate::respondent::Respondent;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::RespondToPolls, AuditResource::Polls)
        .await?;
    let patient = access.patient();
    let store = store(deps);
    let (cohorts, polls) = futures::try_join!(
        cohorts_of(&deps.platform.dynamo, &deps.platform.app_table, patient),
        store.all(),
    )?;
    let cohorts: BTreeSet<_> = cohorts.into_iter().map(|member| member.cohort).collect();
    let polls: Vec<_> = polls
        .into_iter()
        .filter(|poll| poll.asks_patient_in(&cohorts))
        .collect();
    let items = as_seen_by(deps, &polls, &Respondent::Patient(patient)).await?;
    json(StatusCode::OK, &Items { items })
}
