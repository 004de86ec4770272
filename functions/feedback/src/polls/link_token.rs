//! A practice link's token: 32 random bytes, base64url without padding (43 characters). Only
//! its SHA-256 (hex) is stored; the token itself is shown once, when the link is made.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portal_shared::ApiError;
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 32;
/// The length of a token's text.
pub const TOKEN_CHARS: usize = 43;

/// A new token and its hash.
pub fn generate() -> Result<(String, String), ApiError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|error| ApiError::internal(error.to_string()))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = sha256_hex(&token);
    Ok((token, hash))
}

/// The hash a link is found by, when `token` could be one of ours (`None` otherwise: it names
/// no link).
pub fn hash_of(token: &str) -> Option<String> {
    let well_formed = token.len() == TOKEN_CHARS
        && URL_SAFE_NO_PAD
            .decode(token)
            .is_ok_and(|bytes| bytes.len() == TOKEN_BYTES);
    well_formed.then(|| sha256_hex(token))
}

fn sha256_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_43_characters_of_base64url_and_found_by_its_hash() {
        let (token, hash) = generate().expect("a token");
        assert_eq!(token.len(), TOKEN_CHARS);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(hash_of(&token), Some(hash.clone()));
        assert_eq!(hash.len(), 64);
        assert_ne!(generate().expect("another").0, token);
    }

    #[test]
    fn anything_else_names_no_link() {
        assert_eq!(hash_of(""), None);
        assert_eq!(hash_of("short"), None);
        assert_eq!(hash_of(&"=".repeat(TOKEN_CHARS)), None);
        assert_eq!(hash_of(&"a".repeat(TOKEN_CHARS + 1)), None);
    }
}
