//! Secrets from AWS Secrets Manager: the cursor-signing secret and the code-hashing secret.
//!
//! A secret is read on first use (no function fetches a secret it never uses) and cached:
//! both its `AWSCURRENT` and its `AWSPREVIOUS` version (the latter is absent until the first
//! rotation). New things are made with the current version; what was made before a rotation
//! (a cursor, a stored code hash) is still accepted under the previous.
//!
//! The cache ([`RefreshingCopy`]) is read again once it is older than the refresh interval
//! (`SECRET_REFRESH_SECONDS`, default [`DEFAULT_REFRESH`]): within that time after a rotation
//! every warm container makes new things with the new version, and stops accepting the version
//! two rotations old. A process that meets something made under a version it has not read yet
//! (a cursor from a container that read the secret after a rotation) refetches at once: at most
//! once every [`MIN_REFETCH`], so a flood of bad input cannot become a flood of Secrets Manager
//! calls. A read that fails keeps the versions read before for another interval; with none,
//! the answer is 503.
//!
//! Secret values never reach a log, an error message or `Debug`.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ApiError;
use crate::domain::one_time_code::KeyedHasher;
use crate::platform::clock::SystemClock;
use crate::platform::refreshing::{AfterFailure, Loader, RefreshingCopy};

type HmacSha256 = Hmac<Sha256>;

/// The shortest secret accepted (bytes). The template generates 64 characters.
pub const MIN_SECRET_BYTES: usize = 32;
/// The least time between two refetches asked for by something no cached version accepts.
pub const MIN_REFETCH: Duration = Duration::from_secs(5);
/// How long a read secret is used before it is read again, unless configured.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(300);

const CURRENT: &str = "AWSCURRENT";
const PREVIOUS: &str = "AWSPREVIOUS";

/// One secret's versions, as read: new things use `current`; `previous` still verifies.
pub struct SecretVersions {
    pub current: Vec<u8>,
    pub previous: Option<Vec<u8>>,
}

impl SecretVersions {
    /// The current version, then the previous one when there is one.
    pub fn all(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.current.as_slice()).chain(self.previous.as_deref())
    }
}

impl std::fmt::Debug for SecretVersions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretVersions")
            .field("previous", &self.previous.is_some())
            .finish_non_exhaustive()
    }
}

enum Origin {
    /// Read from Secrets Manager (the local stack's moto, or AWS).
    Manager { client: Client, secret_id: String },
    /// Fixed versions: unit tests.
    Fixed,
}

/// Where a secret's versions are read from.
struct Source {
    /// The template's logical name, for error messages (`CursorSigningSecret`).
    name: &'static str,
    origin: Origin,
}

impl Loader<SecretVersions> for Source {
    fn load(&self) -> BoxFuture<'_, Result<SecretVersions, ApiError>> {
        Box::pin(self.fetch())
    }
}

impl Source {
    async fn fetch(&self) -> Result<SecretVersions, ApiError> {
        let Origin::Manager { client, secret_id } = &self.origin else {
            return Err(ApiError::internal(format!(
                "{} has no source to fetch from",
                self.name
            )));
        };
        if secret_id.trim().is_empty() {
            return Err(ApiError::internal(format!(
                "{}: the function was given no ARN for it",
                self.name
            )));
        }
        let (current, previous) = futures::join!(
            stage(client, secret_id, CURRENT),
            stage(client, secret_id, PREVIOUS)
        );
        let name = self.name;
        let current = current
            .map_err(|problem| ApiError::internal(format!("{name} {CURRENT}: {problem}")))?
            .ok_or_else(|| ApiError::internal(format!("{name} has no {CURRENT} version")))?;
        let previous = previous
            .map_err(|problem| ApiError::internal(format!("{name} {PREVIOUS}: {problem}")))?;
        checked(name, current, previous).map_err(ApiError::internal)
    }
}

struct Inner {
    name: &'static str,
    fixed: bool,
    copy: RefreshingCopy<SecretVersions, Source>,
}

/// A secret read once and cached, cheap to clone (all clones share the cache).
#[derive(Clone)]
pub struct CachedSecret(Arc<Inner>);

impl std::fmt::Debug for CachedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CachedSecret").field(&self.0.name).finish()
    }
}

impl CachedSecret {
    /// The secret `secret_id` (its ARN) in Secrets Manager; nothing is read until first use,
    /// and what was read is read again once older than `max_age`.
    pub fn from_manager(
        name: &'static str,
        client: Client,
        secret_id: String,
        max_age: Duration,
    ) -> Self {
        Self::with(name, Origin::Manager { client, secret_id }, max_age, None)
    }

    /// Fixed versions, for tests (checked like fetched ones: at least [`MIN_SECRET_BYTES`]).
    pub fn fixed(current: &[u8], previous: Option<&[u8]>) -> Result<Self, String> {
        let versions = checked(
            "a fixed secret",
            current.to_vec(),
            previous.map(<[u8]>::to_vec),
        )?;
        Ok(Self::with(
            "fixed",
            Origin::Fixed,
            Duration::MAX,
            Some(versions),
        ))
    }

