//! A per-process copy of something read from AWS (the feature switches, the revocation feed, a
//! secret's versions) that is read again once older than its refresh interval, and not
//! otherwise: a warm request inside the window makes no call.
//!
//! - One refresh at a time: requests that arrive while one runs wait for it and use its copy
//!   (a load that began after a request arrived is as fresh as one the request would start).
//! - A refresh that fails keeps the last copy serving (and logs a warning): refusing every
//!   request while a dependency hiccups would be worse than a copy a little older. What
//!   happens next is the copy's [`AfterFailure`].
//! - With no copy at all (the first read of a new process failed) the answer is 503
//!   `unavailable`, never a guess.
//!
//! The clock ([`Clock`]) and the loader ([`Loader`]) are traits, so the window is tested
//! without sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use crate::ApiError;
use crate::cause_chain;
use crate::platform::clock::Clock;

/// Where a [`RefreshingCopy`] gets a new value from.
pub trait Loader<T>: Send + Sync {
    fn load(&self) -> BoxFuture<'_, Result<T, ApiError>>;
}

/// What a failed refresh leaves behind, besides the last copy serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// The next use after the window tries again (the copy still counts as stale): the
    /// feature switches and the revocation feed, where staleness matters.
    TryAgainNextUse,
    /// The last copy counts as read now, so the next try is a whole window later: secrets,
    /// which change rarely and whose store should not be asked on every request while down.
    KeepForAWindow,
}

#[derive(Clone)]
struct Loaded<T> {
    value: Arc<T>,
    /// When the load that read it began.
    at: Instant,
}

/// The copy, its loader and its refresh interval. See the module's documentation.
pub struct RefreshingCopy<T, L: Loader<T>> {
    /// What the copy is, for logs and errors ("the revocation feed").
    what: &'static str,
    loader: L,
    clock: Arc<dyn Clock>,
    refresh_every: Duration,
    after_failure: AfterFailure,
    /// Read on every request; written only under `refreshing`, never across an await.
    current: RwLock<Option<Loaded<T>>>,
    /// Held while a refresh runs; holds when the last attempt (good or not) began.
    refreshing: tokio::sync::Mutex<Option<Instant>>,
    loads: AtomicU64,
}

impl<T: Send + Sync, L: Loader<T>> RefreshingCopy<T, L> {
    pub fn new(
        what: &'static str,
        loader: L,
        clock: Arc<dyn Clock>,
        refresh_every: Duration,
    ) -> Self {
        RefreshingCopy {
            what,
            loader,
            clock,
            refresh_every,
            after_failure: AfterFailure::TryAgainNextUse,
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(None),
            loads: AtomicU64::new(0),
        }
    }

    pub fn after_failure(mut self, after_failure: AfterFailure) -> Self {
        self.after_failure = after_failure;
        self
    }

    /// Starts with `value` as if just read (fixed values in tests).
    pub fn starting_with(self, value: T) -> Self {
        let at = self.clock.now();
        self.put(Arc::new(value), at);
        self
    }

    pub fn refresh_every(&self) -> Duration {
        self.refresh_every
    }

