//! The provider directory and the visit types: `GET /visit-types`, `GET /providers`,
//! `GET /providers/{providerId}`, `POST /staff/providers` (edits: `provider_edit`). None of
//! this is a patient's data: any signed-in caller may read it; only the front desk adds
//! providers.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ProviderId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::audit::Outcome as AuditOutcome;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::checks::provider_in_path;
use crate::model::Provider;
use crate::model::schedule::{VISIT_TYPES, VisitType};
use crate::requests::{NewProvider, provider_name, provider_specialty, provider_visit_types};
use crate::view::provider_response;

#[derive(Serialize)]
struct VisitTypes {
    items: &'static [VisitType],
}

pub fn visit_types(_call: &Call) -> Result<Response<Body>, ApiError> {
    json(StatusCode::OK, &VisitTypes { items: VISIT_TYPES })
}

/// `?specialty=&acceptingNewPatients=true|false` filter the directory (a practice's directory
/// is small: Queries of the directory's index partition, in name order). The directory is read
/// on until the page is full or the directory ends, so a filter never gives a short page with a
/// cursor; the cursor is the key of the last provider answered, so the next page resumes just
/// after it whatever the filter skipped.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let mut errors = FieldErrors::new();
    let accepting = match call.query("acceptingNewPatients").as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.add("acceptingNewPatients", "must be true or false");
            None
        }
    };
    let specialty = call.query("specialty").map(|s| s.trim().to_lowercase());
    let page = PageRequest::from_call(call, "providers".into(), &deps.platform.cursor_key).await;
    let page = match page {
        Ok(page) => Some(page),
        Err(ApiError::Invalid(found)) => {
            for error in found {
                errors.add(error.field, error.message);
            }
            None
        }
        Err(other) => return Err(other),
    };
    errors.finish()?;
    let Some(page) = page else {
        return Err(ApiError::internal("page request missing"));
    };
    let matches = |p: &Provider| {
        specialty
            .as_ref()
            .is_none_or(|s| p.specialty.to_lowercase() == *s)
            && accepting.is_none_or(|a| p.accepting_new_patients == a)
    };
    let (items, last) = deps
        .providers()
        .directory(page.limit, page.start_after.clone(), matches)
        .await?;
    json(
        StatusCode::OK,
        &page.page(items, last, &deps.platform.cursor_key).await?,
    )
}

pub async fn get(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let provider = provider_in_path(call)?;
    let found = deps
        .providers()
        .provider(provider)
        .await?
        .ok_or(ApiError::NotFound)?;
    provider_response(&found)
}

pub async fn add(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageSchedules).await?;
    let request: NewProvider = call.json_body()?;
    let mut errors = FieldErrors::new();
    let name = provider_name(&mut errors, &request.name);
    let specialty = provider_specialty(&mut errors, &request.specialty);
    let visit_types = provider_visit_types(&mut errors, request.visit_types);
    errors.finish()?;
    let (Some(name), Some(specialty)) = (name, specialty) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    let idempotency = Idempotency::from_call(call)?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let provider = Provider {
        provider_id: ProviderId::generate(),
        name,
        specialty,
        accepting_new_patients: request.accepting_new_patients,
        visit_types,
        created_at: Timestamp::now(),
        version: Version::FIRST.0,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&provider).map_err(ApiError::internal)?,
        location: Some(call.link(&format!("/providers/{}", provider.provider_id))),
        etag: Some(Version::FIRST.etag()),
        patient_id: None,
    };
    let items = deps.providers().create(&provider)?;
    match create_once(dynamo, table, idempotency.as_ref(), items, response).await? {
        Outcome::Created(created) => {
            authorizer
                .record_staff_action(
                    call,
                    &access,
                    &AuditResource::Provider(provider.provider_id.to_string()),
                    AuditOutcome::Allowed,
                )
                .await?;
            created.render(false)
        }
        Outcome::Replayed(first) => first.render(true),
    }
}
