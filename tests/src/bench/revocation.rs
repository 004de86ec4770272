//! The revocation check's figures (per request, warm; the refresh's Query by the feed's size),
//! each against a floor measured in the same run.

use std::time::{Duration, Instant};

use portal_tests::TestApp;
use serde_json::json;

use super::stack_routes::percentile;

/// The revocation check every authenticated request makes (`http::dispatch`): its cost on a
/// warm request (the function's cached copy: no database call), and the refresh's Query of the
/// feed with N entries, each against a floor measured in this run.
pub async fn revocation(app: &TestApp) {
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
