//! The languages notifications are written in: the portal's (`portal_shared::domain::language`).

pub use portal_shared::domain::language::Language;
