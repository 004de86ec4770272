//! Identity: activation codes (shown or sent) and activation, sign-in, refresh, sign-out, attempt limits.

mod activation;
mod delivered_codes;
mod sign_in;
