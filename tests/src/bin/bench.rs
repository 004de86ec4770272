//! `make bench`: figures, not pass/fail.
//!
//! - The functions (issue 15, goals 1, 4 and 5): every function's release binary and a
//!   hello-world floor launched under our own Lambda Runtime API emulator: init, first response,
//!   peak RSS, CPU per warm request and zip size, each as a ratio to the floor (bench/functions.rs).
//! - The local stack: latency and throughput of the profile routes, a large FHIR import, and
//!   the revocation check (bench/stack_routes.rs, bench/revocation.rs).
//!
//! `--functions-only` skips the local stack's sections; `--only profile` measures one function
//! (and the floor).

#[path = "../bench/mod.rs"]
mod bench;

use clap::Parser;
use portal_tests::spawn_app;

#[derive(Parser)]
#[command(about = "Print the benchmark's figures (issue 15)")]
struct Args {
    /// Only the functions' tables (no local-stack latency, import or revocation figures).
    #[arg(long)]
    functions_only: bool,
    /// Skip the functions' tables.
    #[arg(long, conflicts_with_all = ["functions_only", "only"])]
    no_functions: bool,
    /// Measure only this function (a folder under functions/) and the floor.
    #[arg(long)]
    only: Option<String>,
    /// Launches per binary.
    #[arg(long, default_value_t = 20)]
    launches: u32,
    /// Warm invocations per launch, after the cold one.
    #[arg(long, default_value_t = 20)]
    warm: u32,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let app = spawn_app().await;
    if !args.no_functions {
        let options = bench::functions::Options {
            launches: args.launches,
            warm: args.warm,
            only: args.only.clone(),
        };
        bench::functions::run(app, &options).await?;
    }
    if args.functions_only || args.only.is_some() {
        return Ok(());
    }

    println!();
    println!("Local stack: moto (serialised) + local API Gateway + in-process handler");
    bench::stack_routes::reads(app, 1).await;
    bench::stack_routes::reads(app, 8).await;
    bench::stack_routes::updates(app).await;
    bench::stack_routes::registrations(app).await;
    bench::stack_routes::records(app).await;
    // Goal 2: AWS calls per route, on a stack of its own whose calls are counted.
    println!();
    portal_tests::round_trips::print_call_table().await;
    // Last: it fills the stack's revocation feed, which every function then reads.
    bench::revocation::revocation(app).await;
    Ok(())
}
