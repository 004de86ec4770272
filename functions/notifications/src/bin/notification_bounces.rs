//! Lambda entry point for SES events (bounces, complaints) from the configuration set's SNS
//! topic: wiring only. The work is `portal_notifications::record_ses_events`.

use aws_lambda_events::event::sns::SnsEvent;
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_notifications::{Deps, record_ses_events};
use portal_shared::domain::timestamp::Timestamp;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let deps = Deps::from_env().await?;
    let deps = &deps;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SnsEvent>| async move {
        let report = record_ses_events(deps, event.payload, Timestamp::now()).await?;
        tracing::info!(
            bounces = report.bounces,
            complaints = report.complaints,
            ignored = report.ignored,
            "ses events"
        );
        Ok::<_, Error>(())
    }))
    .await
}
