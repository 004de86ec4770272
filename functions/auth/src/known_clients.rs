//! The clients each account signed in from in the last 90 days (`keys::known_client`: a keyed
//! hash, never the user agent or address), and the new sign-in notice written with a client's
//! first item, in one transaction: a client is remembered exactly when its holder is told.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::Put;
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutSignIn, Notification};
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::store::{self, Transacted};
use portal_shared::platform::write;

/// A client unseen for this long is new again; every sign-in from it restarts the wait.
pub const REMEMBER_FOR: Duration = Duration::from_secs(90 * 24 * 60 * 60);

pub type SignInNotice = Notification<AboutSignIn>;

/// What a sign-in's client was to its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Seen within [`REMEMBER_FOR`]: remembered for longer now, nobody told.
    Known,
    /// Not seen lately: remembered now, and the notice is in the outbox.
    New,
}

pub struct KnownClients<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
}

impl KnownClients<'_> {
    /// Records a sign-in from the client at `keys` (its item's key under the code-hashing
    /// secret's current version, then under the previous one); writes `notice` if the client
    /// is new.
    pub async fn signed_in_from(
        &self,
        client_keys: &[Key],
        notice: &SignInNotice,
        now: Timestamp,
    ) -> Result<Seen, ApiError> {
        let Some((key, older)) = client_keys.split_first() else {
            return Err(ApiError::internal("a sign-in's client has no key"));
        };
        // Most sign-ins come from a known client: one write, no transaction.
        if self.refresh(key, now).await? {
            return Ok(Seen::Known);
        }
        // Remembered under the secret's previous version (before a rotation): known. It is
        // remembered under the current one from now on, so a second rotation keeps it.
        for old in older {
            if self.refresh(old, now).await? {
                self.dynamo
                    .put_item()
                    .table_name(self.table)
                    .set_item(Some(key.attributes()))
                    .item(keys::EXPIRES_AT, store::number(expiry(now)))
                    .send()
                    .await
                    .map_err(store::sdk_error)?;
                return Ok(Seen::Known);
            }
        }
        let remembered = store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(key.attributes()))
                .item(keys::EXPIRES_AT, store::number(expiry(now)))
                // TTL removes lapsed items a while after they lapse: one still there is absent.
                .condition_expression("attribute_not_exists(PK) OR #ttl <= :now")
                .expression_attribute_names("#ttl", keys::EXPIRES_AT)
                .expression_attribute_values(":now", store::number(now.unix_seconds())),
        )?;
        match write::transact_retrying(self.dynamo, vec![remembered, notice.put(self.table)?])
            .await?
        {
            Transacted::Done => Ok(Seen::New),
            // A concurrent sign-in from the same client remembered it (and told) first.
            Transacted::ConditionsFailed(_) => Ok(Seen::Known),
            Transacted::Contention => {
                Err(ApiError::internal("the known-client item stayed contended"))
            }
        }
    }

    /// Remembers a client seen within [`REMEMBER_FOR`] for another 90 days; `false` when it
    /// was not (absent, or lapsed and not yet removed).
    async fn refresh(&self, key: &Key, now: Timestamp) -> Result<bool, ApiError> {
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(key.attributes()))
            .update_expression("SET #ttl = :ttl")
            .condition_expression("attribute_exists(PK) AND #ttl > :now")
            .expression_attribute_names("#ttl", keys::EXPIRES_AT)
            .expression_attribute_values(":ttl", store::number(expiry(now)))
            .expression_attribute_values(":now", store::number(now.unix_seconds()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }
}

fn expiry(now: Timestamp) -> i64 {
    now.plus(REMEMBER_FOR).unix_seconds()
}
