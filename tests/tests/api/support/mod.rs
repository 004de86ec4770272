//! The support function: problem reports (reporters and the quick-response team), incidents and
//! the public status page, announcements, the portal lead's weekly digest, and turning a
//! feature off from a report.

pub mod announcements;
pub mod digests;
mod fixtures;
pub mod incidents;
pub mod reports;
pub mod switch_off;
pub mod team;
