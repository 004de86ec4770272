//! Identity: activation codes (shown or sent) and activation, sign-in, refresh, sign-out, attempt limits,
//! authenticator apps and backup codes, prompt revocation and the lock link of sign-in notices.

mod activation;
mod delivered_codes;
pub mod mfa;
pub mod revocation;
mod sign_in;
