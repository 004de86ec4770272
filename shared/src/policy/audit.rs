//! The audit trail: one event per access to a patient's data, allowed or denied.
//!
//! Events are only ever put (the functions' IAM allows nothing else on the audit table) and
//! carry `expiresAt` past the retention period, so they are kept at least six years.
//! An event is written *before* the data is touched: if it cannot be written, the request fails
//! and nothing is read or changed, so there is never an unaudited access. Staff work lists are
//! the exception that proves the rule: which patients a page reaches is known only once the
//! page is read, so their events are written after the read and before the response.

use std::fmt;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::{EventId, PatientId};
use crate::domain::timestamp::Timestamp;
use crate::platform::keys;
use crate::platform::store;
use crate::policy::caller::{Caller, Role, UserSub};

/// Actions audited outside the authorizer (a public route, where no caller has a role yet):
/// a patient activating their account, a caregiver accepting an invitation.
pub const ACTIVATE_ACCOUNT: &str = "account.activate";
pub const ACCEPT_CARE_INVITATION: &str = "care-circle.accept";

/// What the policy needs to know of a request to record an access: who is calling, which
/// request it was, and the route it came in on. The HTTP layer's `Call` provides it; the policy
/// does not depend on HTTP.
pub trait AuditContext {
    fn caller(&self) -> &Caller;
    fn request_id(&self) -> &str;
    /// The API Gateway resource path, e.g. `/staff/providers`.
    fn route_path(&self) -> &str;
    /// The HTTP method of the route (`GET`): with [`AuditContext::route_path`], the route a
    /// feature switch may gate. A context without one (empty) is on no gated route.
    fn route_method(&self) -> &str {
        ""
    }
}

/// What an access was about, as the patient's access log and the audit search name it. Every
/// kind is here, so no call site makes up a resource string. Ids are kept as they were asked
/// for: a refused malformed id is logged as it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditResource {
    Profile,
    ProfileChange(String),
    ActivationCodes,
    ActivationCode(String),
    AccessLog,
    CareCircle,
    CareCircleMember(String),
    /// A caregiver looking up whom they act for.
    ActingFor,
    Records,
    Record(String),
    RecordSources,
    RecordSummary,
    /// One observation series, by its code.
    Observations(String),
    RecordImports,
    RecordImport(String),
    RecordResults,
    RecordExport,
    Conversations,
    Conversation(String),
    Appointments,
    Appointment(String),
    Provider(String),
    ProviderSchedule(String),
    /// The audit trail itself (an administrator's search that reached a patient's events).
    AuditTrail,
    /// The practice's staff accounts as a whole (listing, creating).
    StaffAccounts,
    /// A staff account (`what`: the part changed, e.g. `roles`, or empty for the account).
    StaffAccount {
        sub: String,
        what: String,
    },
    /// A patient's portal account (activation).
    PortalAccount,
    /// The authenticator app (MFA) of a patient's portal account (a front-desk reset).
    Mfa,
    /// The lock of the patient's own portal account (locking, unlocking, reading it).
    AccountLock,
    /// The lock of a caregiver's account (by `sub`), audited on each patient they act for.
    CaregiverLock(String),
    /// The authenticator app (MFA) of a caregiver's account (by `sub`), reset by the front desk;
    /// audited on each patient they act for.
    CaregiverMfa(String),
    /// The caller's (or, through an unsubscribe link, a person's) channels per notification kind.
    NotificationPreferences,
    /// What the portal tried to send about a patient (never the content).
    NotificationDeliveries,
    /// A patient's contact details (read by the sender to reach them).
    Contacts,
    /// A patient's suggestions of feature ideas (suggesting one; the staff queue).
    Suggestions,
    /// One suggestion of a patient (deciding it).
    Suggestion(String),
    /// The polls a patient is asked to answer (listing them, with their own ballots).
    Polls,
    /// A patient's ballot in one poll (casting or replacing it).
    PollBallot(String),
    /// A patient's refill requests (listing them, asking for one, the staff queue).
    Refills,
    /// One refill request (reading, withdrawing, reviewing, deciding, marking sent).
    Refill(String),
    /// A patient's medications as refill candidates (which may be renewed, and why not).
    RefillMedications,
    /// The practice's pharmacy directory (searching it, adding to it).
    Pharmacies,
    /// One pharmacy of the directory (retiring it).
    Pharmacy(String),
    /// A patient's health education (their matched and assigned topics; assigning one).
    Education,
    /// One topic as a patient's (reading it, voting on it, taking its assignment back).
    EducationTopic(String),
    /// One topic of the practice's education library (adding, editing, retiring it).
    LibraryTopic(String),
    /// A staff route refused to a caller without the role: the route, since no object was
    /// reached.
    Route(String),
}

