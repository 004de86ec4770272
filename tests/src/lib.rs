//! The end-to-end harness: `spawn_app()` starts the emulator, provisions `template.yaml` under a
//! unique prefix and serves the local API Gateway — once per test run — and hands every test a
//! client that acts as any demo role. Tests isolate themselves by registering their own
//! patients (`new_patient`), never by sharing one.

pub mod fhir;

use std::collections::HashMap;
use std::net::SocketAddr;

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use portal_local::identity::{self, DEMO_PASSWORD};
use portal_local::{BackgroundStack, StartOptions};
use portal_shared::domain::ids::PatientId;
use portal_shared::platform::keys;
use portal_shared::policy::caller::UserSub;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

pub use reqwest::Method;

/// Someone who can sign in.
#[derive(Debug, Clone)]
pub struct Actor {
    pub email: String,
    pub sub: String,
    /// A Cognito ID token, as the API's authorizer expects.
    pub token: String,
}

/// A patient registered through the API, with a sign-in of their own.
#[derive(Debug, Clone)]
pub struct Patient {
    pub id: String,
    pub family: String,
    pub email: String,
    pub actor: Actor,
}

pub struct TestApp {
    pub api_url: String,
    pub front_desk: Actor,
    pub clinician: Actor,
    pub response_team: Actor,
    pub admin: Actor,
    /// In the caregivers group, with no grant for anyone.
    pub caregiver: Actor,
    background: BackgroundStack,
}

/// An HTTP response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(&name.to_ascii_lowercase()).cloned()
    }
}

static APP: OnceCell<TestApp> = OnceCell::const_new();

/// The shared test stack, started by the first test that asks for it.
pub async fn spawn_app() -> &'static TestApp {
    APP.get_or_init(|| async {
        TestApp::start()
            .await
            .unwrap_or_else(|error| panic!("cannot start the test stack: {error:#}"))
    })
    .await
}

/// A family name no other test uses, so tests can count what they wrote.
pub fn unique_family_name() -> String {
    format!("Tester{}", ulid::Ulid::generate())
}

/// A valid registration body.
pub fn registration(family: &str) -> Value {
    json!({
        "legalName": {"given": "Ana", "family": family},
        "dateOfBirth": "1984-03-12",
        "sex": "female",
        "contact": {"email": format!("{}@patients.portal.test", family.to_lowercase()), "phone": "+15555550101"}
    })
}

/// Checks a problem+json answer: its status, and the field it names (if `field` is given).
#[track_caller]
pub fn assert_problem(reply: &Reply, status: u16, field: Option<&str>) {
    assert_eq!(reply.status, status, "{reply:#?}");
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/problem+json"),
        "{reply:#?}"
    );
    assert_eq!(reply.body["status"], status, "{reply:#?}");
    assert!(reply.body["title"].is_string(), "{reply:#?}");
    if let Some(field) = field {
        let named = reply.body["errors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|e| e["field"] == field));
        assert!(named, "expected the problem to name {field}: {reply:#?}");
    }
}

