//! What every function's dependencies start from: the DynamoDB client, the tables, the cursor
//! key, the audit log and the feature gate, built once at start-up and passed to handlers by
//! reference.

use std::sync::Arc;

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::features::switches::{Evaluation, Feature, Subject};
use crate::platform::config::Settings;
use crate::platform::cursor::CursorKeys;
use crate::platform::feature_gate::{Explanation, FeatureGate};
use crate::platform::http::{Call, Incoming, Route};
use crate::platform::revocation::RevocationList;
use crate::platform::secrets::{CachedSecret, CodeHasher, CodeHashingSecret};
use crate::policy::audit::{AuditContext, AuditLog, AuditResource};
use crate::policy::authz::{Action, Authorizer, JobAccess, JobRun, PatientAccess};
use crate::policy::caller::Caller;

#[derive(Clone)]
pub struct Platform {
    pub dynamo: Client,
    pub app_table: String,
    /// The audit table: written only through `audit`; read (Query) by the audit function.
    pub audit_table: String,
    /// The cursor-signing key ring (`CursorSigningSecret`, read on first use): seal and open
    /// cursors with it, and sign links (`CursorKeys::derived_key`, `CursorKeys::open_signed`).
    pub cursor_key: CursorKeys,
    /// The code-hashing secret, read on first use: see [`Platform::code_hasher`].
    pub code_hashing: CodeHashingSecret,
    pub audit: AuditLog,
    /// The routes this function's features own and the cached switches they are checked
    /// against (inside the authorizer). No routes unless [`Platform::with_feature_routes`].
    pub features: FeatureGate,
    /// The function's cached copy of the token revocation feed, checked by `http::dispatch` on
    /// every authenticated request (pass `&platform.revocations`).
    pub revocations: Arc<RevocationList>,
}

impl Platform {
    pub fn new(settings: &Settings, sdk: &SdkConfig) -> Self {
        if let Some(origin) = &settings.web_origin {
            crate::platform::cors::allow_web_origin(origin);
        }
        let dynamo = Client::new(sdk);
        let secrets = aws_sdk_secretsmanager::Client::new(sdk);
        Platform {
            code_hashing: CodeHashingSecret(CachedSecret::from_manager(
                "CodeHashingSecret",
                secrets.clone(),
                settings.code_hashing_secret.clone(),
                settings.secret_refresh,
            )),
            features: FeatureGate::from_settings(settings, &dynamo),
            revocations: Arc::new(RevocationList::from_settings(settings, &dynamo)),
            audit: AuditLog::new(
                dynamo.clone(),
                settings.audit_table.clone(),
                settings.audit_retention,
            ),
            dynamo,
            app_table: settings.app_table.clone(),
            audit_table: settings.audit_table.clone(),
            cursor_key: CursorKeys::new(CachedSecret::from_manager(
                "CursorSigningSecret",
                secrets,
                settings.cursor_signing_secret.clone(),
                settings.secret_refresh,
            )),
        }
    }

    /// The keyed hasher for one-time codes (activation, invitation and backup codes) and other
    /// values stored only as a keyed hash. The secret is fetched on the first call, then cached.
    pub async fn code_hasher(&self) -> Result<CodeHasher, ApiError> {
        self.code_hashing.hasher().await
    }

    /// Gates `routes` (the function's `FEATURE_ROUTES`): on each, the authorizer answers
    /// `feature-off` when the owning feature's switch is off for the caller and patient.
    pub fn with_feature_routes(mut self, routes: &'static [(Route, Feature)]) -> Self {
        self.features = self.features.with_routes(routes);
        self
    }

    pub fn authorizer(&self) -> Authorizer<'_> {
        Authorizer::new(&self.dynamo, &self.app_table, &self.audit).with_features(&self.features)
    }

    /// Every feature's evaluation for `caller` acting on `patient`'s data, as the gate would
    /// decide on the feature's routes (a patient or caregiver: for the patient; staff: their
    /// roles count too). For `GET /patients/{patientId}/features`: authorise first
    /// (`Action::ReadFeatures`); this reads nothing of the patient's, only the cached switches.
    pub async fn feature_states(
        &self,
        patient: PatientId,
        caller: &Caller,
    ) -> Result<Vec<(Feature, Evaluation)>, ApiError> {
        self.features
            .states(&Subject::of(caller, Some(patient)))
            .await
    }

    /// Why `patient` (as a patient: no staff role) does or does not see `feature`: the rule,
    /// the cohort, the bucket and the percentage. For the portal lead's and the response
    /// team's explain route: authorise first (`Action::ExplainFeature` on the patient).
    pub async fn explain(
        &self,
        feature: Feature,
        patient: PatientId,
    ) -> Result<Explanation, ApiError> {
        self.features.explain(feature, patient).await
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
    fn route_method(&self) -> &str {
        Incoming::method(self).as_str()
    }
}
