//! The token of a sign-in notice's "Not you? Lock your account" link (`<web origin>/lock?token=`):
//! it names the account (its Cognito `sub`, and the patient for a patient's account) and when it
//! lapses (7 days after the sign-in it tells of), signed (HMAC-SHA256) so it can be neither
//! altered nor made up. The notifications sender seals it when it sends the notice;
//! `POST /auth/lock-account` opens it. Two functions, one key: derived from the cursor-signing
//! secret for this purpose alone (like unsubscribe links), so a token is never a cursor, an
//! unsubscribe token, or anything but a lock link.
//!
//! `<payload>.<tag>`, both base64url; the payload is `lock|<expires, epoch seconds>|<patient id
//! or ->|<sub>`. All it can do is lock the account it names, which its owner can have undone at
//! the front desk: kept in no store, and single purpose.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::policy::caller::UserSub;

type HmacSha256 = Hmac<Sha256>;

/// Separates this key from every other use of the cursor secret (`CursorKeys::derived_key`).
pub const PURPOSE: &str = "account-lock-link/v1";

/// How long a link works after the sign-in it tells of.
pub const VALID_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The longest token [`LockToken::seal`] makes (the request schema's bound).
pub const MAX_TOKEN_CHARS: usize = 512;

const TAG: &str = "lock";

/// What a lock link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockToken {
    pub sub: UserSub,
    /// The patient whose account it is; `None` for a caregiver's account.
    pub patient: Option<PatientId>,
    /// Epoch seconds after which the link no longer works.
    pub expires_at: i64,
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

impl LockToken {
    /// The link's token for a notice of a sign-in (or password reset) at `at`.
    pub fn new(sub: UserSub, patient: Option<PatientId>, at: Timestamp) -> Self {
        LockToken {
            sub,
            patient,
            expires_at: at.plus(VALID_FOR).unix_seconds(),
        }
    }

    fn payload(&self) -> String {
        let patient = self
            .patient
            .map(|patient| patient.to_string())
            .unwrap_or_else(|| "-".into());
        format!("{TAG}|{}|{patient}|{}", self.expires_at, self.sub)
    }

    /// The token, signed with `key` (the purpose's derived key).
    pub fn seal(&self, key: &[u8]) -> String {
        let payload = self.payload();
        let mut mac = mac(key);
        mac.update(payload.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    /// What `token` names if `key` signed it (compared in constant time), expired or not.
    pub fn verify(key: &[u8], token: &str) -> Option<LockToken> {
        if token.len() > MAX_TOKEN_CHARS {
            return None;
        }
        let (payload, tag) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = mac(key);
        mac.update(&payload);
        mac.verify_slice(&tag).ok()?;
        let payload = String::from_utf8(payload).ok()?;
        let mut parts = payload.splitn(4, '|');
        if parts.next()? != TAG {
            return None;
        }
        let expires_at = parts.next()?.parse::<i64>().ok()?;
        let patient = match parts.next()? {
            "-" => None,
            raw => Some(PatientId::parse(raw)?),
        };
        let sub = UserSub::parse(parts.next()?)?;
        Some(LockToken {
            sub,
            patient,
            expires_at,
        })
    }

    /// `verified` (what [`LockToken::verify`] found, under any key version), if it has not
    /// lapsed at `now`; anything else is [`ApiError::InvalidToken`] (400 `invalid-token`).
    pub fn in_force(verified: Option<LockToken>, now: Timestamp) -> Result<LockToken, ApiError> {
        verified
            .filter(|token| now.unix_seconds() < token.expires_at)
            .ok_or(ApiError::InvalidToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = &[7u8; 32];

    fn token(patient: Option<PatientId>) -> LockToken {
        LockToken::new(
            UserSub::parse("5f3c1a2b-0000-4000-8000-000000000001").expect("sub"),
            patient,
            Timestamp::now(),
        )
    }

    #[test]
    fn round_trips_for_a_patient_and_a_caregiver_account() {
        for patient in [Some(PatientId::generate()), None] {
            let made = token(patient);
            let sealed = made.seal(KEY);
            assert!(sealed.len() <= MAX_TOKEN_CHARS);
            assert!(
                sealed
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
                "fits a URL's query unescaped"
            );
            let opened = LockToken::verify(KEY, &sealed);
            assert_eq!(opened.as_ref(), Some(&made));
            assert_eq!(
                LockToken::in_force(opened, Timestamp::now()).expect("valid"),
                made
            );
        }
    }

    #[test]
    fn a_link_lapses_after_seven_days() {
        let sent_at = Timestamp::parse("2026-05-01T10:00:00Z").expect("at");
        let made = LockToken::new(UserSub::parse("a-1").expect("sub"), None, sent_at);
        let opened = || LockToken::verify(KEY, &made.seal(KEY));
        let just_before = sent_at.plus(VALID_FOR - Duration::from_secs(1));
        assert!(LockToken::in_force(opened(), just_before).is_ok());
        let lapsed = LockToken::in_force(opened(), sent_at.plus(VALID_FOR));
        assert!(matches!(lapsed, Err(ApiError::InvalidToken)));
    }

    #[test]
    fn refuses_altered_made_up_and_foreign_tokens() {
        let sealed = token(Some(PatientId::generate())).seal(KEY);
        let (payload, tag) = sealed.split_once('.').expect("two parts");
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("utf8");
        let later = text.replacen('|', "|9", 2).replacen("|9", "|", 1);
        let altered = URL_SAFE_NO_PAD.encode(later);
        for bad in [
            format!("{altered}.{tag}"),
            format!("{payload}.{}", &tag[1..]),
            format!("{payload}."),
            "garbage".to_owned(),
            String::new(),
            "x".repeat(MAX_TOKEN_CHARS + 1),
        ] {
            assert_eq!(LockToken::verify(KEY, &bad), None, "{bad}");
        }
        assert_eq!(LockToken::verify(&[8u8; 32], &sealed), None, "another key");
        // A payload signed for another purpose with this key is no lock token.
        let other = {
            let payload = "unsubscribe|1|-|a-1";
            let mut mac = mac(KEY);
            mac.update(payload.as_bytes());
            format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(payload),
                URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
            )
        };
        assert_eq!(LockToken::verify(KEY, &other), None);
        assert!(matches!(
            LockToken::in_force(None, Timestamp::now()),
            Err(ApiError::InvalidToken)
        ));
    }
}
