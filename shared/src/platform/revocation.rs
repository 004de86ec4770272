//! The token revocation feed: after a sign-out, a lock or a disabled account, tokens issued
//! before it are refused within seconds, although API Gateway's authorizer would accept them
//! until they expire.
//!
//! Each revocation is one item of the partition `REVOKED` ([`keys::revocation`]), kept (TTL)
//! as long as any token it could refuse may still be presented. The request path reads the
//! whole partition from a per-process copy refreshed every few seconds (see the runbook,
//! "Revocation window"), never per request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::cause_chain;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::platform::clock::{Clock, SystemClock};
use crate::platform::config::Settings;
use crate::platform::keys;
use crate::platform::store::{self, Item};
use crate::policy::caller::{Caller, UserSub};

/// How long a revocation is kept: longer than the longest-lived token it must refuse (an ID
/// token lives 5 minutes in the cloud and an hour in the local emulator), with margin.
pub const KEEP_REVOCATIONS: std::time::Duration = std::time::Duration::from_secs(2 * 60 * 60);

/// Whose tokens a revocation refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokedSubject {
    /// Every token of one sign-in (`sub`): sign-out, a disabled staff member, a locked
    /// caregiver.
    Account(UserSub),
    /// Every token carrying `custom:patient_id` of this patient: the patient's account is
    /// locked.
    Patient(PatientId),
}

impl RevokedSubject {
    /// The subject as the item and the sort key carry it: `SUB#<sub>` or `PATIENT#<id>`.
    pub fn label(&self) -> String {
        match self {
            RevokedSubject::Account(sub) => format!("SUB#{sub}"),
            RevokedSubject::Patient(patient) => format!("PATIENT#{patient}"),
        }
    }
}

/// One revocation as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    /// [`RevokedSubject::label`].
    pub subject: String,
    /// Tokens issued at or before this instant are refused.
    pub revoked_at: Timestamp,
    /// TTL (epoch seconds).
    pub expires_at: i64,
}

/// The item of a revocation of `subject` at `at`.
pub fn revocation_item(at: Timestamp, subject: &RevokedSubject) -> Result<Item, ApiError> {
    let label = subject.label();
    let key = keys::revocation(at, &label);
    store::to_item(
        &key,
        &Revocation {
            subject: label,
            revoked_at: at,
            expires_at: at.plus(KEEP_REVOCATIONS).unix_seconds(),
        },
    )
}

/// The revocation as one put of a transaction (a lock writes it with the lock itself).
pub fn revocation_put(
    table: &str,
    at: Timestamp,
    subject: &RevokedSubject,
) -> Result<TransactWriteItem, ApiError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(revocation_item(at, subject)?));
    store::transact_put(put)
}

/// Writes a revocation of `subject` now, on its own (a sign-out, a disabled staff member; a
/// lock writes its entry in the lock's transaction: [`revocation_put`]). The instant is cut to
/// the whole second (a token's `iat` holds no finer part, so nothing is lost) and the write is
/// conditional: however often it is repeated, one account gets at most one entry a second.
pub async fn revoke(
    dynamo: &Client,
    table: &str,
    subject: &RevokedSubject,
) -> Result<(), ApiError> {
    let now = Timestamp::now();
    let at = Timestamp::from_unix_seconds(now.unix_seconds()).unwrap_or(now);
    let written = dynamo
        .put_item()
        .table_name(table)
        .set_item(Some(revocation_item(at, subject)?))
        .condition_expression("attribute_not_exists(PK)")
        .send()
        .await;
    match written {
        Ok(_) => Ok(()),
        // The same revocation, this second: already there.
        Err(error) if store::is_condition_failure(&error) => Ok(()),
        Err(error) => Err(store::sdk_error(error)),
    }
}

// ---- the read side: every function's cached copy of the feed ---------------------------------

/// The latest revocation of each subject the feed holds (expired entries left out): what the
/// request path checks a caller against, without a database call.
#[derive(Debug, Clone, Default)]
pub struct RevokedSet {
    latest: HashMap<String, Timestamp>,
}

impl RevokedSet {
    /// The set of `entries` still in force at `now` (an entry past its `expiresAt` refuses no
    /// token that could still be valid, although TTL has not removed it yet).
    pub fn new(entries: impl IntoIterator<Item = Revocation>, now: Timestamp) -> Self {
        let mut latest: HashMap<String, Timestamp> = HashMap::new();
        for entry in entries {
            if entry.expires_at <= now.unix_seconds() {
                continue;
            }
            latest
                .entry(entry.subject)
                .and_modify(|at| *at = (*at).max(entry.revoked_at))
                .or_insert(entry.revoked_at);
        }
        RevokedSet { latest }
    }

