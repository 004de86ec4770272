//! Pagination cursors: DynamoDB's LastEvaluatedKey, signed (HMAC-SHA256) together with the
//! scope of the list it came from. A client can neither forge a cursor nor replay one from
//! another list (say, another patient's partition) — both fail verification.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ApiError;

type HmacSha256 = Hmac<Sha256>;

const MIN_KEY_BYTES: usize = 32;

#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

#[derive(Serialize, Deserialize)]
struct Payload {
    /// The list this cursor belongs to.
    s: String,
    /// The key attributes to resume after (all of ours are strings).
    k: BTreeMap<String, String>,
}

impl CursorKey {
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(format!("must be at least {MIN_KEY_BYTES} bytes"));
        }
        Ok(CursorKey(secret.to_vec()))
    }

    /// A keyed hash (hex HMAC-SHA256) of `data` for `context`: an id for something the table
    /// must not hold in a readable or guessable form (a client address, an email), which
    /// nobody without the secret can recompute from a guess. Another context gives another id.
    pub fn keyed_id(&self, context: &str, data: &[u8]) -> String {
        let mut mac = self.mac();
        mac.update(&(context.len() as u64).to_be_bytes());
        mac.update(context.as_bytes());
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    /// A key for another signing `purpose` (unsubscribe links, say), derived from this secret
    /// so no further secret is needed, and distinct per purpose: a signature made with it is
    /// never a valid cursor, nor a signature for another purpose.
    pub fn derived_key(&self, purpose: &str) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(b"derived-key\0");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; `new` checked ours is long enough.
        HmacSha256::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!())
    }

    /// The opaque cursor for resuming `scope` after `last_key`.
    pub fn seal(
        &self,
        scope: &str,
        last_key: &HashMap<String, AttributeValue>,
    ) -> Result<String, ApiError> {
        let mut k = BTreeMap::new();
        for (name, value) in last_key {
            let text = value
                .as_s()
                .map_err(|_| ApiError::internal(format!("cursor key {name} is not a string")))?;
            k.insert(name.clone(), text.clone());
        }
        let payload = serde_json::to_vec(&Payload {
            s: scope.to_owned(),
            k,
        })
        .map_err(ApiError::internal)?;
        let mut mac = self.mac();
        mac.update(&payload);
        let tag = mac.finalize().into_bytes();
        Ok(format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(tag)
        ))
    }

    /// The key to resume after, if `cursor` is genuine and belongs to `scope`.
    pub fn open(
        &self,
        scope: &str,
        cursor: &str,
    ) -> Result<HashMap<String, AttributeValue>, ApiError> {
        let invalid = || ApiError::invalid("cursor", "is not a cursor from this list");
        let (payload, tag) = cursor.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_slice(&tag).map_err(|_| invalid())?;
        let payload: Payload = serde_json::from_slice(&payload).map_err(|_| invalid())?;
        if payload.s != scope {
            return Err(invalid());
        }
        Ok(payload
            .k
            .into_iter()
            .map(|(name, value)| (name, AttributeValue::S(value)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CursorKey {
        CursorKey::new(&[7u8; 32]).expect("key")
    }

    #[test]
    fn keyed_ids_depend_on_the_secret_and_the_context() {
        let id = key().keyed_id("attempts", b"203.0.113.9");
        assert_eq!(id.len(), 64);
        assert_eq!(id, key().keyed_id("attempts", b"203.0.113.9"));
        assert_ne!(id, key().keyed_id("other", b"203.0.113.9"));
        let other = CursorKey::new(&[8u8; 32]).expect("key");
        assert_ne!(id, other.keyed_id("attempts", b"203.0.113.9"));
    }

    fn last_key() -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("PK".to_owned(), AttributeValue::S("PATIENT#A".into())),
            ("SK".to_owned(), AttributeValue::S("X#1".into())),
        ])
    }

    #[test]
    fn round_trips_within_its_scope() {
        let cursor = key().seal("list-a", &last_key()).expect("seal");
        assert_eq!(key().open("list-a", &cursor).expect("open"), last_key());
    }

    #[test]
    fn refuses_other_scopes_tampering_and_other_keys() {
        let cursor = key().seal("list-a", &last_key()).expect("seal");
        assert!(key().open("list-b", &cursor).is_err());
        let (payload, tag) = cursor.split_once('.').expect("two parts");
        let forged = URL_SAFE_NO_PAD.encode(
            String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("b64"))
                .expect("utf8")
                .replace("PATIENT#A", "PATIENT#B"),
        );
        assert!(key().open("list-a", &format!("{forged}.{tag}")).is_err());
        let other = CursorKey::new(&[8u8; 32]).expect("key");
        assert!(other.open("list-a", &cursor).is_err());
        assert!(key().open("list-a", "garbage").is_err());
        assert!(CursorKey::new(b"short").is_err());
    }
}
