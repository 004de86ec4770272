//! The token revocation feed: after a sign-out, a lock or a disabled account, the tokens
//! already out are refused within seconds, although API Gateway's authorizer would accept them
//! until they expire. A sign-out revokes its sign-in (`SESSION#<origin_jti>`: every token of it,
//! whenever issued, and no other); a lock or a disabled account revokes every token of the
//! account or patient issued at or before it (`SUB#…`, `PATIENT#…`).
//!
//! Each revocation is one item of the partition `REVOKED` ([`keys::revocation`]), kept (TTL)
//! as long as any token it could refuse may still be presented. The request path reads the
//! whole partition from a per-process copy refreshed every few seconds (see the runbook,
//! "Revocation window"), never per request.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::platform::clock::{Clock, SystemClock};
use crate::platform::config::Settings;
use crate::platform::keys;
use crate::platform::refreshing::{Loader, RefreshingCopy};
use crate::platform::store::{self, Item};
use crate::policy::caller::{Caller, SessionId, UserSub};

/// How long a revocation is kept: longer than the longest-lived token it must refuse (an ID
/// token lives 5 minutes in the cloud and an hour in the local emulator), with margin.
pub const KEEP_REVOCATIONS: std::time::Duration = std::time::Duration::from_secs(2 * 60 * 60);

/// Whose tokens a revocation refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokedSubject {
    /// Every token of one account (`sub`) issued at or before the revocation: a disabled staff
    /// member, a locked caregiver.
    Account(UserSub),
    /// Every token of one sign-in (`origin_jti`), whenever issued: a sign-out. A new sign-in
    /// has a new one, so it works at once.
    Session(SessionId),
    /// Every token carrying `custom:patient_id` of this patient: the patient's account is
    /// locked.
    Patient(PatientId),
}

impl RevokedSubject {
    /// The subject as the item and the sort key carry it: `SUB#<sub>`, `SESSION#<origin_jti>`
    /// or `PATIENT#<id>`.
    pub fn label(&self) -> String {
        match self {
            RevokedSubject::Account(sub) => format!("SUB#{sub}"),
            RevokedSubject::Session(session) => format!("SESSION#{session}"),
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
    /// Tokens issued at or before this instant are refused (a session's: all of them).
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
/// conditional: however often it is repeated, one subject gets at most one entry a second.
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

    /// Whether `caller`'s token is refused: a revocation of its sign-in (whenever), or of its
    /// `sub` or its patient at or after the token was issued. A token without `origin_jti` is
    /// checked by account and patient only.
    pub fn revokes(&self, caller: &Caller) -> bool {
        let by_session = caller.sign_in.session.as_ref().is_some_and(|session| {
            self.latest
                .contains_key(&RevokedSubject::Session(session.clone()).label())
        });
        if by_session {
            return true;
        }
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

/// The decision for an account or a patient: a revocation at `revoked_at` refuses a token
/// issued at `issued_at` when it came at or after it. A token without `iat` counts as issued at
/// the epoch (refused by any revocation of its subject). `iat` is whole seconds and `revoked_at`
/// milliseconds: a token issued in the same second as the revocation, even just after it, is
/// refused too (after a lock or a disable; a sign-out revokes its session instead, so a new
/// sign-in works at once).
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

/// The feed read as the set the check uses (entries expired by the time of the read left
/// out).
struct SetLoader(Arc<dyn RevocationLoader>);

impl Loader<RevokedSet> for SetLoader {
    fn load(&self) -> BoxFuture<'_, Result<RevokedSet, ApiError>> {
        Box::pin(async move {
            let entries = self.0.load().await?;
            Ok(RevokedSet::new(entries, Timestamp::now()))
        })
    }
}

/// A function's copy of the revocation feed ([`RefreshingCopy`]), read again when older than
/// its refresh interval (`REVOCATION_REFRESH_SECONDS`, default 10; 0 reads it on every
/// request): a warm request inside the window makes no database call.
///
/// When a refresh fails: the last copy keeps serving (a warning is logged) — its age is bounded
/// in effect by the tokens' own 5-minute lifetime, which refuses a token the stale copy misses
/// soon after; refusing every request while DynamoDB hiccups would sign everyone out. With no
/// copy at all (the first read of a new process failed) the request is refused 503
/// `unavailable` — closed, since nothing says the token is not revoked, but not 401, which would
/// make the web app drop a sign-in that may be good. See the runbook, "Revocation window".
pub struct RevocationList(RefreshingCopy<RevokedSet, SetLoader>);

impl RevocationList {
    pub fn new(
        loader: Arc<dyn RevocationLoader>,
        clock: Arc<dyn Clock>,
        refresh_every: Duration,
    ) -> Self {
        RevocationList(RefreshingCopy::new(
            "the revocation feed",
            SetLoader(loader),
            clock,
            refresh_every,
        ))
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
        self.0.refresh_every()
    }

    /// How many times this list has read the feed (each read is one paginated Query).
    pub fn loads(&self) -> u64 {
        self.0.loads()
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
        self.0.get().await
    }
}

impl crate::platform::http::RevocationCheck for RevocationList {
    fn check(&self, caller: &Caller) -> impl Future<Output = Result<(), ApiError>> + Send {
        RevocationList::check(self, caller)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

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

    fn signed_in(sub: &str, session: &str, issued_at: Timestamp) -> Caller {
        let mut caller = caller(sub, None, Some(issued_at));
        caller.sign_in.session = Some(SessionId::parse(session).expect("session"));
        caller
    }

    #[test]
    fn a_sign_out_refuses_its_sessions_tokens_whenever_issued_and_no_other_session() {
        let now = Timestamp::now();
        let session = SessionId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").expect("id");
        assert_eq!(
            RevokedSubject::Session(session.clone()).label(),
            "SESSION#0f8fad5b-d9cb-469f-a165-70867728950e"
        );
        let set = RevokedSet::new([entry(&RevokedSubject::Session(session), now)], now);
        let old = session_caller_at(now.minus(Duration::from_secs(60)));
        assert!(set.revokes(&old));
        // A renewal of the same sign-in, even after the sign-out: refused.
        assert!(set.revokes(&session_caller_at(now.plus(Duration::from_secs(30)))));
        // A new sign-in of the same account, in the same second: accepted.
        let again = signed_in("a-1", "c9b1d6e2-0000-4000-8000-000000000001", now);
        assert!(!set.revokes(&again));
        // A token without origin_jti: only account and patient entries apply.
        assert!(!set.revokes(&caller("a-1", None, Some(now))));
    }

    fn session_caller_at(issued_at: Timestamp) -> Caller {
        signed_in("a-1", "0f8fad5b-d9cb-469f-a165-70867728950e", issued_at)
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
    }

    impl RevocationLoader for TestFeed {
        fn load(&self) -> BoxFuture<'_, Result<Vec<Revocation>, ApiError>> {
            Box::pin(async move {
                self.reads.fetch_add(1, Ordering::SeqCst);
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
}
