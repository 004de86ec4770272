//! Readings of a running child process from Linux's /proc: its CPU time (every thread's
//! scheduler run time, in nanoseconds, rather than /proc/<pid>/stat's 10 ms ticks) and its peak
//! resident memory.

use std::time::Duration;

use anyhow::{Context, Result};

/// CPU time of every live thread of `pid`, user and system together.
pub fn cpu_time(pid: u32) -> Result<Duration> {
    let mut total: u64 = 0;
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).context("/proc/<pid>/task")?;
    for task in tasks {
        let path = task?.path().join("schedstat");
        // A thread that ended between the listing and the read has nothing left to count.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let ns: u64 = text
            .split_whitespace()
            .next()
            .and_then(|field| field.parse().ok())
            .with_context(|| format!("{} has no run time", path.display()))?;
        total += ns;
    }
    Ok(Duration::from_nanos(total))
}

/// Peak resident set size (`VmHWM`) of `pid`, in KiB.
pub fn peak_rss_kib(pid: u32) -> Result<u64> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).context("/proc/<pid>/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .context("no VmHWM in /proc/<pid>/status")
}
