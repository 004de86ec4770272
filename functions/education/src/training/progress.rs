//! `GET /admin/training` (`ReadOnboarding`, admins): every plan, by name. Members without a
//! plan are not listed (the staff function's `POST /admin/staff/{staffId}/onboarding` gives
//! them one). Audited in the caller's own log.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::onboarding::{PlanView, list_plans};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;

#[derive(Debug, Serialize)]
struct Plans {
    items: Vec<PlanView>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReadOnboarding).await?;
    let plans = list_plans(&deps.platform.dynamo, &deps.platform.app_table).await?;
    let items = by_name(plans.iter().map(PlanView::of).collect());
    authorizer
        .record_staff_action(
            call,
            &access,
            &AuditResource::StaffAccounts,
            Outcome::Allowed,
        )
        .await?;
    json(StatusCode::OK, &Plans { items })
}

/// By name, ignoring case; the same name by staff id (a stable order).
fn by_name(mut items: Vec<PlanView>) -> Vec<PlanView> {
    items.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.staff_id.cmp(&b.staff_id))
    });
    items
}

#[cfg(test)]
mod tests {
    use portal_shared::policy::caller::{Role, UserSub};

    use super::*;

    fn view(sub: &str, name: &str) -> PlanView {
        PlanView::without_plan(
            UserSub::parse(sub).expect("sub"),
            name.into(),
            &[Role::Clinician],
        )
    }

    #[test]
    fn plans_are_listed_by_name_ignoring_case() {
        let sorted = by_name(vec![
            view("s3", "noor Haddad"),
            view("s2", "Ada Admin"),
            view("s1", "Noor Haddad"),
            view("s4", "ben Ortiz"),
        ]);
        let order: Vec<&str> = sorted.iter().map(|v| v.staff_id.as_str()).collect();
        assert_eq!(order, ["s2", "s4", "s1", "s3"]);
    }
}
