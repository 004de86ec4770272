//! Pagination cursors: DynamoDB's LastEvaluatedKey, signed (HMAC-SHA256) together with the
//! scope of the list it came from. A client can neither forge a cursor nor replay one from
//! another list (say, another patient's partition) — both fail verification.
//!
//! The key is the cursor-signing secret (`CursorSigningSecret`), read from Secrets Manager on
//! first use ([`CursorKeys`]): cursors are sealed with its current version and open under the
//! current or the previous one, so a rotation breaks no outstanding cursor. A cursor that opens
//! under neither makes the function refetch the secret (at most every few seconds) and try again:
//! a container started before a rotation accepts the cursors of one started after it.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ApiError;
use crate::platform::secrets::{CachedSecret, SecretVersions};

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

/// Why a cursor did not open.
enum Refused {
    /// Its tag is not this key's: maybe another version's.
    Signature,
    /// Not a cursor, or one of another list: no key would change that.
    Invalid,
}

impl CursorKey {
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(format!("must be at least {MIN_KEY_BYTES} bytes"));
        }
        Ok(CursorKey(secret.to_vec()))
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
        self.try_open(scope, cursor).map_err(|_| invalid_cursor())
    }

    fn try_open(
        &self,
        scope: &str,
        cursor: &str,
    ) -> Result<HashMap<String, AttributeValue>, Refused> {
        let (payload, tag) = cursor.split_once('.').ok_or(Refused::Invalid)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| Refused::Invalid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| Refused::Invalid)?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_slice(&tag).map_err(|_| Refused::Signature)?;
        let payload: Payload = serde_json::from_slice(&payload).map_err(|_| Refused::Invalid)?;
        if payload.s != scope {
            return Err(Refused::Invalid);
        }
        Ok(payload
            .k
            .into_iter()
            .map(|(name, value)| (name, AttributeValue::S(value)))
            .collect())
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::invalid("cursor", "is not a cursor from this list")
}

/// The cursor-signing secret's versions as keys: the current one first.
fn keys_of(versions: &SecretVersions) -> Vec<CursorKey> {
    versions.all().map(|key| CursorKey(key.to_vec())).collect()
}

/// The cursor-signing key ring: the secret's current and previous versions, read from Secrets
/// Manager on first use and cached (cheap to clone: clones share the cache). Seals with the
/// current version; opens with either, refetching once when neither fits.
#[derive(Clone, Debug)]
pub struct CursorKeys(CachedSecret);

impl CursorKeys {
    /// The ring over `secret` (the platform's `CursorSigningSecret`).
    pub fn new(secret: CachedSecret) -> Self {
        CursorKeys(secret)
    }

    /// A ring with fixed versions, for tests.
    pub fn fixed(current: &[u8], previous: Option<&[u8]>) -> Result<Self, String> {
        Ok(CursorKeys(CachedSecret::fixed(current, previous)?))
    }

    /// The current version's key: what new cursors and signatures are made with.
    pub async fn current(&self) -> Result<CursorKey, ApiError> {
        let versions = self.0.versions().await?;
        Ok(CursorKey(versions.current.clone()))
    }

    /// The opaque cursor for resuming `scope` after `last_key`, sealed with the current key.
    pub async fn seal(
        &self,
        scope: &str,
        last_key: &HashMap<String, AttributeValue>,
    ) -> Result<String, ApiError> {
        self.current().await?.seal(scope, last_key)
    }

    /// The key to resume after, if `cursor` is genuine under the current or the previous key
    /// (or under a version made since this process read the secret) and belongs to `scope`.
    pub async fn open(
        &self,
        scope: &str,
        cursor: &str,
    ) -> Result<HashMap<String, AttributeValue>, ApiError> {
        match self
            .verify(|key| match key.try_open(scope, cursor) {
                Ok(start) => Verified::Found(start),
                Err(Refused::Signature) => Verified::NoKey,
                Err(Refused::Invalid) => Verified::Bad,
            })
            .await?
        {
            Verified::Found(start) => Ok(start),
            Verified::NoKey | Verified::Bad => Err(invalid_cursor()),
        }
    }

    /// Keyed ids of `data` for `context` as the removed `CursorKey::keyed_id` made them (under
    /// the cursor secret, current version first): for finding what was stored under them before
    /// those ids moved to the code-hashing secret (known sign-in clients). Remove once nothing
    /// stored so is still used (90 days after that deploy: see the runbook).
    pub async fn legacy_keyed_ids(
        &self,
        context: &str,
        data: &str,
    ) -> Result<Vec<String>, ApiError> {
        let versions = self.0.versions().await?;
        Ok(versions
            .all()
            .map(|key| crate::platform::secrets::keyed_hex(key, context, data.as_bytes()))
            .collect())
    }

