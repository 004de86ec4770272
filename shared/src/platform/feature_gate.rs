//! The feature gate: the routes each feature owns answer `feature-off` (403) when the feature's
//! switch is off for the caller and patient (see [`crate::features::switches`] for the rules).
//!
//! - [`SwitchBook`]: every switch item (one Query of `FEATURE_SWITCHES`) and the members of the
//!   cohorts that rules-mode switches name (one Query each, [`cohort::members_of`]).
//! - [`SwitchCache`]: the book a function evaluates from, a [`RefreshingCopy`]. It reads a new
//!   one when the one it has is older than `FEATURE_SWITCH_REFRESH_SECONDS` (60 by default, so
//!   a kill is seen within a minute; 0 on the test stack, which reads the switches on every
//!   use), and not otherwise. One refresh at a time; a refresh that fails keeps the last good
//!   book (and logs a warning); with no book at all the answer is 503.
//! - [`FeatureGate`]: the function's `FEATURE_ROUTES` table and the cache. The authorizer asks
//!   it after an allowed decision (so a refusal never tells a caller whether someone else's
//!   patient is in a cohort): `Authorizer::patient` for the patient in the path,
//!   `Authorizer::staff` with no patient. Practice jobs are never gated.
//! - Adoption: when the gate lets a patient or caregiver through a gated route, it adds 1 to
//!   the day's `use:<feature>` counter for all patients and for each cohort the book knows the
//!   patient is in ([`FeatureGate::count_use`]). The book knows the members of the cohorts
//!   that rules-mode switches name, and only those: uses by members of other cohorts count
//!   under `all` alone (a cohort's uses are counted while a switch opens a feature to it,
//!   which is when a practice watches them). The day is the practice's
//!   (`PRACTICE_TIME_ZONE`) when the function has its zone, else UTC's. A counter that cannot
//!   be written is logged and never fails the request.

use crate::platform::clock::{Clock, SystemClock};
use crate::platform::refreshing::{Loader, RefreshingCopy};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use futures::future::BoxFuture;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::features::cohort::{self, CohortName};
use crate::features::switches::{
    self, CohortMembers, Evaluation, Feature, Mode, Reason, Subject, Switch,
};
use crate::platform::config::Settings;
use crate::platform::error::cause_chain;
use crate::platform::http::Route;
use crate::platform::keys;
use crate::platform::store;

/// Every switch, and the members of the cohorts rules-mode switches name.
#[derive(Debug, Clone, Default)]
pub struct SwitchBook {
    pub switches: HashMap<Feature, Switch>,
    pub members: CohortMembers,
}

impl SwitchBook {
    pub fn new(switches: impl IntoIterator<Item = Switch>, members: CohortMembers) -> Self {
        SwitchBook {
            switches: switches
                .into_iter()
                .map(|switch| (switch.feature, switch))
                .collect(),
            members,
        }
    }

    /// The cohorts whose members a book of these switches needs: those named by switches in
    /// `rules` mode that are not killed.
    pub fn cohorts_named<'a>(
        switches: impl IntoIterator<Item = &'a Switch>,
    ) -> BTreeSet<CohortName> {
        switches
            .into_iter()
            .filter(|switch| switch.rules.mode == Mode::Rules && !switch.rules.killed)
            .flat_map(|switch| switch.rules.cohorts.iter().cloned())
            .collect()
    }

    pub fn switch(&self, feature: Feature) -> Option<&Switch> {
        self.switches.get(&feature)
    }

    pub fn evaluate(&self, feature: Feature, subject: &Subject) -> Evaluation {
        switches::evaluate(self.switch(feature), &self.members, subject)
    }

    /// The cohorts this book knows `patient` is in (only those switches name), by name.
    pub fn cohorts_of(&self, patient: PatientId) -> Vec<&CohortName> {
        let mut cohorts: Vec<&CohortName> = self
            .members
            .iter()
            .filter(|(_, members)| members.contains(&patient))
            .map(|(cohort, _)| cohort)
            .collect();
        cohorts.sort();
        cohorts
    }
}

