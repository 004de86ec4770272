//! Lambda entry point of the invitation waves' job (run every minute by a schedule): wiring
//! only. The work is `portal_rollout::run_waves`.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_rollout::{Deps, WavesSummary, run_waves};
use portal_shared::domain::practice::PracticeZone;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::Settings;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let settings = Settings::from_env()?;
    // Invitations are counted by the practice's days: the zone must be set.
    PracticeZone::from_lookup(|name| std::env::var(name).ok()).map_err(Error::from)?;
    let sdk = portal_shared::platform::aws::sdk_config().await;
    let deps = Deps::new(&settings, &sdk);
    let deps = &deps;
    lambda_runtime::run(service_fn(
        move |_scheduled: LambdaEvent<serde_json::Value>| async move {
            let summary: WavesSummary = run_waves(deps, Timestamp::now()).await?;
            tracing::info!(
                waves = summary.waves,
                turns = summary.turns,
                invited = summary.invited,
                refused = summary.refused,
                skipped = summary.skipped,
                failed = summary.failed,
                finished = summary.finished,
                "invitation waves"
            );
            // Members left queued by an error are tried on the wave's next turn; a failed
            // invocation makes them show in the function's Errors metric and alarm.
            if summary.failed > 0 {
                return Err(Error::from(format!(
                    "{} wave members or waves left for the next turn",
                    summary.failed
                )));
            }
            Ok::<_, Error>(summary)
        },
    ))
    .await
}
