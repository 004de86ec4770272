//! `POST /patients/{patientId}/imports` — a FHIR R4 Bundle (the body as it is, `application/fhir+json`
//! or `application/json`) into the patient's record.
//!
//! Query: `source` names the organisation when the bundle does not; `confirmPatientMismatch=true`
//! (practice staff only) imports a bundle whose Patient differs from the profile.
//! Order: authorise (audited) → size (413) → JSON (400) → FHIR structure (422 naming the
//! entries; nothing written) → patient check (409) → records in batches → the import's report
//! with the Idempotency-Key record in one transaction. Record ids are derived from the source's
//! ids, so a retry after a failure part-way rewrites the same items: no duplicates.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ImportId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, Relationship};

use crate::Deps;
use crate::fhir::Bundle;
use crate::plan::{PatientCheck, patient_differences, plan};
use crate::repo::Records;
use crate::reports::{ImportedBy, StoredImport};

/// What one request may carry: under Lambda's 6 MB synchronous request, in which the body is a
/// JSON string (its quotes, backslashes and line breaks escaped), with room for the event
/// around it and the 7-20% escaping adds to typical bundles. A few thousand typical entries fit.
/// A body that escaping takes past Lambda's limit never reaches us: API Gateway answers 413.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
const MAX_SOURCE_NAME: usize = 200;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ImportRecords,
            &AuditResource::RecordImports,
        )
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency
            .lookup(&deps.platform.dynamo, &deps.platform.app_table)
            .await?
    {
        return first.render(true);
    }
    let content_type = call.header("content-type").unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !(essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("application/fhir+json"))
    {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = call.body_bytes();
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_IMPORT_BYTES,
        });
    }
    let named_source = match call.query("source") {
        None => None,
        Some(raw) => {
            let name = raw.trim().to_owned();
            if name.is_empty() || name.chars().count() > MAX_SOURCE_NAME {
                return Err(ApiError::invalid(
                    "source",
                    format!("must be 1 to {MAX_SOURCE_NAME} characters"),
                ));
            }
            Some(name)
        }
    };
    let confirm = match call.query("confirmPatientMismatch").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::invalid(
                "confirmPatientMismatch",
                "must be true or false",
            ));
        }
    };
    if confirm && !matches!(access.relationship(), Relationship::Staff(_)) {
        return Err(ApiError::Forbidden(
            "Only practice staff may import a bundle whose patient does not match the profile.",
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid("body", "a FHIR Bundle is required"));
    }
    let document: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|_| ApiError::Malformed("the body is not valid JSON".into()))?;
    let bundle = Bundle::parse(document)?;

    let records = Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    let (family, born) = records
        .profile_identity(&access)
        .await?
        .ok_or(ApiError::NotFound)?;
    let differences = patient_differences(&bundle, &family, &born);
    let check = if bundle.of_type("Patient").next().is_none() {
        PatientCheck::NoPatientInBundle
    } else if differences.is_empty() {
        PatientCheck::Matched
    } else if confirm {
        PatientCheck::MismatchConfirmedByStaff
    } else {
        return Err(ApiError::Conflict(format!(
            "The bundle's patient does not match this patient's profile ({} differ{}). Nothing \
             was imported. Check that this is the right file; practice staff who have checked \
             it may import it with confirmPatientMismatch=true.",
            differences.join(" and "),
            if differences.len() == 1 { "s" } else { "" },
        )));
    };

    let now = Timestamp::now();
    let import_id = ImportId::generate();
    let planned = plan(
        &bundle,
        patient,
        named_source.as_deref(),
        check,
        import_id,
        now,
    );
    drop(bundle);
    records.put_all(&access, &planned.records).await?;

    let body = serde_json::to_string(&planned.report).map_err(ApiError::internal)?;
    let stored = StoredImport {
        import_id,
        imported_by: call.caller().sub.as_str().to_owned(),
        imported_as: Some(ImportedBy {
            relationship: access.relationship().as_str().to_owned(),
            name: call.caller().display_name.clone(),
        }),
        imported_at: now,
        report: body.clone(),
    };
    let put = Put::builder()
        .table_name(&deps.platform.app_table)
        .set_item(Some(store::to_item(
            &keys::health_record_import(patient, import_id),
            &stored,
        )?))
        .condition_expression("attribute_not_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body,
        location: None,
        etag: None,
        patient_id: Some(patient),
    };
    match create_once(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        idempotency.as_ref(),
        vec![TransactWriteItem::builder().put(put).build()],
        response,
    )
    .await?
    {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}