/// Where a cache gets a new book from.
pub trait SwitchLoader: Send + Sync {
    fn load(&self) -> BoxFuture<'_, Result<SwitchBook, ApiError>>;
}

/// The application table: one Query of `FEATURE_SWITCHES`, then the named cohorts' members.
pub struct DynamoSwitchLoader {
    dynamo: Client,
    table: String,
}

impl DynamoSwitchLoader {
    pub fn new(dynamo: Client, table: String) -> Self {
        DynamoSwitchLoader { dynamo, table }
    }
}

impl SwitchLoader for DynamoSwitchLoader {
    fn load(&self) -> BoxFuture<'_, Result<SwitchBook, ApiError>> {
        Box::pin(load_book(&self.dynamo, &self.table))
    }
}

/// Reads the book (strongly consistent). An item for a feature this build does not know (a
/// newer version wrote it) is skipped; an item that does not fit its type is an error.
pub async fn load_book(dynamo: &Client, table: &str) -> Result<SwitchBook, ApiError> {
    let mut switches = Vec::new();
    let mut start_after = None;
    loop {
        let output = dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", store::string(keys::FEATURE_SWITCHES_PARTITION))
            .consistent_read(true)
            .set_exclusive_start_key(start_after.take())
            .send()
            .await
            .map_err(store::sdk_error)?;
        for item in output.items.unwrap_or_default() {
            let known = item
                .get(keys::SK)
                .and_then(|sk| sk.as_s().ok())
                .and_then(|sk| Feature::parse(sk))
                .is_some();
            if known {
                switches.push(store::from_item::<Switch>(item)?);
            }
        }
        match output.last_evaluated_key {
            Some(last) if !last.is_empty() => start_after = Some(last),
            _ => break,
        }
    }
    let cohorts = SwitchBook::cohorts_named(&switches);
    let member_lists = futures::future::try_join_all(
        cohorts
            .iter()
            .map(|name| cohort::members_of(dynamo, table, name)),
    )
    .await?;
    let members = cohorts
        .into_iter()
        .zip(member_lists)
        .map(|(name, members)| (name, members.into_iter().collect()))
        .collect();
    Ok(SwitchBook::new(switches, members))
}

/// A [`SwitchLoader`] as the refreshing copy asks it.
struct Books(Arc<dyn SwitchLoader>);

impl Loader<SwitchBook> for Books {
    fn load(&self) -> BoxFuture<'_, Result<SwitchBook, ApiError>> {
        self.0.load()
    }
}

/// The book a function evaluates from, read again when older than its refresh interval.
pub struct SwitchCache(RefreshingCopy<SwitchBook, Books>);

impl SwitchCache {
    pub fn new(
        loader: Arc<dyn SwitchLoader>,
        clock: Arc<dyn Clock>,
        refresh_every: Duration,
    ) -> Self {
        SwitchCache(RefreshingCopy::new(
            "the feature switches",
            Books(loader),
            clock,
            refresh_every,
        ))
    }

    pub fn refresh_every(&self) -> Duration {
        self.0.refresh_every()
    }

    /// The book to evaluate from: the cached one while it is younger than the refresh
    /// interval, else a new one (see [`RefreshingCopy::get`]).
    pub async fn book(&self) -> Result<Arc<SwitchBook>, ApiError> {
        self.0.get().await
    }
}

/// Adds the adoption counters of uses (see the module's documentation).
#[derive(Clone)]
pub struct AdoptionCounter {
    dynamo: Client,
    table: String,
    /// The practice's zone; UTC when the function does not have it.
    zone: TimeZone,
}

impl AdoptionCounter {
    pub fn new(dynamo: Client, table: String, zone: Option<TimeZone>) -> Self {
        AdoptionCounter {
            dynamo,
            table,
            zone: zone.unwrap_or(TimeZone::UTC),
        }
    }

