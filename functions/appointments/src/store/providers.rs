//! Providers (the practice's directory) and their published schedules. None of it is a
//! patient's data.

use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::domain::ids::ProviderId;
use portal_shared::platform::keys::{self, GSI1, GSI1PK, GSI1SK};
use portal_shared::platform::store::{self, Item, number, string};

use crate::model::{Provider, StoredSchedule};
use crate::store::Table;

/// Why a schedule was not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishConflict {
    /// Someone published another version since the one the replacement was based on.
    VersionChanged,
}

/// Why a provider's edit was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditConflict {
    /// Someone edited the provider since the version the edit was based on.
    VersionChanged,
}

pub struct Providers<'a> {
    table: Table<'a>,
}

impl<'a> Providers<'a> {
    pub fn new(table: Table<'a>) -> Self {
        Providers { table }
    }

    pub async fn provider(&self, provider: ProviderId) -> Result<Option<Provider>, ApiError> {
        self.table.get(&keys::provider(provider)).await
    }

    /// The writes that create a provider (for `idempotency::create_once`).
    pub fn create(&self, provider: &Provider) -> Result<Vec<TransactWriteItem>, ApiError> {
        let mut item = store::to_item(&keys::provider(provider.provider_id), provider)?;
        item.extend(directory_keys(provider));
        store::create_puts(self.table.name, vec![item])
    }

    /// Replaces the provider (and its place in the directory, which follows the name) if it
    /// is still at `read_version` (0: stored before versions); nothing is written otherwise.
    pub async fn update(
        &self,
        provider: &Provider,
        read_version: u64,
    ) -> Result<Result<(), EditConflict>, ApiError> {
        let mut item = store::to_item(&keys::provider(provider.provider_id), provider)?;
        item.extend(directory_keys(provider));
        // Version 0: the provider exists (it is an edit, never a creation) but has no version.
        let written = self
            .put_at_version(
                item,
                read_version,
                "attribute_exists(PK) AND attribute_not_exists(version)",
            )
            .await?;
        Ok(if written {
            Ok(())
        } else {
            Err(EditConflict::VersionChanged)
        })
    }

    /// Puts `item` if the stored one is still at `read_version` (`unversioned` is the condition
    /// for version 0). Answers whether it was written.
    async fn put_at_version(
        &self,
        item: Item,
        read_version: u64,
        unversioned: &str,
    ) -> Result<bool, ApiError> {
        let request = self
            .table
            .dynamo
            .put_item()
            .table_name(self.table.name)
            .set_item(Some(item));
        let request = if read_version == 0 {
            request.condition_expression(unversioned)
        } else {
            request
                .condition_expression("version = :version")
                .expression_attribute_values(":version", number(read_version))
        };
        match request.send().await {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// One page of the directory in name order, of the providers `keep` accepts (see
    /// [`store::filled_page`]).
    pub async fn directory(
        &self,
        limit: i32,
        start_after: Option<Item>,
        keep: impl Fn(&Provider) -> bool,
    ) -> Result<(Vec<Provider>, Option<Item>), ApiError> {
        let query = |start_after| {
            self.table
                .dynamo
                .query()
                .table_name(self.table.name)
                .index_name(GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", string(keys::PROVIDER_DIRECTORY))
                .set_exclusive_start_key(start_after)
        };
        store::filled_page(query, limit, start_after, keep, directory_position).await
    }

    pub async fn schedule(&self, provider: ProviderId) -> Result<Option<StoredSchedule>, ApiError> {
        self.table.get(&keys::provider_schedule(provider)).await
    }

    /// Replaces the published schedule if it is still at `read_version` (0: none published
    /// yet); nothing is written otherwise.
    pub async fn publish_schedule(
        &self,
        provider: ProviderId,
        schedule: &StoredSchedule,
        read_version: u64,
    ) -> Result<Result<(), PublishConflict>, ApiError> {
        let item = store::to_item(&keys::provider_schedule(provider), schedule)?;
        let written = self
            .put_at_version(item, read_version, "attribute_not_exists(version)")
            .await?;
        Ok(if written {
            Ok(())
        } else {
            Err(PublishConflict::VersionChanged)
        })
    }
}

/// The provider's keys in the directory's index.
fn directory_keys(provider: &Provider) -> Item {
    Item::from([
        (GSI1PK.to_owned(), string(keys::PROVIDER_DIRECTORY)),
        (
            GSI1SK.to_owned(),
            string(keys::provider_directory_sort(
                &provider.name,
                provider.provider_id,
            )),
        ),
    ])
}

/// Where `provider` is in the directory (its key attributes in the directory's index): a page
/// ending with it resumes just after it.
fn directory_position(provider: &Provider) -> Item {
    let mut position = keys::provider(provider.provider_id).attributes();
    position.extend(directory_keys(provider));
    position
}
