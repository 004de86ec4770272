//! Random secrets standing in for what Secrets Manager would generate in the cloud.

use ulid::Ulid;

/// A secret as the local stack created it in the emulator: its ARN (what `!Ref` gives) and its
/// first value.
#[derive(Clone)]
pub struct CreatedSecret {
    pub arn: String,
    pub value: String,
}

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Letters and digits only, like `GenerateSecretString` with `ExcludePunctuation`.
///
/// The bits come from ULIDs' random part (80 bits from the thread-local CSPRNG of `rand`, which
/// ulid already depends on), so the crate needs no RNG dependency of its own. Six bits pick a
/// character; values 62 and 63 are skipped so that every character is equally likely.
pub fn random_alphanumeric(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pool: u128 = 0;
    let mut bits = 0u32;
    while out.len() < len {
        if bits < 6 {
            pool = Ulid::generate().random();
            bits = 80;
        }
        let index = (pool & 0x3f) as usize;
        pool >>= 6;
        bits -= 6;
        if let Some(&c) = ALPHABET.get(index) {
            out.push(char::from(c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_length_and_alphabet_asked_for() {
        let secret = random_alphanumeric(64);
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(secret, random_alphanumeric(64));
    }
}
