//! What one feature owns and other features read or write: the care circle's grants, the
//! profile's facts and portal account, the notification outbox, the user pool's accounts.
//! Each module is the one place its items' shape is known.

pub mod account;
pub mod care_circle;
pub mod directory;
pub mod notification;
pub mod profile_facts;
pub mod suppression;