    /// The day (`yyyy-mm-dd`) counters of `at` are written under.
    pub fn day(&self, at: Timestamp) -> String {
        day_in(&self.zone, at)
    }

    /// Adds 1 to `metric` of today for all patients and for each of `cohorts`, all at once.
    /// Never fails: a counter that cannot be written is logged (ids only).
    pub async fn add(&self, metric: &str, cohorts: &[&CohortName]) {
        let day = self.day(Timestamp::now());
        let targets = std::iter::once(None).chain(cohorts.iter().map(|cohort| Some(*cohort)));
        let writes = targets.map(|cohort| {
            let key = keys::adoption_counter(&day, cohort, metric);
            async move {
                let written = self
                    .dynamo
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(key.attributes()))
                    .update_expression("ADD #n :one")
                    .expression_attribute_names("#n", "n")
                    .expression_attribute_values(":one", store::number(1))
                    .send()
                    .await;
                if let Err(error) = written {
                    let error = store::sdk_error(error);
                    tracing::warn!(
                        day = %key.pk,
                        counter = %key.sk,
                        problem = error.slug(),
                        cause = %cause_chain(&error),
                        "an adoption counter could not be written"
                    );
                }
            }
        });
        futures::future::join_all(writes).await;
    }
}

/// The local date of `at` in `zone`, as `yyyy-mm-dd` (the adoption partitions' day).
pub fn day_in(zone: &TimeZone, at: Timestamp) -> String {
    jiff::Timestamp::from(at)
        .to_zoned(zone.clone())
        .date()
        .to_string()
}

/// What the gate found for a gated route.
#[derive(Debug, Clone)]
pub struct GateCheck {
    pub feature: Feature,
    pub evaluation: Evaluation,
    /// The book it was evaluated from (for counting the use by cohort).
    pub book: Arc<SwitchBook>,
}

/// Why one patient does or does not see a feature, for the portal lead's "explain":
/// `{ feature, patientId, on, reason, cohort?, role?, bucket, percentage? }` (`percentage`: the
/// switch's, in rules mode; `bucket`: the patient's, whatever the mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub feature: Feature,
    pub patient_id: PatientId,
    pub evaluation: Evaluation,
    pub bucket: u16,
    pub percentage: Option<u8>,
}

impl Serialize for Explanation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[serde_with::skip_serializing_none]
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            feature: Feature,
            patient_id: PatientId,
            on: bool,
            reason: &'static str,
            cohort: Option<&'a CohortName>,
            role: Option<&'static str>,
            bucket: u16,
            percentage: Option<u8>,
        }
        let reason = &self.evaluation.reason;
        Body {
            feature: self.feature,
            patient_id: self.patient_id,
            on: self.evaluation.on,
            reason: reason.name(),
            cohort: match reason {
                Reason::Cohort { cohort } => Some(cohort),
                _ => None,
            },
            role: match reason {
                Reason::StaffRole { role } => Some(role.group()),
                _ => None,
            },
            bucket: self.bucket,
            percentage: self.percentage,
        }
        .serialize(serializer)
    }
}

/// The routes a function's features own, the switches' cache, and the adoption counter.
/// Cheap to clone (the cache is shared).
#[derive(Clone)]
pub struct FeatureGate {
    routes: &'static [(Route, Feature)],
    cache: Arc<SwitchCache>,
    counter: Option<AdoptionCounter>,
}

impl FeatureGate {
    /// A gate with no routes (nothing is gated until [`FeatureGate::with_routes`]) and no
    /// counting.
    pub fn new(cache: Arc<SwitchCache>) -> Self {
        FeatureGate {
            routes: &[],
            cache,
            counter: None,
        }
    }