    fn with(
        name: &'static str,
        origin: Origin,
        max_age: Duration,
        versions: Option<SecretVersions>,
    ) -> Self {
        let fixed = matches!(origin, Origin::Fixed);
        let copy = RefreshingCopy::new(
            name,
            Source { name, origin },
            Arc::new(SystemClock),
            max_age,
        )
        // Secrets Manager failed a refresh: go on with what was read (tried again after
        // another interval) rather than fail, or call it, on every request meanwhile.
        .after_failure(AfterFailure::KeepForAWindow);
        let copy = match versions {
            Some(versions) => copy.starting_with(versions),
            None => copy,
        };
        CachedSecret(Arc::new(Inner { name, fixed, copy }))
    }

    /// The cached versions, read from Secrets Manager on first use and again once older than
    /// the refresh interval. A warm call makes none.
    pub async fn versions(&self) -> Result<Arc<SecretVersions>, ApiError> {
        self.0.copy.get().await
    }

    /// Newer versions than `seen`, when a refetch is allowed (none in the last
    /// [`MIN_REFETCH`]) and finds them, or when another request already did. `None` when
    /// there is nothing newer to try (a refetch that fails is logged: what asked is refused
    /// as if no version fitted, and the cache goes on).
    pub async fn refreshed(
        &self,
        seen: &Arc<SecretVersions>,
    ) -> Result<Option<Arc<SecretVersions>>, ApiError> {
        if self.0.fixed {
            return Ok(None);
        }
        Ok(self
            .0
            .copy
            .newer_than(seen, MIN_REFETCH, |fetched, seen| {
                fetched.current == seen.current && fetched.previous == seen.previous
            })
            .await)
    }
}

/// One version stage's value; `None` when the secret has no version in that stage.
async fn stage(client: &Client, secret_id: &str, stage: &str) -> Result<Option<Vec<u8>>, String> {
    match client
        .get_secret_value()
        .secret_id(secret_id)
        .version_stage(stage)
        .send()
        .await
    {
        Ok(output) => {
            if let Some(text) = output.secret_string() {
                Ok(Some(text.as_bytes().to_vec()))
            } else if let Some(binary) = output.secret_binary() {
                Ok(Some(binary.as_ref().to_vec()))
            } else {
                Ok(None)
            }
        }
        // Names the error, never the request or the response (no value can leak).
        Err(error) => match error.code() {
            Some("ResourceNotFoundException") if stage == PREVIOUS => Ok(None),
            Some(code) => Err(code.to_owned()),
            None => Err(aws_sdk_secretsmanager::error::DisplayErrorContext(&error).to_string()),
        },
    }
}

fn checked(
    name: &str,
    current: Vec<u8>,
    previous: Option<Vec<u8>>,
) -> Result<SecretVersions, String> {
    if current.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "{name}: the current version must be at least {MIN_SECRET_BYTES} bytes"
        ));
    }
    // A too-short previous version (hand-made, say) verifies nothing rather than stopping
    // everything: only what was made under it stops working.
    let previous = previous.filter(|value| value.len() >= MIN_SECRET_BYTES);
    Ok(SecretVersions { current, previous })
}

/// HMAC-SHA256 of `data` under `key` for `purpose` (length-prefixed, so no two purposes and
/// data ever hash the same input), as lowercase hex.
pub fn keyed_hex(key: &[u8], purpose: &str, data: &[u8]) -> String {
    // HMAC takes keys of any length.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(&(purpose.len() as u64).to_be_bytes());
    mac.update(purpose.as_bytes());
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// The code-hashing secret (`CodeHashingSecret`), cached: where [`CodeHasher`]s come from.
#[derive(Clone, Debug)]
pub struct CodeHashingSecret(pub CachedSecret);

impl CodeHashingSecret {
    /// The hasher for this request: the secret is read on first use, then cached.
    pub async fn hasher(&self) -> Result<CodeHasher, ApiError> {
        Ok(CodeHasher(self.0.versions().await?))
    }
}

/// Keyed hashes (HMAC-SHA256 with the code-hashing secret) of one-time codes and other values
/// the table must hold only in a form nobody without the secret can test a guess against:
/// activation and invitation codes, backup codes, known clients, attempt-limit subjects.
///
/// Store [`CodeHasher::hash_hex`] (the current key); look up every one of
/// [`CodeHasher::lookup_hex`] (current key first, then the previous one), so a code stored
/// before a rotation of the secret is still found.
#[derive(Clone)]
pub struct CodeHasher(Arc<SecretVersions>);

impl std::fmt::Debug for CodeHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeHasher(<redacted>)")
    }
}

impl CodeHasher {
    /// A hasher with fixed keys, for tests.
    pub fn fixed(current: &[u8], previous: Option<&[u8]>) -> Result<Self, String> {
        Ok(CodeHasher(Arc::new(checked(
            "a fixed secret",
            current.to_vec(),
            previous.map(<[u8]>::to_vec),
        )?)))
    }

    /// The hash to store for `code` (64 hex digits). `purpose` separates kinds of code: an
    /// activation code's hash is never a backup code's.
    pub fn hash_hex(&self, purpose: &str, code: &str) -> String {
        keyed_hex(&self.0.current, purpose, code.as_bytes())
    }

