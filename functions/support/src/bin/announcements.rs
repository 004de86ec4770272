//! Lambda entry point of the announcements' publisher (run every five minutes by a schedule):
//! wiring only. The work is `portal_support::publish_due`.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::Settings;
use portal_support::{Deps, PublishSummary, SupportSettings, publish_due};

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let settings = Settings::from_env()?;
    let support = SupportSettings::from_env()?;
    let sdk = portal_shared::platform::aws::sdk_config().await;
    let deps = Deps::new(&settings, &support, &sdk);
    let deps = &deps;
    lambda_runtime::run(service_fn(
        move |_scheduled: LambdaEvent<serde_json::Value>| async move {
            let summary: PublishSummary = publish_due(deps, Timestamp::now()).await?;
            tracing::info!(
                announcements = summary.announcements,
                told = summary.told,
                failed = summary.failed,
                "announcements published"
            );
            // What a failure left unsent is sent on the next run (each recipient once); a
            // failed invocation shows in the function's Errors metric and alarm.
            if summary.failed > 0 {
                return Err(Error::from(format!(
                    "{} recipients left for the next run",
                    summary.failed
                )));
            }
            Ok::<_, Error>(summary)
        },
    ))
    .await
}