    /// What `Platform::new` builds: the application table's switches, refreshed every
    /// `settings.feature_switch_refresh`, with adoption counting.
    pub fn from_settings(settings: &Settings, dynamo: &Client) -> Self {
        let loader = DynamoSwitchLoader::new(dynamo.clone(), settings.app_table.clone());
        let cache = SwitchCache::new(
            Arc::new(loader),
            Arc::new(SystemClock),
            settings.feature_switch_refresh,
        );
        FeatureGate::new(Arc::new(cache)).with_adoption_counter(AdoptionCounter::new(
            dynamo.clone(),
            settings.app_table.clone(),
            settings
                .practice_zone
                .as_ref()
                .map(|zone| zone.zone.clone()),
        ))
    }

    /// Gates these routes (a function's `FEATURE_ROUTES`).
    pub fn with_routes(mut self, routes: &'static [(Route, Feature)]) -> Self {
        self.routes = routes;
        self
    }

    pub fn with_adoption_counter(mut self, counter: AdoptionCounter) -> Self {
        self.counter = Some(counter);
        self
    }

    pub fn routes(&self) -> &'static [(Route, Feature)] {
        self.routes
    }

    /// The feature that owns the route `method path` (`path` as API Gateway's resource path,
    /// `/patients/{patientId}/conversations`), if any.
    pub fn feature_of(&self, method: &str, path: &str) -> Option<Feature> {
        self.routes
            .iter()
            .find(|(route, _)| route.method == method && route.path == path)
            .map(|(_, feature)| *feature)
    }

    /// The current book (see [`SwitchCache::book`]).
    pub async fn book(&self) -> Result<Arc<SwitchBook>, ApiError> {
        self.cache.book().await
    }

    /// For a gated route: the feature and its evaluation for `subject`. `None` for a route no
    /// feature owns (no book is read then).
    pub async fn check(
        &self,
        method: &str,
        path: &str,
        subject: &Subject,
    ) -> Result<Option<GateCheck>, ApiError> {
        let Some(feature) = self.feature_of(method, path) else {
            return Ok(None);
        };
        let book = self.book().await?;
        Ok(Some(GateCheck {
            feature,
            evaluation: book.evaluate(feature, subject),
            book,
        }))
    }

    /// Counts one use of `check.feature` for `patient` (see the module's documentation).
    /// Never fails.
    pub async fn count_use(&self, check: &GateCheck, patient: PatientId) {
        if let Some(counter) = &self.counter {
            let cohorts = check.book.cohorts_of(patient);
            counter
                .add(&keys::adoption_use_metric(check.feature), &cohorts)
                .await;
        }
    }

    /// Every feature's evaluation for `subject`, in [`Feature::ALL`]'s order.
    pub async fn states(&self, subject: &Subject) -> Result<Vec<(Feature, Evaluation)>, ApiError> {
        let book = self.book().await?;
        Ok(Feature::ALL
            .iter()
            .map(|feature| (*feature, book.evaluate(*feature, subject)))
            .collect())
    }

    /// Why `patient` (as themself: no staff role) does or does not see `feature`.
    pub async fn explain(
        &self,
        feature: Feature,
        patient: PatientId,
    ) -> Result<Explanation, ApiError> {
        let book = self.book().await?;
        let percentage = book
            .switch(feature)
            .filter(|switch| switch.rules.mode == Mode::Rules)
            .map(|switch| switch.rules.percentage);
        Ok(Explanation {
            feature,
            patient_id: patient,
            evaluation: book.evaluate(feature, &Subject::patient(patient)),
            bucket: switches::bucket(feature, patient),
            percentage,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use super::*;
    use crate::features::switches::SwitchRules;
    use crate::policy::caller::{Role, UserSub};

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

    /// Switches as the table holds them and a count of the reads.
    #[derive(Default)]
    struct TestSource {
        switches: Mutex<Vec<Switch>>,
        members: Mutex<CohortMembers>,
        reads: AtomicUsize,
    }

    impl TestSource {
        fn write(&self, switch: Switch) {
            let mut switches = self.switches.lock().expect("switches");
            switches.retain(|s| s.feature != switch.feature);
            switches.push(switch);
        }
        fn reads(&self) -> usize {
            self.reads.load(Ordering::SeqCst)
        }
    }

    impl SwitchLoader for TestSource {
        fn load(&self) -> BoxFuture<'_, Result<SwitchBook, ApiError>> {
            Box::pin(async move {
                self.reads.fetch_add(1, Ordering::SeqCst);
                Ok(SwitchBook::new(
                    self.switches.lock().expect("switches").clone(),
                    self.members.lock().expect("members").clone(),
                ))
            })
        }
    }

    fn switch(feature: Feature, rules: SwitchRules) -> Switch {
        Switch {
            feature,
            rules,
            version: 1,
            updated_at: Timestamp::now(),
            updated_by: UserSub::parse("lead-1").expect("sub"),
        }
    }

    fn killed(feature: Feature) -> Switch {
        switch(
            feature,
            SwitchRules {
                killed: true,
                ..SwitchRules::default()
            },
        )
    }

    const MINUTE: Duration = Duration::from_secs(60);

    fn cache(source: &Arc<TestSource>, clock: &Arc<TestClock>, every: Duration) -> SwitchCache {
        SwitchCache::new(source.clone(), clock.clone(), every)
    }

    async fn messaging_on(cache: &SwitchCache, patient: PatientId) -> bool {
        let book = cache.book().await.expect("a book");
        book.evaluate(Feature::Messaging, &Subject::patient(patient))
            .on
    }

    #[tokio::test]
    async fn a_kill_is_seen_on_the_first_use_after_the_refresh_window_and_warm_uses_read_nothing() {
        let (source, clock) = (Arc::new(TestSource::default()), TestClock::new());
        let cache = cache(&source, &clock, MINUTE);
        let patient = PatientId::generate();
        assert!(messaging_on(&cache, patient).await, "no switch: on");
        assert_eq!(source.reads(), 1);

        source.write(killed(Feature::Messaging));
        // Warm uses inside the window: the cached book, no read.
        for _ in 0..5 {
            clock.advance(Duration::from_secs(11));
            assert!(messaging_on(&cache, patient).await);
        }
        clock.advance(Duration::from_secs(4)); // 59 s
        assert!(messaging_on(&cache, patient).await, "not sooner is fine");
        assert_eq!(source.reads(), 1, "a warm use reads nothing");

        clock.advance(Duration::from_secs(1)); // 60 s: the window is over
        assert!(!messaging_on(&cache, patient).await, "the kill is seen");
        assert_eq!(source.reads(), 2);
        assert!(!messaging_on(&cache, patient).await);
        assert_eq!(source.reads(), 2);
    }

    const ROUTES: &[(Route, Feature)] = &[
        (
            Route::new("GET", "/patients/{patientId}/conversations"),
            Feature::Messaging,
        ),
        (Route::new("GET", "/staff/inbox"), Feature::Messaging),
    ];

    #[tokio::test]
    async fn the_gate_checks_only_the_routes_its_features_own() {
        let (source, clock) = (Arc::new(TestSource::default()), TestClock::new());
        let gate = FeatureGate::new(Arc::new(cache(&source, &clock, MINUTE))).with_routes(ROUTES);
        let beta = CohortName::parse("beta-1").expect("name");
        let (member, other) = (PatientId::generate(), PatientId::generate());
        source.write(switch(
            Feature::Messaging,
            SwitchRules {
                mode: Mode::Rules,
                cohorts: vec![beta.clone()],
                ..SwitchRules::default()
            },
        ));
        *source.members.lock().expect("members") =
            HashMap::from([(beta.clone(), HashSet::from([member]))]);

        let patient_route = "/patients/{patientId}/conversations";
        let check = |subject: Subject, method: &'static str, path: &'static str| {
            let gate = gate.clone();
            async move { gate.check(method, path, &subject).await.expect("check") }
        };
        let ungated = check(
            Subject::patient(member),
            "GET",
            "/patients/{patientId}/profile",
        )
        .await;
        assert!(ungated.is_none());
        assert!(
            check(Subject::patient(member), "POST", patient_route)
                .await
                .is_none(),
            "the method is part of the route"
        );
        let allowed = check(Subject::patient(member), "GET", patient_route)
            .await
            .expect("gated");
        assert_eq!(allowed.feature, Feature::Messaging);
        assert!(allowed.evaluation.on);
        assert_eq!(allowed.book.cohorts_of(member), vec![&beta]);
        assert!(
            !check(Subject::patient(other), "GET", patient_route)
                .await
                .expect("gated")
                .evaluation
                .on
        );
        let staff = Subject {
            patient: None,
            staff_roles: [Role::Clinician].into(),
        };
        assert_eq!(
            check(staff, "GET", "/staff/inbox")
                .await
                .expect("gated")
                .evaluation
                .reason,
            Reason::StaffRoute
        );
        assert_eq!(source.reads(), 1);

        let states = gate.states(&Subject::patient(other)).await.expect("states");
        assert_eq!(states.len(), Feature::ALL.len());
        assert!(
            states
                .iter()
                .all(|(feature, evaluation)| evaluation.on == (*feature != Feature::Messaging))
        );
    }

    #[tokio::test]
    async fn explain_names_the_rule_the_bucket_and_the_percentage() {
        let (source, clock) = (Arc::new(TestSource::default()), TestClock::new());
        let gate = FeatureGate::new(Arc::new(cache(&source, &clock, MINUTE)));
        let patient = PatientId::generate();
        source.write(switch(
            Feature::OnlineBooking,
            SwitchRules {
                mode: Mode::Rules,
                percentage: 100,
                ..SwitchRules::default()
            },
        ));
        let explained = gate
            .explain(Feature::OnlineBooking, patient)
            .await
            .expect("explain");
        let bucket = switches::bucket(Feature::OnlineBooking, patient);
        assert_eq!(
            serde_json::to_value(&explained).expect("json"),
            serde_json::json!({
                "feature": "online-booking",
                "patientId": patient.to_string(),
                "on": true,
                "reason": "percentage",
                "bucket": bucket,
                "percentage": 100,
            })
        );
        let everyone = gate
            .explain(Feature::Waitlist, patient)
            .await
            .expect("explain");
        let json = serde_json::to_value(&everyone).expect("json");
        assert_eq!(json["reason"], "everyone");
        assert!(json.get("percentage").is_none());
        assert_eq!(json["bucket"], switches::bucket(Feature::Waitlist, patient));
    }

    #[test]
    fn only_live_rules_switches_need_their_cohorts_members() {
        let name = |raw: &str| CohortName::parse(raw).expect("name");
        let rules = |cohort: &str, killed: bool, mode: Mode| SwitchRules {
            mode,
            cohorts: vec![name(cohort)],
            killed,
            ..SwitchRules::default()
        };
        let switches = [
            switch(Feature::Messaging, rules("beta-1", false, Mode::Rules)),
            switch(Feature::CheckIn, rules("beta-2", true, Mode::Rules)),
            switch(Feature::Waitlist, rules("beta-3", false, Mode::Everyone)),
            switch(Feature::CareCircle, rules("beta-1", false, Mode::Rules)),
        ];
        assert_eq!(
            SwitchBook::cohorts_named(&switches),
            BTreeSet::from([name("beta-1")])
        );
    }

    #[test]
    fn counters_are_written_under_the_practice_day() {
        let at = Timestamp::parse("2026-03-02T03:30:00Z").expect("timestamp");
        assert_eq!(day_in(&TimeZone::UTC, at), "2026-03-02");
        let chicago = TimeZone::get("America/Chicago").expect("zone");
        assert_eq!(day_in(&chicago, at), "2026-03-01");
        assert_eq!(
            keys::adoption_counter("2026-03-01", None, "use:messaging").sk,
            "all#use:messaging"
        );
    }
}