    /// The hashes `code` may be stored under, the current key's first: one, or two after a
    /// rotation of the secret.
    pub fn lookup_hex(&self, purpose: &str, code: &str) -> Vec<String> {
        self.0
            .all()
            .map(|key| keyed_hex(key, purpose, code.as_bytes()))
            .collect()
    }
}

impl KeyedHasher for CodeHasher {
    fn hash_hex(&self, purpose: &str, value: &str) -> String {
        CodeHasher::hash_hex(self, purpose, value)
    }
    fn lookup_hex(&self, purpose: &str, value: &str) -> Vec<String> {
        CodeHasher::lookup_hex(self, purpose, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::one_time_code::{ACTIVATION_CODE, CARE_INVITATION_CODE, Code};

    #[test]
    fn only_a_keyed_hash_is_kept_and_legacy_hashes_are_found_last() {
        let code = Code::normalise("ABCDE-01234").expect("code");
        let hasher = CodeHasher::fixed(&[5u8; 32], None).expect("hasher");
        let stored = code.keyed_hash(&hasher, ACTIVATION_CODE);
        assert_eq!(stored.len(), 64);
        assert_ne!(stored, code.legacy_sha256_hex());
        assert_ne!(stored, code.keyed_hash(&hasher, CARE_INVITATION_CODE));
        assert!(!format!("{code:?}").contains("ABCDE"));
        assert_eq!(
            code.lookup_hashes(&hasher, ACTIVATION_CODE),
            vec![stored.clone(), code.legacy_sha256_hex()]
        );
        let rotated = CodeHasher::fixed(&[6u8; 32], Some(&[5u8; 32])).expect("hasher");
        let hashes = code.lookup_hashes(&rotated, ACTIVATION_CODE);
        assert_eq!(hashes.len(), 3);
        assert_eq!(hashes[1], stored, "the previous key's hash is still found");
    }

    #[test]
    fn hashes_are_keyed_and_purpose_separated() {
        let hasher = CodeHasher::fixed(&[1u8; 32], None).expect("hasher");
        let hash = hasher.hash_hex("activation-code", "ABCD-EFGH");
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(hash, hasher.hash_hex("activation-code", "ABCD-EFGH"));
        assert_ne!(hash, hasher.hash_hex("backup-code", "ABCD-EFGH"));
        assert_ne!(hash, hasher.hash_hex("activation-code", "ABCD-EFGI"));
        let other = CodeHasher::fixed(&[2u8; 32], None).expect("hasher");
        assert_ne!(hash, other.hash_hex("activation-code", "ABCD-EFGH"));
        // Not the plain SHA-256 the codes were stored under before.
        use sha2::Digest;
        assert_ne!(hash, hex::encode(Sha256::digest(b"ABCD-EFGH")));
        // The purpose is length-prefixed: moving a character across the boundary changes it.
        assert_ne!(
            hasher.hash_hex("ab", "c"),
            hasher.hash_hex("a", "bc"),
            "purpose and code must not run together"
        );
    }

    #[test]
    fn lookups_try_the_current_key_then_the_previous() {
        let before = CodeHasher::fixed(&[1u8; 32], None).expect("hasher");
        let stored = before.hash_hex("activation-code", "CODE");
        assert_eq!(
            before.lookup_hex("activation-code", "CODE"),
            vec![stored.clone()]
        );
        let after = CodeHasher::fixed(&[2u8; 32], Some(&[1u8; 32])).expect("hasher");
        let candidates = after.lookup_hex("activation-code", "CODE");
        assert_eq!(candidates.len(), 2);
        assert_eq!(candidates[0], after.hash_hex("activation-code", "CODE"));
        assert_eq!(candidates[1], stored);
    }

    #[test]
    fn short_secrets_are_refused_and_never_shown() {
        assert!(CodeHasher::fixed(b"short", None).is_err());
        // A short previous version is dropped, not fatal.
        let hasher = CodeHasher::fixed(&[1u8; 32], Some(b"short")).expect("hasher");
        assert_eq!(hasher.lookup_hex("p", "c").len(), 1);
        assert_eq!(format!("{hasher:?}"), "CodeHasher(<redacted>)");
        let secret = CachedSecret::fixed(b"0123456789abcdef0123456789abcdef", None).expect("s");
        assert!(!format!("{secret:?}").contains("0123"));
    }

    #[tokio::test]
    async fn fixed_secrets_are_cached_and_never_refetched() {
        let secret = CachedSecret::fixed(&[3u8; 32], Some(&[4u8; 32])).expect("secret");
        let versions = secret.versions().await.expect("versions");
        assert_eq!(versions.all().count(), 2);
        assert!(Arc::ptr_eq(
            &versions,
            &secret.versions().await.expect("again")
        ));
        assert!(
            secret
                .refreshed(&versions)
                .await
                .expect("refresh")
                .is_none()
        );
        let hasher = CodeHashingSecret(secret).hasher().await.expect("hasher");
        assert_eq!(hasher.lookup_hex("p", "c").len(), 2);
    }
}
