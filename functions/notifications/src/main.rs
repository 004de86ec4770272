//! Lambda entry point of the notifications API: wiring only.

use lambda_http::{Error, service_fn};
use portal_notifications::{Deps, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_shared::platform::telemetry::init();
    let deps = Deps::from_env().await?;
    let deps = &deps;
    lambda_http::run(service_fn(move |request| async move {
        Ok::<_, std::convert::Infallible>(handle(deps, request).await)
    }))
    .await
}
