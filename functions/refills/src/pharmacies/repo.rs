//! The directory in DynamoDB: one partition (`PHARMACIES`, a few hundred items at most), read
//! whole and filtered in memory (a name search is a substring match in any case, which no key
//! condition does).

use aws_sdk_dynamodb::Client;
use portal_shared::ApiError;
use portal_shared::domain::ids::PharmacyId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, string};

use crate::pharmacies::model::Pharmacy;

pub struct PharmacyStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> PharmacyStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        PharmacyStore { dynamo, table }
    }

    /// Every pharmacy, retired ones included.
    pub async fn all(&self) -> Result<Vec<Pharmacy>, ApiError> {
        store::query_all(|start| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(keys::PHARMACIES_PARTITION))
                .expression_attribute_values(":prefix", string(keys::PHARMACY_PREFIX))
                .set_exclusive_start_key(start)
        })
        .await
    }

    /// The first response to an add retried with the same Idempotency-Key, if any.
    pub async fn earlier_response(
        &self,
        idempotency: Option<&Idempotency>,
    ) -> Result<Option<StoredResponse>, ApiError> {
        match idempotency {
            Some(idempotency) => idempotency.lookup(self.dynamo, self.table).await,
            None => Ok(None),
        }
    }

    /// Adds `pharmacy` (a new id: never over another), once per Idempotency-Key.
    pub async fn create(
        &self,
        pharmacy: &Pharmacy,
        idempotency: Option<&Idempotency>,
        response: StoredResponse,
    ) -> Result<Outcome, ApiError> {
        let put = store::create_put(self.table, &keys::pharmacy(pharmacy.pharmacy_id), pharmacy)?;
        create_once(self.dynamo, self.table, idempotency, vec![put], response).await
    }

    /// Retires a pharmacy at `now` (retiring it again keeps the first time). `false` when there
    /// is no such pharmacy.
    pub async fn retire(&self, pharmacy: PharmacyId, now: Timestamp) -> Result<bool, ApiError> {
        let sent = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::pharmacy(pharmacy).attributes()))
            .update_expression("SET #retired = if_not_exists(#retired, :now)")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#retired", "retiredAt")
            .expression_attribute_values(":now", string(now.to_string()))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }
}
