//! The care circle: invitations, acceptance, scopes, revocation, guardians.

mod invitations;
