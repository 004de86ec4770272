//! Staff accounts and roles.

mod accounts;