impl TestApp {
    async fn start() -> anyhow::Result<TestApp> {
        // Server-side errors (a 5xx's cause chain) show in the test output; nothing else does.
        let filter = tracing_subscriber::EnvFilter::try_from_env("TEST_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        // The stack runs on its own thread and runtime (see BackgroundStack), so starting it
        // blocks; keep that off this test's runtime.
        let background = tokio::task::spawn_blocking(|| {
            let addr: SocketAddr = "127.0.0.1:0".parse().context("address")?;
            BackgroundStack::start(
                StartOptions {
                    // Dozens of tests share one emulator, which answers a request at a time:
                    // a call may queue behind a large import. Lambda timeouts are not what
                    // these tests check.
                    timeout_floor: Some(std::time::Duration::from_secs(120)),
                    // Tests invoke the scheduled functions themselves (`TestApp::on_stack`).
                    run_schedules: false,
                    ..StartOptions::unique("e2e")
                },
                addr,
            )
        })
        .await
        .context("start-up panicked")??;
        let api_url = background.api_url.clone();
        let staff = |name: &'static str, groups: &'static [&'static str]| {
            let email =
                format!("{name}-{}@staff.portal.test", ulid::Ulid::generate()).to_lowercase();
            background.run(move |stack| async move {
                let sub = identity::create_staff_user(
                    &stack,
                    &email,
                    "Test",
                    name,
                    groups,
                    DEMO_PASSWORD,
                )
                .await?;
                let token = identity::sign_in(&stack, &email, DEMO_PASSWORD).await?;
                Ok(Actor { email, sub, token })
            })
        };
        let front_desk = staff("frontdesk", &["front-desk"]).await?;
        let clinician = staff("clinician", &["clinicians"]).await?;
        let response_team = staff("response", &["response-team"]).await?;
        let admin = staff("admin", &["admins"]).await?;
        let caregiver = staff("caregiver", &["caregivers"]).await?;
        Ok(TestApp {
            api_url,
            front_desk,
            clinician,
            response_team,
            admin,
            caregiver,
            background,
        })
    }

    /// A new staff member in `groups`, signed in, named "Test <name>" (for tests that need a
    /// colleague of their own, e.g. to disable or to assign work to).
    pub async fn new_staff(&self, name: &str, groups: &'static [&'static str]) -> Actor {
        let email = format!("{name}-{}@staff.portal.test", ulid::Ulid::generate()).to_lowercase();
        let name = name.to_owned();
        self.background
            .run(move |stack| async move {
                let sub = identity::create_staff_user(
                    &stack,
                    &email,
                    "Test",
                    &name,
                    groups,
                    DEMO_PASSWORD,
                )
                .await?;
                let token = identity::sign_in(&stack, &email, DEMO_PASSWORD).await?;
                Ok(Actor { email, sub, token })
            })
            .await
            .expect("creating a staff member")
    }

    /// Registers a patient through the API (as front desk) and gives them a sign-in.
    pub async fn new_patient(&self) -> Patient {
        self.new_patient_also_in(&[]).await
    }