    pub fn len(&self) -> usize {
        self.latest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    /// Whether `caller`'s token is refused: a revocation of its `sub`, or of its patient, at or
    /// after the token was issued.
    pub fn revokes(&self, caller: &Caller) -> bool {
        let issued_at = caller.sign_in.issued_at;
        let account = RevokedSubject::Account(caller.sub.clone()).label();
        let by_account = self.latest.get(&account).copied();
        let by_patient = caller
            .patient_id
            .and_then(|patient| self.latest.get(&RevokedSubject::Patient(patient).label()))
            .copied();
        [by_account, by_patient]
            .into_iter()
            .flatten()
            .any(|revoked_at| refuses(revoked_at, issued_at))
    }
}

/// The decision: a revocation at `revoked_at` refuses a token issued at `issued_at` when it
/// came at or after it. A token without `iat` counts as issued at the epoch (refused by any
/// revocation of its subject). `iat` is whole seconds and `revoked_at` milliseconds: a token
/// issued in the same second as the revocation, even just after it, is refused too (a new
/// sign-in works from the next second on).
pub fn refuses(revoked_at: Timestamp, issued_at: Option<Timestamp>) -> bool {
    match issued_at {
        Some(issued_at) => revoked_at >= issued_at,
        None => true,
    }
}

/// Where a [`RevocationList`] gets a new copy of the feed from.
pub trait RevocationLoader: Send + Sync {
    fn load(&self) -> BoxFuture<'_, Result<Vec<Revocation>, ApiError>>;
}

/// The application table: one Query of the partition `REVOKED` (every page).
pub struct DynamoRevocationLoader {
    dynamo: Client,
    table: String,
}

impl DynamoRevocationLoader {
    pub fn new(dynamo: Client, table: String) -> Self {
        DynamoRevocationLoader { dynamo, table }
    }
}

impl RevocationLoader for DynamoRevocationLoader {
    fn load(&self) -> BoxFuture<'_, Result<Vec<Revocation>, ApiError>> {
        Box::pin(load_feed(&self.dynamo, &self.table))
    }
}

/// Reads the whole feed (strongly consistent: a sign-out a moment ago is seen). Only the three
/// attributes the check needs travel. An entry that does not fit its type is skipped with a
/// warning (ids only), so one bad item cannot stop every function from refreshing.
pub async fn load_feed(dynamo: &Client, table: &str) -> Result<Vec<Revocation>, ApiError> {
    let mut entries = Vec::new();
    let mut start_after = None;
    loop {
        let output = dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", store::string(keys::REVOCATION_PARTITION))
            .projection_expression("#subject, #revokedAt, #expiresAt")
            .expression_attribute_names("#subject", "subject")
            .expression_attribute_names("#revokedAt", "revokedAt")
            .expression_attribute_names("#expiresAt", keys::EXPIRES_AT)
            .consistent_read(true)
            .set_exclusive_start_key(start_after.take())
            .send()
            .await
            .map_err(store::sdk_error)?;
        for item in output.items.unwrap_or_default() {
            match store::from_item::<Revocation>(item) {
                Ok(entry) => entries.push(entry),
                Err(error) => tracing::warn!(
                    problem = error.slug(),
                    "a revocation entry could not be read; skipped"
                ),
            }
        }
        match output.last_evaluated_key {
            Some(last) if !last.is_empty() => start_after = Some(last),
            _ => break,
        }
    }
    Ok(entries)
}

#[derive(Clone)]
struct Loaded {
    set: Arc<RevokedSet>,
    /// When the load that read it began.
    at: Instant,
}

/// A function's copy of the revocation feed, read again when older than its refresh interval
/// (`REVOCATION_REFRESH_SECONDS`, default 10; 0 reads it on every request). The same shape as
/// the feature gate's `SwitchCache`: a warm request inside the window makes no database call;
/// one refresh at a time (others wait for it and use its copy).
///
/// When a refresh fails: the last copy keeps serving (a warning is logged) — its age is bounded
/// in effect by the tokens' own 5-minute lifetime, which refuses a token the stale copy misses
/// soon after; refusing every request while DynamoDB hiccups would sign everyone out. With no
/// copy at all (the first read of a new process failed) the request is refused 503
/// `unavailable` — closed, since nothing says the token is not revoked, but not 401, which would
/// make the web app drop a sign-in that may be good. See the runbook, "Revocation window".
pub struct RevocationList {
    loader: Arc<dyn RevocationLoader>,
    clock: Arc<dyn Clock>,
    refresh_every: Duration,
    current: RwLock<Option<Loaded>>,
    refreshing: tokio::sync::Mutex<Option<Instant>>,
    loads: AtomicU64,
}

