//! `GET /patients/{patientId}/access-log`: the patient's accounting of disclosures.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{EventId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::audit::{AuditEvent, Outcome};
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::Caller;
use serde::Serialize;

use crate::Deps;
use crate::describe::{self, ActorView};

/// One line of the access log. No actor sub, request id or roles: only what the patient may
/// know about who it was.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogEntry {
    pub event_id: EventId,
    pub at: Timestamp,
    pub action: String,
    pub description: String,
    pub resource: String,
    pub outcome: Outcome,
    pub actor: ActorView,
}

impl AccessLogEntry {
    fn new(event: &AuditEvent, viewer: &Caller) -> Self {
        AccessLogEntry {
            event_id: event.event_id,
            at: event.at,
            action: event.action.clone(),
            description: describe::description_of(&event.action, &event.resource),
            resource: event.resource.clone(),
            outcome: event.outcome,
            actor: describe::actor(event, viewer),
        }
    }
}

/// The cursor scope: a cursor works only for this patient's log.
fn scope(patient: PatientId) -> String {
    format!("access-log:{patient}")
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadAccessLog, AuditResource::AccessLog)
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, scope(access.patient()), cursor_key).await?;
    let (events, last_key) = deps.trail().access_log(&access, &page).await?;
    let entries = events
        .iter()
        .map(|event| AccessLogEntry::new(event, call.caller()))
        .collect();
    json(
        StatusCode::OK,
        &page.page(entries, last_key, cursor_key).await?,
    )
}
