//! The local stack's figures: latency and throughput of the profile routes and a large FHIR
//! import (and the record's reads after it) through the local API Gateway (real tokens, real
//! handler, emulated DynamoDB).
//!
//! The emulator serialises requests and is far slower than DynamoDB, so absolute numbers say
//! little about AWS; compare runs of this benchmark with each other to catch regressions in
//! our own code path (parsing, authorisation, audit, mapping).

use std::time::{Duration, Instant};

use futures::future::join_all;
use portal_tests::{Method, TestApp};
use serde_json::json;

const REQUESTS: usize = 200;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>, wall: Duration) {
    samples.sort();
    println!(
        "{name:<34} n={:<4} p50={:>7.2?} p95={:>7.2?} p99={:>7.2?} max={:>7.2?} {:>7.1} req/s",
        samples.len(),
        percentile(&samples, 0.50),
        percentile(&samples, 0.95),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or_default(),
        samples.len() as f64 / wall.as_secs_f64()
    );
}

async fn timed<F: std::future::Future<Output = u16>>(work: F) -> Duration {
    let started = Instant::now();
    let status = work.await;
    assert!(status < 300, "benchmark request failed with {status}");
    started.elapsed()
}

pub async fn reads(app: &TestApp, concurrency: usize) {
    let patient = app.new_patient().await;
    let path = format!("/patients/{}/profile", patient.id);
    let started = Instant::now();
    let mut samples = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS / concurrency {
        let batch = join_all(
            (0..concurrency).map(|_| timed(async { app.get(&path, &patient.actor).await.status })),
        )
        .await;
        samples.extend(batch);
    }
    report(
        &format!("GET profile, {concurrency} at a time"),
        samples,
        started.elapsed(),
    );
}

pub async fn updates(app: &TestApp) {
    let patient = app.new_patient().await;
    let started = Instant::now();
    let mut samples = Vec::with_capacity(REQUESTS);
    for version in 1..=REQUESTS {
        let etag = format!("\"{version}\"");
        let body = json!({"preferredName": format!("Bench {version}")});
        samples.push(
            timed(async {
                app.patch("/patients/me/profile", &patient.actor, &etag, body)
                    .await
                    .status
            })
            .await,
        );
    }
    report(
        "PATCH profile (If-Match), serial",
        samples,
        started.elapsed(),
    );
}

pub async fn registrations(app: &TestApp) {
    let started = Instant::now();
    let mut samples = Vec::with_capacity(REQUESTS / 4);
    for _ in 0..REQUESTS / 4 {
        let body = portal_tests::registration(&portal_tests::unique_family_name());
        samples.push(
            timed(async {
                app.send(
                    Method::POST,
                    "/staff/patients",
                    Some(&app.front_desk),
                    Some(body),
                )
                .await
                .status
            })
            .await,
        );
    }
    report("POST /staff/patients, serial", samples, started.elapsed());
}

/// This process's peak resident memory (Linux), in KB; 0 elsewhere.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

/// A FHIR import of a few thousand entries (what one request may carry), then the reads of the
/// record it makes. One request each: the figures are the import's wall time and body size.
pub async fn records(app: &TestApp) {
    // The largest: the most entries one import takes (10,000 with the organisation and patient).
    for count in [1000, 3000, 9_998] {
        let patient = app.new_patient().await;
        let bundle = portal_tests::fhir::many_observations(&patient.family, count);
        let bytes = bundle.to_string().len();
        let before = peak_rss_kb();
        let started = Instant::now();
        let reply = app
            .import_bundle(&patient.id, &patient.actor, &bundle, "")
            .await;
        let took = started.elapsed();
        assert_eq!(reply.status, 201, "import failed: {}", reply.body);
        println!(
            "POST imports, {count} entries ({:.1} MB): {took:>8.2?}, peak RSS of this process +{} MB \
             (gateway and handler run in it; a bound for the Lambda's memory)",
            bytes as f64 / 1_000_000.0,
            peak_rss_kb().saturating_sub(before) / 1024
        );
        if count > 3000 {
            // The reads of the largest record are slow on the emulator alone; skip them.
            continue;
        }
        for (name, path) in [
            (
                "GET records (first page)",
                format!("/patients/{}/records", patient.id),
            ),
            ("GET summary", format!("/patients/{}/summary", patient.id)),
            (
                "GET series (one code)",
                format!("/patients/{}/observations/2345-7/series", patient.id),
            ),
            ("GET export", format!("/patients/{}/export", patient.id)),
        ] {
            let started = Instant::now();
            let reply = app.get(&path, &patient.actor).await;
            assert_eq!(reply.status, 200, "{name}: {}", reply.body);
            println!("  {name:<28} {:>8.2?}", started.elapsed());
        }
    }
}
