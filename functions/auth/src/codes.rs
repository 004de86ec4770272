//! The front desk's routes: issue, list and revoke a patient's activation codes.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ActivationCodeId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Channel;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::delivery::check_contact;
use crate::model::{CodeView, ShownStatus, Status};
use portal_shared::features::activation::{self, NewCode};

pub use portal_shared::features::activation::{DEFAULT_EXPIRES_IN_DAYS, MAX_EXPIRES_IN_DAYS};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct IssueRequest {
    #[serde(default)]
    expires_in_days: Option<u32>,
    /// Send the code to the contact on file instead of showing it.
    #[serde(default)]
    deliver_by: Option<Channel>,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Issued<'a> {
    code_id: ActivationCodeId,
    /// Only in the first response, and only when it is not sent: the code is stored as a hash
    /// alone.
    code: Option<&'a str>,
    delivered_by: Option<Channel>,
    expires: Timestamp,
}

/// The patient in the path, authorised for managing their codes and audited as `resource`.
async fn access(
    deps: &Deps,
    call: &Call,
    resource: AuditResource,
) -> Result<PatientAccess, ApiError> {
    deps.platform
        .authorize_patient_in_path(call, Action::ManageActivationCodes, resource)
        .await
}

/// `POST /staff/patients/{patientId}/activation-codes`: the code is shown once, or with
/// `deliverBy` sent (never shown) to the patient's contact on file by an outbox record written
/// with it.
pub async fn issue(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = access(deps, call, AuditResource::ActivationCodes).await?;
    let idempotency = Idempotency::from_call(call)?;
    let request: IssueRequest = if call.body_bytes().iter().all(u8::is_ascii_whitespace) {
        IssueRequest::default()
    } else {
        call.json_body()?
    };
    let days = request.expires_in_days.unwrap_or(DEFAULT_EXPIRES_IN_DAYS);
    if !(1..=MAX_EXPIRES_IN_DAYS).contains(&days) {
        return Err(ApiError::invalid(
            "expiresInDays",
            format!("must be a whole number of days from 1 to {MAX_EXPIRES_IN_DAYS}"),
        ));
    }
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let store = deps.codes();
    let facts = store
        .issuing_facts(&access)
        .await?
        .ok_or(ApiError::NotFound)?;
    if facts.portal_account.is_some() {
        return Err(ApiError::Conflict(
            "This patient has activated a portal account already; they sign in with it.".into(),
        ));
    }
    if let Some(channel) = request.deliver_by {
        check_contact(dynamo, table, &facts, channel).await?;
    }

    let now = Timestamp::now();
    let expires = activation::expiry(now, days);
    let by = call.caller().sub.clone();
    let hasher = deps.platform.code_hasher().await?;
    let new = NewCode::by_staff(&hasher, &access, &by, expires, request.deliver_by, now)?;
    let record = &new.record;
    // What a retry with the same Idempotency-Key gets: everything but the code, which is
    // never stored in a usable form.
    let replay = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&Issued {
            code_id: record.code_id,
            code: None,
            delivered_by: request.deliver_by,
            expires,
        })
        .map_err(ApiError::internal)?,
        location: None,
        etag: None,
        patient_id: Some(record.patient_id),
    };
    let items = new.writes(table)?;
    match create_once(dynamo, table, idempotency.as_ref(), items, replay).await? {
        Outcome::Created(_) => json(
            StatusCode::CREATED,
            &Issued {
                code_id: record.code_id,
                // Sent codes are never shown: only the patient's inbox or phone sees them.
                code: new.sent.is_none().then(|| new.code.display()).as_deref(),
                delivered_by: request.deliver_by,
                expires,
            },
        ),
        Outcome::Replayed(first) => first.render(true),
    }
}

/// `GET /staff/patients/{patientId}/activation-codes`: newest first, never the code.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = access(deps, call, AuditResource::ActivationCodes).await?;
    let page = PageRequest::from_call(
        call,
        format!("activation-codes:{}", access.patient()),
        &deps.platform.cursor_key,
    )
    .await?;
    let (records, last) = deps
        .codes()
        .codes(&access, page.limit, page.start_after.clone())
        .await?;
    let now = Timestamp::now();
    let views: Vec<CodeView> = records.iter().map(|r| CodeView::new(r, now)).collect();
    json(
        StatusCode::OK,
        &page.page(views, last, &deps.platform.cursor_key).await?,
    )
}

/// `POST /staff/patients/{patientId}/activation-codes/{codeId}/revoke`: takes effect at once.
pub async fn revoke(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw = call.path_param("codeId").unwrap_or_default();
    let access = access(deps, call, AuditResource::ActivationCode(raw.to_string())).await?;
    let code_id = ActivationCodeId::parse(&raw).ok_or(ApiError::NotFound)?;
    let store = deps.codes();
    let mut record = store
        .code(&access, code_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = Timestamp::now();
    if record.shown_status(now) != ShownStatus::Issued {
        return Err(ApiError::Conflict(format!(
            "Only an issued code can be revoked; this one is {}.",
            serde_json::to_value(record.shown_status(now))
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        )));
    }
    let by = call.caller().sub.clone();
    match store.revoke(&access, &record, &by, now).await? {
        Ok(()) => {}
        Err(LostWrite::Changed) => {
            return Err(ApiError::Conflict(
                "The code was used, locked or revoked meanwhile; list the codes again.".into(),
            ));
        }
        Err(LostWrite::Contention) => {
            return Err(ApiError::Conflict(
                "The code is being changed right now; retry.".into(),
            ));
        }
    }
    record.status = Status::Revoked;
    record.revoked_at = Some(now);
    record.revoked_by = Some(by);
    json(StatusCode::OK, &CodeView::new(&record, now))
}
