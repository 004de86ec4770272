//! The shared stack and the clients that act on it: demo staff, new patients, requests.

use std::collections::HashMap;
use std::net::SocketAddr;

use crate::*;
use anyhow::Context;
use portal_local::identity::{self, DEMO_PASSWORD};
use portal_local::{BackgroundStack, StartOptions};
use serde_json::Value;
use tokio::sync::OnceCell;

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
    /// In `portal-leads`: runs the rollout (cohorts, waves, switches, agreements, adoption).
    pub portal_lead: Actor,
    /// In the caregivers group, with no grant for anyone.
    pub caregiver: Actor,
    /// The calls its functions made to AWS, if started with `Harness::count_aws_calls`.
    pub aws_calls: Option<crate::aws_calls::AwsCallLog>,
    pub(crate) background: BackgroundStack,
}

/// How a stack of its own is started ([`spawn_own_stack_with`]); the default is as every
/// other stack.
#[derive(Debug, Clone, Copy, Default)]
pub struct Harness {
    /// Send every call to AWS through a counting relay (`TestApp::aws_calls`), and refresh
    /// the cached feature switches, revocation feed and secrets as seldom as allowed, so that a
    /// warm request's calls are its own.
    pub count_aws_calls: bool,
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
/// The stacks started by [`spawn_own_stack`], by name.
static OWN_STACKS: std::sync::Mutex<Vec<(&'static str, &'static OnceCell<TestApp>)>> =
    std::sync::Mutex::new(Vec::new());

/// The shared test stack, started by the first test that asks for it.
pub async fn spawn_app() -> &'static TestApp {
    APP.get_or_init(|| async {
        TestApp::start("e2e")
            .await
            .unwrap_or_else(|error| panic!("cannot start the test stack: {error:#}"))
    })
    .await
}

