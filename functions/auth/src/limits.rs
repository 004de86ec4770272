//! The auth function's attempt limits: one [`Limit`] per purpose, counted per client address
//! or per email by the shared limiter (`portal_shared::platform::attempt_limit`, which says how
//! counting works).

use std::time::Duration;

pub use portal_shared::platform::attempt_limit::{Limit, Limiter, client_of};

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

/// Failed backup-code sign-ins (wrong password or code) from one client address.
pub const BACKUP_CODE_PER_CLIENT: Limit = Limit {
    purpose: "backup-code-client",
    max: 30,
    window: Duration::from_secs(15 * 60),
};

/// Failed backup-code sign-ins for one email address (a code must not be guessable).
pub const BACKUP_CODE_PER_EMAIL: Limit = Limit {
    purpose: "backup-code-email",
    max: 5,
    window: Duration::from_secs(15 * 60),
};