impl AuditResource {
    pub fn record(id: impl fmt::Display) -> Self {
        AuditResource::Record(id.to_string())
    }
    pub fn appointment(id: impl fmt::Display) -> Self {
        AuditResource::Appointment(id.to_string())
    }
    pub fn conversation(id: impl fmt::Display) -> Self {
        AuditResource::Conversation(id.to_string())
    }
}

impl fmt::Display for AuditResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditResource::Profile => f.write_str("profile"),
            AuditResource::ProfileChange(id) => write!(f, "profile-change/{id}"),
            AuditResource::ActivationCodes => f.write_str("activation-codes"),
            AuditResource::ActivationCode(id) => write!(f, "activation-code/{id}"),
            AuditResource::AccessLog => f.write_str("access-log"),
            AuditResource::CareCircle => f.write_str("care-circle"),
            AuditResource::CareCircleMember(id) => write!(f, "care-circle/{id}"),
            AuditResource::ActingFor => f.write_str("care-circle/acting-for"),
            AuditResource::Records => f.write_str("records"),
            AuditResource::Record(id) => write!(f, "records/{id}"),
            AuditResource::RecordSources => f.write_str("records/sources"),
            AuditResource::RecordSummary => f.write_str("records/summary"),
            AuditResource::Observations(code) => write!(f, "records/observations/{code}"),
            AuditResource::RecordImports => f.write_str("records/imports"),
            AuditResource::RecordImport(id) => write!(f, "records/imports/{id}"),
            AuditResource::RecordResults => f.write_str("records/results"),
            AuditResource::RecordExport => f.write_str("records/export"),
            AuditResource::Conversations => f.write_str("conversations"),
            AuditResource::Conversation(id) => write!(f, "conversation/{id}"),
            AuditResource::Appointments => f.write_str("appointments"),
            AuditResource::Appointment(id) => write!(f, "appointments/{id}"),
            AuditResource::Provider(id) => write!(f, "providers/{id}"),
            AuditResource::ProviderSchedule(id) => write!(f, "providers/{id}/schedule"),
            AuditResource::AuditTrail => f.write_str("audit-trail"),
            AuditResource::StaffAccounts => f.write_str("staff"),
            AuditResource::StaffAccount { sub, what } if what.is_empty() => {
                write!(f, "staff/{sub}")
            }
            AuditResource::StaffAccount { sub, what } => write!(f, "staff/{sub}/{what}"),
            AuditResource::PortalAccount => f.write_str("portal-account"),
            AuditResource::Mfa => f.write_str("portal-account/mfa"),
            AuditResource::AccountLock => f.write_str("account-lock"),
            AuditResource::CaregiverLock(sub) => write!(f, "caregiver-lock/{sub}"),
            AuditResource::CaregiverMfa(sub) => write!(f, "caregiver-mfa/{sub}"),
            AuditResource::NotificationPreferences => f.write_str("notification-preferences"),
            AuditResource::NotificationDeliveries => f.write_str("notification-deliveries"),
            AuditResource::Contacts => f.write_str("contacts"),
            AuditResource::Suggestions => f.write_str("suggestions"),
            AuditResource::Suggestion(id) => write!(f, "suggestions/{id}"),
            AuditResource::Polls => f.write_str("polls"),
            AuditResource::PollBallot(id) => write!(f, "polls/{id}/ballot"),
            AuditResource::Refills => f.write_str("refills"),
            AuditResource::Refill(id) => write!(f, "refills/{id}"),
            AuditResource::RefillMedications => f.write_str("refills/medications"),
            AuditResource::Pharmacies => f.write_str("pharmacies"),
            AuditResource::Pharmacy(id) => write!(f, "pharmacies/{id}"),
            AuditResource::Education => f.write_str("education"),
            AuditResource::EducationTopic(id) => write!(f, "education/{id}"),
            AuditResource::LibraryTopic(id) => write!(f, "education/topics/{id}"),
            AuditResource::Route(path) => f.write_str(path),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Allowed,
    Denied,
}

