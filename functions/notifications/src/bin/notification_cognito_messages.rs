//! Lambda entry point for the user pool's CustomMessage trigger: wiring only. The work is
//! `portal_notifications::cognito_messages::answer`.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use portal_notifications::CognitoMessageSettings;
use portal_notifications::cognito_messages::answer;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let settings = CognitoMessageSettings::from_env()?;
    let settings = &settings;
    // The raw event, not the typed one: an event the typed one cannot read goes back unchanged.
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        Ok::<_, Error>(answer(event.payload, settings))
    }))
    .await
}
