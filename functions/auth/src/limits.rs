//! Attempt limits: fixed-window counters in the app table (`keys::attempt_counter`), one item
//! per purpose, subject (a hash of the client's address or of an email) and window, removed by
//! TTL after the window.
//!
//! An attempt takes a slot *before* it is tried (an atomic conditional ADD: at most `max` slots
//! per window, however many requests arrive at once), and gives it back when it turns out not
//! to be a failure. A request that fails, or dies half-way, keeps its slot: it counts.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use portal_shared::ApiError;
use portal_shared::keys::{self, Key};
use portal_shared::store;
use portal_shared::timestamp::Timestamp;

use portal_shared::cursor::CursorKey;

/// A limit on failed attempts.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub purpose: &'static str,
    pub max: u32,
    pub window: Duration,
}

/// Failed activations from one client address.
pub const ACTIVATE_PER_CLIENT: Limit = Limit {
    purpose: "activate",
    max: 10,
    window: Duration::from_secs(15 * 60),
};

/// Failed invitation acceptances (unknown codes, wrong emails) from one client address.
pub const ACCEPT_INVITATION_PER_CLIENT: Limit = Limit {
    purpose: "accept-invitation",
    max: 10,
    window: Duration::from_secs(15 * 60),
};

/// Failed sign-ins from one client address (an office behind one NAT shares it).
pub const SIGN_IN_PER_CLIENT: Limit = Limit {
    purpose: "sign-in-client",
    max: 30,
    window: Duration::from_secs(15 * 60),
};

/// Failed sign-ins for one email address, from anywhere.
pub const SIGN_IN_PER_EMAIL: Limit = Limit {
    purpose: "sign-in-email",
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// Reset-code emails asked for from one client address (every request counts: each may send
/// an email).
pub const FORGOT_PER_CLIENT: Limit = Limit {
    purpose: "forgot-client",
    max: 10,
    window: Duration::from_secs(15 * 60),
};

/// Reset-code emails asked for one email address.
pub const FORGOT_PER_EMAIL: Limit = Limit {
    purpose: "forgot-email",
    max: 3,
    window: Duration::from_secs(15 * 60),
};

/// Wrong reset codes from one client address.
pub const RESET_PER_CLIENT: Limit = Limit {
    purpose: "reset-client",
    max: 10,
    window: Duration::from_secs(15 * 60),
};

/// Wrong reset codes for one email address.
pub const RESET_PER_EMAIL: Limit = Limit {
    purpose: "reset-email",
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// Wrong MFA codes from one client address.
pub const MFA_PER_CLIENT: Limit = Limit {
    purpose: "mfa-client",
    max: 30,
    window: Duration::from_secs(15 * 60),
};

/// Wrong MFA codes for one email address (a 6-digit code must not be guessable).
pub const MFA_PER_EMAIL: Limit = Limit {
    purpose: "mfa-email",
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// Wrong answers to `NEW_PASSWORD_REQUIRED` (a stale session, a wrong email) from one client.
pub const NEW_PASSWORD_PER_CLIENT: Limit = Limit {
    purpose: "new-password-client",
    max: 30,
    window: Duration::from_secs(15 * 60),
};

/// Wrong answers to `NEW_PASSWORD_REQUIRED` for one email address.
pub const NEW_PASSWORD_PER_EMAIL: Limit = Limit {
    purpose: "new-password-email",
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// An attempt that counts unless given back.
pub struct Slot {
    key: Key,
}

pub struct Limiter<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
    /// Keys the subject's hash, so the table holds no address or email anyone could recover
    /// by hashing guesses.
    pub key: &'a CursorKey,
}

impl Limiter<'_> {
    /// Takes a slot of `limit` for `subject` (a keyed hash of it: no address or email is
    /// stored), or answers 429 saying when the window ends.
    pub async fn acquire(&self, limit: Limit, subject: &str) -> Result<Slot, ApiError> {
        let now = Timestamp::now().unix_seconds();
        let window = limit.window.as_secs() as i64;
        let start = now - now.rem_euclid(window);
        let subject = self.key.keyed_id("attempts", subject.as_bytes());
        let key = keys::attempt_counter(limit.purpose, &subject, start);
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(key.attributes()))
            .update_expression("ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)")
            .condition_expression("attribute_not_exists(#count) OR #count < :max")
            .expression_attribute_names("#count", "attempts")
            .expression_attribute_names("#ttl", keys::EXPIRES_AT)
            .expression_attribute_values(":one", store::number(1))
            .expression_attribute_values(":max", store::number(limit.max))
            // Kept a little after the window ends, then TTL removes it.
            .expression_attribute_values(":ttl", store::number(start + window + 300))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Slot { key }),
            Err(error) if store::is_condition_failure(&error) => Err(ApiError::TooManyRequests {
                limit: limit.max,
                window_seconds: limit.window.as_secs(),
                retry_after_seconds: (start + window - now).max(1) as u64,
            }),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Gives a slot back: the attempt was not a failure. Best effort: if it cannot be given
    /// back, the client merely has one attempt fewer in this window.
    pub async fn release(&self, slot: Slot) {
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(slot.key.attributes()))
            .update_expression("ADD #count :minus_one")
            .condition_expression("attribute_exists(#count)")
            .expression_attribute_names("#count", "attempts")
            .expression_attribute_values(":minus_one", store::number(-1))
            .send()
            .await;
        if let Err(error) = result {
            tracing::warn!(error = %portal_shared::error::cause_chain(&error), "an attempt slot was not given back");
        }
    }
}
