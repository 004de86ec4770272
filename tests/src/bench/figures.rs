//! The tables `make bench` prints per goal of issue 15: one row per function with its median,
//! p90, ratio to the floor measured in the same run, the goal and a PASS/OVER mark. Figures
//! only: an OVER never fails the run.

/// Median and 90th percentile (nearest rank) of `samples`.
pub fn median_p90(samples: &[f64]) -> (f64, f64) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |p: f64| {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((sorted.len() as f64) * p).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    };
    (at(0.5), at(0.9))
}

/// The goal a row is marked against.
#[derive(Clone, Copy)]
pub enum Goal {
    /// At most this many times the floor's median.
    RatioAtMost(f64),
    /// Median at most this value (in the table's unit).
    AtMost(f64),
    /// Median below this value (in the table's unit).
    Below(f64),
    /// No goal: a figure to compare runs with.
    Figure,
}

impl Goal {
    fn describe(self, unit: &str) -> String {
        match self {
            Goal::RatioAtMost(ratio) => format!("≤{ratio}× floor"),
            Goal::AtMost(value) => format!("≤{value} {unit}"),
            Goal::Below(value) => format!("<{value} {unit}"),
            Goal::Figure => "none, a figure".to_owned(),
        }
    }

    fn met(self, median: f64, ratio: f64) -> Option<bool> {
        Some(match self {
            Goal::RatioAtMost(limit) => ratio <= limit,
            Goal::AtMost(limit) => median <= limit,
            Goal::Below(limit) => median < limit,
            Goal::Figure => return None,
        })
    }
}

/// One row: a function, what it ran, and its samples in the table's unit.
pub struct Row {
    pub function: String,
    pub route: String,
    pub samples: Vec<f64>,
}

/// A table's heading, unit and goal; the floor's row comes first.
pub struct Table<'a> {
    pub title: &'a str,
    pub unit: &'a str,
    pub goal: Goal,
    pub floor: Row,
    pub rows: Vec<Row>,
}

impl Table<'_> {
    pub fn print(&self) {
        let (floor_median, _) = median_p90(&self.floor.samples);
        println!();
        println!(
            "{} (goal {}; n = samples per row)",
            self.title,
            self.goal.describe(self.unit)
        );
        println!(
            "  {:<14} {:<58} {:>4} {:>10} {:>10} {:>8}  mark",
            "function", "route", "n", "median", "p90", "×floor"
        );
        for row in std::iter::once(&self.floor).chain(&self.rows) {
            if row.samples.is_empty() {
                println!(
                    "  {:<14} {:<58} {:>4} {:>10} {:>10} {:>8}  FAILED",
                    row.function, row.route, 0, "-", "-", "-"
                );
                continue;
            }
            let (median, p90) = median_p90(&row.samples);
            let ratio = median / floor_median;
            let mark = if std::ptr::eq(row, &self.floor) {
                "floor"
            } else {
                match self.goal.met(median, ratio) {
                    Some(true) => "PASS",
                    Some(false) => "OVER",
                    None => "",
                }
            };
            println!(
                "  {:<14} {:<58} {:>4} {:>10} {:>10} {:>7.2}×  {mark}",
                row.function,
                row.route,
                row.samples.len(),
                format!("{median:.2} {}", self.unit),
                format!("{p90:.2} {}", self.unit),
                ratio,
            );
        }
    }
}
