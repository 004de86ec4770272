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
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::platform::http::Call;
use crate::platform::keys::{self, Key};
use crate::platform::store;

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
    /// The patient whose data the body shows: a replay is an access to it and is audited.
    #[serde(default)]
    pub patient_id: Option<PatientId>,
}

impl StoredResponse {
    pub fn render(&self, replayed: bool) -> Result<Response<Body>, ApiError> {
        let status = StatusCode::from_u16(self.status).map_err(ApiError::internal)?;
        let mut builder = Response::builder()
            .status(status)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::CACHE_CONTROL, "no-store");
        if replayed {
            builder = builder.header("idempotent-replayed", "true");
        }
        if let Some(location) = &self.location {
            builder = builder.header(http::header::LOCATION, location);
        }
        if let Some(etag) = &self.etag {
            builder = builder.header(http::header::ETAG, etag);
        }
        builder
            .body(Body::Text(self.body.clone()))
            .map_err(ApiError::internal)
    }
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
    hex::encode(hasher.finalize())
}

/// What a creating POST ended with.
pub enum Outcome {
    /// This request created it.
    Created(StoredResponse),
    /// An earlier request with the same key did; this is its response.
    Replayed(StoredResponse),
}

impl Idempotency {
    /// Reads the optional `Idempotency-Key` header of a creating POST.
    pub fn from_call(call: &Call) -> Result<Option<Self>, ApiError> {
        let invalid = || {
            ApiError::invalid(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
            )
        };
        let Some(raw) = call.header_text("idempotency-key").map_err(|_| invalid())? else {
            return Ok(None);
        };
        let valid = !raw.is_empty()
            && raw.len() <= MAX_KEY_LEN
            && raw.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(invalid());
        }
        let route = format!("{} {}", call.method(), call.route_path());
        let record = keys::idempotency_record(
            &call.caller().sub,
            &sha256_hex(&[route.as_bytes(), raw.as_bytes()]),
        );
        // The request as sent: the path with its ids, its query (an import's `source`, a
        // confirmation flag) and the body byte for byte.
        let fingerprint = sha256_hex(&[
            route.as_bytes(),
            call.path().as_bytes(),
            call.query_canonical().as_bytes(),
            call.body_bytes(),
        ]);
        Ok(Some(Idempotency {
            record,
            fingerprint,
        }))
    }

    /// The first response, when this key was used (and has not expired) with the same request.
    pub async fn lookup(
        &self,
        dynamo: &Client,
        table: &str,
    ) -> Result<Option<StoredResponse>, ApiError> {
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
        // DynamoDB's TTL deletes expired items late; until then they must not count.
        if record.expires_at <= Timestamp::now().unix_seconds() {
            return Ok(None);
        }
        if record.fingerprint != self.fingerprint {
            return Err(ApiError::IdempotencyKeyReused);
        }
        Ok(Some(record.response))
    }

    /// After a transaction that carried this key's record (at `record_index`, see
    /// [`Idempotency::record`]) failed the conditions `failed`: the response of the concurrent
    /// request with the same key that won the race, when the record's condition is among them
    /// (409 when that response is not there to read); `None` when the transaction failed on
    /// other items only.
    pub async fn race_winner(
        &self,
        dynamo: &Client,
        table: &str,
        failed: &[usize],
        record_index: usize,
    ) -> Result<Option<StoredResponse>, ApiError> {
        if !failed.contains(&record_index) {
            return Ok(None);
        }
        match self.lookup(dynamo, table).await? {
            Some(first) => Ok(Some(first)),
            None => Err(ApiError::Conflict("please retry".into())),
        }
    }

    /// The write that records `response`; fails its condition if the key is in use. For
    /// creations whose transaction needs more than [`create_once`] (several conditions to tell
    /// apart); [`create_once`] adds it itself.
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
        store::transact_put(
            Put::builder()
                .table_name(table)
                .set_item(Some(store::to_item(&self.record, &record)?))
                .condition_expression("attribute_not_exists(PK) OR expiresAt <= :now")
                .expression_attribute_values(":now", store::number(now.unix_seconds())),
        )
    }
}

/// Writes `items` (what a POST creates) in one transaction, together with the idempotency
/// record when the call carried a key. A concurrent request with the same key that won the
/// race yields its response instead; any other failed condition means what was to be created
/// exists already (409). Callers check [`Idempotency::lookup`] first, before doing any work.
pub async fn create_once(
    dynamo: &Client,
    table: &str,
    idempotency: Option<&Idempotency>,
    mut items: Vec<TransactWriteItem>,
    response: StoredResponse,
) -> Result<Outcome, ApiError> {
    if let Some(idempotency) = idempotency {
        items.push(idempotency.record(table, &response)?);
    }
    let record_index = items.len() - 1;
    let result = dynamo
        .transact_write_items()
        .set_transact_items(Some(items))
        .send()
        .await;
    let Err(error) = result else {
        return Ok(Outcome::Created(response));
    };
    match (idempotency, store::failed_conditions(&error)) {
        (Some(idempotency), Some(failed)) => {
            match idempotency
                .race_winner(dynamo, table, &failed, record_index)
                .await?
            {
                Some(first) => Ok(Outcome::Replayed(first)),
                None => Err(ApiError::Conflict("it exists already".into())),
            }
        }
        (None, Some(_)) => Err(ApiError::Conflict("it exists already".into())),
        (_, None) if store::is_transaction_conflict(&error) => Err(ApiError::Conflict(
            "another request changed this at the same time; retry".into(),
        )),
        (_, None) => Err(store::sdk_error(error)),
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