    /// A patient whose sign-in is also in these staff groups (a receptionist who is a patient
    /// of the practice too).
    pub async fn new_patient_also_in(&self, staff_groups: &'static [&'static str]) -> Patient {
        let (id, family) = self.register_patient().await;
        // `registration` gives every patient this email.
        let email = registration(&family)["contact"]["email"]
            .as_str()
            .expect("email")
            .to_owned();
        let (login_email, patient_id) = (email.clone(), id.clone());
        let actor = self
            .background
            .run(move |stack| async move {
                let mut groups = vec![identity::PATIENTS_GROUP];
                groups.extend_from_slice(staff_groups);
                let sub = identity::create_user(
                    &stack,
                    &identity::NewUser {
                        email: &login_email,
                        password: DEMO_PASSWORD,
                        attributes: vec![("custom:patient_id", &patient_id)],
                        groups,
                    },
                )
                .await?;
                let token = identity::sign_in(&stack, &login_email, DEMO_PASSWORD).await?;
                Ok(Actor {
                    email: login_email,
                    sub,
                    token,
                })
            })
            .await
            .expect("creating the patient's sign-in");
        Patient {
            id,
            family,
            email,
            actor,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_url)
    }

    async fn read(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let text = response.text().await.expect("response body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A new client per request: clients hold connections bound to the runtime that made them,
    /// and every test has its own runtime.
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new().request(method, self.url(path))
    }

    /// Sends a JSON request as `who` (or anonymously).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        who: Option<&Actor>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.request(method, path);
        if let Some(actor) = who {
            request = request.bearer_auth(&actor.token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::read(request.send().await.expect("request sent")).await
    }

    pub async fn send_with_headers(
        &self,
        method: Method,
        path: &str,
        who: &Actor,
        body: Value,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .request(method, path)
            .bearer_auth(&who.token)
            .json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::read(request.send().await.expect("request sent")).await
    }

    /// A PATCH with If-Match.
    pub async fn patch(&self, path: &str, who: &Actor, if_match: &str, body: Value) -> Reply {
        self.send_with_headers(Method::PATCH, path, who, body, &[("If-Match", if_match)])
            .await
    }

    /// Sends `token` verbatim in the Authorization header.
    pub async fn send_with_token(&self, method: Method, path: &str, token: &str) -> Reply {
        let request = self.request(method, path).header("Authorization", token);
        Self::read(request.send().await.expect("request sent")).await
    }

    /// Sends a body as-is, with the given content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        who: &Actor,
        content_type: &str,
        body: &str,
    ) -> Reply {
        self.send_raw_with_headers(method, path, who, content_type, body, &[])
            .await
    }

    pub async fn send_raw_with_headers(
        &self,
        method: Method,
        path: &str,
        who: &Actor,
        content_type: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .request(method, path)
            .bearer_auth(&who.token)
            .header("Content-Type", content_type)
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::read(request.send().await.expect("request sent")).await
    }

    /// The audit events in a patient's partition, oldest first (read straight from the audit
    /// table: the access-log route comes with the identity feature).
    pub async fn audit_events(&self, patient_id: &str) -> Vec<Value> {
        let patient = PatientId::parse(patient_id).expect("patient id");
        self.audit_partition(keys::patient_partition(patient)).await
    }

    /// Audit events about no patient, by this actor (refused staff routes), oldest first.
    pub async fn actor_audit_events(&self, actor: &Actor) -> Vec<Value> {
        let sub = UserSub::parse(&actor.sub).expect("sub");
        self.audit_partition(keys::audit_actor_partition(&sub))
            .await
    }

    async fn audit_partition(&self, partition: String) -> Vec<Value> {
        self.background
            .run(move |stack| async move {
                let table = stack.table("AuditTable").context("audit table")?.to_owned();
                let output = stack
                    .dynamodb()
                    .query()
                    .table_name(table)
                    .key_condition_expression("PK = :pk")
                    .expression_attribute_values(":pk", AttributeValue::S(partition))
                    .consistent_read(true)
                    .send()
                    .await?;
                Ok(output
                    .items
                    .unwrap_or_default()
                    .into_iter()
                    .map(serde_dynamo::from_item)
                    .collect::<Result<Vec<Value>, _>>()?)
            })
            .await
            .expect("reading the audit table")
    }

    /// How many profiles carry this family name (a scan: fine for tests, never in a handler).
    pub async fn count_profiles_named(&self, family: &str) -> usize {
        let family = family.to_owned();
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let mut count = 0;
                let mut start = None;
                loop {
                    let output = stack
                        .dynamodb()
                        .scan()
                        .table_name(&table)
                        .filter_expression("SK = :profile AND legalName.#family = :family")
                        .expression_attribute_names("#family", "family")
                        .expression_attribute_values(
                            ":profile",
                            AttributeValue::S(keys::PROFILE_SK.into()),
                        )
                        .expression_attribute_values(":family", AttributeValue::S(family.clone()))
                        .consistent_read(true)
                        .set_exclusive_start_key(start)
                        .send()
                        .await?;
                    count += output.items.map(|items| items.len()).unwrap_or_default();
                    start = output.last_evaluated_key;
                    if start.is_none() {
                        return Ok(count);
                    }
                }
            })
            .await
            .expect("scanning the app table")
    }
}

