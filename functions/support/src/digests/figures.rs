//! The digest's arithmetic, over what was read: pure functions, so every count is tested
//! without a table. A week is the half-open interval of instants [`Window`] for reports and
//! incidents, and its seven practice dates for the day partitions (adoption, ratings).

use std::collections::{BTreeMap, BTreeSet};

use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::adoption::Day;
use portal_shared::features::feedback_stats::DayStats;
use portal_shared::features::report_status::ReportStatus;
use portal_shared::features::switches::Feature;

use crate::digests::model::{
    AdoptionFigures, AdoptionWeek, Breach, FeatureUse, IncidentFigures, IncidentLine, MAX_BREACHES,
    MAX_INCIDENTS, RatingFigure, RatingLine, ReportFigures, Target, count,
};
use crate::digests::week::Week;
use crate::incidents::model::Incident;
use crate::reports::model::Report;

/// The cohort of every patient in the day partitions.
pub const ALL: &str = "all";
/// The adoption counters' prefix of a feature's uses (`use:<feature>`).
const USE_PREFIX: &str = "use:";

/// A week's instants: from its Monday 00:00 (included) to the next one (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Window {
    pub fn contains(self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }
}

/// The reports' figures: `open` is the open queue (neither resolved nor merged) as read at
/// `now`, `resolved` the resolved queue from the week's start on (what was filed in the week
/// and is resolved now is there: it was resolved after it was filed).
pub fn reports(
    open: &[Report],
    resolved: &[Report],
    week: Window,
    now: Timestamp,
) -> ReportFigures {
    // The queues hold no merged report; the filter keeps the rule if one were read anyway.
    let open: Vec<&Report> = open
        .iter()
        .filter(|report| report.merged_into.is_none() && report.status != ReportStatus::Resolved)
        .collect();
    let resolved: Vec<&Report> = resolved
        .iter()
        .filter(|report| report.merged_into.is_none() && report.status == ReportStatus::Resolved)
        .collect();
    let mut open_by_status: BTreeMap<String, u32> = ReportStatus::ALL
        .into_iter()
        .filter(|status| *status != ReportStatus::Resolved)
        .map(|status| (status.as_str().to_owned(), 0))
        .collect();
    for report in &open {
        *open_by_status
            .entry(report.status.as_str().to_owned())
            .or_default() += 1;
    }
    let opened_in_week = open
        .iter()
        .chain(&resolved)
        .filter(|report| week.contains(report.created_at))
        .count();
    let resolved_in_week = resolved
        .iter()
        .filter(|report| report.resolved_at.is_some_and(|at| week.contains(at)))
        .count();
    let mut breached: Vec<Breach> = open
        .iter()
        .filter(|report| report.breached(now))
        .filter_map(|report| {
            let due_at = report.due()?;
            let target = match report.first_responded_at {
                None => Target::FirstResponse,
                Some(_) => Target::NextUpdate,
            };
            Some(Breach {
                report_id: report.report_id,
                status: report.status,
                severity: report.severity,
                target,
                due_at,
            })
        })
        .collect();
    breached.sort_by_key(|breach| (breach.due_at, breach.report_id));
    let breached_count = count(breached.len());
    breached.truncate(MAX_BREACHES);
    ReportFigures {
        open: count(open.len()),
        open_by_status,
        opened_in_week: count(opened_in_week),
        resolved_in_week: count(resolved_in_week),
        breached,
        breached_count,
    }
}

/// The incidents' figures: those that started in the week (oldest first), and how many are
/// not resolved now.
pub fn incidents(all: &[Incident], week: Window) -> IncidentFigures {
    let mut opened: Vec<IncidentLine> = all
        .iter()
        .filter(|incident| week.contains(incident.started_at))
        .map(|incident| IncidentLine {
            incident_id: incident.incident_id,
            title: incident.title.clone(),
            status: incident.status,
            started_at: incident.started_at,
            resolved_at: incident.resolved_at,
        })
        .collect();
    opened.sort_by_key(|line| (line.started_at, line.incident_id));
    opened.truncate(MAX_INCIDENTS);
    IncidentFigures {
        opened_in_week: opened,
        ongoing: count(all.iter().filter(|incident| incident.is_active()).count()),
    }
}