impl RevocationList {
    pub fn new(
        loader: Arc<dyn RevocationLoader>,
        clock: Arc<dyn Clock>,
        refresh_every: Duration,
    ) -> Self {
        RevocationList {
            loader,
            clock,
            refresh_every,
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(None),
            loads: AtomicU64::new(0),
        }
    }

    /// The list of a function: the application table, `settings.revocation_refresh`.
    pub fn from_settings(settings: &Settings, dynamo: &Client) -> Self {
        RevocationList::new(
            Arc::new(DynamoRevocationLoader::new(
                dynamo.clone(),
                settings.app_table.clone(),
            )),
            Arc::new(SystemClock),
            settings.revocation_refresh,
        )
    }

    pub fn refresh_every(&self) -> Duration {
        self.refresh_every
    }

    /// How many times this list has read the feed (each read is one paginated Query).
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    fn current(&self) -> Option<Loaded> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Refuses `caller` with 401 `unauthenticated` when the feed revokes their token (503 when
    /// the feed was never read: see the type's documentation).
    pub async fn check(&self, caller: &Caller) -> Result<(), ApiError> {
        if self.set().await?.revokes(caller) {
            return Err(ApiError::Unauthenticated);
        }
        Ok(())
    }

    /// The copy to check against: the cached one while younger than the refresh interval,
    /// else a new one.
    pub async fn set(&self) -> Result<Arc<RevokedSet>, ApiError> {
        let asked_at = self.clock.now();
        let cached = self.current();
        if let Some(loaded) = &cached
            && asked_at.saturating_duration_since(loaded.at) < self.refresh_every
        {
            return Ok(loaded.set.clone());
        }
        let mut last_attempt = self.refreshing.lock().await;
        if last_attempt.is_some_and(|began| began >= asked_at) {
            // Someone refreshed (or tried to) after this request arrived.
            return self
                .current()
                .map(|loaded| loaded.set)
                .ok_or_else(never_read);
        }
        let began = self.clock.now();
        *last_attempt = Some(began);
        self.loads.fetch_add(1, Ordering::Relaxed);
        match self.loader.load().await {
            Ok(entries) => {
                let set = Arc::new(RevokedSet::new(entries, Timestamp::now()));
                *self
                    .current
                    .write()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Loaded {
                    set: set.clone(),
                    at: began,
                });
                Ok(set)
            }
            Err(error) => match self.current() {
                Some(loaded) => {
                    tracing::warn!(
                        problem = error.slug(),
                        cause = %cause_chain(&error),
                        copy_age_seconds = began.saturating_duration_since(loaded.at).as_secs(),
                        "the revocation feed could not be read; the last copy still serves"
                    );
                    Ok(loaded.set)
                }
                None => Err(ApiError::Unavailable(Box::new(error))),
            },
        }
    }
}

fn never_read() -> ApiError {
    ApiError::Unavailable("the revocation feed has not been read yet".into())
}