    /// How many times the loader was asked (each a read of the source).
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    fn current(&self) -> Option<Loaded<T>> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .map(|loaded| Loaded {
                value: loaded.value.clone(),
                at: loaded.at,
            })
    }

    fn put(&self, value: Arc<T>, at: Instant) {
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Loaded { value, at });
    }

    async fn load(&self) -> Result<T, ApiError> {
        self.loads.fetch_add(1, Ordering::Relaxed);
        self.loader.load().await
    }

    /// The copy to use: the cached one while younger than the refresh interval, else a new one
    /// (or the last one when the refresh fails; 503 when there is none).
    pub async fn get(&self) -> Result<Arc<T>, ApiError> {
        let asked_at = self.clock.now();
        if let Some(loaded) = self.current()
            && asked_at.saturating_duration_since(loaded.at) < self.refresh_every
        {
            return Ok(loaded.value);
        }
        let mut last_attempt = self.refreshing.lock().await;
        if last_attempt.is_some_and(|began| began >= asked_at) {
            // Someone refreshed (or tried to) after this request arrived.
            return self.current().map(|loaded| loaded.value).ok_or_else(|| {
                ApiError::Unavailable(format!("{} was never read", self.what).into())
            });
        }
        let began = self.clock.now();
        *last_attempt = Some(began);
        match self.load().await {
            Ok(value) => {
                let value = Arc::new(value);
                self.put(value.clone(), began);
                Ok(value)
            }
            Err(error) => match self.current() {
                Some(loaded) => {
                    tracing::warn!(
                        problem = error.slug(),
                        cause = %cause_chain(&error),
                        copy_age_seconds = began.saturating_duration_since(loaded.at).as_secs(),
                        "{} could not be read; the last copy still serves",
                        self.what
                    );
                    if self.after_failure == AfterFailure::KeepForAWindow {
                        self.put(loaded.value.clone(), began);
                    }
                    Ok(loaded.value)
                }
                None => Err(ApiError::Unavailable(Box::new(error))),
            },
        }
    }

    /// A read now, out of turn, because something made under a newer value than `seen` came
    /// in: the newer copy, when another request already read one, or a read (at most one
    /// every `min_gap`) finds one that is not `same` as `seen`. `None` when there is nothing
    /// newer to try; a failed read is logged and is `None` too.
    pub async fn newer_than(
        &self,
        seen: &Arc<T>,
        min_gap: Duration,
        same: impl Fn(&T, &T) -> bool,
    ) -> Option<Arc<T>> {
        let mut last_attempt = self.refreshing.lock().await;
        if let Some(loaded) = self.current()
            && !Arc::ptr_eq(&loaded.value, seen)
        {
            return Some(loaded.value);
        }
        let began = self.clock.now();
        if last_attempt.is_some_and(|at| began.saturating_duration_since(at) < min_gap) {
            return None;
        }
        *last_attempt = Some(began);
        match self.load().await {
            Ok(value) if same(&value, seen) => {
                self.put(seen.clone(), began);
                None
            }
            Ok(value) => {
                let value = Arc::new(value);
                self.put(value.clone(), began);
                Some(value)
            }
            Err(error) => {
                tracing::warn!(
                    problem = error.slug(),
                    cause = %cause_chain(&error),
                    "{} could not be read again",
                    self.what
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    use super::*;

    /// A clock the test moves by hand.
    struct TestClock(Mutex<Instant>);

    impl TestClock {
        fn new() -> Arc<Self> {
            Arc::new(TestClock(Mutex::new(Instant::now())))
        }
        fn advance(&self, by: Duration) {
            *self.0.lock().expect("clock") += by;
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Instant {
            *self.0.lock().expect("clock")
        }
    }

    /// A number as the source holds it, a count of the reads, and a way to make reads fail or
    /// take a while.
    #[derive(Default)]
    struct Source {
        value: Mutex<u32>,
        reads: AtomicUsize,
        failing: AtomicBool,
        slow: AtomicBool,
    }

    impl Source {
        fn set(&self, value: u32) {
            *self.value.lock().expect("value") = value;
        }
        fn reads(&self) -> usize {
            self.reads.load(Ordering::SeqCst)
        }
    }

    impl Loader<u32> for Arc<Source> {
        fn load(&self) -> BoxFuture<'_, Result<u32, ApiError>> {
            Box::pin(async move {
                self.reads.fetch_add(1, Ordering::SeqCst);
                if self.slow.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                if self.failing.load(Ordering::SeqCst) {
                    return Err(ApiError::internal("the source is unreachable"));
                }
                Ok(*self.value.lock().expect("value"))
            })
        }
    }

    const MINUTE: Duration = Duration::from_secs(60);

    fn copy(
        source: &Arc<Source>,
        clock: &Arc<TestClock>,
        every: Duration,
    ) -> RefreshingCopy<u32, Arc<Source>> {
        RefreshingCopy::new("the number", source.clone(), clock.clone(), every)
    }

    async fn value(copy: &RefreshingCopy<u32, Arc<Source>>) -> u32 {
        *copy.get().await.expect("a copy")
    }

    #[tokio::test]
    async fn a_change_is_seen_on_the_first_use_after_the_window_and_warm_uses_read_nothing() {
        let (source, clock) = (Arc::new(Source::default()), TestClock::new());
        let copy = copy(&source, &clock, MINUTE);
        assert_eq!(value(&copy).await, 0);
        source.set(1);
        for _ in 0..5 {
            clock.advance(Duration::from_secs(11));
            assert_eq!(value(&copy).await, 0, "the cached copy");
        }
        clock.advance(Duration::from_secs(4)); // 59 s
        assert_eq!(value(&copy).await, 0);
        assert_eq!(source.reads(), 1, "a warm use reads nothing");
        clock.advance(Duration::from_secs(1)); // 60 s: the window is over
        assert_eq!(value(&copy).await, 1);
        assert_eq!(value(&copy).await, 1);
        assert_eq!((source.reads(), copy.loads()), (2, 2));
    }

    #[tokio::test]
    async fn a_zero_window_reads_on_every_use() {
        let (source, clock) = (Arc::new(Source::default()), TestClock::new());
        let copy = copy(&source, &clock, Duration::ZERO);
        assert_eq!(value(&copy).await, 0);
        clock.advance(Duration::from_millis(1));
        source.set(7);
        assert_eq!(value(&copy).await, 7);
        assert_eq!(source.reads(), 2);
    }

    #[tokio::test]
    async fn concurrent_uses_of_a_stale_copy_share_one_read() {
        let (source, clock) = (Arc::new(Source::default()), TestClock::new());
        source.slow.store(true, Ordering::SeqCst);
        let copy = copy(&source, &clock, MINUTE);
        let copies = futures::future::join_all((0..20).map(|_| copy.get())).await;
        assert!(copies.iter().all(Result::is_ok));
        assert_eq!(source.reads(), 1, "no stampede on the first read");
        clock.advance(MINUTE);
        let copies = futures::future::join_all((0..20).map(|_| copy.get())).await;
        assert!(copies.iter().all(Result::is_ok));
        assert_eq!(source.reads(), 2, "no stampede on a refresh");
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_last_copy_and_none_at_all_is_503() {
        let (source, clock) = (Arc::new(Source::default()), TestClock::new());
        source.failing.store(true, Ordering::SeqCst);
        let copy = copy(&source, &clock, MINUTE);
        assert_eq!(copy.get().await.expect_err("nothing").status(), 503);

        source.failing.store(false, Ordering::SeqCst);
        source.set(3);
        clock.advance(Duration::from_millis(1));
        assert_eq!(value(&copy).await, 3);

        source.failing.store(true, Ordering::SeqCst);
        source.set(4);
        clock.advance(MINUTE);
        assert_eq!(value(&copy).await, 3, "the last copy");
        assert_eq!(source.reads(), 3);
        // Each use after the window tries again, until a read succeeds.
        clock.advance(Duration::from_millis(1));
        assert_eq!(value(&copy).await, 3);
        assert_eq!(source.reads(), 4);
        source.failing.store(false, Ordering::SeqCst);
        clock.advance(Duration::from_millis(1));
        assert_eq!(value(&copy).await, 4);
    }

    #[tokio::test]
    async fn kept_for_a_window_a_failed_refresh_is_not_tried_again_at_once() {
        let (source, clock) = (Arc::new(Source::default()), TestClock::new());
        let copy = copy(&source, &clock, MINUTE).after_failure(AfterFailure::KeepForAWindow);
        assert_eq!(value(&copy).await, 0);
        source.failing.store(true, Ordering::SeqCst);
        clock.advance(MINUTE);
        assert_eq!(value(&copy).await, 0);
        clock.advance(Duration::from_secs(59));
        assert_eq!(value(&copy).await, 0);
        assert_eq!(source.reads(), 2, "the next try is a window later");
        source.failing.store(false, Ordering::SeqCst);
        source.set(5);
        clock.advance(Duration::from_secs(1));
        assert_eq!(value(&copy).await, 5);
    }

    #[tokio::test]
    async fn a_read_out_of_turn_finds_newer_values_at_most_once_a_gap() {
        let (source, clock) = (Arc::new(Source::default()), TestClock::new());
        let copy = copy(&source, &clock, MINUTE);
        let gap = Duration::from_secs(5);
        let seen = copy.get().await.expect("a copy");
        let same = |a: &u32, b: &u32| a == b;
        clock.advance(gap);
        assert_eq!(
            copy.newer_than(&seen, gap, same).await,
            None,
            "nothing newer"
        );
        assert!(Arc::ptr_eq(&seen, &copy.get().await.expect("kept")));
        source.set(2);
        assert_eq!(copy.newer_than(&seen, gap, same).await, None, "too soon");
        assert_eq!(source.reads(), 2);
        clock.advance(gap);
        assert_eq!(copy.newer_than(&seen, gap, same).await.as_deref(), Some(&2));
        // Another request that saw the old copy takes the new one without a read.
        assert_eq!(copy.newer_than(&seen, gap, same).await.as_deref(), Some(&2));
        assert_eq!(source.reads(), 3);
        assert_eq!(value(&copy).await, 2);
    }
}
