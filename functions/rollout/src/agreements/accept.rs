//! `POST /account/agreements/{kind}/acceptance`: the caller accepts the current version.
//! Accepting it again changes nothing (200, the first `acceptedAt`); an older version, or a
//! kind that does not apply to the caller, is refused (409).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::caller::Caller;

use super::model::{Acceptance, AcceptanceRequest, AgreementKind};
use super::repo::AgreementStore;
use crate::Deps;

pub async fn accept(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let caller = call.caller();
    let kind = super::kind_in_path(call)?;
    let request: AcceptanceRequest = call.json_body()?;
    let store = super::store(deps);
    if !applies_to(&store, caller, kind).await? {
        return Err(ApiError::Conflict(format!(
            "The {} are for patients in a beta cohort; they do not apply to this account.",
            kind.slug()
        )));
    }
    let Some(current) = store.current(kind).await?.map(|current| current.version) else {
        return Err(ApiError::Conflict(format!(
            "No version of the {} is published: there is nothing to accept.",
            kind.slug()
        )));
    };
    if current != request.version {
        return Err(not_current(kind, request.version, Some(current)));
    }
    let version = request.version;
    if let Some(done) = already_accepted(&store, caller, kind, version).await? {
        return json(StatusCode::OK, &done);
    }
    let acceptance = Acceptance {
        kind,
        version,
        accepted_at: Timestamp::now(),
    };
    match store.accept(&caller.sub, &acceptance).await? {
        Ok(()) => json(StatusCode::CREATED, &acceptance),
        // Accepted at the same moment from another device, or a newer version meanwhile.
        Err(LostWrite::Changed | LostWrite::Contention) => {
            match already_accepted(&store, caller, kind, version).await? {
                Some(done) => json(StatusCode::OK, &done),
                None => Err(not_current(kind, request.version, None)),
            }
        }
    }
}

/// Whether `kind` applies to the caller: the beta terms only to a patient in a beta cohort.
async fn applies_to(
    store: &AgreementStore<'_>,
    caller: &Caller,
    kind: AgreementKind,
) -> Result<bool, ApiError> {
    if kind.applies(false) {
        return Ok(true);
    }
    match caller.patient_id {
        Some(own) => Ok(kind.applies(store.in_beta_cohort(own).await?)),
        None => Ok(false),
    }
}

/// The caller's acceptance of exactly this version, if it is on record.
async fn already_accepted(
    store: &AgreementStore<'_>,
    caller: &Caller,
    kind: AgreementKind,
    version: u64,
) -> Result<Option<Acceptance>, ApiError> {
    Ok(store
        .acceptance(&caller.sub, kind)
        .await?
        .filter(|acceptance| acceptance.version == version))
}

fn not_current(kind: AgreementKind, asked: u64, current: Option<u64>) -> ApiError {
    ApiError::Conflict(match current {
        Some(current) => format!(
            "`version` {asked} of the {} is not the current version ({current}); read \
             GET /account/agreements again and accept what it shows.",
            kind.slug()
        ),
        None => format!(
            "`version` {asked} of the {} is not the current version; read GET \
             /account/agreements again and accept what it shows.",
            kind.slug()
        ),
    })
}
