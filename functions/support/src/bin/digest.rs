//! Lambda entry point of the weekly digest (run every hour by a schedule): wiring only. The
//! work is `portal_support::compose_digest`.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::Settings;
use portal_support::{Deps, DigestSummary, SupportSettings, compose_digest};

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
            // A failure is an error of the invocation (the Errors alarm); the next hour's run
            // composes the same week again.
            let summary: DigestSummary = compose_digest(deps, Timestamp::now()).await?;
            tracing::info!(
                week = summary.week.as_deref().unwrap_or_default(),
                written = summary.written,
                told = summary.told,
                "weekly digest"
            );
            Ok::<_, Error>(summary)
        },
    ))
    .await
}
