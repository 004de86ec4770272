//! The switches' reads: every switch item (one partition, `FEATURE_SWITCHES`), each feature's
//! history, and the cohort definitions a change names. A change is written (and one switch
//! read for it) by the shared [`SwitchChanges`], which the support function writes with too.

use aws_sdk_dynamodb::Client;
use portal_shared::ApiError;
use portal_shared::features::cohort::CohortName;
use portal_shared::features::switch_change::{HistoryEntry, SwitchChanges};
use portal_shared::features::switches::{Feature, Switch};
use portal_shared::platform::keys;
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::store::{self, Item};
use portal_shared::policy::authz::StaffAccess;

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

    /// How a change is written: read the switch, write it with its history entry.
    pub fn changes(&self) -> SwitchChanges<'a> {
        SwitchChanges::new(self.dynamo, self.table)
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
