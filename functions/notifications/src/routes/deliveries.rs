//! `GET /staff/patients/{patientId}/notification-deliveries`: what the portal tried to send
//! about a patient, newest first (never the content or the address), and whether the contacts
//! on file can be reached.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::contacts::{self, ContactsView};
use crate::delivery_log::{self, DeliveryView};

/// `NotificationDeliveryPage`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryPage {
    items: Vec<DeliveryView>,
    contacts: ContactsView,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ReadNotificationDeliveries,
            AuditResource::NotificationDeliveries,
        )
        .await?;
    let patient = access.patient();
    let cursor_key = &deps.platform.cursor_key;
    let page =
        PageRequest::from_call(call, delivery_log::cursor_scope(patient), cursor_key).await?;
    // A well-formed id of nobody is 404, as on every patient route.
    let found = contacts::read_contacts(deps, &access)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (items, last_key) =
        delivery_log::list(deps, patient, page.limit, page.start_after.clone()).await?;
    let contacts =
        contacts::contacts_view(deps, found.email.as_ref(), found.phone.as_ref()).await?;
    let page = page.page(items, last_key, cursor_key).await?;
    json(
        StatusCode::OK,
        &DeliveryPage {
            items: page.items,
            contacts,
            next_cursor: page.next_cursor,
        },
    )
}
