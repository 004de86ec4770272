//! `POST /patients/{patientId}/imports` — a FHIR R4 Bundle (the body as it is, `application/fhir+json`
//! or `application/json`) into the patient's record.
//!
//! Query: `source` names the organisation when the bundle does not; `confirmPatientMismatch=true`
//! (practice staff only) imports a bundle whose Patient differs from the profile.
//! Order: authorise (audited) → size (413) → JSON (400) → FHIR structure (422 naming the
//! entries; nothing written) → patient check (409) → records in batches → the import's report
//! with the Idempotency-Key record in one transaction. Record ids are derived from the source's
//! ids, so a retry after a failure part-way rewrites the same items: no duplicates.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ImportId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::model::{ImportedBy, StoredImport};
use crate::plan::{check_patient, plan};
use crate::requests::Upload;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ImportRecords, AuditResource::RecordImports)
        .await?;
    let store = deps.records();
    let idempotency = Idempotency::from_call(call)?;
    if let Some(first) = store.earlier_response(idempotency.as_ref()).await? {
        return first.render(true);
    }
    let upload = Upload::from_call(call, &access)?;

    let profile = store
        .profile_identity(&access)
        .await?
        .ok_or(ApiError::NotFound)?;
    let check = check_patient(
        &upload.bundle,
        &profile.family,
        &profile.born,
        upload.mismatch_confirmed,
    )
    .map_err(mismatch)?;

    let now = Timestamp::now();
    let import_id = ImportId::generate();
    let planned = plan(
        &upload.bundle,
        access.patient(),
        upload.named_source.as_deref(),
        check,
        import_id,
        now,
    );
    drop(upload);
    store.put_all(&access, &planned.records).await?;

    let body = serde_json::to_string(&planned.report).map_err(ApiError::internal)?;
    let report = StoredImport {
        import_id,
        imported_by: call.caller().sub.as_str().to_owned(),
        imported_as: Some(ImportedBy {
            relationship: access.relationship().as_str().to_owned(),
            name: call.caller().display_name.clone(),
        }),
        imported_at: now,
        report: body.clone(),
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body,
        location: None,
        etag: None,
        patient_id: Some(access.patient()),
    };
    match store
        .create_import_report(&access, &report, idempotency.as_ref(), response)
        .await?
    {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}

/// 409: the bundle's patient is not the profile's, and nothing was imported.
fn mismatch(differences: Vec<&'static str>) -> ApiError {
    ApiError::Conflict(format!(
        "The bundle's patient does not match this patient's profile ({} differ{}). Nothing \
         was imported. Check that this is the right file; practice staff who have checked \
         it may import it with confirmPatientMismatch=true.",
        differences.join(" and "),
        if differences.len() == 1 { "s" } else { "" },
    ))
}
