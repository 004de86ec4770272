//! Idempotency-Key for creating POSTs: a retry with the same key and body gets the first
//! response again; the same key with a different body is 422. The record of the first
//! response is written in the same transaction as what the POST creates, so either both
//! exist or neither does, and two concurrent retries cannot both create.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use http::StatusCode;
use lambda_http::{Body, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::http::Call;
use crate::keys::{self, Key};
use crate::store;
use crate::timestamp::Timestamp;

/// Long enough for any client's retries; after this a key may be reused.
const KEEP_FOR: Duration = Duration::from_secs(24 * 60 * 60);
const MAX_KEY_LEN: usize = 255;

/// A validated Idempotency-Key header of one call.
pub struct Idempotency {
    record: Key,
    fingerprint: String,
}

/// The response to replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub etag: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    fingerprint: String,
    response: StoredResponse,
    created_at: Timestamp,
    expires_at: i64,
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl Idempotency {
    /// Reads the optional `Idempotency-Key` header of a creating POST.
    pub fn from_call(call: &Call) -> Result<Option<Self>, ApiError> {
        let Some(raw) = call.header("idempotency-key") else {
            return Ok(None);
        };
        let valid = !raw.is_empty()
            && raw.len() <= MAX_KEY_LEN
            && raw.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(ApiError::invalid(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
            ));
        }
        let scope = format!("{} {}", call.method(), call.route_path());
        let record = keys::idempotency_record(
            &call.caller().sub,
            &sha256_hex(&[scope.as_bytes(), raw.as_bytes()]),
        );
        // The request as sent: the path with its ids, and the body byte for byte.
        let path = call.path_param("patientId").unwrap_or_default();
        let fingerprint = sha256_hex(&[scope.as_bytes(), path.as_bytes(), call.body_bytes()]);
        Ok(Some(Idempotency {
            record,
            fingerprint,
        }))
    }

    /// The first response, when this key was used before with the same request.
    pub async fn replay(
        &self,
        dynamo: &Client,
        table: &str,
    ) -> Result<Option<Response<Body>>, ApiError> {
        let output = dynamo
            .get_item()
            .table_name(table)
            .set_key(Some(self.record.attributes()))
            .consistent_read(true)
            .send()
            .await
            .map_err(store::sdk_error)?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let record: Record = store::from_item(item)?;
        if record.fingerprint != self.fingerprint {
            return Err(ApiError::IdempotencyKeyReused);
        }
        render(&record.response, true).map(Some)
    }

    /// The write that records `response`; fails its condition if the key was used meanwhile.
    pub fn record(
        &self,
        table: &str,
        response: &StoredResponse,
    ) -> Result<TransactWriteItem, ApiError> {
        let now = Timestamp::now();
        let record = Record {
            fingerprint: self.fingerprint.clone(),
            response: response.clone(),
            created_at: now,
            expires_at: now.plus(KEEP_FOR).unix_seconds(),
        };
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(store::to_item(&self.record, &record)?))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

fn render(stored: &StoredResponse, replayed: bool) -> Result<Response<Body>, ApiError> {
    let status = StatusCode::from_u16(stored.status).map_err(ApiError::internal)?;
    let mut builder = Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::CACHE_CONTROL, "no-store");
    if replayed {
        builder = builder.header("idempotent-replayed", "true");
    }
    if let Some(location) = &stored.location {
        builder = builder.header(http::header::LOCATION, location);
    }
    if let Some(etag) = &stored.etag {
        builder = builder.header(http::header::ETAG, etag);
    }
    builder
        .body(Body::Text(stored.body.clone()))
        .map_err(ApiError::internal)
}

/// Writes `items` (what a POST creates) in one transaction, together with the idempotency
/// record when the call carried a key, and answers `response`. A concurrent request with the
/// same key that won the race gets its response replayed instead; any other failed condition
/// means what was to be created exists already (409).
pub async fn create_once(
    dynamo: &Client,
    table: &str,
    idempotency: Option<&Idempotency>,
    mut items: Vec<TransactWriteItem>,
    response: StoredResponse,
) -> Result<Response<Body>, ApiError> {
    if let Some(idempotency) = idempotency {
        if let Some(replayed) = idempotency.replay(dynamo, table).await? {
            return Ok(replayed);
        }
        items.push(idempotency.record(table, &response)?);
    }
    let record_index = items.len() - 1;
    let result = dynamo
        .transact_write_items()
        .set_transact_items(Some(items))
        .send()
        .await;
    match result {
        Ok(_) => render(&response, false),
        Err(error) => {
            let failed = store::failed_conditions(&error);
            match (idempotency, failed) {
                (Some(idempotency), Some(failed)) if failed.contains(&record_index) => idempotency
                    .replay(dynamo, table)
                    .await?
                    .ok_or_else(|| ApiError::Conflict("please retry".into())),
                (_, Some(_)) => Err(ApiError::Conflict("it exists already".into())),
                (_, None) if store::is_transaction_conflict(&error) => Err(ApiError::Conflict(
                    "another request changed this at the same time; retry".into(),
                )),
                (_, None) => Err(store::sdk_error(error)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_separates_parts() {
        assert_ne!(sha256_hex(&[b"ab", b"c"]), sha256_hex(&[b"a", b"bc"]));
    }
}
