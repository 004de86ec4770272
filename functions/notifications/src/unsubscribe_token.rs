//! The token in an email's unsubscribe link: it names the patient, the person (the patient or
//! one caregiver) and the kind, signed (HMAC-SHA256) so it can be neither altered nor made up.
//! The key is derived from the function's cursor signing secret for this purpose alone, so no
//! further secret is needed and a token is never a valid cursor (nor a cursor a token). Tokens
//! are signed with the secret's current version and open under the current or the previous one
//! (`CursorKeys::open_signed`): a link is good until the second rotation after it was sent.
//!
//! `<payload>.<tag>`, both base64url: the payload is `<patientId>.<kind>` for the patient,
//! `<patientId>.<kind>.<caregiverSub>` for a caregiver. It does not expire: an old email's link
//! still works, and all it can do is turn one kind of email off.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::features::notification::Kind;
use portal_shared::platform::cursor::{CursorKey, CursorKeys};
use portal_shared::policy::caller::UserSub;
use sha2::Sha256;

use crate::Deps;
use crate::person::Person;

type HmacSha256 = Hmac<Sha256>;

/// Separates this key from every other use of the cursor secret.
const PURPOSE: &str = "notification-unsubscribe-token/v1";

/// What a verified token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeToken {
    pub patient: PatientId,
    pub person: Person,
    pub kind: Kind,
}

fn mac(derived_key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length.
    HmacSha256::new_from_slice(derived_key).unwrap_or_else(|_| unreachable!())
}

impl UnsubscribeToken {
    /// Signs with `cursor_key`: the cursor secret's current version
    /// (`CursorKeys::current`).
    pub fn seal(&self, cursor_key: &CursorKey) -> String {
        let mut payload = format!("{}.{}", self.patient, self.kind.template());
        if let Person::Caregiver(sub) = &self.person {
            payload.push('.');
            payload.push_str(sub.as_str());
        }
        let mut mac = mac(&cursor_key.derived_key(PURPOSE));
        mac.update(payload.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    /// The token's contents, if the portal signed it (the tag is compared in constant time).
    /// Anything else is [`ApiError::InvalidToken`].
    pub async fn open(cursor_keys: &CursorKeys, token: &str) -> Result<Self, ApiError> {
        let (payload, tag) = token.split_once('.').ok_or(ApiError::InvalidToken)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| ApiError::InvalidToken)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| ApiError::InvalidToken)?;
        let genuine = cursor_keys
            .open_signed(PURPOSE, |key| {
                let mut mac = mac(key);
                mac.update(&payload);
                mac.verify_slice(&tag).ok()
            })
            .await?;
        genuine.ok_or(ApiError::InvalidToken)?;
        let payload = String::from_utf8(payload).map_err(|_| ApiError::InvalidToken)?;
        let mut parts = payload.splitn(3, '.');
        let patient = parts
            .next()
            .and_then(PatientId::parse)
            .ok_or(ApiError::InvalidToken)?;
        let kind = parts
            .next()
            .and_then(Kind::from_template)
            .filter(|kind| kind.is_choosable())
            .ok_or(ApiError::InvalidToken)?;
        let person = match parts.next() {
            None => Person::Patient,
            Some(sub) => Person::Caregiver(UserSub::parse(sub).ok_or(ApiError::InvalidToken)?),
        };
        Ok(UnsubscribeToken {
            patient,
            person,
            kind,
        })
    }
}

impl Deps {
    /// The link every (non-security) email carries: the web app's unsubscribe page with the
    /// signed token, for `person` and `kind` about `patient`.
    pub async fn unsubscribe_link(
        &self,
        patient: PatientId,
        person: &Person,
        kind: Kind,
    ) -> Result<String, ApiError> {
        let key = self.platform.cursor_key.current().await?;
        let token = UnsubscribeToken {
            patient,
            person: person.clone(),
            kind,
        }
        .seal(&key);
        Ok(format!(
            "{}/unsubscribe?token={token}",
            self.web_origin.trim_end_matches('/')
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CursorKey {
        CursorKey::new(&[7u8; 32]).expect("key")
    }

    fn keys() -> CursorKeys {
        CursorKeys::fixed(&[7u8; 32], None).expect("keys")
    }

    fn patient() -> PatientId {
        PatientId::parse("01HZY3K9QFJ3V8X2M4N6P8R0ST").expect("patient id")
    }

    fn caregiver() -> Person {
        Person::Caregiver(UserSub::parse("5f3c1a2b-0000-4000-8000-000000000001").expect("sub"))
    }

    #[tokio::test]
    async fn round_trips_for_the_patient_and_a_caregiver() {
        for person in [Person::Patient, caregiver()] {
            let token = UnsubscribeToken {
                patient: patient(),
                person,
                kind: Kind::AppointmentReminder,
            };
            let sealed = token.seal(&key());
            assert!(sealed.len() <= 512, "fits the request schema");
            assert_eq!(
                UnsubscribeToken::open(&keys(), &sealed)
                    .await
                    .expect("open"),
                token
            );
        }
    }

    #[tokio::test]
    async fn refuses_altered_made_up_and_foreign_tokens() {
        let sealed = UnsubscribeToken {
            patient: patient(),
            person: Person::Patient,
            kind: Kind::NewMessage,
        }
        .seal(&key());
        let (payload, tag) = sealed.split_once('.').expect("two parts");
        let altered = URL_SAFE_NO_PAD.encode(
            String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("b64"))
                .expect("utf8")
                .replace("new-portal-message", "appointment-booked"),
        );
        for bad in [
            format!("{altered}.{tag}"),
            format!("{payload}.{}", &tag[1..]),
            "garbage".to_owned(),
            String::new(),
        ] {
            assert!(
                matches!(
                    UnsubscribeToken::open(&keys(), &bad).await,
                    Err(ApiError::InvalidToken)
                ),
                "{bad}"
            );
        }
        let other = CursorKeys::fixed(&[8u8; 32], None).expect("keys");
        assert!(UnsubscribeToken::open(&other, &sealed).await.is_err());
        // After one rotation the token still opens; after a second it does not.
        let rotated = CursorKeys::fixed(&[8u8; 32], Some(&[7u8; 32])).expect("keys");
        assert!(UnsubscribeToken::open(&rotated, &sealed).await.is_ok());
        // A cursor signed with the same secret is not a token.
        let cursor = key()
            .seal("list", &std::collections::HashMap::new())
            .expect("cursor");
        assert!(UnsubscribeToken::open(&keys(), &cursor).await.is_err());
    }
}
