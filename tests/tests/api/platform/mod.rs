//! What holds across features: the authorisation matrix, the agreement of template, routers,
//! events and API description, the local gateway, the template's security settings, and the
//! feature switches' gate (on a stack of its own), and the secrets' rotation (on another).

mod authz_matrix;
mod consistency;
mod feature_switches;
mod gateway;
mod health;
mod layout;
mod round_trips;
mod secrets;
mod template_security;
