//! Creates the template's tables, user pool, app client and groups in the emulated AWS.
//!
//! Physical names are `<prefix>-<LogicalId>`, so test runs sharing one endpoint stay apart.
//! What only matters in the cloud is left out: KMS encryption, point-in-time recovery,
//! deletion protection and capacity settings (every table is on-demand locally).

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Result;
use aws_sdk_cognitoidentityprovider as cognito;
use aws_sdk_dynamodb as dynamodb;
use futures::future::try_join_all;

use crate::stack::{Provisioned, Stack};
use crate::template::Template;

mod cognito_pool;
mod messaging;
mod secrets;
mod tables;

pub use crate::secret::CreatedSecret;

use cognito_pool::{create_client, create_group, create_user_pool};
use tables::create_table;

/// Provisions everything the template declares and returns the resulting stack.
pub async fn provision(
    template: Arc<Template>,
    endpoint: &str,
    region: &str,
    prefix: &str,
) -> Result<Stack> {
    let sdk = portal_shared::platform::aws::local_sdk_config(endpoint, region).await;
    let dynamo = dynamodb::Client::new(&sdk);
    let idp = cognito::Client::new(&sdk);

    let tables = try_join_all(
        template
            .tables
            .iter()
            .map(|table| create_table(&dynamo, prefix, table)),
    )
    .await?
    .into_iter()
    .collect::<BTreeMap<_, _>>();

    let user_pool_id = create_user_pool(&idp, prefix, &template.user_pool).await?;
    let user_pool_client_id =
        create_client(&idp, prefix, &user_pool_id, &template.user_pool_client).await?;
    let groups = try_join_all(
        template
            .groups
            .iter()
            .map(|group| create_group(&idp, &user_pool_id, group)),
    )
    .await?;
    messaging::provision_mail(&sdk, &template).await?;
    let queues = messaging::create_queues(&sdk, prefix, &template).await?;
    let secrets = secrets::create_secrets(&sdk, prefix, &template).await?;
    tracing::info!(
        prefix,
        tables = tables.len(),
        queues = queues.len(),
        user_pool_id,
        groups = groups.len(),
        "provisioned from the template"
    );

    Stack::assemble(Provisioned {
        endpoint: endpoint.to_owned(),
        region: region.to_owned(),
        prefix: prefix.to_owned(),
        tables,
        queues,
        user_pool_id,
        user_pool_client_id,
        groups,
        secrets,
        template,
        sdk,
    })
}

/// The SDK distinguishes "not set" from "empty list"; the template's absence means not set.
fn non_empty<T>(items: impl Iterator<Item = T>) -> Option<Vec<T>> {
    let items: Vec<T> = items.collect();
    (!items.is_empty()).then_some(items)
}
