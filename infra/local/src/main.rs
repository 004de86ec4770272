//! `portal-local`: run the portal on this machine.
//!
//! - `portal-local up [--seed demo] [--port 3000]` starts moto, provisions `template.yaml`,
//!   serves the API at http://127.0.0.1:3000 and writes `.portal-local/stack.json`; it runs
//!   until Ctrl-C or SIGTERM. Beside the stack file it writes `functions.env`, the functions'
//!   environment for `cargo lambda watch --env-file` (`make watch`).
//! - `portal-local token frontdesk` prints an ID token of a demo user of the running stack, for
//!   `curl -H "Authorization: Bearer $(portal-local token frontdesk)" ...`.
//! - `portal-local event events/get-profile.json` prints the event with its placeholder ids and
//!   subs swapped for the running demo stack's, for `cargo lambda invoke` (`make invoke`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use portal_local::identity::{DEMO_PASSWORD, sign_in_tokens};
use portal_local::seed::{DemoUser, seed_demo};
use portal_local::template::workspace_root;
use portal_local::{
    Gateway, LocalStack, MotoOptions, StackFile, StartOptions, demo_event, functions_env,
};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(version, about = "Run the patient portal locally against emulated AWS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start moto, provision template.yaml, serve the API; stop with Ctrl-C.
    Up {
        /// Seed demo data: staff users per role and three patients.
        #[arg(long, value_enum)]
        seed: Option<Seed>,
        /// Port of the local API (0 picks a free one).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address the local API binds.
        #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
        host: IpAddr,
        /// Where to write the stack description (default: .portal-local/stack.json in the
        /// workspace root).
        #[arg(long, env = "PORTAL_STACK_FILE")]
        stack_file: Option<PathBuf>,
        /// Prefix of the physical resource names.
        #[arg(long, default_value = "portal")]
        prefix: String,
        /// The SAM template (default: template.yaml in the workspace root).
        #[arg(long)]
        template: Option<PathBuf>,
        /// Use this AWS endpoint instead of starting moto (AWS_ENDPOINT_URL works too).
        #[arg(long)]
        endpoint: Option<String>,
        /// Port the built web app is served on (0 picks a free one); the API allows this origin
        /// (CORS, the stack parameter AllowedWebOrigin).
        #[arg(long, default_value_t = 5173)]
        web_port: u16,
        /// The built web app (default: web/dist in the workspace root); not served if it has no
        /// index.html.
        #[arg(long)]
        web_dir: Option<PathBuf>,
        /// A template parameter for this stack, `Name=Value` (repeatable), e.g.
        /// `FeatureSwitchRefreshSeconds=1` so a switch change shows within a second.
        #[arg(long = "parameter", value_name = "NAME=VALUE", value_parser = parse_parameter)]
        parameters: Vec<(String, String)>,
    },
    /// Print an ID token of a demo user (by role, email or group) of the running stack.
    Token {
        /// `clinician`, `frontdesk`, `response`, `admin`, `patient1`..`patient3`, `caregiver`, or an
        /// email.
        who: String,
        #[arg(long, env = "PORTAL_STACK_FILE")]
        stack_file: Option<PathBuf>,
    },
    /// Print every email and text the running stack's notification sender has sent (what a
    /// patient would have received).
    Outbox {
        #[arg(long, env = "PORTAL_STACK_FILE")]
        stack_file: Option<PathBuf>,
    },
    /// Print an API Gateway event (e.g. events/get-profile.json) with its placeholder patient
    /// id and claim subs swapped for the running demo stack's, for `cargo lambda invoke`.
    Event {
        /// The event file.
        file: PathBuf,
        #[arg(long, env = "PORTAL_STACK_FILE")]
        stack_file: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Seed {
    Demo,
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Up {
            seed,
            port,
            host,
            stack_file,
            prefix,
            template,
            endpoint,
            web_port,
            web_dir,
            parameters,
        } => {
            init_tracing();
            let mut options = StartOptions {
                prefix,
                template,
                moto: MotoOptions {
                    endpoint,
                    ..MotoOptions::default()
                },
                ..StartOptions::default()
            };
            // After the demo practice's: a later value for the same parameter wins.
            options.parameter_overrides.extend(parameters);
            let path = stack_file.unwrap_or_else(StackFile::default_path);
            let web_dir = web_dir.unwrap_or_else(|| workspace_root().join("web/dist"));
            let web = if web_dir.join("index.html").is_file() {
                // Bound first: the API's CORS origin is the web app's address.
                let listener = tokio::net::TcpListener::bind(SocketAddr::new(host, web_port))
                    .await
                    .with_context(|| format!("cannot listen on port {web_port} for the web app"))?;
                let origin = format!("http://{}", listener.local_addr()?);
                options
                    .parameter_overrides
                    .push(("AllowedWebOrigin".to_owned(), origin));
                Some((web_dir, listener))
            } else {
                eprintln!(
                    "The web app is not built ({} has no index.html): `make web-build` builds it.",
                    web_dir.display()
                );
                None
            };
            up(options, SocketAddr::new(host, port), seed, &path, web).await
        }
        Command::Token { who, stack_file } => {
            let path = stack_file.unwrap_or_else(StackFile::default_path);
            token(&who, &path).await
        }
        Command::Outbox { stack_file } => {
            let path = stack_file.unwrap_or_else(StackFile::default_path);
            let file = StackFile::read(&path)?;
            let (emails, texts) = portal_local::sent::read(&file.aws_endpoint).await?;
            print!("{}", portal_local::sent::render(&emails, &texts));
            Ok(())
        }
        Command::Event { file, stack_file } => {
            let path = stack_file.unwrap_or_else(StackFile::default_path);
            event(&file, &path)
        }
    }
}

async fn up(
    options: StartOptions,
    addr: SocketAddr,
    seed: Option<Seed>,
    stack_file: &Path,
    web: Option<(PathBuf, tokio::net::TcpListener)>,
) -> Result<()> {
    let local = LocalStack::start(options).await?;
    let (bound, server) = Gateway::serve(&local.stack, addr).await?;
    let api_url = format!("http://{bound}");
    let web_server = match web {
        Some((dir, listener)) => {
            let config = portal_local::web::runtime_config(
                &api_url,
                &local.stack.user_pool_id,
                &local.stack.user_pool_client_id,
                &local.stack.template.parameter_default("PracticeTimeZone")?,
            );
            Some(portal_local::web::serve(&dir, listener, &config).await?)
        }
        None => None,
    };
    let web_url = web_server
        .as_ref()
        .map(|(addr, _)| format!("http://{addr}"));
    // The scheduled functions (the waitlist sweeper) run on their template schedule.
    let scheduler = portal_local::Scheduler::start(&local.stack)?;

    let users = match seed {
        Some(Seed::Demo) => seed_demo(&local.stack, &api_url)
            .await
            .context("seeding the demo practice failed")?,
        None => Vec::new(),
    };
    // Before anything is written: functions that cannot share one env file stop start-up.
    let functions_env = functions_env::for_stack(&local.stack).await?;
    let env_file = functions_env::path_beside(stack_file);
    StackFile::new(&local.stack, &api_url, users.clone()).write(stack_file)?;
    let written = functions_env::write(&env_file, &functions_env);
    if written.is_err() {
        remove(stack_file);
    }
    written?;
    print_summary(
        &api_url,
        web_url.as_deref(),
        &local,
        &users,
        stack_file,
        &env_file,
    );

    shutdown_signal().await?;
    tracing::info!("stopping");
    scheduler.stop();
    server.abort();
    if let Some((_, task)) = web_server {
        task.abort();
    }
    // The files describe a running stack; once stopped they would mislead `portal-local token`
    // and point `cargo lambda watch` at nothing.
    remove(stack_file);
    remove(&env_file);
    local.stop();
    Ok(())
}

fn remove(path: &Path) {
    if let Err(error) = std::fs::remove_file(path) {
        tracing::warn!(%error, path = %path.display(), "cannot remove a file of the stopped stack");
    }
}

fn print_summary(
    api_url: &str,
    web_url: Option<&str>,
    local: &LocalStack,
    users: &[DemoUser],
    stack_file: &Path,
    env_file: &Path,
) {
    println!();
    if let Some(web_url) = web_url {
        println!("Patient portal web app: {web_url}   (sign in with a demo user below)");
    }
    println!("Patient portal API: {api_url}");
    println!("Emulated AWS:       {}", local.endpoint());
    println!("Stack file:         {}", stack_file.display());
    println!("Functions env:      {}", env_file.display());
    if !users.is_empty() {
        println!();
        println!("Demo sign-ins (password for all: {DEMO_PASSWORD}):");
        for user in users {
            let patient = user
                .patient_id
                .as_deref()
                .map(|id| format!("  patient {id}"))
                .unwrap_or_default();
            let staff = user
                .groups
                .iter()
                .any(|g| portal_local::identity::STAFF_GROUPS.contains(&g.as_str()));
            let unenrolled = if staff && user.totp_secret.is_none() {
                "  (no authenticator app yet)"
            } else {
                ""
            };
            println!(
                "  {:<12} {:<34} {}{patient}{unenrolled}",
                user.role,
                user.email,
                user.groups.join(",")
            );
        }
        println!();
        println!(
            "  TOKEN=$(make -s token WHO=frontdesk)    # or: cargo run -q -p portal-local -- token frontdesk"
        );
        println!("  curl -H \"Authorization: Bearer $TOKEN\" {api_url}/staff/profile-changes");
    }
    println!();
    println!("Ctrl-C stops the stack.");
}

async fn token(who: &str, stack_file: &Path) -> Result<()> {
    let file = StackFile::read(stack_file)?;
    let Some(user) = file.find_user(who) else {
        let known: Vec<&str> = file.users.iter().map(|u| u.role.as_str()).collect();
        bail!("no demo user {who:?}; known: {}", known.join(", "));
    };
    let sdk =
        portal_shared::platform::aws::local_sdk_config(&file.aws_endpoint, &file.region).await;
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    // Enrolled staff answer the sign-in's MFA challenge with a code from their secret.
    if let Some(secret) = &user.totp_secret {
        portal_local::identity::remember_totp_secret(&user.email, secret);
    }
    let tokens = sign_in_tokens(
        &cognito,
        &file.user_pool_client_id,
        &user.email,
        &user.password,
    )
    .await?;
    println!("{}", tokens.id_token);
    Ok(())
}

fn event(file: &Path, stack_file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the event {}", file.display()))?;
    let stack = StackFile::read(stack_file)?;
    let swapped = demo_event::swap_placeholders(&text, &stack)
        .with_context(|| format!("cannot prepare {}", file.display()))?;
    for warning in &swapped.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", swapped.event);
    if !swapped.event.ends_with('\n') {
        println!();
    }
    Ok(())
}

fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// Ctrl-C or SIGTERM (what `kill` and process managers send).
async fn shutdown_signal() -> Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("cannot listen for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("cannot listen for Ctrl-C")?,
            _ = term.recv() => {}
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .context("cannot listen for Ctrl-C")
    }
}

/// `Name=Value` of `--parameter`.
fn parse_parameter(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("{raw:?} is not NAME=VALUE")),
    }
}
