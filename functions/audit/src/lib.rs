//! The audit function: the audit trail as people read it.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `GET /patients/{patientId}/access-log` — the patient's accounting of disclosures: who read
//!   or changed what in their record, and who was refused, newest first.
//! - `GET /admin/audit` — administrators search the whole trail by actor or by patient, within
//!   a time range, newest first.
//!
//! The function only reads the audit table (Query) and appends to it through
//! `AuditLog::record` (every read of the trail is itself an audited access).

mod access_log;
mod admin;
mod describe;
mod repo;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};

use crate::repo::AuditTrail;

pub const ACCESS_LOG: Route = Route::new("GET", "/patients/{patientId}/access-log");
pub const ADMIN_AUDIT: Route = Route::new("GET", "/admin/audit");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[ACCESS_LOG, ADMIN_AUDIT];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
}

impl Deps {
    pub fn new(settings: &Settings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk),
        }
    }

    fn trail(&self) -> AuditTrail<'_> {
        AuditTrail::new(&self.platform.dynamo, &self.platform.audit_table)
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(ACCESS_LOG) {
            access_log::handle(deps, &call).await
        } else if call.is(ADMIN_AUDIT) {
            admin::handle(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
