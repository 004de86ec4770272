//! How long a run may keep starting work: the scheduled job stops after about 40 s (its
//! Lambda has a minute, and the next run comes five minutes later), the request that has just
//! created an announcement after a few seconds (the job finishes what it leaves).

use std::time::{Duration, Instant};

/// The scheduled job's time to start new pages in.
pub const JOB: Duration = Duration::from_secs(40);
/// The creating request's: best effort, well inside API Gateway's 29 s.
pub const REQUEST: Duration = Duration::from_secs(8);

/// A deadline for starting new work (what was started is finished).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    deadline: Instant,
}

impl Budget {
    /// `limit` from now.
    pub fn starting_now(limit: Duration) -> Budget {
        Budget::from(Instant::now(), limit)
    }

    /// `limit` from `start` (an unrepresentable deadline is none: never spent).
    pub fn from(start: Instant, limit: Duration) -> Budget {
        let deadline = start
            .checked_add(limit)
            .unwrap_or_else(|| start + Duration::from_secs(365 * 24 * 60 * 60));
        Budget { deadline }
    }

    pub fn spent(&self) -> bool {
        self.spent_at(Instant::now())
    }

    pub fn spent_at(&self, now: Instant) -> bool {
        now >= self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_starts_until_the_deadline_and_not_after() {
        let start = Instant::now();
        let budget = Budget::from(start, JOB);
        assert!(!budget.spent_at(start));
        assert!(!budget.spent_at(start + Duration::from_secs(39)));
        assert!(budget.spent_at(start + JOB));
        assert!(budget.spent_at(start + Duration::from_secs(41)));
        let request = Budget::from(start, REQUEST);
        assert!(request.spent_at(start + Duration::from_secs(9)));
        assert!(REQUEST < JOB && JOB < Duration::from_secs(60));
        // An absurd limit does not overflow.
        assert!(!Budget::from(start, Duration::MAX).spent_at(start + JOB));
    }
}
