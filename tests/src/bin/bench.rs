//! `make bench`: figures, not pass/fail. Drives the profile routes and a large FHIR import (and
//! the record's reads after it) through the local API
//! Gateway (real tokens, real handler, emulated DynamoDB) and prints latency percentiles and
//! throughput, then the size of the Lambda binary if `make build` has made one.
//!
//! The emulator serialises requests and is far slower than DynamoDB, so absolute numbers say
//! little about AWS; compare runs of this benchmark with each other to catch regressions in
//! our own code path (parsing, authorisation, audit, mapping). The revocation check's figures
//! (per request, warm; the refresh's Query by the feed's size) are printed against a floor
//! measured in the same run.

use std::time::{Duration, Instant};

use futures::future::join_all;
use portal_tests::{Method, TestApp, spawn_app, workspace_root};
use serde_json::json;

const REQUESTS: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
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

async fn reads(app: &TestApp, concurrency: usize) {
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

async fn updates(app: &TestApp) {
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

async fn registrations(app: &TestApp) {
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
async fn records(app: &TestApp) {
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

/// The revocation check every authenticated request makes (`http::dispatch`): its cost on a
/// warm request (the function's cached copy: no database call), and the refresh's Query of the
/// feed with N entries, each against a floor measured in this run.
async fn revocation(app: &TestApp) {
    use portal_shared::platform::clock::SystemClock;
    use portal_shared::platform::revocation::{
        Revocation, RevocationList, RevocationLoader, RevokedSubject, load_feed, revocation_item,
    };
    use portal_shared::policy::caller::{Caller, UserSub};
    use std::sync::Arc;

    const CHECKS: u32 = 200_000;
    const ENTRIES: usize = 1_000;

    /// A feed of `ENTRIES` other accounts' revocations, read from memory.
    struct Feed(Vec<Revocation>);
    impl RevocationLoader for Feed {
        fn load(
            &self,
        ) -> futures::future::BoxFuture<'_, Result<Vec<Revocation>, portal_shared::ApiError>>
        {
            Box::pin(async move { Ok(self.0.clone()) })
        }
    }
    let now = portal_shared::domain::timestamp::Timestamp::now();
    let feed: Vec<Revocation> = (0..ENTRIES)
        .map(|n| Revocation {
            subject: RevokedSubject::Account(UserSub::parse(&format!("other-{n}")).expect("sub"))
                .label(),
            revoked_at: now,
            expires_at: now.unix_seconds() + 3600,
        })
        .collect();
    let list = RevocationList::new(
        Arc::new(Feed(feed)),
        Arc::new(SystemClock),
        Duration::from_secs(600),
    );
    let claims: std::collections::HashMap<String, serde_json::Value> =
        serde_json::from_value(json!({
            "sub": "5f3c1a2b-0000-4000-8000-000000000001",
            "cognito:groups": "patients",
            "custom:patient_id": "01KAZ0DEM0PAT1ENT000000001",
            "iat": "Tue Apr 04 17:39:39 UTC 2023",
            "auth_time": "1680629979",
        }))
        .expect("claims");
    let caller = Caller::from_claims(&claims).expect("caller");
    list.check(&caller).await.expect("not revoked"); // the cold read
    let loads = list.loads();

    // Floor: what every request does already, building the caller from the claims.
    let started = Instant::now();
    for _ in 0..CHECKS {
        std::hint::black_box(Caller::from_claims(std::hint::black_box(&claims)).is_ok());
    }
    let floor = started.elapsed() / CHECKS;
    let started = Instant::now();
    for _ in 0..CHECKS {
        std::hint::black_box(list.check(std::hint::black_box(&caller)).await.is_ok());
    }
    let check = started.elapsed() / CHECKS;
    println!(
        "revocation check, warm ({ENTRIES} entries cached): {check:>8.2?} per request, {} database calls in {CHECKS} checks \
         (floor: building the caller from its claims, {floor:>8.2?})",
        list.loads() - loads
    );

    // The refresh's Query, by the feed's size; the floor is the same Query of the empty feed.
    let timings = app
        .on_stack(|stack| async move {
            let table = stack.table("AppTable").expect("app table").to_owned();
            let dynamo = stack.dynamodb();
            let mut timings = Vec::new();
            let mut written = 0;
            for size in [0usize, 10, 1_000] {
                let items: Vec<_> = (written..size)
                    .map(|n| {
                        let subject = RevokedSubject::Account(
                            UserSub::parse(&format!("bench-{n}")).expect("sub"),
                        );
                        revocation_item(
                            portal_shared::domain::timestamp::Timestamp::now(),
                            &subject,
                        )
                        .expect("item")
                    })
                    .collect();
                for chunk in items.chunks(25) {
                    let requests = chunk
                        .iter()
                        .map(|item| {
                            aws_sdk_dynamodb::types::WriteRequest::builder()
                                .put_request(
                                    aws_sdk_dynamodb::types::PutRequest::builder()
                                        .set_item(Some(item.clone()))
                                        .build()
                                        .expect("put"),
                                )
                                .build()
                        })
                        .collect();
                    dynamo
                        .batch_write_item()
                        .request_items(&table, requests)
                        .send()
                        .await?;
                }
                written = size;
                let mut samples = Vec::new();
                for _ in 0..20 {
                    let started = Instant::now();
                    let entries = load_feed(&dynamo, &table).await?;
                    samples.push(started.elapsed());
                    assert_eq!(entries.len(), size);
                }
                samples.sort();
                timings.push((size, percentile(&samples, 0.5), percentile(&samples, 0.95)));
            }
            Ok(timings)
        })
        .await
        .expect("the feed's Query");
    let floor = timings[0].1;
    for (size, p50, p95) in timings {
        println!(
            "revocation refresh (Query of REVOKED), {size:>5} entries: p50={p50:>8.2?} p95={p95:>8.2?} \
             (floor: the empty feed, p50={floor:>8.2?}); once per function per REVOCATION_REFRESH_SECONDS"
        );
    }
}

#[tokio::main]
async fn main() {
    println!("Local stack: moto (serialised) + local API Gateway + in-process handler");
    let app = spawn_app().await;
    reads(app, 1).await;
    reads(app, 8).await;
    updates(app).await;
    registrations(app).await;
    records(app).await;
    // Last: it fills the stack's revocation feed, which every function then reads.
    revocation(app).await;

    let bootstrap = workspace_root().join("target/lambda/profile/bootstrap");
    match std::fs::metadata(&bootstrap) {
        Ok(meta) => println!(
            "Lambda binary (profile, arm64 release): {:.1} MB",
            meta.len() as f64 / 1_000_000.0
        ),
        Err(_) => println!("Lambda binary: not built (make build)"),
    }
}
