//! The report: rows of day × cohort (and `all`) × metric, counts only.

use std::collections::{BTreeMap, BTreeSet};

use portal_shared::features::invitation_wave::{ACTIVATED, DELIVERED, INVITED};
use portal_shared::platform::keys::ADOPTION_ALL;
use serde::Serialize;

use crate::adoption::repo::Day;

/// The metrics every cohort has on every day, in this order; the features' `use:<feature>`
/// follow.
pub const METRICS: [&str; 5] = [INVITED, DELIVERED, ACTIVATED, "signedIn7d", "signedIn30d"];
/// The metrics of features' uses start with this.
const USE_PREFIX: &str = "use:";
/// The header of the CSV answer.
pub const CSV_HEADER: &str = "day,cohort,metric,value";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub day: String,
    /// A cohort's name, or `all`.
    pub cohort: String,
    pub metric: String,
    pub value: i64,
}

/// The rows for each day of `range` (consecutive days, oldest first), from `read`, which holds
/// those days and the 29 before the first (for the 30-day window); `calendar` lists all of
/// them, oldest first.
pub fn rows(range: &[String], calendar: &[String], read: &BTreeMap<String, Day>) -> Vec<Row> {
    let empty = Day::default();
    let day_of = |day: &str| read.get(day).unwrap_or(&empty);
    let mut cohorts: BTreeSet<&str> = BTreeSet::new();
    let mut uses: BTreeSet<&str> = BTreeSet::new();
    for day in read.values() {
        for (who, metric) in day.counts.keys() {
            cohorts.insert(who);
            if metric.starts_with(USE_PREFIX) {
                uses.insert(metric);
            }
        }
        cohorts.extend(day.signed_in.keys().map(String::as_str));
    }
    cohorts.remove(ADOPTION_ALL);
    let cohorts: Vec<&str> = std::iter::once(ADOPTION_ALL).chain(cohorts).collect();
    let metrics: Vec<&str> = METRICS.iter().copied().chain(uses).collect();
    let position: BTreeMap<&str, usize> = calendar
        .iter()
        .enumerate()
        .map(|(index, day)| (day.as_str(), index))
        .collect();
    let signed_in = |cohort: &str, end: usize, days: usize| -> i64 {
        let start = end.saturating_sub(days - 1);
        let mut patients: BTreeSet<&str> = BTreeSet::new();
        for day in &calendar[start..=end] {
            if let Some(ids) = day_of(day).signed_in.get(cohort) {
                patients.extend(ids.iter().map(String::as_str));
            }
        }
        i64::try_from(patients.len()).unwrap_or(i64::MAX)
    };
    let mut rows = Vec::with_capacity(range.len() * cohorts.len() * metrics.len());
    for day in range {
        let Some(&end) = position.get(day.as_str()) else {
            continue;
        };
        let counts = &day_of(day).counts;
        for cohort in &cohorts {
            for metric in &metrics {
                let value = match *metric {
                    "signedIn7d" => signed_in(cohort, end, 7),
                    "signedIn30d" => signed_in(cohort, end, 30),
                    counted => counts
                        .get(&((*cohort).to_owned(), counted.to_owned()))
                        .copied()
                        .unwrap_or(0),
                };
                rows.push(Row {
                    day: day.clone(),
                    cohort: (*cohort).to_owned(),
                    metric: (*metric).to_owned(),
                    value,
                });
            }
        }
    }
    rows
}

/// The rows as CSV (RFC 4180, CRLF line ends), with its header. Every field is a date, a
/// cohort's slug, a metric's name or a number: nothing to quote.
pub fn csv(rows: &[Row]) -> String {
    let mut text = String::with_capacity(32 * (rows.len() + 1));
    text.push_str(CSV_HEADER);
    text.push_str("\r\n");
    for row in rows {
        text.push_str(&format!(
            "{},{},{},{}\r\n",
            row.day, row.cohort, row.metric, row.value
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(first: u32, last: u32) -> Vec<String> {
        (first..=last).map(|d| format!("2026-03-{d:02}")).collect()
    }

    #[test]
    fn sign_ins_are_distinct_patients_over_the_window_and_counts_per_day() {
        let calendar = days(1, 10);
        let mut read = BTreeMap::new();
        let mut first = Day::default();
        first
            .signed_in
            .insert("all".into(), ["A", "B"].map(String::from).into());
        first
            .signed_in
            .insert("beta-1".into(), ["A"].map(String::from).into());
        first.counts.insert(("beta-1".into(), "invited".into()), 2);
        read.insert("2026-03-01".to_owned(), first);
        let mut eighth = Day::default();
        eighth
            .signed_in
            .insert("all".into(), ["B", "C"].map(String::from).into());
        eighth
            .counts
            .insert(("all".into(), "use:messaging".into()), 4);
        read.insert("2026-03-08".to_owned(), eighth);
        let range = days(7, 8);
        let rows = rows(&range, &calendar, &read);
        let value = |day: &str, cohort: &str, metric: &str| {
            rows.iter()
                .find(|r| r.day == day && r.cohort == cohort && r.metric == metric)
                .map(|r| r.value)
        };
        // Day 7: the 7 days from the 1st hold A and B; day 8's window starts on the 2nd.
        assert_eq!(value("2026-03-07", "all", "signedIn7d"), Some(2));
        assert_eq!(value("2026-03-08", "all", "signedIn7d"), Some(2));
        assert_eq!(value("2026-03-08", "all", "signedIn30d"), Some(3));
        assert_eq!(value("2026-03-08", "beta-1", "signedIn30d"), Some(1));
        assert_eq!(value("2026-03-08", "all", "use:messaging"), Some(4));
        assert_eq!(value("2026-03-07", "all", "use:messaging"), Some(0));
        assert_eq!(value("2026-03-07", "beta-1", "invited"), Some(0));
        // Every cohort has every metric every day: 2 days × 2 cohorts × 6 metrics.
        assert_eq!(rows.len(), 24);
        assert_eq!(rows[0].cohort, "all");
        let text = csv(&rows);
        assert!(text.starts_with("day,cohort,metric,value\r\n2026-03-07,all,invited,0\r\n"));
        assert_eq!(text.lines().count(), 25);
    }
}
