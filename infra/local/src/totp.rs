//! Authenticator-app codes (RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits) computed from
//! the base32 secret Cognito hands out at enrolment (AssociateSoftwareToken). The local stack
//! enrols its staff for real and answers their sign-in challenge with these; the emulator
//! accepts any code, but the codes are the ones an authenticator app would show.

use anyhow::{Result, bail};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// One code per 30 seconds.
pub const STEP_SECONDS: u64 = 30;
const DIGITS: u32 = 6;

/// The code for the current 30-second step.
pub fn code_now(secret: &str) -> Result<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    code_at(secret, now)
}

/// The code for the step holding `unix_seconds`.
pub fn code_at(secret: &str, unix_seconds: u64) -> Result<String> {
    let key = base32_decode(secret)?;
    Ok(hotp(&key, unix_seconds / STEP_SECONDS, DIGITS))
}

/// RFC 4226: the HMAC-SHA1 of the big-endian counter, dynamically truncated.
fn hotp(key: &[u8], counter: u64, digits: u32) -> String {
    // HMAC accepts a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    let code = binary % 10u32.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// RFC 4648 base32 (any case, spaces and padding ignored), as authenticator secrets are written.
fn base32_decode(secret: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in secret.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => bail!("an authenticator secret is base32"),
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    if bytes.is_empty() {
        bail!("an authenticator secret is not empty");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_rfc_6238() {
        // The RFC's 8-digit values end in these 6 digits.
        for (at, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(RFC_SECRET, at).expect("code"), code, "at {at}");
        }
    }

    #[test]
    fn secrets_read_in_any_case_and_bad_ones_are_errors() {
        assert_eq!(
            code_at(&RFC_SECRET.to_lowercase(), 59).expect("code"),
            "287082"
        );
        assert!(code_at("not base32!", 59).is_err());
        assert!(code_at("", 59).is_err());
    }

    #[test]
    fn a_code_holds_for_its_step() {
        assert_eq!(
            code_at(RFC_SECRET, 60).expect("code"),
            code_at(RFC_SECRET, 89).expect("code")
        );
    }
}