/// A stack of its own (its own emulator, tables and user pool), one per `name`, for tests that
/// change what is practice-wide: feature switches (a feature turned off or killed), the
/// published terms. On the shared stack such a change would reach every test running at the
/// same moment.
pub async fn spawn_own_stack(name: &'static str) -> &'static TestApp {
    spawn_own_stack_with(name, Harness::default()).await
}

/// As [`spawn_own_stack`], started as `harness` says (the first caller's `harness` wins).
pub async fn spawn_own_stack_with(name: &'static str, harness: Harness) -> &'static TestApp {
    let cell = {
        let mut stacks = OWN_STACKS.lock().expect("the stacks' registry");
        match stacks.iter().find(|(known, _)| *known == name) {
            Some((_, cell)) => *cell,
            None => {
                let cell: &'static OnceCell<TestApp> = Box::leak(Box::new(OnceCell::new()));
                stacks.push((name, cell));
                cell
            }
        }
    };
    cell.get_or_init(|| async move {
        TestApp::start_with(name, harness)
            .await
            .unwrap_or_else(|error| panic!("cannot start the {name} stack: {error:#}"))
    })
    .await
}

/// The stack the authorisation matrix and the route events use for their practice-wide
/// changes (a switch changed and killed, terms published).
pub async fn spawn_switchboard() -> &'static TestApp {
    spawn_own_stack("switchboard").await
}

impl TestApp {
    async fn start(name: &'static str) -> anyhow::Result<TestApp> {
        TestApp::start_with(name, Harness::default()).await
    }

    async fn start_with(name: &'static str, harness: Harness) -> anyhow::Result<TestApp> {
        // Server-side errors (a 5xx's cause chain) show in the test output; nothing else does.
        let filter = tracing_subscriber::EnvFilter::try_from_env("TEST_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        // The stack runs on its own thread and runtime (see BackgroundStack), so starting it
        // blocks; keep that off this test's runtime.
        let background = tokio::task::spawn_blocking(move || {
            let addr: SocketAddr = "127.0.0.1:0".parse().context("address")?;
            let mut options = StartOptions::unique(name);
            // The suite runs at any hour: quiet hours would hold its texts until morning
            // (start = end is no quiet hours; the sender's own tests cover them).
            options
                .parameter_overrides
                .push(("TextQuietHours".to_owned(), "00:00-00:00".to_owned()));
            // Switch changes are seen at once (a deployment waits up to a minute).
            options
                .parameter_overrides
                .push(("FeatureSwitchRefreshSeconds".to_owned(), "0".to_owned()));
            // The secrets' rotation tests wait for every function to read the secrets again:
            // on their own stack, every 2 seconds (a deployment: five minutes).
            if name == "secrets" {
                options
                    .parameter_overrides
                    .push(("SecretRefreshSeconds".to_owned(), "2".to_owned()));
            }
            // A sign-out, lock or disable refuses the tokens already out within a second (a
            // deployment: ten). Not 0: every request of the suite would read the feed.
            options
                .parameter_overrides
                .push(("RevocationRefreshSeconds".to_owned(), "1".to_owned()));
            let relay = if harness.count_aws_calls {
                let relay = crate::aws_calls::CountingRelay::start()?;
                options.moto.endpoint = Some(relay.endpoint.clone());
                // Later overrides win: the longest each setting allows.
                for (parameter, seconds) in [
                    ("FeatureSwitchRefreshSeconds", "300"),
                    ("RevocationRefreshSeconds", "300"),
                    ("SecretRefreshSeconds", "3600"),
                ] {
                    options
                        .parameter_overrides
                        .push((parameter.to_owned(), seconds.to_owned()));
                }
                Some(relay.log)
            } else {
                None
            };
            let background = BackgroundStack::start(
                StartOptions {
                    // Dozens of tests share one emulator, which answers a request at a time:
                    // a call may queue behind a large import. Lambda timeouts are not what
                    // these tests check.
                    timeout_floor: Some(std::time::Duration::from_secs(120)),
                    // Tests invoke the scheduled functions themselves (`TestApp::on_stack`).
                    run_schedules: false,
                    ..options
                },
                addr,
            )?;
            anyhow::Ok((background, relay))
        })
        .await
        .context("start-up panicked")??;
        let (background, aws_calls) = background;
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
        let portal_lead = staff("portallead", &["portal-leads"]).await?;
        let caregiver = staff("caregiver", &["caregivers"]).await?;
        Ok(TestApp {
            api_url,
            front_desk,
            clinician,
            response_team,
            admin,
            portal_lead,
            caregiver,
            aws_calls,
            background,
        })
    }

    /// A new staff member in `groups`, with an authenticator app enrolled, signed in (with its
    /// code), named "Test <name>" (for tests that need a colleague of their own, e.g. to
    /// disable or to assign work to).
    pub async fn new_staff(&self, name: &str, groups: &'static [&'static str]) -> Actor {
        self.staff_member(name, groups, true).await
    }

    /// A new staff member who has not enrolled an authenticator app: signed in, but refused
    /// `mfa-required` by every staff route until they enrol ([`TestApp::enrol_mfa`]).
    pub async fn new_staff_without_mfa(
        &self,
        name: &str,
        groups: &'static [&'static str],
    ) -> Actor {
        self.staff_member(name, groups, false).await
    }

    async fn staff_member(
        &self,
        name: &str,
        groups: &'static [&'static str],
        enrolled: bool,
    ) -> Actor {
        let email = format!("{name}-{}@staff.portal.test", ulid::Ulid::generate()).to_lowercase();
        let name = name.to_owned();
        self.background
            .run(move |stack| async move {
                let sub = if enrolled {
                    identity::create_staff_user(
                        &stack,
                        &email,
                        "Test",
                        &name,
                        groups,
                        DEMO_PASSWORD,
                    )
                    .await?
                } else {
                    identity::create_staff_user_without_mfa(
                        &stack,
                        &email,
                        "Test",
                        &name,
                        groups,
                        DEMO_PASSWORD,
                    )
                    .await?
                };
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

    /// A patient whose profile also records their portal account as activation does (the
    /// username they sign in with and their `sub`): what locking the patient disables and
    /// signs out. `new_patient` records none, so the front desk may still issue them codes.
    pub async fn new_patient_with_account(&self) -> Patient {
        let patient = self.new_patient().await;
        self.set_profile_attribute(
            &patient.id,
            "portalAccount",
            serde_json::json!({
                "status": "active",
                "activatedAt": "2026-01-02T03:04:05.000Z",
                "username": patient.actor.email,
                "sub": patient.actor.sub,
            }),
        )
        .await;
        patient
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

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_url)
    }

    pub(crate) async fn read(response: reqwest::Response) -> Reply {
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
}

impl TestApp {
    /// A GET as `who`.
    pub async fn get(&self, path: &str, who: &Actor) -> Reply {
        self.send(Method::GET, path, Some(who), None).await
    }
}
