//! `PATCH /staff/providers/{providerId}`: the front desk corrects or updates a provider after
//! adding it (name, specialty, whether they accept new patients, the visit types they offer).
//! The id and the date added never change. Appointments already booked keep the provider name
//! they were booked with (it is copied into the appointment); removing a visit type stops new
//! bookings of it, not the visits already booked.

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::etag::required_if_match;
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::audit::Outcome as AuditOutcome;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::checks::provider_in_path;
use crate::requests::{ProviderChanges, provider_name, provider_specialty, provider_visit_types};
use crate::store::EditConflict;
use crate::view::provider_response;

/// Applies the changes if the provider is still the version the caller read (`If-Match`: 428
/// without it, 412 when someone edited it meanwhile). Checks run in the order of the schedule's
/// `PUT`: role, provider id, If-Match present, body, provider, If-Match current.
pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageSchedules).await?;
    let provider_id = provider_in_path(call)?;
    let expected = required_if_match(call)?;
    let changes: ProviderChanges = call.json_body()?;
    let mut errors = FieldErrors::new();
    let name = changes
        .name
        .as_deref()
        .map(|raw| provider_name(&mut errors, raw));
    let specialty = changes
        .specialty
        .as_deref()
        .map(|raw| provider_specialty(&mut errors, raw));
    let visit_types = changes
        .visit_types
        .map(|ids| provider_visit_types(&mut errors, ids));
    errors.finish()?;

    let providers = deps.providers();
    let mut provider = providers
        .provider(provider_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if provider.version != expected.0 {
        return Err(ApiError::PreconditionFailed);
    }
    if let Some(name) = name.flatten() {
        provider.name = name;
    }
    if let Some(specialty) = specialty.flatten() {
        provider.specialty = specialty;
    }
    if let Some(accepting) = changes.accepting_new_patients {
        provider.accepting_new_patients = accepting;
    }
    if let Some(visit_types) = visit_types {
        provider.visit_types = visit_types;
    }
    provider.version = expected.next().0;
    match providers.update(&provider, expected.0).await? {
        Ok(()) => {}
        Err(EditConflict::VersionChanged) => return Err(ApiError::PreconditionFailed),
    }
    authorizer
        .record_staff_action(
            call,
            &access,
            &AuditResource::Provider(provider_id.to_string()),
            AuditOutcome::Allowed,
        )
        .await?;
    provider_response(&provider)
}
