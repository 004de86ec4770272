//! The care circle: invitations (and the email that carries their code), acceptance, scopes,
//! revocation, guardians.

mod invitations;
mod notifications;
