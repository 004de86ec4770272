//! Identity: activation codes and activation, sign-in, refresh, sign-out, attempt limits.

mod activation;
mod sign_in;
