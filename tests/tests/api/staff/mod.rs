//! Staff accounts and roles, the authenticator app staff need, and the onboarding plans
//! administrators assign.

mod accounts;
pub mod caregiver_mfa;
pub mod locks;
mod mfa;
mod onboarding;
