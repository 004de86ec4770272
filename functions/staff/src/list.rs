//! `GET /admin/staff`: every staff member with their roles, sorted by family name.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::audit;
use crate::model::StaffView;

#[derive(Serialize)]
struct Page {
    /// The whole staff (a practice's staff fits one answer; there is no further page).
    items: Vec<StaffView>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageStaff)
        .await?;
    audit::allowed(deps, call, &access, &AuditResource::StaffAccounts).await?;
    let mut items: Vec<StaffView> = deps
        .directory()
        .staff()
        .await?
        .iter()
        .map(|account| account.view())
        .collect();
    items.sort_by(|a, b| {
        let key = |v: &StaffView| {
            (
                v.family_name.to_lowercase(),
                v.given_name.to_lowercase(),
                v.staff_id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    json(StatusCode::OK, &Page { items })
}
