//! Lambda entry point of the sender (the table's stream, filtered to outbox inserts): wiring
//! only. The work is `portal_notifications::deliver`; records it could not handle are answered
//! as batch item failures for the event source mapping to retry.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_notifications::{Deps, deliver};
use portal_shared::domain::timestamp::Timestamp;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let deps = Deps::from_env().await?;
    let deps = &deps;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        let (response, report) = deliver(deps, event.payload, Timestamp::now()).await;
        tracing::info!(
            records = report.records,
            sent = report.sent,
            suppressed = report.suppressed,
            deferred = report.deferred,
            failed = report.failed,
            duplicates = report.duplicates,
            "notification batch"
        );
        Ok::<DynamoDbEventResponse, Error>(response)
    }))
    .await
}
