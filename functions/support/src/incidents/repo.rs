//! The incidents' reads and writes. Every incident is one item in the `INCIDENTS` partition
//! (`keys::incident`), its updates inline; ULIDs as sort keys make a backwards Query newest
//! first. A practice opens a few incidents a year, so one partition never grows hot or large.
//! An update rewrites the incident's attributes under its `version`.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::domain::ids::IncidentId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, string};
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::authz::StaffAccess;

use crate::incidents::model::{Incident, IncidentStatus, MAX_UPDATES, RESOLVED_SHOWN_FOR};

pub struct IncidentStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> IncidentStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        IncidentStore { dynamo, table }
    }

    /// The write that creates `incident` (never over an existing one), for `create_once`.
    pub fn creation(&self, incident: &Incident) -> Result<TransactWriteItem, ApiError> {
        store::create_put(self.table, &keys::incident(incident.incident_id), incident)
    }

    /// One incident (consistent), or `None`.
    pub async fn load(
        &self,
        _access: &StaffAccess,
        id: IncidentId,
    ) -> Result<Option<Incident>, ApiError> {
        store::get_item(self.dynamo, self.table, &keys::incident(id), None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// Up to `limit` incidents that `keep` accepts, newest first (reading on past those it
    /// does not accept).
    pub async fn newest(
        &self,
        _access: &StaffAccess,
        limit: i32,
        keep: impl Fn(&Incident) -> bool,
    ) -> Result<Vec<Incident>, ApiError> {
        let (incidents, _more) = store::filled_page(
            |start_after| self.query(true).set_exclusive_start_key(start_after),
            limit,
            None,
            keep,
            position,
        )
        .await?;
        Ok(incidents)
    }

    /// Up to `limit` incidents the public status shows at `now` (active, or resolved within
    /// the week), newest first. Anyone may ask (no access): nothing in an incident is about a
    /// patient. The filter spares reading old incidents out of the table;
    /// [`Incident::is_current`] stays the rule (and is applied again).
    pub async fn current(&self, now: Timestamp, limit: i32) -> Result<Vec<Incident>, ApiError> {
        let since = now.minus(RESOLVED_SHOWN_FOR);
        let (incidents, _more) = store::filled_page(
            |start_after| {
                // Eventually consistent: the answer is cached for 30 s anyway.
                self.query(false)
                    .filter_expression("#status <> :resolved OR #resolvedAt >= :since")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_names("#resolvedAt", "resolvedAt")
                    .expression_attribute_values(
                        ":resolved",
                        string(IncidentStatus::Resolved.as_str()),
                    )
                    .expression_attribute_values(":since", string(since.to_string()))
                    .set_exclusive_start_key(start_after)
            },
            limit,
            None,
            |incident: &Incident| incident.is_current(now),
            position,
        )
        .await?;
        Ok(incidents)
    }

    /// Every incident (eventually consistent; a practice opens a few a year), for the weekly
    /// digest, a job with no caller: nothing in an incident is about a patient.
    pub async fn all(&self) -> Result<Vec<Incident>, ApiError> {
        store::query_all(|start_after| self.query(false).set_exclusive_start_key(start_after)).await
    }

    /// Replaces the incident's attributes with `next` (one more update), only if it is still
    /// at version `expected` and has room for it. [`LostWrite::Changed`] when it is not (or it
    /// is gone).
    pub async fn save_update(
        &self,
        _access: &StaffAccess,
        expected: u64,
        next: &Incident,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let set = store::set_attributes(next, &[])?;
        let sent = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::incident(next.incident_id).attributes()))
            .update_expression(set.expression)
            .set_expression_attribute_names(Some(set.names))
            .set_expression_attribute_values(Some(set.values))
            // The version says nothing changed since the caller read it; the count holds the
            // limit in the table too.
            .condition_expression("#expectedVersion = :expected AND size(#updatesBefore) < :max")
            .expression_attribute_names("#expectedVersion", "version")
            .expression_attribute_names("#updatesBefore", "updates")
            .expression_attribute_values(":expected", store::number(expected))
            .expression_attribute_values(":max", store::number(MAX_UPDATES))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Ok(())),
            Err(error) if store::is_condition_failure(&error) => Ok(Err(LostWrite::Changed)),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Every incident, newest first, a page at a time (`consistent` for the team, who read
    /// what they just wrote).
    fn query(&self, consistent: bool) -> QueryFluentBuilder {
        self.dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", string(keys::INCIDENTS_PARTITION))
            .expression_attribute_values(":prefix", string(keys::INCIDENT_PREFIX))
            .scan_index_forward(false)
            .consistent_read(consistent)
    }
}

/// Where a read stopped, as the key of the last incident kept.
fn position(incident: &Incident) -> Item {
    keys::incident(incident.incident_id).attributes()
}