    /// The key derived for `purpose` ([`CursorKey::derived_key`]) from the current version:
    /// what to sign a new token (an unsubscribe link, say) with.
    pub async fn derived_key(&self, purpose: &str) -> Result<Vec<u8>, ApiError> {
        Ok(self.current().await?.derived_key(purpose))
    }

    /// Verifies a token signed with a key derived for `purpose`: `check` gets each version's
    /// derived key (current first) and answers what the token holds when the signature fits.
    /// `None` when no version's key fits, after one refetch at most (like cursors).
    pub async fn open_signed<T>(
        &self,
        purpose: &str,
        check: impl Fn(&[u8]) -> Option<T>,
    ) -> Result<Option<T>, ApiError> {
        let verified = self
            .verify(|key| match check(&key.derived_key(purpose)) {
                Some(found) => Verified::Found(found),
                None => Verified::NoKey,
            })
            .await?;
        Ok(match verified {
            Verified::Found(found) => Some(found),
            Verified::NoKey | Verified::Bad => None,
        })
    }

    /// Tries `attempt` with each known key, current first; when every key says "not mine",
    /// refetches the secret (when allowed: see [`CachedSecret::refreshed`]) and tries the keys
    /// it had not tried. [`Verified::Bad`] stops at once: the input is bad whatever the key.
    async fn verify<T>(
        &self,
        attempt: impl Fn(&CursorKey) -> Verified<T>,
    ) -> Result<Verified<T>, ApiError> {
        let versions = self.0.versions().await?;
        let tried = keys_of(&versions);
        for key in &tried {
            match attempt(key) {
                Verified::NoKey => {}
                done => return Ok(done),
            }
        }
        let Some(newer) = self.0.refreshed(&versions).await? else {
            return Ok(Verified::NoKey);
        };
        for key in keys_of(&newer) {
            if tried.iter().any(|old| old.0 == key.0) {
                continue;
            }
            match attempt(&key) {
                Verified::NoKey => {}
                done => return Ok(done),
            }
        }
        Ok(Verified::NoKey)
    }
}

/// What one key made of a cursor or token.
enum Verified<T> {
    Found(T),
    /// Not signed with this key.
    NoKey,
    /// Malformed or for another list: no key would do.
    Bad,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CursorKey {
        CursorKey::new(&[7u8; 32]).expect("key")
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

    #[tokio::test]
    async fn the_ring_opens_cursors_sealed_under_the_previous_version() {
        let before = CursorKeys::fixed(&[1u8; 32], None).expect("ring");
        let old = before.seal("list-a", &last_key()).await.expect("seal");
        let rotated = CursorKeys::fixed(&[2u8; 32], Some(&[1u8; 32])).expect("ring");
        assert_eq!(
            rotated.open("list-a", &old).await.expect("open"),
            last_key()
        );
        let new = rotated.seal("list-a", &last_key()).await.expect("seal");
        assert_ne!(new, old, "new cursors use the current version");
        assert!(before.open("list-a", &new).await.is_err());
        // Still bound to its list under the previous version.
        assert!(rotated.open("list-b", &old).await.is_err());
        let twice = CursorKeys::fixed(&[3u8; 32], Some(&[2u8; 32])).expect("ring");
        assert!(twice.open("list-a", &new).await.is_ok());
        let refused = twice
            .open("list-a", &old)
            .await
            .expect_err("two rotations ago");
        assert!(matches!(refused, ApiError::Invalid(_)));
    }

    #[tokio::test]
    async fn derived_keys_follow_the_ring() {
        let rotated = CursorKeys::fixed(&[2u8; 32], Some(&[1u8; 32])).expect("ring");
        let old = key_of(1).derived_key("links");
        let current = rotated.derived_key("links").await.expect("key");
        assert_eq!(current, key_of(2).derived_key("links"));
        let found = rotated
            .open_signed("links", |key| (key == old.as_slice()).then_some("old"))
            .await
            .expect("verify");
        assert_eq!(found, Some("old"));
        let none = rotated
            .open_signed("links", |_| None::<()>)
            .await
            .expect("verify");
        assert!(none.is_none());
    }

    #[tokio::test]
    async fn legacy_keyed_ids_are_the_old_keyed_id() {
        // `CursorKey::keyed_id` as it was: HMAC(key, len(context) || context || data).
        let mut mac = HmacSha256::new_from_slice(&[2u8; 32]).expect("key");
        mac.update(&(12u64).to_be_bytes());
        mac.update(b"known-client");
        mac.update(b"agent\n203.0.113.0/24");
        let old = hex::encode(mac.finalize().into_bytes());
        let ring = CursorKeys::fixed(&[2u8; 32], Some(&[1u8; 32])).expect("ring");
        let ids = ring
            .legacy_keyed_ids("known-client", "agent\n203.0.113.0/24")
            .await
            .expect("ids");
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], old);
    }

    fn key_of(byte: u8) -> CursorKey {
        CursorKey::new(&[byte; 32]).expect("key")
    }
}
