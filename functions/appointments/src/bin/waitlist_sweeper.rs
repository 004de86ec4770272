//! Lambda entry point of the waitlist sweeper (run every minute by a schedule): wiring only.
//! The work is `portal_appointments::sweep`.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_appointments::{Deps, PracticeSettings, SweepReport, sweep};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::Settings;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let settings = Settings::from_env()?;
    let practice = PracticeSettings::from_env()?;
    let sdk = portal_shared::platform::aws::sdk_config().await;
    let deps = Deps::new(&settings, practice, &sdk);
    let deps = &deps;
    lambda_runtime::run(service_fn(
        move |_scheduled: LambdaEvent<serde_json::Value>| async move {
            let report: SweepReport = sweep(deps, Timestamp::now()).await?;
            tracing::info!(
                found = report.found,
                lapsed = report.lapsed,
                skipped = report.skipped,
                failed = report.failed,
                freed_slots_reoffered = report.freed_slots_reoffered,
                "waitlist sweep"
            );
            // Offers that could not be ended and freed slots that could not be offered are left
            // for the next run; a failed invocation makes them show in the function's Errors
            // metric and alarm.
            if report.failed > 0 {
                return Err(Error::from(format!(
                    "{} lapsed offers or freed slots left for the next run",
                    report.failed
                )));
            }
            Ok::<_, Error>(report)
        },
    ))
    .await
}
