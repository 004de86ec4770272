//! The practice's ideas, read by the ideas' own routes and by polls that list them (a module of
//! its own, so polls need not depend on the ideas' routes, which depend on polls to close the
//! loop).

pub mod idea;

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use portal_shared::ApiError;
use portal_shared::domain::ids::IdeaId;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, string};

use crate::catalogue::idea::Idea;

/// DynamoDB's limit on the keys of one BatchGetItem.
const MAX_BATCH_KEYS: usize = 100;

/// One idea (consistent), or `None`.
pub async fn load(dynamo: &Client, table: &str, idea: IdeaId) -> Result<Option<Idea>, ApiError> {
    store::get_item(dynamo, table, &keys::idea(idea), None)
        .await?
        .map(store::from_item)
        .transpose()
}

/// The ideas of `ids` that exist, by id (BatchGetItem, unprocessed keys retried).
pub async fn load_many(
    dynamo: &Client,
    table: &str,
    ids: &[IdeaId],
) -> Result<HashMap<IdeaId, Idea>, ApiError> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(MAX_BATCH_KEYS) {
        let mut pending: Vec<HashMap<String, AttributeValue>> = chunk
            .iter()
            .map(|id| {
                let key = keys::idea(*id);
                HashMap::from([
                    ("PK".to_owned(), string(key.pk)),
                    ("SK".to_owned(), string(key.sk)),
                ])
            })
            .collect();
        while !pending.is_empty() {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()
                .map_err(ApiError::internal)?;
            let answer = dynamo
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .map_err(store::sdk_error)?;
            for item in answer
                .responses
                .and_then(|mut tables| tables.remove(table))
                .unwrap_or_default()
            {
                let idea: Idea = store::from_item(item)?;
                found.insert(idea.idea_id, idea);
            }
            if let Some(left) = answer
                .unprocessed_keys
                .and_then(|mut tables| tables.remove(table))
            {
                pending = left.keys;
            }
        }
    }
    Ok(found)
}

/// Every idea of the practice (one partition; a practice has tens), newest first.
pub async fn all(dynamo: &Client, table: &str) -> Result<Vec<Idea>, ApiError> {
    let mut ideas: Vec<Idea> = store::query_all(|start_after| {
        dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", string(keys::IDEAS_PARTITION))
            .expression_attribute_values(":prefix", string(keys::IDEA_PREFIX))
            .consistent_read(true)
            .set_exclusive_start_key(start_after)
    })
    .await?;
    ideas.sort_by_key(|idea| std::cmp::Reverse(idea.created_at));
    Ok(ideas)
}