impl TestApp {
    /// Runs AWS work on the stack's own runtime (see `BackgroundStack::run`).
    pub async fn on_stack<F, Fut, T>(&self, work: F) -> anyhow::Result<T>
    where
        F: FnOnce(portal_local::Stack) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.background.run(work).await
    }

    /// Every record in the notification outbox (all shards) whose `attribute` is `value`,
    /// oldest first.
    pub async fn outbox_where(&self, attribute: &str, value: &str) -> Vec<Value> {
        let (attribute, value) = (attribute.to_owned(), value.to_owned());
        let mut found: Vec<Value> = self
            .on_stack(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let mut found = Vec::new();
                for shard in 0..keys::NOTIFICATION_SHARDS {
                    let mut start = None;
                    loop {
                        let output = stack
                            .dynamodb()
                            .query()
                            .table_name(&table)
                            .key_condition_expression("PK = :pk")
                            .filter_expression("#attribute = :value")
                            .expression_attribute_names("#attribute", &attribute)
                            .expression_attribute_values(
                                ":pk",
                                AttributeValue::S(keys::notification_partition(shard)),
                            )
                            .expression_attribute_values(":value", AttributeValue::S(value.clone()))
                            .consistent_read(true)
                            .set_exclusive_start_key(start)
                            .send()
                            .await?;
                        for item in output.items.unwrap_or_default() {
                            found.push(serde_dynamo::from_item::<_, Value>(item)?);
                        }
                        start = output.last_evaluated_key;
                        if start.is_none() {
                            break;
                        }
                    }
                }
                Ok(found)
            })
            .await
            .expect("reading the notification outbox");
        found.sort_by(|a, b| a["SK"].as_str().cmp(&b["SK"].as_str()));
        found
    }
}

impl TestApp {
    /// A GET as `who`.
    pub async fn get(&self, path: &str, who: &Actor) -> Reply {
        self.send(Method::GET, path, Some(who), None).await
    }
}

/// Of concurrent attempts at one change, exactly one may win (200 or 201); every other must
/// lose with `loser_status`. Returns the winner.
#[track_caller]
pub fn single_winner(replies: &[Reply], loser_status: u16) -> &Reply {
    let winners: Vec<&Reply> = replies
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .collect();
    assert_eq!(winners.len(), 1, "exactly one must win: {replies:#?}");
    assert!(
        replies
            .iter()
            .all(|r| (200..300).contains(&r.status) || r.status == loser_status),
        "the others must answer {loser_status}: {replies:#?}"
    );
    winners[0]
}

/// The repository's root (template.yaml, events/, docs/).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Every (METHOD, resource path) that template.yaml declares.
pub fn template_routes() -> std::collections::BTreeSet<(String, String)> {
    portal_local::Template::load(&workspace_root().join("template.yaml"))
        .expect("template.yaml parses")
        .functions
        .iter()
        .flat_map(|f| f.events.iter())
        .map(|e| (e.method.clone(), e.path.clone()))
        .collect()
}

/// The state of a caregiver grant written by [`TestApp::grant`].
#[derive(Debug, Clone, Copy)]
pub enum GrantState {
    Active,
    Revoked,
    Expired,
}

impl TestApp {
    /// Gives `caregiver` a grant for `patient_id` with `scopes`, written as the care-circle
    /// feature will write it (shared `authz::Grant` at `keys::caregiver_grant`), so the
    /// authorizer's caregiver path can be exercised before that feature exists.
    pub async fn grant(
        &self,
        patient_id: &str,
        caregiver: &Actor,
        scopes: &[portal_shared::policy::authz::Scope],
        state: GrantState,
    ) {
        use portal_shared::domain::timestamp::Timestamp;
        use portal_shared::{
            domain::ids::PatientId, platform::keys, platform::store, policy::authz::Grant,
            policy::caller::UserSub,
        };
        let patient = PatientId::parse(patient_id).expect("patient id");
        let sub = UserSub::parse(&caregiver.sub).expect("sub");
        let now = Timestamp::now();
        let grant = Grant {
            scopes: scopes.iter().copied().collect(),
            revoked: matches!(state, GrantState::Revoked),
            expires: match state {
                GrantState::Expired => Some(now),
                _ => Some(now.plus(std::time::Duration::from_secs(3600))),
            },
        };
        let item = store::to_item(&keys::caregiver_grant(patient, &sub), &grant)
            .unwrap_or_else(|e| panic!("grant item: {e}"));
        self.put_app_item(item).await;
    }

