//! What holds across features: the authorisation matrix, the agreement of template, routers,
//! events and API description, the local gateway, the template's security settings.

mod authz_matrix;
mod consistency;
mod gateway;
mod health;
mod layout;
mod template_security;