/// The adoption figures of `week` and the week before it, from their fourteen days as read
/// (a day missing from `days` counts nothing).
pub fn adoption(days: &BTreeMap<String, Day>, week: Week) -> AdoptionFigures {
    let empty = Day::default();
    let read = |week: Week| -> Vec<&Day> {
        week.days()
            .iter()
            .map(|day| days.get(day).unwrap_or(&empty))
            .collect()
    };
    let (this, before) = (read(week), read(week.previous()));
    // By feature (a counter of a feature this build does not know is left out).
    let mut uses: BTreeMap<Feature, (i64, i64)> = BTreeMap::new();
    for (days, this_week) in [(&this, true), (&before, false)] {
        for day in days {
            for ((who, metric), n) in &day.counts {
                let Some(feature) = metric.strip_prefix(USE_PREFIX).and_then(Feature::parse) else {
                    continue;
                };
                if who != ALL {
                    continue;
                }
                let entry = uses.entry(feature).or_default();
                if this_week {
                    entry.0 += n;
                } else {
                    entry.1 += n;
                }
            }
        }
    }
    AdoptionFigures {
        week: adoption_week(&this),
        previous: adoption_week(&before),
        feature_use: uses
            .into_iter()
            .map(|(feature, (week, previous))| FeatureUse {
                feature,
                week: clamp(week),
                previous: clamp(previous),
            })
            .filter(|line| line.week > 0 || line.previous > 0)
            .collect(),
    }
}

fn adoption_week(days: &[&Day]) -> AdoptionWeek {
    let sum = |metric: &str| clamp(days.iter().map(|day| day.count(ALL, metric)).sum());
    let signed_in: BTreeSet<&String> = days
        .iter()
        .filter_map(|day| day.signed_in.get(ALL))
        .flatten()
        .collect();
    AdoptionWeek {
        invited: sum("invited"),
        delivered: sum("delivered"),
        activated: sum("activated"),
        signed_in_7d: count(signed_in.len()),
    }
}