    /// The app table's item at `key` as it is stored (a consistent read), for state the API
    /// does not show (slot units, markers).
    pub async fn app_item(&self, key: keys::Key) -> Option<portal_shared::platform::store::Item> {
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                Ok(stack
                    .dynamodb()
                    .get_item()
                    .table_name(table)
                    .set_key(Some(key.attributes()))
                    .consistent_read(true)
                    .send()
                    .await?
                    .item)
            })
            .await
            .expect("reading an item of the app table")
    }

    /// Writes `item` into the app table as it is, for state the API cannot make (a grant before
    /// the care circle exists, an appointment in the past).
    pub async fn put_app_item(&self, item: portal_shared::platform::store::Item) {
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                stack
                    .dynamodb()
                    .put_item()
                    .table_name(table)
                    .set_item(Some(item))
                    .send()
                    .await?;
                Ok(())
            })
            .await
            .expect("writing an item into the app table");
    }
}

/// The local DynamoDB's fault control (see `UnprocessedWrites` in `moto_launcher.py`).
const UNPROCESSED_WRITES_PATH: &str = "/_portal/faults/unprocessed-writes";

impl TestApp {
    /// Makes the local DynamoDB leave unprocessed every BatchWriteItem request for items of
    /// `partition` after the first `allow`, as DynamoDB does when a table is short of capacity,
    /// until [`TestApp::process_writes`]. Other partitions are not affected.
    pub async fn leave_writes_unprocessed(&self, partition: &str, allow: u32) {
        let endpoint = self.aws_endpoint().await;
        let reply = reqwest::Client::new()
            .put(format!("{endpoint}{UNPROCESSED_WRITES_PATH}"))
            .json(&json!({"partition": partition, "allow": allow}))
            .send()
            .await
            .expect("the fault control answers");
        assert_eq!(reply.status(), 204, "setting the fault: {reply:?}");
    }

    /// Ends [`TestApp::leave_writes_unprocessed`] for `partition`.
    pub async fn process_writes(&self, partition: &str) {
        let endpoint = self.aws_endpoint().await;
        let reply = reqwest::Client::new()
            .delete(format!("{endpoint}{UNPROCESSED_WRITES_PATH}"))
            .query(&[("partition", partition)])
            .send()
            .await
            .expect("the fault control answers");
        assert_eq!(reply.status(), 204, "clearing the fault: {reply:?}");
    }

    async fn aws_endpoint(&self) -> String {
        self.on_stack(|stack| async move { Ok(stack.endpoint) })
            .await
            .expect("the stack's endpoint")
    }
}

impl TestApp {
    /// Sets one attribute on a patient's profile item directly, as another feature would.
    pub async fn set_profile_attribute(&self, patient_id: &str, name: &str, value: Value) {
        let key = profile_key(patient_id);
        let name = name.to_owned();
        let value: AttributeValue = serde_dynamo::to_attribute_value(value).expect("attribute");
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                stack
                    .dynamodb()
                    .update_item()
                    .table_name(table)
                    .set_key(Some(key))
                    .update_expression("SET #name = :value")
                    .condition_expression("attribute_exists(PK)")
                    .expression_attribute_names("#name", name)
                    .expression_attribute_values(":value", value)
                    .send()
                    .await?;
                Ok(())
            })
            .await
            .expect("setting a profile attribute");
    }

    /// The profile item as stored.
    pub async fn profile_item(&self, patient_id: &str) -> Value {
        let key = profile_key(patient_id);
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let output = stack
                    .dynamodb()
                    .get_item()
                    .table_name(table)
                    .set_key(Some(key))
                    .consistent_read(true)
                    .send()
                    .await?;
                let item = output.item.context("no profile item")?;
                Ok(serde_dynamo::from_item(item)?)
            })
            .await
            .expect("reading the profile item")
    }
}

fn profile_key(patient_id: &str) -> std::collections::HashMap<String, AttributeValue> {
    keys::profile(PatientId::parse(patient_id).expect("patient id")).attributes()
}

// ---- portal accounts: activation codes, activation, sign-in ------------------------------

