//! Lambda entry point: wiring only.

use lambda_http::{Error, service_fn};
use portal_education::{Deps, handle};
use portal_shared::platform::config::Settings;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let settings = Settings::from_env()?;
    let sdk = portal_shared::platform::aws::sdk_config().await;
    let deps = Deps::new(&settings, &sdk);
    let deps = &deps;
    lambda_http::run(service_fn(move |request| async move {
        Ok::<_, std::convert::Infallible>(handle(deps, request).await)
    }))
    .await
}
