//! `GET /patients/{patientId}/notification-preferences`: the caller's own channels for this
//! patient, defaults filled in, with the contacts they reach and the quiet hours.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::preferences::{self, Person};
use crate::routes::view::{PreferencesView, person_contacts};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ManageNotificationPreferences,
            AuditResource::NotificationPreferences,
        )
        .await?;
    let person = Person::calling(call.caller(), &access).ok_or(ApiError::NotFound)?;
    let prefs = preferences::load(deps, &access, &person).await?;
    let reach = person_contacts(deps, &access, &person).await?;
    json(
        StatusCode::OK,
        &PreferencesView::new(deps, prefs.as_ref(), reach),
    )
}