/// A client address of its own (any 127.x.y.z reaches the local gateway over loopback), so a
/// test's failed attempts count against no other test's limits.
pub fn fresh_client_address() -> std::net::IpAddr {
    let id = ulid::Ulid::generate().random();
    let [a, b, c] = [(id >> 16) as u8, (id >> 8) as u8, id as u8];
    // 127.0.0.1 stays the shared default; 0 and 255 in the last byte are avoided.
    std::net::IpAddr::from([127, a | 1, b, c.clamp(2, 254)])
}

impl TestApp {
    /// Sets the auth function's attempt counter for `purpose` and `subject` (a client address
    /// or a lower-cased email) to `attempts` in a window that opened at `window_start` (epoch
    /// seconds), as if those attempts had been made then.
    pub async fn put_attempt_counter(
        &self,
        purpose: &str,
        subject: &str,
        attempts: u32,
        window_start: i64,
    ) {
        let (purpose, subject) = (purpose.to_owned(), subject.to_owned());
        let key = self
            .on_stack(move |stack| async move {
                let secret = stack
                    .env_for("AuthFunction")?
                    .remove("CURSOR_SIGNING_KEY")
                    .context("the auth function's CURSOR_SIGNING_KEY")?;
                let signing = portal_shared::platform::cursor::CursorKey::new(secret.as_bytes())
                    .map_err(anyhow::Error::msg)?;
                let subject = signing.keyed_id("attempts", subject.as_bytes());
                Ok(keys::attempt_counter(&purpose, &subject))
            })
            .await
            .expect("the attempt counter's key");
        let mut item = key.attributes();
        item.insert("attempts".into(), AttributeValue::N(attempts.to_string()));
        item.insert(
            "windowStart".into(),
            AttributeValue::N(window_start.to_string()),
        );
        item.insert(
            keys::EXPIRES_AT.into(),
            AttributeValue::N((window_start + 3600).to_string()),
        );
        self.put_app_item(item).await;
    }
}

/// An activation code as the front desk got it.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub code_id: String,
    pub code: String,
}

impl TestApp {
    /// Sends an anonymous JSON request from `from` (the public `/auth/*` routes).
    pub async fn send_public(
        &self,
        from: std::net::IpAddr,
        path: &str,
        body: Value,
        bearer: Option<&str>,
    ) -> Reply {
        let client = reqwest::Client::builder()
            .local_address(from)
            .build()
            .expect("client");
        let mut request = client.post(self.url(path)).json(&body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        Self::read(request.send().await.expect("request sent")).await
    }

    /// Registers a patient through the API without giving them a sign-in (they get one by
    /// activating). Returns the patient id and the family name.
    pub async fn register_patient(&self) -> (String, String) {
        let family = unique_family_name();
        let reply = self
            .send(
                Method::POST,
                "/staff/patients",
                Some(&self.front_desk),
                Some(registration(&family)),
            )
            .await;
        assert_eq!(reply.status, 201, "registering a test patient: {reply:#?}");
        let id = reply.body["patientId"]
            .as_str()
            .expect("patientId")
            .to_owned();
        (id, family)
    }

    /// The front desk issues an activation code for the patient.
    pub async fn issue_code(&self, patient_id: &str) -> IssuedCode {
        let reply = self
            .send(
                Method::POST,
                &format!("/staff/patients/{patient_id}/activation-codes"),
                Some(&self.front_desk),
                Some(json!({})),
            )
            .await;
        assert_eq!(reply.status, 201, "issuing a code: {reply:#?}");
        IssuedCode {
            code_id: reply.body["codeId"].as_str().expect("codeId").to_owned(),
            code: reply.body["code"].as_str().expect("code").to_owned(),
        }
    }

    /// Sets `attribute` on both items of an activation code (to age one, say).
    pub async fn set_code_attribute(
        &self,
        patient_id: &str,
        code_id: &str,
        attribute: &str,
        value: Value,
    ) {
        let patient = PatientId::parse(patient_id).expect("patient id");
        let code = portal_shared::domain::ids::ActivationCodeId::parse(code_id).expect("code id");
        let key = keys::activation_code(patient, code);
        let attribute = attribute.to_owned();
        let value: AttributeValue = serde_dynamo::to_attribute_value(value).expect("value");
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let item = stack
                    .dynamodb()
                    .get_item()
                    .table_name(&table)
                    .set_key(Some(key.attributes()))
                    .consistent_read(true)
                    .send()
                    .await?
                    .item
                    .context("no code item")?;
                let hash = match item.get("codeSha256") {
                    Some(AttributeValue::S(hash)) => hash.clone(),
                    _ => anyhow::bail!("the code item has no codeSha256"),
                };
                for key in [key, keys::activation_lookup(&hash)] {
                    stack
                        .dynamodb()
                        .update_item()
                        .table_name(&table)
                        .set_key(Some(key.attributes()))
                        .update_expression("SET #a = :v")
                        .expression_attribute_names("#a", attribute.clone())
                        .expression_attribute_values(":v", value.clone())
                        .send()
                        .await?;
                }
                Ok(())
            })
            .await
            .expect("changing the code items");
    }
}

