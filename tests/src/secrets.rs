//! The stack's secrets in the emulator (moto serves Secrets Manager): read as the functions read
//! them, and rotated as an operator would (`PutSecretValue`: the new value becomes AWSCURRENT,
//! the old one AWSPREVIOUS).

use std::time::Duration;

use crate::*;
use anyhow::Context;
use portal_shared::platform::cursor::{CursorKey, CursorKeys};
use portal_shared::platform::secrets::{CachedSecret, CodeHasher, CodeHashingSecret};

/// The template's secrets and the variable that gives each function its ARN.
pub const CURSOR_SIGNING_SECRET: &str = "CURSOR_SIGNING_SECRET_ARN";
pub const CODE_HASHING_SECRET: &str = "CODE_HASHING_SECRET_ARN";

/// The ARN the auth function is given in `variable`.
fn secret_arn(stack: &portal_local::Stack, variable: &str) -> anyhow::Result<String> {
    stack
        .env_for("AuthFunction")?
        .remove(variable)
        .with_context(|| format!("the auth function's {variable}"))
}

/// A reader of the secret named by `variable`, as a function that starts now would have, that
/// keeps what it read for `max_age`.
pub fn secret_reader(
    stack: &portal_local::Stack,
    variable: &str,
    max_age: Duration,
) -> anyhow::Result<CachedSecret> {
    let client = aws_sdk_secretsmanager::Client::new(&stack.sdk);
    Ok(CachedSecret::from_manager(
        "test",
        client,
        secret_arn(stack, variable)?,
        max_age,
    ))
}

impl TestApp {
    /// The code hasher a function starting now would use (the code-hashing secret's current
    /// and previous versions).
    pub async fn code_hasher(&self) -> CodeHasher {
        self.on_stack(|stack| async move {
            let secret = secret_reader(&stack, CODE_HASHING_SECRET, Duration::from_secs(1))?;
            Ok(CodeHashingSecret(secret).hasher().await?)
        })
        .await
        .expect("the code hasher")
    }

    /// The cursor-signing secret's current version, as a key.
    pub async fn cursor_key(&self) -> CursorKey {
        self.on_stack(|stack| async move {
            let secret = secret_reader(&stack, CURSOR_SIGNING_SECRET, Duration::from_secs(1))?;
            Ok(CursorKeys::new(secret).current().await?)
        })
        .await
        .expect("the cursor key")
    }

    /// Rotates the secret named by `variable` (`CURSOR_SIGNING_SECRET`, `CODE_HASHING_SECRET`)
    /// by hand: a new random value becomes AWSCURRENT, the old current AWSPREVIOUS.
    pub async fn rotate_secret(&self, variable: &'static str) {
        self.on_stack(move |stack| async move {
            let arn = secret_arn(&stack, variable)?;
            let value = format!(
                "{}{}",
                ulid::Ulid::generate().to_string().to_lowercase(),
                ulid::Ulid::generate().to_string().to_lowercase()
            );
            aws_sdk_secretsmanager::Client::new(&stack.sdk)
                .put_secret_value()
                .secret_id(arn)
                .secret_string(value)
                .send()
                .await
                .context("PutSecretValue")?;
            Ok(())
        })
        .await
        .expect("rotating the secret");
    }
}
