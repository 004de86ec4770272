//! The local stack against real moto: provisioning from the repository's template, moto's
//! atomicity under concurrent conditional writes, and the gateway with moto-issued tokens.
//!
//! One stack is shared by the tests of this binary, each on its own runtime, as a test
//! harness would share it.

use std::sync::LazyLock;

use anyhow::{Context, Result, anyhow};
use aws_sdk_dynamodb::types::AttributeValue;
use futures::future::join_all;
use portal_local::{BackgroundStack, StartOptions, identity};
use serde_json::Value;

static STACK: LazyLock<Result<BackgroundStack, String>> = LazyLock::new(|| {
    BackgroundStack::start(StartOptions::unique("it"), ([127, 0, 0, 1], 0).into())
        .map_err(|e| format!("{e:#}"))
});

fn stack() -> Result<&'static BackgroundStack> {
    STACK
        .as_ref()
        .map_err(|e| anyhow!("the local stack did not start: {e}"))
}

#[tokio::test]
async fn twenty_concurrent_conditional_updates_have_one_winner() -> Result<()> {
    let local = stack()?;
    let winners = local
        .run(|stack| async move {
            let table = stack.table("AppTable").context("AppTable")?.to_owned();
            let dynamo = stack.dynamodb();
            let mut winners = Vec::new();
            for round in 0..5 {
                let pk = AttributeValue::S(format!("RACE#{round}"));
                let sk = AttributeValue::S("ITEM".into());
                dynamo
                    .put_item()
                    .table_name(&table)
                    .item("PK", pk.clone())
                    .item("SK", sk.clone())
                    .item("version", AttributeValue::N("1".into()))
                    .send()
                    .await?;
                let attempts = (0..20).map(|n| {
                    dynamo
                        .update_item()
                        .table_name(&table)
                        .key("PK", pk.clone())
                        .key("SK", sk.clone())
                        .update_expression("SET version = :next, winner = :n")
                        .condition_expression("version = :expected")
                        .expression_attribute_values(":expected", AttributeValue::N("1".into()))
                        .expression_attribute_values(":next", AttributeValue::N("2".into()))
                        .expression_attribute_values(":n", AttributeValue::N(n.to_string()))
                        .send()
                });
                let results = join_all(attempts).await;
                let mut ok = 0;
                for result in results {
                    match result {
                        Ok(_) => ok += 1,
                        Err(e) => {
                            let e = e.into_service_error();
                            anyhow::ensure!(
                                e.is_conditional_check_failed_exception(),
                                "unexpected error {e}"
                            );
                        }
                    }
                }
                winners.push(ok);
            }
            Ok(winners)
        })
        .await?;
    assert_eq!(winners, [1, 1, 1, 1, 1]);
    Ok(())
}

#[tokio::test]
async fn moto_tokens_pass_the_gateway_and_the_template_shapes_refusals() -> Result<()> {
    let local = stack()?;
    let (email, password) = ("fd@it.portal.test", "Front-Desk-Pass-1!");
    let token = local
        .run(move |stack| async move {
            identity::create_staff_user(&stack, email, "F", "D", &["front-desk"], password).await?;
            identity::sign_in(&stack, email, password).await
        })
        .await?;
    let http = reqwest::Client::new();
    let url = format!("{}/staff/profile-changes", local.api_url);

    let ok = http.get(&url).bearer_auth(&token).send().await?;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await?;
    assert!(body["items"].is_array(), "{body}");

    // The template's GatewayResponses: 401 and 404 as problem+json.
    let refused = http.get(&url).send().await?;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let unknown = http
        .get(format!("{}/no/such/route", local.api_url))
        .send()
        .await?;
    assert_eq!(unknown.status(), 404);

    // The same token with a damaged signature is refused.
    let mut damaged = token.clone();
    damaged.replace_range(damaged.len() - 4.., "AAAA");
    let forged = http.get(&url).bearer_auth(&damaged).send().await?;
    assert_eq!(forged.status(), 401);
    Ok(())
}

#[tokio::test]
async fn functions_get_the_provisioned_names() -> Result<()> {
    let local = stack()?;
    let env = local.stack.env_for("ProfileFunction")?;
    let prefix = &local.stack.prefix;
    assert_eq!(env.get("APP_TABLE"), Some(&format!("{prefix}-AppTable")));
    assert_eq!(
        env.get("AUDIT_TABLE"),
        Some(&format!("{prefix}-AuditTable"))
    );
    // Secrets are named by ARN and read from the emulator's Secrets Manager, as in the cloud.
    for variable in ["CURSOR_SIGNING_SECRET_ARN", "CODE_HASHING_SECRET_ARN"] {
        let arn = env.get(variable).context(variable)?.clone();
        assert!(arn.starts_with("arn:aws:secretsmanager:"), "{arn}");
        let value = local
            .run(move |stack| async move {
                let read = aws_sdk_secretsmanager::Client::new(&stack.sdk)
                    .get_secret_value()
                    .secret_id(arn)
                    .send()
                    .await?;
                Ok(read.secret_string().unwrap_or_default().to_owned())
            })
            .await?;
        assert_eq!(value.len(), 64);
        assert!(value.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    let described = local
        .run(|stack| async move {
            let table = stack.table("AppTable").context("AppTable")?.to_owned();
            let dynamo = stack.dynamodb();
            let table = dynamo.describe_table().table_name(&table).send().await?;
            let ttl = dynamo
                .describe_time_to_live()
                .table_name(stack.table("AppTable").context("AppTable")?)
                .send()
                .await?;
            Ok((table, ttl))
        })
        .await?;
    let (table, ttl) = described;
    let gsis = table
        .table()
        .map(|t| t.global_secondary_indexes())
        .unwrap_or_default();
    assert_eq!(
        gsis.iter()
            .filter_map(|g| g.index_name())
            .collect::<Vec<_>>(),
        ["GSI1", "GSI2", "GSI3"]
    );
    assert_eq!(
        ttl.time_to_live_description()
            .and_then(|t| t.attribute_name()),
        Some("expiresAt")
    );
    Ok(())
}

#[tokio::test]
async fn the_functions_env_file_carries_every_function_env_and_the_endpoint() -> Result<()> {
    let local = stack()?;
    let vars = local
        .run(|stack| async move { portal_local::functions_env::for_stack(&stack).await })
        .await?;
    for (name, value) in local.stack.env_for("ProfileFunction")? {
        assert_eq!(vars.get(&name), Some(&value), "{name}");
    }
    assert_eq!(vars.get("AWS_ENDPOINT_URL"), Some(&local.stack.endpoint));
    assert_eq!(vars.get("AWS_REGION"), Some(&local.stack.region));
    assert!(vars.contains_key("AWS_ACCESS_KEY_ID") && vars.contains_key("AWS_SECRET_ACCESS_KEY"));
    assert_eq!(vars.get("RUST_LOG").map(String::as_str), Some("info"));
    let text = portal_local::functions_env::render(&vars)?;
    assert!(text.contains(&format!("AWS_ENDPOINT_URL='{}'\n", local.stack.endpoint)));
    Ok(())
}
