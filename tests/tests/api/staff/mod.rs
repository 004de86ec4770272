//! Staff accounts and roles, and the onboarding plans administrators assign.

mod accounts;
mod onboarding;
