//! One-time codes that turn into accounts or access (patients' activation codes, care-circle
//! invitations): generated from the operating system's CSPRNG over Crockford's base32 alphabet
//! (no I, L, O, U: nothing to confuse on paper or over the phone), shown once as `XXXXX-XXXXX`,
//! stored only as a keyed hash (HMAC-SHA256 with the code-hashing secret, `CodeHasher`): 50 bits
//! are too few to keep a plain hash from a brute force by whoever reads the table.
//!
//! Codes issued before the keyed hash was introduced were stored under their plain SHA-256; a
//! lookup still tries that last ([`Code::lookup_hashes`]) until the longest code lifetime has
//! passed (docs/runbook.md, "Rotating secrets").

use crate::ApiError;
use sha2::{Digest, Sha256};

/// The hashing purpose of patients' activation codes.
pub const ACTIVATION_CODE: &str = "activation-code";
/// The hashing purpose of care-circle invitation codes.
pub const CARE_INVITATION_CODE: &str = "care-invitation-code";

/// Crockford base32: digits and upper-case letters without I, L, O and U.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 10 symbols of 5 bits: 50 bits, about 10^15 codes.
pub const LENGTH: usize = 10;

/// A code as a person types it, normalised.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(<redacted>)")
    }
}

impl Code {
    /// A new random code.
    pub fn generate() -> Result<Code, ApiError> {
        random_symbols(LENGTH).map(Code)
    }

    /// What a person typed: any case, dashes and spaces anywhere, and the letters people
    /// confuse with digits (O for 0, I and L for 1). `None` if it cannot be a code.
    pub fn normalise(typed: &str) -> Option<Code> {
        normalise_symbols(typed, LENGTH).map(Code)
    }

    /// How it is shown, once, to whoever hands it over: `XXXXX-XXXXX`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..LENGTH / 2], &self.0[LENGTH / 2..])
    }

    /// The keyed hash a new code's lookup item is keyed by (the secret's current version);
    /// `purpose` is [`ACTIVATION_CODE`] or [`CARE_INVITATION_CODE`].
    pub fn keyed_hash(&self, hasher: &impl KeyedHasher, purpose: &str) -> String {
        hasher.hash_hex(purpose, &self.0)
    }

    /// Every hash a stored code may be keyed by, in the order to try: the keyed hash under the
    /// secret's current version, under its previous version (after a rotation), then the plain
    /// SHA-256 of codes stored before keyed hashes (remove once the longest-lived of those has
    /// expired: see the runbook).
    pub fn lookup_hashes(&self, hasher: &impl KeyedHasher, purpose: &str) -> Vec<String> {
        let mut hashes = hasher.lookup_hex(purpose, &self.0);
        hashes.push(self.legacy_sha256_hex());
        hashes
    }

    /// The plain SHA-256 codes were stored under before keyed hashes: for finding those only.
    pub fn legacy_sha256_hex(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// `length` random symbols of [`ALPHABET`] from the operating system's CSPRNG: every code made
/// to be typed (these codes, MFA backup codes) is made here.
pub fn random_symbols(length: usize) -> Result<String, ApiError> {
    let mut bytes = vec![0u8; length];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(e.to_string()))?;
    // 256 is a multiple of 32, so `byte % 32` is uniform.
    Ok(bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(byte % 32)]))
        .collect())
}

/// The `length` symbols of [`ALPHABET`] a person typed: any case, dashes and spaces anywhere,
/// and the letters people confuse with digits (O for 0, I and L for 1). `None` if it holds
/// anything else or another number of symbols.
pub fn normalise_symbols(typed: &str, length: usize) -> Option<String> {
    let mut code = String::with_capacity(length);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        // Past `length` symbols it cannot be one: stop reading (a long paste costs nothing).
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || code.len() == length {
            return None;
        }
        code.push(c);
    }
    (code.len() == length).then_some(code)
}

/// What hashes codes with a secret key (the platform's `CodeHasher`, keyed from Secrets
/// Manager): the domain names what it needs, the platform provides it.
pub trait KeyedHasher {
    /// The hash under the key's current version (what a new item is stored under).
    fn hash_hex(&self, purpose: &str, value: &str) -> String;
    /// The hashes under every version still accepted, current first.
    fn lookup_hex(&self, purpose: &str, value: &str) -> Vec<String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_use_the_alphabet_and_differ() {
        let a = Code::generate().expect("code");
        let b = Code::generate().expect("code");
        assert_ne!(a, b);
        let shown = a.display();
        assert_eq!(shown.len(), LENGTH + 1);
        assert_eq!(&shown[5..6], "-");
        assert!(
            shown
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(Code::normalise(&shown), Some(a));
    }

    #[test]
    fn symbols_of_any_length_come_from_the_alphabet() {
        for length in [1, 8, LENGTH, 32] {
            let symbols = random_symbols(length).expect("symbols");
            assert_eq!(symbols.len(), length);
            assert!(symbols.bytes().all(|b| ALPHABET.contains(&b)));
            assert_eq!(normalise_symbols(&symbols, length), Some(symbols.clone()));
            assert_eq!(normalise_symbols(&symbols, length + 1), None);
        }
        assert_eq!(normalise_symbols(&"A".repeat(1000), 8), None);
    }

    #[test]
    fn typing_is_forgiving() {
        let code = Code::normalise("ABCDE-01234").expect("code");
        assert_eq!(Code::normalise("abcde 01234"), Some(code.clone()));
        assert_eq!(Code::normalise("ABCDEO1234"), Some(code.clone()));
        assert_eq!(
            Code::normalise("AB-CDE-OI234"),
            Code::normalise("ABCDE01234")
        );
        assert_eq!(Code::normalise("ABCDEL1234"), Code::normalise("ABCDE11234"));
        assert_eq!(Code::normalise("ABCDE-0123"), None, "too short");
        assert_eq!(
            Code::normalise("ABCDE-0123U"),
            None,
            "U is not in the alphabet"
        );
        assert_eq!(Code::normalise("ABCDE-0123É"), None);
    }
}
