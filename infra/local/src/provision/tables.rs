//! Tables, their global secondary indexes and TTL.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use aws_sdk_dynamodb as dynamodb;

use crate::template;

/// Returns (logical id, physical name).
pub(super) async fn create_table(
    client: &dynamodb::Client,
    prefix: &str,
    table: &template::Table,
) -> Result<(String, String)> {
    use dynamodb::types::{
        AttributeDefinition, BillingMode, GlobalSecondaryIndex, StreamSpecification, StreamViewType,
    };

    let name = format!("{prefix}-{}", table.logical_id);
    let mut request = client
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(key_schema(&table.key_schema)?));
    for attribute in &table.attribute_definitions {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(&attribute.attribute_name)
                .attribute_type(scalar_type(attribute.attribute_type))
                .build()?,
        );
    }
    for index in &table.global_secondary_indexes {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(projection(&index.projection))
                .build()?,
        );
    }
    if let Some(stream) = &table.stream_specification {
        request = request.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(stream.stream_view_type.as_str()))
                .build()?,
        );
    }
    request.send().await.map_err(|e| {
        let already = e
            .as_service_error()
            .is_some_and(|e| e.is_resource_in_use_exception());
        let error = anyhow::Error::from(e.into_service_error());
        if already {
            error.context(format!(
                "table {name} already exists at this endpoint: use another prefix"
            ))
        } else {
            error.context(format!("cannot create table {name}"))
        }
    })?;
    wait_until_active(client, &name).await?;

    if let Some(attribute) = table.ttl_attribute() {
        client
            .update_time_to_live()
            .table_name(&name)
            .time_to_live_specification(
                dynamodb::types::TimeToLiveSpecification::builder()
                    .attribute_name(attribute)
                    .enabled(true)
                    .build()?,
            )
            .send()
            .await
            .map_err(|e| e.into_service_error())
            .with_context(|| format!("cannot enable TTL on {name}"))?;
    }
    Ok((table.logical_id.clone(), name))
}

/// moto creates tables ACTIVE at once; DynamoDB itself takes a moment.
async fn wait_until_active(client: &dynamodb::Client, name: &str) -> Result<()> {
    for _ in 0..120 {
        let described = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .map_err(|e| e.into_service_error())?;
        let status = described.table().and_then(|t| t.table_status());
        if status == Some(&dynamodb::types::TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    bail!("table {name} did not become ACTIVE")
}

fn key_schema(elements: &[template::KeyElement]) -> Result<Vec<dynamodb::types::KeySchemaElement>> {
    use dynamodb::types::{KeySchemaElement, KeyType};
    elements
        .iter()
        .map(|element| {
            Ok(KeySchemaElement::builder()
                .attribute_name(&element.attribute_name)
                .key_type(match element.key_type {
                    template::KeyType::Hash => KeyType::Hash,
                    template::KeyType::Range => KeyType::Range,
                })
                .build()?)
        })
        .collect()
}

fn scalar_type(t: template::ScalarType) -> dynamodb::types::ScalarAttributeType {
    use dynamodb::types::ScalarAttributeType;
    match t {
        template::ScalarType::S => ScalarAttributeType::S,
        template::ScalarType::N => ScalarAttributeType::N,
        template::ScalarType::B => ScalarAttributeType::B,
    }
}

fn projection(p: &template::Projection) -> dynamodb::types::Projection {
    use dynamodb::types::ProjectionType;
    let projection_type = p.projection_type.map(|t| match t {
        template::ProjectionType::All => ProjectionType::All,
        template::ProjectionType::KeysOnly => ProjectionType::KeysOnly,
        template::ProjectionType::Include => ProjectionType::Include,
    });
    dynamodb::types::Projection::builder()
        .set_projection_type(projection_type)
        .set_non_key_attributes(if p.non_key_attributes.is_empty() {
            None
        } else {
            Some(p.non_key_attributes.clone())
        })
        .build()
}
