//! `GET /patients/{patientId}/observations/{code}/series` — one lab or vital sign (a LOINC
//! code) over time across every source, ready to plot. Values in different units are never
//! mixed (nor converted): each unit is its own series. A code measured as part of a panel (the
//! systolic pressure of a blood-pressure panel) joins its series from the panel's component; the
//! panel's own series carries every component on each point.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::model::valid_loinc;
use crate::view::series_of;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let code = call.path_param("code").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ReadRecords,
            AuditResource::Observations(code.clone()),
        )
        .await?;
    if !valid_loinc(&code) {
        return Err(ApiError::invalid(
            "code",
            "must be a LOINC code such as 4548-4",
        ));
    }
    let store = deps.records();
    store.require_patient(&access).await?;
    let all = store.all_summaries(&access).await?;
    json(StatusCode::OK, &series_of(&all, &code))
}
