//! `?limit=&cursor=` in, `{ "items": [...], "nextCursor": ... }` out.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use crate::ApiError;
use crate::platform::cursor::CursorKeys;
use crate::platform::http::Call;
use crate::platform::validation::FieldErrors;

pub const DEFAULT_LIMIT: i32 = 25;
pub const MAX_LIMIT: i32 = 100;

/// Where a page starts and how long it may be.
#[derive(Debug)]
pub struct PageRequest {
    pub limit: i32,
    pub start_after: Option<HashMap<String, AttributeValue>>,
    scope: String,
}

impl PageRequest {
    /// Reads `limit` and `cursor` for the list named `scope` (which must name the partition or
    /// queue being listed, so a cursor cannot move into another one).
    /// The key ring reads the cursor secret on first use, hence `async`.
    pub async fn from_call(call: &Call, scope: String, key: &CursorKeys) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::new();
        let limit = match call.query("limit") {
            None => Some(DEFAULT_LIMIT),
            Some(raw) => errors.check(
                "limit",
                raw.parse::<i32>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| format!("must be a whole number from 1 to {MAX_LIMIT}")),
            ),
        };
        let start_after = match call.query("cursor") {
            None => None,
            Some(raw) => match key.open(&scope, &raw).await {
                Ok(start) => Some(start),
                Err(ApiError::Invalid(mut found)) => {
                    for error in found.drain(..) {
                        errors.add(error.field, error.message);
                    }
                    None
                }
                Err(other) => return Err(other),
            },
        };
        errors.finish()?;
        Ok(PageRequest {
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            start_after,
            scope,
        })
    }

    /// The page to answer, with a cursor when DynamoDB says there is more.
    pub async fn page<T>(
        &self,
        items: Vec<T>,
        last_key: Option<HashMap<String, AttributeValue>>,
        key: &CursorKeys,
    ) -> Result<Page<T>, ApiError> {
        let next_cursor = match last_key {
            Some(last) => Some(key.seal(&self.scope, &last).await?),
            None => None,
        };
        Ok(Page { items, next_cursor })
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
