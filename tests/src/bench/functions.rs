//! Issue 15's goals 1 and 5 (and the CPU half of 4), measured: every function's release
//! binary and the hello-world floor, launched `launches` times each under our own Runtime API
//! emulator against the bench's stack, then zipped. Launches go round-robin over the binaries so
//! that whatever else loads the machine spreads evenly over them.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use portal_tests::{TestApp, workspace_root};

use super::figures::{Goal, Row, Table};
use super::launch::{Launch, Sample};
use super::subjects::{self, FLOOR, FUNCTIONS, Subject};
use super::zip_size;

pub struct Options {
    /// Launches per binary (median and p90 over them).
    pub launches: u32,
    /// Warm invocations per launch after the cold one (the CPU figure's divisor).
    pub warm: u32,
    /// Measure only this function (and the floor).
    pub only: Option<String>,
}

struct Measured<'a> {
    subject: &'a Subject,
    route: String,
    samples: Vec<Sample>,
    statuses: BTreeSet<u16>,
    zip_bytes: Option<u64>,
    failure: Option<String>,
}

pub async fn run(app: &TestApp, options: &Options) -> Result<()> {
    let unmeasured = subjects::unmeasured();
    if !unmeasured.is_empty() {
        println!(
            "not measured (add to tests/src/bench/subjects.rs): {}",
            unmeasured.join(", ")
        );
    }
    let chosen: Vec<&Subject> = std::iter::once(&FLOOR)
        .chain(
            FUNCTIONS
                .iter()
                .filter(|s| options.only.as_deref().is_none_or(|only| only == s.name)),
        )
        .collect();
    let environments = subjects::environments(app).await?;
    let patient = app.new_patient().await;
    let out = workspace_root().join("target/bench");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    let mut measured = Vec::new();
    for subject in &chosen {
        let binary = subject.binary_path();
        let missing = (!binary.exists()).then(|| {
            format!(
                "{} not built (cargo build --release --bin {})",
                binary.display(),
                subject.binary
            )
        });
        let zip_bytes = match &missing {
            Some(_) => None,
            None => Some(zip_size::zipped_bytes(
                &binary,
                &out.join(format!("{}.zip", subject.name)),
            )?),
        };
        measured.push(Measured {
            subject,
            route: subject.route()?,
            samples: Vec::new(),
            statuses: BTreeSet::new(),
            zip_bytes,
            failure: missing,
        });
    }

    let events: BTreeMap<&str, _> = chosen
        .iter()
        .map(|s| Ok((s.name, s.event(app, &patient)?)))
        .collect::<Result<_>>()?;
    for _ in 0..options.launches {
        for entry in measured.iter_mut().filter(|m| m.failure.is_none()) {
            let subject = entry.subject;
            let launch = Launch {
                name: subject.name,
                binary: &subject.binary_path(),
                env: environments
                    .get(subject.name)
                    .context("no environment for the function")?,
                event: &events[subject.name],
                warm: options.warm,
                log: &out.join(format!("{}.log", subject.name)),
            };
            match launch.run().await {
                Ok(sample) => {
                    entry.statuses.insert(sample.status);
                    entry.samples.push(sample);
                }
                Err(error) => entry.failure = Some(format!("{error:#}")),
            }
        }
    }

    println!();
    println!(
        "Functions under our Runtime API emulator: release binaries (target/release, this \
         machine's x86_64), {} launches each, 1 cold + {} warm invocations per launch, reads \
         against the bench's emulated AWS; child logs in target/bench/",
        options.launches, options.warm
    );
    for entry in &measured {
        if let Some(failure) = &entry.failure {
            println!("  {}: {failure}", entry.subject.name);
        }
    }
    print_tables(&measured);
    Ok(())
}

fn print_tables(measured: &[Measured<'_>]) {
    let table = |title, unit, goal, figure: &dyn Fn(&Sample) -> f64| {
        let mut rows = measured.iter().map(|m| Row {
            function: m.subject.name.to_owned(),
            route: route_label(m),
            samples: m.samples.iter().map(figure).collect(),
        });
        let floor = rows.next();
        if let Some(floor) = floor {
            Table {
                title,
                unit,
                goal,
                floor,
                rows: rows.collect(),
            }
            .print();
        }
    };
    table(
        "Goal 1, cold start: init (exec to first /next)",
        "ms",
        Goal::RatioAtMost(1.5),
        &|s| s.init.as_secs_f64() * 1e3,
    );
    table(
        "Goal 1, cold start: first response (cold invocation handed out to answered)",
        "ms",
        Goal::Figure,
        &|s| s.first_response.as_secs_f64() * 1e3,
    );
    table(
        "Goal 5, peak RSS (VmHWM at the end of a launch)",
        "MiB",
        Goal::Below(16.0),
        &|s| s.peak_rss_kib as f64 / 1024.0,
    );
    table(
        "Goal 4, CPU per warm request (every thread, user + system, full core)",
        "ms",
        Goal::AtMost(0.5),
        &|s| s.cpu_per_warm.as_secs_f64() * 1e3,
    );

    let mut rows = measured.iter().map(|m| Row {
        function: m.subject.name.to_owned(),
        route: format!("target/release/{}", m.subject.binary),
        samples: m
            .zip_bytes
            .map(|bytes| vec![bytes as f64 / 1e6])
            .unwrap_or_default(),
    });
    if let Some(floor) = rows.next() {
        Table {
            title: "Goal 5, size: the zip of the release binary (x86_64 here; arm64 differs a little)",
            unit: "MB",
            goal: Goal::AtMost(2.5),
            floor,
            rows: rows.collect(),
        }
        .print();
    }
}

/// `GET /patients/{patientId}/profile → 200` (every status the launches saw).
fn route_label(m: &Measured<'_>) -> String {
    if m.statuses.is_empty() {
        return m.route.clone();
    }
    let statuses: Vec<String> = m.statuses.iter().map(u16::to_string).collect();
    format!("{} → {}", m.route, statuses.join("/"))
}
