//! The monotonic clock the per-process caches (feature switches, the revocation feed) refresh
//! by: a trait, so their tests can move time on.

use std::time::Instant;

/// A cache's sense of time (monotonic).
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The process's monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}
