//! The units of providers' time: which are taken (the open-slot search), and the writes that
//! take, hold, rewrite and free them inside the other stores' transactions. A unit is only
//! ever created with `attribute_not_exists(PK)` (or over a lapsed hold): two bookings that
//! overlap share a unit, so DynamoDB lets exactly one of them through.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use jiff::tz::TimeZone;
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys::{self, GSI1PK, GSI1SK};
use portal_shared::platform::store::{self, Item, string};
use serde::Deserialize;

use crate::model::SlotUnit;
use crate::model::schedule;
use crate::store::Table;

/// What the open-slot search reads of a unit: where it is, and whether only a hold takes it.
#[derive(Deserialize)]
struct TakenUnit {
    #[serde(rename = "SK")]
    sort_key: String,
    #[serde(rename = "holdUntil", default)]
    hold_until: Option<Timestamp>,
}

#[derive(Clone, Copy)]
pub struct Slots<'a> {
    table: Table<'a>,
    /// The practice's zone: a visit's first unit is listed under its local date.
    zone: &'a TimeZone,
}

impl<'a> Slots<'a> {
    pub fn new(table: Table<'a>, zone: &'a TimeZone) -> Self {
        Slots { table, zone }
    }

    /// The starts of the provider's taken units from `from` through `to` (one Query, every
    /// page); a unit only held by a lapsed offer is free.
    pub async fn taken(
        &self,
        provider: ProviderId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<BTreeSet<Timestamp>, ApiError> {
        let (low, high) = keys::slot_unit_range(from, to);
        let partition = string(keys::provider_partition(provider));
        let units: Vec<TakenUnit> = store::query_all(|start_after| {
            self.table
                .dynamo
                .query()
                .table_name(self.table.name)
                .key_condition_expression("PK = :pk AND SK BETWEEN :low AND :high")
                .expression_attribute_values(":pk", partition.clone())
                .expression_attribute_values(":low", string(low.clone()))
                .expression_attribute_values(":high", string(high.clone()))
                .projection_expression("SK, holdUntil")
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await?;
        let now = Timestamp::now();
        Ok(units
            .into_iter()
            .filter(|unit| unit.hold_until.is_none_or(|until| until >= now))
            .filter_map(|unit| {
                unit.sort_key
                    .strip_prefix(keys::SLOT_PREFIX)
                    .and_then(Timestamp::parse)
            })
            .collect())
    }

    fn item(&self, unit: &SlotUnit, at: Timestamp) -> Result<Item, ApiError> {
        let mut item = store::to_item(&keys::slot_unit(unit.provider_id, at), unit)?;
        if unit.head {
            let date = schedule::local_date(self.zone, unit.start).to_string();
            item.insert(GSI1PK.into(), string(keys::practice_day(&date)));
            item.insert(
                GSI1SK.into(),
                string(keys::practice_day_sort(
                    unit.start,
                    unit.provider_id,
                    unit.appointment_id,
                )),
            );
        }
        Ok(item)
    }

    /// Takes a unit that must be free (or only held by an offer that has lapsed).
    pub(super) fn take(
        &self,
        unit: &SlotUnit,
        at: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        self.put_if(unit, at, "attribute_not_exists(PK) OR holdUntil < :now")
    }

    /// Takes a unit an offer holds for this appointment, while the hold lasts.
    pub(super) fn take_held(
        &self,
        unit: &SlotUnit,
        at: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        self.put_if(
            unit,
            at,
            "appointmentId = :appointment AND holdUntil >= :now",
        )
    }

    /// Rewrites a unit the same appointment holds already (a move that overlaps itself, a
    /// check-in).
    pub(super) fn rewrite(
        &self,
        unit: &SlotUnit,
        at: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        self.put_if(unit, at, "appointmentId = :appointment")
    }

    /// The unit's put under `condition`, which may name `:now` (this instant) and
    /// `:appointment` (the unit's own appointment).
    fn put_if(
        &self,
        unit: &SlotUnit,
        at: Timestamp,
        condition: &str,
    ) -> Result<TransactWriteItem, ApiError> {
        let mut put = Put::builder()
            .table_name(self.table.name)
            .set_item(Some(self.item(unit, at)?))
            .condition_expression(condition);
        if condition.contains(":now") {
            put = put.expression_attribute_values(":now", string(Timestamp::now().to_string()));
        }
        if condition.contains(":appointment") {
            put = put.expression_attribute_values(
                ":appointment",
                string(unit.appointment_id.to_string()),
            );
        }
        store::transact_put(put)
    }

    /// Frees a unit the appointment holds.
    pub(super) fn free(
        &self,
        provider: ProviderId,
        at: Timestamp,
        appointment: AppointmentId,
    ) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder()
            .table_name(self.table.name)
            .set_key(Some(keys::slot_unit(provider, at).attributes()))
            .condition_expression("appointmentId = :appointment")
            .expression_attribute_values(":appointment", string(appointment.to_string()))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Whether the unit at `at` is still held for `appointment` by the offer lasting `until`.
    pub(super) async fn held_for(
        &self,
        provider: ProviderId,
        at: Timestamp,
        appointment: AppointmentId,
        until: Timestamp,
    ) -> Result<bool, ApiError> {
        let unit: Option<SlotUnit> = self.table.get(&keys::slot_unit(provider, at)).await?;
        Ok(unit.is_some_and(|unit| {
            unit.appointment_id == appointment && unit.hold_until == Some(until)
        }))
    }

    /// Frees a unit an offer held, if it holds it still (not booked by anyone since).
    pub(super) fn release_held(
        &self,
        provider: ProviderId,
        at: Timestamp,
        appointment: AppointmentId,
        until: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder()
            .table_name(self.table.name)
            .set_key(Some(keys::slot_unit(provider, at).attributes()))
            .condition_expression("appointmentId = :appointment AND holdUntil = :until")
            .expression_attribute_values(":appointment", string(appointment.to_string()))
            .expression_attribute_values(":until", string(until.to_string()))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}
