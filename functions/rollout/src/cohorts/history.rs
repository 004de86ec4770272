//! `GET /rollout/cohorts/{cohort}/history`: who changed the cohort, newest first.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::cohorts::{existing_cohort, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageCohorts).await?;
    let cohort = existing_cohort(deps, call, &access).await?;
    let cursor_key = &deps.platform.cursor_key;
    let scope = format!("rollout:cohort-history:{}", cohort.name);
    let page = PageRequest::from_call(call, scope, cursor_key).await?;
    let (entries, last_key) = store(deps).history(&access, &cohort.name, &page).await?;
    // An entry tells that a patient joined or left: each patient named is audited (once per
    // page) before the page is answered.
    let mut patients: Vec<PatientId> = entries.iter().filter_map(|e| e.patient_id).collect();
    patients.sort_unstable();
    patients.dedup();
    if !patients.is_empty() {
        let reached: Vec<(PatientId, AuditResource)> = patients
            .into_iter()
            .map(|patient| (patient, AuditResource::Profile))
            .collect();
        authorizer
            .record_staff_access(call, &access, &reached)
            .await?;
    }
    json(
        StatusCode::OK,
        &page.page(entries, last_key, cursor_key).await?,
    )
}
