//! The switches' reads and writes: the switch items (one partition, `FEATURE_SWITCHES`), each
//! feature's history (written in the transaction of the change it records), and the cohort
//! definitions a change names.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::Put;
use portal_shared::ApiError;
use portal_shared::features::cohort::CohortName;
use portal_shared::features::switches::{Feature, Switch};
use portal_shared::platform::keys;
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::store::{self, Item, Transacted};
use portal_shared::platform::write::{LostWrite, transact_retrying};
use portal_shared::policy::authz::StaffAccess;

use super::model::HistoryEntry;

pub struct SwitchStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> SwitchStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        SwitchStore { dynamo, table }
    }

    /// Every switch that was ever set: one Query of `FEATURE_SWITCHES`, strongly consistent.
    pub async fn all(&self) -> Result<Vec<Switch>, ApiError> {
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", store::string(keys::FEATURE_SWITCHES_PARTITION))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// One feature's switch; `None` when it was never set (on for everyone, version 0).
    pub async fn load(&self, feature: Feature) -> Result<Option<Switch>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::feature_switch(feature),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// The positions (in `names`) of the cohorts that have no definition.
    pub async fn missing_cohorts(&self, names: &[CohortName]) -> Result<Vec<usize>, ApiError> {
        let mut missing = Vec::new();
        for (index, name) in names.iter().enumerate() {
            let found =
                store::get_item(self.dynamo, self.table, &keys::cohort(name), Some("PK")).await?;
            if found.is_none() {
                missing.push(index);
            }
        }
        Ok(missing)
    }

    /// Writes `switch` and its history `entry` together, only if the stored switch is still at
    /// version `expected` (0: no switch yet). A condition that failed is
    /// [`LostWrite::Changed`]; a transaction that kept colliding with another is
    /// [`LostWrite::Contention`].
    pub async fn save(
        &self,
        _access: &StaffAccess,
        expected: u64,
        switch: &Switch,
        entry: &HistoryEntry,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        debug_assert_eq!(switch.feature, entry.feature);
        let item = store::to_item(&keys::feature_switch(switch.feature), switch)?;
        let put = Put::builder().table_name(self.table).set_item(Some(item));
        let put = if expected == 0 {
            put.condition_expression("attribute_not_exists(PK)")
        } else {
            put.condition_expression("#version = :expected")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":expected", store::number(expected))
        };
        let history = store::to_item(
            &keys::feature_switch_history(entry.feature, entry.at, ulid::Ulid::generate()),
            entry,
        )?;
        let items = vec![
            store::transact_put(put)?,
            store::transact_put(
                Put::builder()
                    .table_name(self.table)
                    .set_item(Some(history))
                    .condition_expression("attribute_not_exists(PK)"),
            )?,
        ];
        Ok(match transact_retrying(self.dynamo, items).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(_) => Err(LostWrite::Changed),
            Transacted::Contention => Err(LostWrite::Contention),
        })
    }

    /// One page of a feature's history, newest first.
    pub async fn history(
        &self,
        _access: &StaffAccess,
        feature: Feature,
        page: &PageRequest,
    ) -> Result<(Vec<HistoryEntry>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(
                ":pk",
                store::string(keys::feature_switch_history_partition(feature)),
            )
            .scan_index_forward(false)
            .consistent_read(true)
            .limit(page.limit)
            .set_exclusive_start_key(page.start_after.clone());
        store::query_page(query).await
    }
}
