//! What every function's dependencies start from: the DynamoDB client, the tables, the cursor
//! key and the audit log, built once at start-up and passed to handlers by reference.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::platform::config::Settings;
use crate::platform::cursor::CursorKey;
use crate::platform::http::{Call, Incoming};
use crate::policy::audit::{AuditContext, AuditLog, AuditResource};
use crate::policy::authz::{Action, Authorizer, JobAccess, JobRun, PatientAccess};
use crate::policy::caller::Caller;

#[derive(Clone)]
pub struct Platform {
    pub dynamo: Client,
    pub app_table: String,
    /// The audit table: written only through `audit`; read (Query) by the audit function.
    pub audit_table: String,
    pub cursor_key: CursorKey,
    pub audit: AuditLog,
}

impl Platform {
    pub fn new(settings: &Settings, sdk: &SdkConfig) -> Self {
        if let Some(origin) = &settings.web_origin {
            crate::platform::cors::allow_web_origin(origin);
        }
        let dynamo = Client::new(sdk);
        Platform {
            audit: AuditLog::new(
                dynamo.clone(),
                settings.audit_table.clone(),
                settings.audit_retention,
            ),
            dynamo,
            app_table: settings.app_table.clone(),
            audit_table: settings.audit_table.clone(),
            cursor_key: settings.cursor_key.clone(),
        }
    }

    pub fn authorizer(&self) -> Authorizer<'_> {
        Authorizer::new(&self.dynamo, &self.app_table, &self.audit)
    }

    /// The one call a patient route starts with: the patient named by `{patientId}` (`me` for
    /// the caller's own), authorised for `action` and audited as an access to `resource`.
    /// A malformed or foreign patient is 404, a role that may not is 403.
    pub async fn authorize_patient_in_path(
        &self,
        call: &Call,
        action: Action,
        resource: AuditResource,
    ) -> Result<PatientAccess, ApiError> {
        let patient = call.patient_in_path()?;
        self.authorizer()
            .patient(call, patient, action, &resource)
            .await
    }

    /// The one call a practice job makes before it reads or writes a patient's data: `run`'s
    /// job, allowed `action` by its rule, audited as an access to `resource`.
    pub async fn authorize_job(
        &self,
        run: &JobRun,
        patient: PatientId,
        action: Action,
        resource: AuditResource,
    ) -> Result<JobAccess, ApiError> {
        self.authorizer().job(run, patient, action, &resource).await
    }
}

/// What the audit trail records of a request comes from the HTTP layer's call; the impl lives
/// here, where the layers meet, so that neither the policy nor the HTTP layer depends on the
/// other.
impl AuditContext for Call {
    fn caller(&self) -> &Caller {
        Call::caller(self)
    }
    fn request_id(&self) -> &str {
        Incoming::request_id(self)
    }
    fn route_path(&self) -> &str {
        Incoming::route_path(self)
    }
}
