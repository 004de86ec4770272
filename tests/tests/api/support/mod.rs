//! The support function: problem reports (reporters and the quick-response team), incidents and
//! the public status page, and turning a feature off from a report.

pub mod announcements;
mod fixtures;
pub mod incidents;
pub mod reports;
pub mod switch_off;
pub mod team;
