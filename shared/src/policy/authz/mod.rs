//! The single authorisation entry point. Deny by default.
//!
//! [`decide`] is the pure rule (one row per action in [`Action::rule`]): the caller's own
//! compartment, a caregiver's active grant with the action's scope, or a staff role the action
//! allows. [`Authorizer`] applies it to a request: it loads a caregiver's grant when needed,
//! writes the audit event (allowed or denied) and hands out a [`PatientAccess`], the proof of
//! both, which the storage functions of a patient's data require. A handler therefore cannot
//! touch a patient's data unaudited.

mod authorizer;
mod rules;

pub use crate::policy::access::{PatientAccess, StaffAccess};
pub use authorizer::Authorizer;
pub use rules::{
    Action, CaregiverNeeds, Decision, Denial, Grant, MESSAGING_TEAMS, Relationship, Rule, Scope,
    decide,
};