/// A counter as a count: a negative sum (never written) is none.
fn clamp(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// One feature's ratings in `week` and the week before it, from its daily totals for all
/// patients over the fourteen days; `None` when it was rated in neither.
pub fn ratings(feature: Feature, stats: &[DayStats], week: Week) -> Option<RatingLine> {
    let figure = |week: Week| {
        let days = week.days();
        let (count_sum, rating_sum) = stats
            .iter()
            .filter(|day| day.cohort == ALL && days.contains(&day.day))
            .fold((0u64, 0u64), |(n, sum), day| {
                (n.saturating_add(day.count), sum.saturating_add(day.sum))
            });
        RatingFigure {
            count: count(count_sum),
            average: average(rating_sum, count_sum),
        }
    };
    let line = RatingLine {
        feature,
        week: figure(week),
        previous: figure(week.previous()),
    };
    (line.week.count > 0 || line.previous.count > 0).then_some(line)
}

/// `sum / count` to two decimals; `None` without ratings.
fn average(sum: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| (sum as f64 / n as f64 * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;
    use portal_shared::domain::ids::{IncidentId, ReportId};
    use portal_shared::platform::keys;
    use portal_shared::platform::store::{self, Item};
    use portal_shared::policy::caller::UserSub;

    use super::*;
    use crate::incidents::model::IncidentStatus;
    use crate::reports::model::Severity;
    use crate::reports::model::tests::{at, report};

    fn week() -> Week {
        Week::starting("2026-01-05".parse().expect("date")).expect("a Monday")
    }

    /// 2026-01-05 to 2026-01-12, UTC for simplicity (the zone is `week`'s business).
    fn window() -> Window {
        Window {
            start: at("2026-01-05T00:00:00Z"),
            end: at("2026-01-12T00:00:00Z"),
        }
    }

    fn filed(created: &str) -> Report {
        let mut report = report("ana");
        report.created_at = at(created);
        report
    }

    #[test]
    fn reports_are_counted_by_state_week_and_target() {
        let now = at("2026-01-12T12:00:00Z");
        // Filed in the week, first response due 2026-01-05 17:00: breached now.
        let late = report("ana");
        // Filed before the week, answered, next update due after now: not breached.
        let mut answered = filed("2025-12-30T09:00:00Z");
        answered.status = ReportStatus::InProgress;
        answered.severity = Some(Severity::High);
        answered.first_responded_at = Some(at("2025-12-30T10:00:00Z"));
        answered.next_update_due = Some(at("2026-01-13T09:00:00Z"));
        // Answered, next update overdue since before `late`'s target.
        let mut overdue = filed("2026-01-02T09:00:00Z");
        overdue.status = ReportStatus::Triaged;
        overdue.severity = Some(Severity::Critical);
        overdue.first_responded_at = Some(at("2026-01-02T10:00:00Z"));
        overdue.next_update_due = Some(at("2026-01-05T12:00:00Z"));
        // Waiting on its reporter: paused, never breached.
        let mut waiting = filed("2026-01-06T09:00:00Z");
        waiting.status = ReportStatus::WaitingOnReporter;
        // Filed after the week ended (Monday morning, before composing): open, not "opened".
        let monday = filed("2026-01-12T06:00:00Z");
        let mut monday = monday;
        monday.first_response_due = at("2026-01-12T17:00:00Z");
        // Resolved in the week (filed in it), resolved in the week (filed before), resolved
        // after the week (filed in it).
        let mut quick = filed("2026-01-06T09:00:00Z");
        quick.status = ReportStatus::Resolved;
        quick.resolved_at = Some(at("2026-01-07T09:00:00Z"));
        let mut old = filed("2025-12-01T09:00:00Z");
        old.status = ReportStatus::Resolved;
        old.resolved_at = Some(at("2026-01-11T23:59:59Z"));
        let mut later = filed("2026-01-09T09:00:00Z");
        later.status = ReportStatus::Resolved;
        later.resolved_at = Some(at("2026-01-12T00:00:00Z"));
        // A merged duplicate counts nowhere.
        let mut merged = filed("2026-01-06T09:00:00Z");
        merged.merged_into = Some(ReportId::generate());

        let open = [
            late.clone(),
            answered,
            overdue.clone(),
            waiting,
            monday,
            merged,
        ];
        let resolved = [quick, old, later];
        let figures = reports(&open, &resolved, window(), now);
        assert_eq!(figures.open, 5);
        assert_eq!(figures.open_by_status["new"], 2);
        assert_eq!(figures.open_by_status["in-progress"], 1);
        assert_eq!(figures.open_by_status["triaged"], 1);
        assert_eq!(figures.open_by_status["waiting-on-reporter"], 1);
        assert!(!figures.open_by_status.contains_key("resolved"));
        // late, waiting, quick, later.
        assert_eq!(figures.opened_in_week, 4);
        // quick, old.
        assert_eq!(figures.resolved_in_week, 2);
        assert_eq!(figures.breached_count, 2);
        let ids: Vec<ReportId> = figures.breached.iter().map(|b| b.report_id).collect();
        assert_eq!(
            ids,
            [overdue.report_id, late.report_id],
            "most overdue first"
        );
        assert_eq!(figures.breached[0].target, Target::NextUpdate);
        assert_eq!(figures.breached[0].severity, Some(Severity::Critical));
        assert_eq!(figures.breached[1].target, Target::FirstResponse);
        assert_eq!(figures.breached[1].due_at, at("2026-01-05T17:00:00Z"));
        assert_eq!(figures.breached[1].severity, None);
    }

    #[test]
    fn at_most_fifty_breaches_are_listed_and_all_are_counted() {
        let open: Vec<Report> = (0..60).map(|_| report("ana")).collect();
        let figures = reports(&open, &[], window(), at("2026-02-01T00:00:00Z"));
        assert_eq!(figures.breached_count, 60);
        assert_eq!(figures.breached.len(), MAX_BREACHES);
        let none = reports(&[], &[], window(), at("2026-02-01T00:00:00Z"));
        assert_eq!(none.open, 0);
        assert_eq!(none.open_by_status.len(), 4);
        assert!(none.open_by_status.values().all(|n| *n == 0));
    }

    fn incident(started: &str, status: IncidentStatus) -> Incident {
        Incident {
            incident_id: IncidentId::generate(),
            title: "Messages are slow".into(),
            features: vec![Feature::Messaging],
            status,
            updates: Vec::new(),
            started_at: at(started),
            updated_at: at(started),
            resolved_at: (status == IncidentStatus::Resolved).then(|| at("2026-01-11T10:00:00Z")),
            created_by: UserSub::parse("lead").expect("sub"),
            version: 1,
        }
    }

    #[test]
    fn incidents_opened_in_the_week_and_still_ongoing() {
        let before = incident("2026-01-04T23:59:59Z", IncidentStatus::Monitoring);
        let first = incident("2026-01-05T00:00:00Z", IncidentStatus::Resolved);
        let second = incident("2026-01-08T00:00:00Z", IncidentStatus::Investigating);
        let after = incident("2026-01-12T00:00:00Z", IncidentStatus::Identified);
        let figures = incidents(&[after, second.clone(), first.clone(), before], window());
        let ids: Vec<IncidentId> = figures
            .opened_in_week
            .iter()
            .map(|line| line.incident_id)
            .collect();
        assert_eq!(ids, [first.incident_id, second.incident_id]);
        assert_eq!(figures.opened_in_week[0].resolved_at, first.resolved_at);
        assert_eq!(figures.ongoing, 3);
        let json = serde_json::to_value(&figures).expect("json");
        assert_eq!(
            json["openedInWeek"][1]["resolvedAt"],
            serde_json::Value::Null
        );
        assert_eq!(json["openedInWeek"][1]["status"], "investigating");
    }

    fn counter(sk: &str, n: i64) -> Item {
        Item::from([
            (keys::SK.to_owned(), store::string(sk)),
            ("n".to_owned(), store::number(n)),
        ])
    }

    fn signed_in(sk: &str, ids: &[&str]) -> Item {
        Item::from([
            (keys::SK.to_owned(), store::string(sk)),
            (
                "patients".to_owned(),
                AttributeValue::Ss(ids.iter().map(|id| (*id).to_owned()).collect()),
            ),
        ])
    }

    fn day(items: &[Item]) -> Day {
        let mut day = Day::default();
        for item in items {
            day.add(item);
        }
        day
    }

    #[test]
    fn adoption_sums_the_weeks_days_and_counts_distinct_patients() {
        let days = BTreeMap::from([
            // The week before.
            (
                "2026-01-01".to_owned(),
                day(&[
                    counter("all#invited", 20),
                    counter("all#activated", 9),
                    counter("all#use:record-import", 4),
                    counter("all#use:retired-feature", 4),
                    signed_in("all#active#01", &["A"]),
                ]),
            ),
            // The week: Monday and Sunday are in it.
            (
                "2026-01-05".to_owned(),
                day(&[
                    counter("all#invited", 30),
                    counter("all#delivered", 28),
                    counter("all#activated", 5),
                    counter("all#use:messaging", 100),
                    counter("beta#use:messaging", 60),
                    counter("beta#invited", 30),
                    signed_in("all#active#01", &["A", "B"]),
                    signed_in("all#active#02", &["C"]),
                ]),
            ),
            (
                "2026-01-11".to_owned(),
                day(&[
                    counter("all#invited", 10),
                    counter("all#delivered", 10),
                    counter("all#activated", 7),
                    counter("all#use:messaging", 20),
                    signed_in("all#active#01", &["A", "D"]),
                    signed_in("beta#active#01", &["E"]),
                ]),
            ),
            // After the week: not counted.
            (
                "2026-01-12".to_owned(),
                day(&[
                    counter("all#invited", 99),
                    signed_in("all#active#01", &["F"]),
                ]),
            ),
        ]);
        let figures = adoption(&days, week());
        assert_eq!(
            figures.week,
            AdoptionWeek {
                invited: 40,
                delivered: 38,
                activated: 12,
                signed_in_7d: 4,
            }
        );
        assert_eq!(
            figures.previous,
            AdoptionWeek {
                invited: 20,
                delivered: 0,
                activated: 9,
                signed_in_7d: 1,
            }
        );
        assert_eq!(
            figures.feature_use,
            [
                FeatureUse {
                    feature: Feature::RecordImport,
                    week: 0,
                    previous: 4
                },
                FeatureUse {
                    feature: Feature::Messaging,
                    week: 120,
                    previous: 0
                },
            ]
        );
        let json = serde_json::to_value(&figures).expect("json");
        assert_eq!(json["week"]["signedIn7d"], 4);
        assert_eq!(json["featureUse"][1]["feature"], "messaging");
        assert_eq!(
            adoption(&BTreeMap::new(), week()),
            AdoptionFigures::default()
        );
    }

    fn stats(cohort: &str, day: &str, count: u64, sum: u64) -> DayStats {
        DayStats {
            feature: Feature::Messaging,
            cohort: cohort.into(),
            day: day.into(),
            count,
            sum,
        }
    }

    #[test]
    fn ratings_average_each_week_to_two_decimals() {
        let read = [
            stats("all", "2026-01-05", 2, 9),
            stats("all", "2026-01-11", 1, 4),
            stats("beta", "2026-01-06", 5, 5),
            stats("all", "2026-01-12", 9, 9),
        ];
        let line = ratings(Feature::Messaging, &read, week()).expect("rated");
        assert_eq!(line.week.count, 3);
        assert_eq!(line.week.average, Some(4.33));
        assert_eq!(
            line.previous,
            RatingFigure {
                count: 0,
                average: None
            }
        );
        let json = serde_json::to_value(&line).expect("json");
        assert_eq!(json["feature"], "messaging");
        assert_eq!(json["previous"]["average"], serde_json::Value::Null);
        let previous = [stats("all", "2026-01-04", 4, 17)];
        let line = ratings(Feature::Messaging, &previous, week()).expect("rated");
        assert_eq!(line.previous.average, Some(4.25));
        assert_eq!(line.week.count, 0);
        assert!(ratings(Feature::Messaging, &[], week()).is_none());
        assert!(ratings(Feature::Messaging, &read[2..3], week()).is_none());
    }
}
