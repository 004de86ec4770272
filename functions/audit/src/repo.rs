//! The audit function's reads of the audit table: Queries on a known partition, newest first,
//! one page at a time. Never a Scan, never a write (events are appended by `AuditLog` alone).

use aws_sdk_dynamodb::Client;
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::store::{self, Item};
use portal_shared::policy::audit::AuditEvent;
use portal_shared::policy::authz::{PatientAccess, StaffAccess};
use portal_shared::policy::caller::UserSub;

/// A time window over the trail, both ends inclusive and either open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

/// One page of events, and DynamoDB's key to resume after (when there is more).
pub type EventPage = (Vec<AuditEvent>, Option<Item>);

pub struct AuditTrail<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

/// Which partition a query reads.
enum Partition {
    /// A patient's events: the table's own key, read consistently.
    Patient(PatientId),
    /// One actor's events, about patients or none: `GSI1` (eventually consistent).
    Actor(UserSub),
}

impl<'a> AuditTrail<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        AuditTrail { dynamo, table }
    }

    /// A page of the patient's access log, newest first (the access's own event included).
    pub async fn access_log(
        &self,
        access: &PatientAccess,
        page: &PageRequest,
    ) -> Result<EventPage, ApiError> {
        self.query(
            Partition::Patient(access.patient()),
            TimeRange::default(),
            page,
        )
        .await
    }

    /// A page of a patient's events within `range`, for an administrator's search.
    pub async fn by_patient(
        &self,
        _access: &StaffAccess,
        patient: PatientId,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<EventPage, ApiError> {
        self.query(Partition::Patient(patient), range, page).await
    }

    /// A page of one actor's events within `range`, for an administrator's search.
    pub async fn by_actor(
        &self,
        _access: &StaffAccess,
        actor: &UserSub,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<EventPage, ApiError> {
        self.query(Partition::Actor(actor.clone()), range, page)
            .await
    }

    async fn query(
        &self,
        partition: Partition,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<EventPage, ApiError> {
        let (low, high) = keys::audit_event_range(range.from, range.to);
        let request = self.dynamo.query().table_name(self.table);
        let request = match partition {
            Partition::Patient(patient) => request
                .key_condition_expression("PK = :pk AND SK BETWEEN :low AND :high")
                .expression_attribute_values(":pk", store::string(keys::patient_partition(patient)))
                .consistent_read(true),
            Partition::Actor(actor) => request
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high")
                .expression_attribute_values(
                    ":pk",
                    store::string(keys::audit_actor_partition(&actor)),
                ),
        };
        let query = request
            .expression_attribute_values(":low", store::string(low))
            .expression_attribute_values(":high", store::string(high))
            .scan_index_forward(false)
            .limit(page.limit)
            .set_exclusive_start_key(page.start_after.clone());
        store::query_page::<AuditEvent>(query).await
    }
}
