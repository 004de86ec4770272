//! `GET /rollout/cohorts/{cohort}/members`: one page of a cohort's members, with the name and
//! birth date they joined with.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::cohorts::model::MemberView;
use crate::cohorts::{existing_cohort, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageCohorts).await?;
    let cohort = existing_cohort(deps, call, &access).await?;
    let cursor_key = &deps.platform.cursor_key;
    let scope = format!("rollout:cohort-members:{}", cohort.name);
    let page = PageRequest::from_call(call, scope, cursor_key).await?;
    let (members, last_key) = store(deps).members(&access, &cohort.name, &page).await?;
    // A work list: which patients it reaches is known once read; each is audited before the
    // page is answered.
    let reached: Vec<(PatientId, AuditResource)> = members
        .iter()
        .map(|member| (member.patient_id, AuditResource::Profile))
        .collect();
    if !reached.is_empty() {
        authorizer
            .record_staff_access(call, &access, &reached)
            .await?;
    }
    let views: Vec<MemberView> = members.into_iter().map(MemberView::from).collect();
    json(
        StatusCode::OK,
        &page.page(views, last_key, cursor_key).await?,
    )
}
