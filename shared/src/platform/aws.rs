//! AWS SDK configuration, built once per process and shared by every client.
//!
//! The endpoint comes from the standard `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
//! variables, which aws-config reads itself: the same binary talks to the local emulator or to
//! AWS with no code change.
//!
//! Cold start: every client shares one HTTP client (rustls with ring) that trusts Mozilla's
//! root certificates compiled into the binary (`webpki-root-certs`) and is set up on the first
//! request. The SDK's default client instead reads the platform's certificate folder (~150
//! files) and builds its TLS configuration once per SDK client at start-up, even where the
//! endpoint is plain HTTP.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig, timeout::TimeoutConfig};
use aws_credential_types::Credentials;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

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
        .http_client(http_client())
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
        .http_client(http_client())
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

/// The HTTP client of every SDK client: HTTPS (and plain HTTP for the local emulator) through
/// the SDK's own hyper client, built on the first request.
pub fn http_client() -> SharedHttpClient {
    SharedHttpClient::new(OnFirstRequest::default())
}

/// Builds the SDK's hyper client when a request first needs a connection. The SDK asks its
/// HTTP client to build a TLS connector each time an SDK client is constructed, only to warm
/// it up (`validate_base_client_config`); deferring it keeps that work out of the cold start,
/// and a function pays for it once, on its first AWS call, whatever the number of clients.
#[derive(Debug, Default)]
struct OnFirstRequest(OnceLock<SharedHttpClient>);

impl OnFirstRequest {
    fn client(&self) -> &SharedHttpClient {
        self.0.get_or_init(|| {
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                .tls_context(tls_context())
                .build_https()
        })
    }
}

impl HttpClient for OnFirstRequest {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.client().http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        Some(ConnectorMetadata::new("hyper", Some(Cow::Borrowed("1.x"))))
    }
}

/// TLS trusting exactly Mozilla's roots as compiled in: nothing is read from the file system,
/// and the same roots are trusted wherever the binary runs.
fn tls_context() -> TlsContext {
    let trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(compiled_in_roots_pem());
    // `build` only moves its fields today; should it ever fail, the SDK's default context
    // (the platform's roots) still verifies every server.
    TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .unwrap_or_default()
}

/// `webpki-root-certs` as one PEM bundle: the SDK's trust store takes PEM only.
fn compiled_in_roots_pem() -> Vec<u8> {
    let mut pem = String::with_capacity(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() * 2_100);
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        let base64 = STANDARD.encode(cert.as_ref());
        for line in base64.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::SdkError;

    #[test]
    fn the_roots_bundle_holds_every_compiled_in_root_and_decodes_back() {
        let pem = String::from_utf8(compiled_in_roots_pem()).expect("PEM is ASCII");
        let blocks: Vec<&str> = pem
            .split("-----END CERTIFICATE-----\n")
            .filter(|block| !block.is_empty())
            .collect();
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
        assert!(roots.len() > 100, "Mozilla's list has well over 100 roots");
        assert_eq!(blocks.len(), roots.len());
        for (block, der) in blocks.iter().zip(roots) {
            let body = block
                .strip_prefix("-----BEGIN CERTIFICATE-----\n")
                .expect("each block opens with its header");
            assert!(body.lines().all(|line| line.len() <= 64));
            let decoded = STANDARD
                .decode(body.replace('\n', ""))
                .expect("each block is base64");
            assert_eq!(decoded, der.as_ref());
        }
    }

    /// An HTTPS request builds the client (trust store and all: the SDK panics on a
    /// certificate it cannot parse) and fails only where it should, at the connection.
    #[tokio::test]
    async fn an_https_request_gets_as_far_as_connecting() {
        let sdk = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http_client())
            .endpoint_url("https://127.0.0.1:9")
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::for_tests())
            .retry_config(RetryConfig::disabled())
            .load()
            .await;
        let failure = aws_sdk_dynamodb::Client::new(&sdk)
            .list_tables()
            .send()
            .await
            .expect_err("nothing listens on port 9");
        assert!(
            matches!(failure, SdkError::DispatchFailure(_)),
            "{failure:?}"
        );
    }
}
