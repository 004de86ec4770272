//! AWS SDK configuration, built once per process and shared by every client.
//!
//! The endpoint comes from the standard `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
//! variables, which aws-config reads itself: the same binary talks to the local emulator or to
//! AWS with no code change.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig, timeout::TimeoutConfig};
use aws_credential_types::Credentials;

/// A request to API Gateway times out at 29 s; a Lambda is configured for ~10 s. One DynamoDB
/// call that takes longer than this is better failed (and retried by the client) than waited on.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(6))
        .build()
}

fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// The configuration a deployed function uses: region, credentials and endpoint from the
/// environment, plus the portal's timeouts and retries.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts())
        .retry_config(retries())
        .load()
        .await
}

/// The configuration for the local stack and the tests: a fixed endpoint (the emulator) and
/// static test credentials, independent of whatever is in the developer's environment. The
/// emulator answers one request at a time and slows as a test run fills its tables, so a call
/// may wait behind many others: it gets far longer than in AWS.
pub async fn local_sdk_config(endpoint_url: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint_url)
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::for_tests())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_timeout(Duration::from_secs(120))
                .build(),
        )
        .retry_config(retries())
        .load()
        .await
}
