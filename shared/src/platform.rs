//! What every function's dependencies start from: the DynamoDB client, the tables, the cursor
//! key and the audit log, built once at start-up and passed to handlers by reference.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;

use crate::audit::AuditLog;
use crate::authz::Authorizer;
use crate::config::Settings;
use crate::cursor::CursorKey;

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
}
