//! `PUT /rollout/agreements/{kind}`: publishes a new version (the current + 1). The versions
//! before it are kept; every account is asked to accept the new one at its next sign-in.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::Action;

use super::model::{Agreement, AgreementKind, Publication, next_version};
use crate::Deps;

/// What the audit trail names: one version of one kind (no patient's data).
pub fn audit_resource(kind: AgreementKind, version: u64) -> AuditResource {
    AuditResource::Route(format!("agreements/{}/v{version}", kind.slug()))
}

pub async fn publish(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageAgreements).await?;
    let kind = super::kind_in_path(call)?;
    let publication = call.json_body::<Publication>()?.checked()?;

    let store = super::store(deps);
    let current = store.current(kind).await?;
    let next = next_version(current.as_ref());
    if let Some(wanted) = publication.version
        && wanted != next
    {
        return Err(ApiError::Conflict(format!(
            "`version` {wanted} cannot be published: the current version is {}, so the next \
             is {next}. Read the agreements again before publishing.",
            next - 1
        )));
    }
    let agreement = Agreement {
        kind,
        version: next,
        title: publication.title,
        body: publication.body,
        published_at: Timestamp::now(),
        published_by: call.caller().sub.clone(),
    };
    if store.publish(&access, &agreement).await?.is_err() {
        return Err(ApiError::Conflict(format!(
            "Another version of the {} was published at the same moment; read the agreements \
             again and publish yours as the next version.",
            kind.slug()
        )));
    }
    authorizer
        .record_staff_action(call, &access, &audit_resource(kind, next), Outcome::Allowed)
        .await?;
    json_with_headers(
        StatusCode::OK,
        &agreement,
        &[(header::ETAG, Version(next).etag())],
    )
}