impl TestApp {
    /// Turns on authenticator-app MFA for a user, as the patient would (moto accepts any code);
    /// `access_token` is from one of their sign-ins.
    pub async fn enable_mfa(&self, email: &str, access_token: &str) {
        let (email, access_token) = (email.to_owned(), access_token.to_owned());
        self.background
            .run(move |stack| async move {
                use aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType;
                let cognito = stack.cognito();
                cognito
                    .associate_software_token()
                    .access_token(&access_token)
                    .send()
                    .await?;
                cognito
                    .verify_software_token()
                    .access_token(&access_token)
                    .user_code("123456")
                    .send()
                    .await?;
                cognito
                    .admin_set_user_mfa_preference()
                    .user_pool_id(&stack.user_pool_id)
                    .username(&email)
                    .software_token_mfa_settings(
                        SoftwareTokenMfaSettingsType::builder()
                            .enabled(true)
                            .preferred_mfa(true)
                            .build(),
                    )
                    .send()
                    .await?;
                Ok(())
            })
            .await
            .expect("setting up MFA");
    }
}

/// An email address no other test's caregiver uses.
pub fn unique_carer_email() -> String {
    format!("carer-{}@carers.portal.test", ulid::Ulid::generate()).to_lowercase()
}

/// A valid care-circle invitation for `email`: records and profile, no end date.
pub fn invitation_body(email: &str) -> Value {
    json!({
        "email": email,
        "name": "Sam Carer",
        "relationship": "son",
        "scopes": ["records", "profile"],
    })
}

/// Accepting `invitation` with a new account: Sam Carer, the demo password.
pub fn new_caregiver_acceptance(invitation: &Invitation) -> Value {
    json!({
        "code": invitation.code,
        "email": invitation.email,
        "password": DEMO_PASSWORD,
        "givenName": "Sam",
        "familyName": "Carer",
    })
}

/// A care-circle invitation as its inviter got it.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub invitation_id: String,
    pub code: String,
    pub email: String,
}

impl TestApp {
    /// `by` (the patient or front desk) invites a new caregiver to the patient's care circle.
    pub async fn invite_caregiver(&self, patient_id: &str, by: &Actor) -> Invitation {
        let email = unique_carer_email();
        self.invite_caregiver_with(patient_id, by, invitation_body(&email))
            .await
    }

    /// Invites with this body (which names the email).
    pub async fn invite_caregiver_with(
        &self,
        patient_id: &str,
        by: &Actor,
        body: Value,
    ) -> Invitation {
        let reply = self
            .send(
                Method::POST,
                &format!("/patients/{patient_id}/care-circle"),
                Some(by),
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, 201, "inviting a caregiver: {reply:#?}");
        Invitation {
            invitation_id: reply.body["invitationId"]
                .as_str()
                .expect("invitationId")
                .to_owned(),
            code: reply.body["code"].as_str().expect("code").to_owned(),
            email: body["email"].as_str().expect("email").to_owned(),
        }
    }

