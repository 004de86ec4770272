//! Verifies bearer tokens as API Gateway's Cognito user-pool authorizer does.
//!
//! Accepts the ID token from the `Authorization` header (raw, or after `Bearer `): RS256 signed
//! by a key of the pool's JWKS, `iss` the pool, `aud` the app client, `token_use` `id`, not
//! expired. The JWKS is fetched once and cached; a token naming an unknown key id triggers one
//! refetch (key rotation), no more often than every few seconds.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

/// Why a token was refused. API Gateway answers every one of these with the same 401; the
/// reason only goes to the log (and the tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    MissingToken,
    Malformed,
    UnknownKey,
    BadSignature,
    Expired,
    WrongIssuer,
    WrongAudience,
    NotAnIdToken,
    /// The JWKS could not be fetched.
    KeysUnavailable,
}

/// Verifies tokens of one user pool and app client.
pub struct TokenVerifier {
    issuer: String,
    audience: String,
    source: KeySource,
    keys: RwLock<Keys>,
}

enum KeySource {
    Url {
        url: String,
        http: reqwest::Client,
    },
    /// Fixed keys, for tests.
    Fixed,
}

#[derive(Default)]
struct Keys {
    set: Option<JwkSet>,
    fetched_at: Option<Instant>,
}

/// A refetch for an unknown key id waits at least this long after the previous fetch, so a
/// stream of forged tokens cannot turn into a stream of JWKS requests.
const REFETCH_INTERVAL: Duration = Duration::from_secs(5);

impl TokenVerifier {
    /// Fetches keys from `jwks_url` on first use.
    pub fn new(jwks_url: String, issuer: String, audience: String) -> Result<TokenVerifier> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .context("cannot build an HTTP client")?;
        Ok(TokenVerifier {
            issuer,
            audience,
            source: KeySource::Url {
                url: jwks_url,
                http,
            },
            keys: RwLock::new(Keys::default()),
        })
    }

    /// Uses the given keys and never fetches.
    pub fn with_keys(keys: JwkSet, issuer: String, audience: String) -> TokenVerifier {
        TokenVerifier {
            issuer,
            audience,
            source: KeySource::Fixed,
            keys: RwLock::new(Keys {
                set: Some(keys),
                fetched_at: Some(Instant::now()),
            }),
        }
    }

    /// Verifies the `Authorization` header's token and returns its claims (as in the token).
    pub async fn verify(
        &self,
        authorization: Option<&str>,
    ) -> Result<Map<String, Value>, Rejection> {
        let token = bearer_token(authorization).ok_or(Rejection::MissingToken)?;
        let header = decode_header(token).map_err(|_| Rejection::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(Rejection::Malformed);
        }
        let kid = header.kid.ok_or(Rejection::UnknownKey)?;
        let key = self.key(&kid).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        // API Gateway allows no grace period after `exp`.
        validation.leeway = 0;
        let claims = decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| rejection(e.kind()))?
            .claims;
        if claims.get("token_use").and_then(Value::as_str) != Some("id") {
            return Err(Rejection::NotAnIdToken);
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, Rejection> {
        if let Some(key) = self.cached_key(kid).await? {
            return Ok(key);
        }
        let KeySource::Url { url, http } = &self.source else {
            return Err(Rejection::UnknownKey);
        };
        let mut keys = self.keys.write().await;
        let recently = keys
            .fetched_at
            .is_some_and(|at| at.elapsed() < REFETCH_INTERVAL);
        if keys.set.is_none() || !recently {
            let fetched = fetch(http, url).await.map_err(|error| {
                tracing::warn!(%error, "cannot fetch the user pool's JWKS");
                Rejection::KeysUnavailable
            })?;
            keys.set = Some(fetched);
            keys.fetched_at = Some(Instant::now());
        }
        let jwk = keys
            .set
            .as_ref()
            .and_then(|set| set.find(kid))
            .ok_or(Rejection::UnknownKey)?;
        DecodingKey::from_jwk(jwk).map_err(|_| Rejection::UnknownKey)
    }

    async fn cached_key(&self, kid: &str) -> Result<Option<DecodingKey>, Rejection> {
        let keys = self.keys.read().await;
        match keys.set.as_ref().and_then(|set| set.find(kid)) {
            Some(jwk) => DecodingKey::from_jwk(jwk)
                .map(Some)
                .map_err(|_| Rejection::UnknownKey),
            None => Ok(None),
        }
    }
}

async fn fetch(http: &reqwest::Client, url: &str) -> Result<JwkSet> {
    let response = http.get(url).send().await?.error_for_status()?;
    Ok(response.json::<JwkSet>().await?)
}

/// The token from `Authorization: <token>` or `Authorization: Bearer <token>`.
pub fn bearer_token(header: Option<&str>) -> Option<&str> {
    let value = header?.trim();
    if value.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value,
    };
    (!token.is_empty()).then_some(token)
}

fn rejection(kind: &jsonwebtoken::errors::ErrorKind) -> Rejection {
    use jsonwebtoken::errors::ErrorKind;
    match kind {
        ErrorKind::ExpiredSignature => Rejection::Expired,
        ErrorKind::InvalidIssuer => Rejection::WrongIssuer,
        ErrorKind::InvalidAudience => Rejection::WrongAudience,
        ErrorKind::InvalidSignature => Rejection::BadSignature,
        ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => Rejection::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) if claim == "iss" => Rejection::WrongIssuer,
        ErrorKind::MissingRequiredClaim(_) => Rejection::Malformed,
        _ => Rejection::Malformed,
    }
}

#[cfg(test)]
mod tests;
