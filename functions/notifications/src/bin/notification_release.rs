//! Lambda entry point of the scheduled release (due reminders, texts held over quiet hours):
//! wiring only. The work is `portal_notifications::release_due`.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_notifications::{Deps, release_due};
use portal_shared::domain::timestamp::Timestamp;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let deps = Deps::from_env().await?;
    let deps = &deps;
    lambda_runtime::run(service_fn(
        move |_scheduled: LambdaEvent<serde_json::Value>| async move {
            let report = release_due(deps, Timestamp::now()).await?;
            tracing::info!(
                reminders = report.reminders,
                deferred = report.deferred,
                failed = report.failed,
                "notification release"
            );
            // What could not be released waits for the next run; failing the invocation makes
            // it show in the function's Errors metric and alarm.
            if report.failed > 0 {
                return Err(Error::from(format!(
                    "{} due notifications left for the next run",
                    report.failed
                )));
            }
            Ok::<_, Error>(report)
        },
    ))
    .await
}