    /// Accepts an invitation with a new account (the demo password) and signs the caregiver in.
    pub async fn accept_as_new_caregiver(&self, invitation: &Invitation) -> Actor {
        let reply = self
            .send_public(
                fresh_client_address(),
                "/auth/invitations/accept",
                new_caregiver_acceptance(invitation),
                None,
            )
            .await;
        assert_eq!(reply.status, 201, "accepting an invitation: {reply:#?}");
        self.signed_in(&invitation.email).await
    }

    /// Signs in through the API with the demo password.
    pub async fn signed_in(&self, email: &str) -> Actor {
        let reply = self
            .send_public(
                fresh_client_address(),
                "/auth/sign-in",
                json!({"email": email, "password": DEMO_PASSWORD}),
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "signing in: {reply:#?}");
        let token = reply.body["idToken"].as_str().expect("idToken").to_owned();
        Actor {
            email: email.to_owned(),
            sub: token_sub(&token),
            token,
        }
    }
}

/// The `sub` claim of an ID token (read, not verified: the gateway verifies).
fn token_sub(token: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("base64url payload");
    let claims: Value = serde_json::from_slice(&bytes).expect("JSON claims");
    claims["sub"].as_str().expect("sub").to_owned()
}

// ---- parts of the shared stack that a test counts or orders as a whole --------------------

/// Every test shares one stack, and most isolate themselves with their own patients. A few
/// assert something about a whole shared collection (the exact change of a staff inbox's
/// counts): such a test holds that part [`TestApp::exclusive`]ly, and every test that writes to
/// it holds it [`TestApp::shared`] for its whole run. Writers still run in parallel with each
/// other; the counting test waits for them to finish, and they wait for it.
///
/// A part is any name (`inbox:portal-help`). Hold at most one part per test, so no two tests
/// can wait for each other.
static PARTS: std::sync::Mutex<Vec<(String, std::sync::Arc<tokio::sync::RwLock<()>>)>> =
    std::sync::Mutex::new(Vec::new());

thread_local! {
    /// The parts the test running on this thread holds (`#[tokio::test]` runs a test's future
    /// on its own thread), so a helper can check that its caller holds the part it writes to.
    static HELD: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn part_lock(part: &str) -> std::sync::Arc<tokio::sync::RwLock<()>> {
    let mut parts = PARTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, lock)) = parts.iter().find(|(name, _)| name == part) {
        return lock.clone();
    }
    let lock = std::sync::Arc::new(tokio::sync::RwLock::new(()));
    parts.push((part.to_owned(), lock.clone()));
    lock
}

/// Whether the test running on this thread holds `part` (shared or exclusively).
pub fn holds(part: &str) -> bool {
    HELD.with(|held| held.borrow().iter().any(|name| name == part))
}

/// A part held by one test alone; released when dropped.
pub struct Exclusive {
    part: String,
    _guard: tokio::sync::OwnedRwLockWriteGuard<()>,
}

/// A part held together with the other tests that write to it; released when dropped.
pub struct Shared {
    part: String,
    _guard: tokio::sync::OwnedRwLockReadGuard<()>,
}

fn release(part: &str) {
    HELD.with(|held| {
        let mut held = held.borrow_mut();
        if let Some(index) = held.iter().position(|name| name == part) {
            held.remove(index);
        }
    });
}

impl Drop for Exclusive {
    fn drop(&mut self) {
        release(&self.part);
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        release(&self.part);
    }
}

impl TestApp {
    /// Holds `part` alone until the guard is dropped: for a test that counts or orders the
    /// whole part.
    pub async fn exclusive(&self, part: &str) -> Exclusive {
        let guard = part_lock(part).write_owned().await;
        HELD.with(|held| held.borrow_mut().push(part.to_owned()));
        Exclusive {
            part: part.to_owned(),
            _guard: guard,
        }
    }

    /// Holds `part` together with the other writers until the guard is dropped: for a test
    /// that writes to a part another test counts.
    pub async fn shared(&self, part: &str) -> Shared {
        let guard = part_lock(part).read_owned().await;
        HELD.with(|held| held.borrow_mut().push(part.to_owned()));
        Shared {
            part: part.to_owned(),
            _guard: guard,
        }
    }
}
