//! The sender: from an outbox record to one email or text per recipient, once.

pub mod batch;
pub mod claim;
pub mod deferred;
pub mod deliver;
pub mod outbox;
pub mod plan;
pub mod quiet_hours;
pub mod reach;
pub mod recipients;
pub mod send;
pub mod transport;