/// One audit event, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub event_id: EventId,
    pub at: Timestamp,
    pub actor_sub: UserSub,
    /// Cognito groups of the actor at the time.
    pub actor_roles: Vec<String>,
    /// For the patient's access log (staff names); never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// How the actor relates to the patient: own, caregiver, staff, none.
    pub relationship: String,
    /// For `staff`: the staff role (Cognito group) the access was allowed under. Absent on
    /// other events (and on staff events recorded before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<PatientId>,
    /// What was attempted, e.g. `profile.read`.
    pub action: String,
    /// What it was attempted on, e.g. `profile` or `profile-change/<id>`.
    pub resource: String,
    pub outcome: Outcome,
    pub request_id: String,
}

impl AuditEvent {
    /// Records the staff role an allowed access was made under.
    pub fn acting_as(mut self, role: Option<Role>) -> Self {
        self.actor_role = role.map(|role| role.group().to_owned());
        self
    }

    pub fn new(
        caller: &Caller,
        relationship: &str,
        patient: Option<PatientId>,
        action: &str,
        resource: &AuditResource,
        outcome: Outcome,
        request_id: &str,
    ) -> Self {
        AuditEvent {
            event_id: EventId::generate(),
            at: Timestamp::now(),
            actor_sub: caller.sub.clone(),
            actor_roles: caller.roles.iter().map(|r| r.group().to_owned()).collect(),
            actor_name: caller.display_name.clone(),
            relationship: relationship.to_owned(),
            actor_role: None,
            patient_id: patient,
            action: action.to_owned(),
            resource: resource.to_string(),
            outcome,
            request_id: request_id.to_owned(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoredEvent<'a> {
    #[serde(flatten)]
    event: &'a AuditEvent,
    #[serde(rename = "GSI1PK")]
    gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    gsi1sk: String,
    expires_at: i64,
}

#[derive(Clone)]
pub struct AuditLog {
    client: Client,
    table: String,
    retention: Duration,
}

impl AuditLog {
    pub fn new(client: Client, table: String, retention: Duration) -> Self {
        AuditLog {
            client,
            table,
            retention,
        }
    }

    /// Appends one event. Never overwrites: the put is conditional on the key being new.
    pub async fn record(&self, event: &AuditEvent) -> Result<(), ApiError> {
        let key = keys::audit_event(event.patient_id, &event.actor_sub, event.at, event.event_id);
        let stored = StoredEvent {
            event,
            gsi1pk: keys::audit_actor_partition(&event.actor_sub),
            gsi1sk: keys::audit_event_sort(event.at, event.event_id),
            expires_at: event.at.plus(self.retention).unix_seconds(),
        };
        let item = store::to_item(&key, &stored)?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map_err(store::sdk_error)?;
        tracing::info!(
            audit_event = %event.event_id,
            action = %event.action,
            outcome = ?event.outcome,
            request_id = %event.request_id,
            "audit event recorded"
        );
        Ok(())
    }

    /// Appends several events at once (one per patient touched by a staff list).
    pub async fn record_all(&self, events: &[AuditEvent]) -> Result<(), ApiError> {
        let results = futures::future::join_all(events.iter().map(|e| self.record(e))).await;
        results.into_iter().collect()
    }
}