impl crate::platform::http::RevocationCheck for RevocationList {
    fn check(&self, caller: &Caller) -> impl Future<Output = Result<(), ApiError>> + Send {
        RevocationList::check(self, caller)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    use super::*;
    use crate::policy::caller::{Role, SignInFacts};

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn entry(subject: &RevokedSubject, revoked_at: Timestamp) -> Revocation {
        Revocation {
            subject: subject.label(),
            revoked_at,
            expires_at: revoked_at.plus(KEEP_REVOCATIONS).unix_seconds(),
        }
    }

    fn caller(sub: &str, patient: Option<PatientId>, issued_at: Option<Timestamp>) -> Caller {
        Caller {
            sub: UserSub::parse(sub).expect("sub"),
            roles: [if patient.is_some() {
                Role::Patient
            } else {
                Role::Caregiver
            }]
            .into(),
            patient_id: patient,
            display_name: None,
            sign_in: SignInFacts {
                issued_at,
                ..SignInFacts::default()
            },
        }
    }

    #[test]
    fn a_revocation_refuses_tokens_issued_before_it_and_in_its_second() {
        let revoked_at = at("2026-05-01T10:00:00.400Z");
        assert!(refuses(revoked_at, Some(at("2026-05-01T09:55:00Z"))));
        // iat is whole seconds: the same second is refused, whichever came first in it.
        assert!(refuses(revoked_at, Some(at("2026-05-01T10:00:00Z"))));
        assert!(!refuses(revoked_at, Some(at("2026-05-01T10:00:01Z"))));
        assert!(refuses(revoked_at, None), "no iat: issued at the epoch");
    }

    #[test]
    fn the_set_refuses_by_account_or_by_patient_and_nobody_else() {
        let now = Timestamp::now();
        let patient = PatientId::generate();
        let before = Some(now.minus(Duration::from_secs(60)));
        let after = Some(now.plus(Duration::from_secs(2)));
        let set = RevokedSet::new(
            [
                entry(
                    &RevokedSubject::Account(UserSub::parse("a-1").expect("sub")),
                    now,
                ),
                entry(&RevokedSubject::Patient(patient), now),
            ],
            now,
        );
        assert!(set.revokes(&caller("a-1", None, before)));
        assert!(!set.revokes(&caller("a-1", None, after)), "a new sign-in");
        // The patient's tokens, whatever sign-in carries the patient id.
        assert!(set.revokes(&caller("p-9", Some(patient), before)));
        assert!(!set.revokes(&caller("p-9", Some(patient), after)));
        assert!(!set.revokes(&caller("a-2", None, before)));
        assert!(!set.revokes(&caller("p-8", Some(PatientId::generate()), before)));
        assert!(!RevokedSet::default().revokes(&caller("a-1", None, None)));
    }

    #[test]
    fn the_latest_revocation_of_a_subject_counts_and_expired_ones_do_not() {
        let now = Timestamp::now();
        let account = RevokedSubject::Account(UserSub::parse("a-1").expect("sub"));
        let earlier = now.minus(Duration::from_secs(120));
        let set = RevokedSet::new([entry(&account, now), entry(&account, earlier)], now);
        assert_eq!(set.len(), 1);
        let between = Some(now.minus(Duration::from_secs(60)));
        assert!(set.revokes(&caller("a-1", None, between)));

        let expired = Revocation {
            expires_at: now.unix_seconds() - 1,
            ..entry(&account, now)
        };
        assert!(RevokedSet::new([expired], now).is_empty());
    }

    /// A clock the test moves by hand.
    struct TestClock(Mutex<Instant>);

    impl Clock for TestClock {
        fn now(&self) -> Instant {
            *self.0.lock().expect("clock")
        }
    }

    #[derive(Default)]
    struct TestFeed {
        entries: Mutex<Vec<Revocation>>,
        reads: AtomicUsize,
        failing: AtomicBool,
    }

    impl RevocationLoader for TestFeed {
        fn load(&self) -> BoxFuture<'_, Result<Vec<Revocation>, ApiError>> {
            Box::pin(async move {
                self.reads.fetch_add(1, Ordering::SeqCst);
                if self.failing.load(Ordering::SeqCst) {
                    return Err(ApiError::internal("the table is unreachable"));
                }
                Ok(self.entries.lock().expect("entries").clone())
            })
        }
    }

    #[tokio::test]
    async fn warm_checks_read_nothing_and_a_revocation_is_seen_after_the_window() {
        let feed = Arc::new(TestFeed::default());
        let clock = Arc::new(TestClock(Mutex::new(Instant::now())));
        let list = RevocationList::new(feed.clone(), clock.clone(), Duration::from_secs(10));
        let signed_in = caller(
            "a-1",
            None,
            Some(Timestamp::now().minus(Duration::from_secs(30))),
        );
        assert!(list.check(&signed_in).await.is_ok());
        feed.entries.lock().expect("entries").push(entry(
            &RevokedSubject::Account(signed_in.sub.clone()),
            Timestamp::now(),
        ));
        for _ in 0..100 {
            assert!(list.check(&signed_in).await.is_ok(), "the cached copy");
        }
        assert_eq!(
            feed.reads.load(Ordering::SeqCst),
            1,
            "warm checks read nothing"
        );
        assert_eq!(list.loads(), 1);
        *clock.0.lock().expect("clock") += Duration::from_secs(10);
        let refused = list.check(&signed_in).await.expect_err("revoked");
        assert_eq!(refused.status(), 401);
        assert_eq!(feed.reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_last_copy_and_no_copy_at_all_is_503() {
        let feed = Arc::new(TestFeed::default());
        feed.failing.store(true, Ordering::SeqCst);
        let clock = Arc::new(TestClock(Mutex::new(Instant::now())));
        let list = RevocationList::new(feed.clone(), clock.clone(), Duration::ZERO);
        let signed_in = caller(
            "a-1",
            None,
            Some(Timestamp::now().minus(Duration::from_secs(30))),
        );
        assert_eq!(
            list.check(&signed_in).await.expect_err("closed").status(),
            503
        );

        feed.failing.store(false, Ordering::SeqCst);
        feed.entries.lock().expect("entries").push(entry(
            &RevokedSubject::Account(signed_in.sub.clone()),
            Timestamp::now(),
        ));
        *clock.0.lock().expect("clock") += Duration::from_millis(1);
        assert_eq!(
            list.check(&signed_in).await.expect_err("revoked").status(),
            401
        );
        feed.failing.store(true, Ordering::SeqCst);
        *clock.0.lock().expect("clock") += Duration::from_millis(1);
        assert_eq!(
            list.check(&signed_in)
                .await
                .expect_err("the last copy")
                .status(),
            401
        );
    }
}
