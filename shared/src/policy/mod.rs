//! The policy layer: who is calling ([`caller`]), whether they may ([`authz`]), and the
//! record that they did ([`audit`]). Authorisation reads grants and writes audit events
//! through the platform's store; it does not depend on the HTTP layer.

pub mod access;
pub mod audit;
pub mod authz;
pub mod caller;
pub mod rules;
