//! Reading and writing stored items directly: what the API does not show or cannot make
//! (audit events, outbox items, grants before the care circle existed, profile attributes).

use crate::*;
use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use portal_shared::domain::ids::PatientId;
use portal_shared::platform::keys;
use portal_shared::policy::caller::UserSub;
use serde_json::Value;

impl TestApp {
    /// The audit events in a patient's partition, oldest first (read straight from the audit
    /// table: the access-log route comes with the identity feature).
    pub async fn audit_events(&self, patient_id: &str) -> Vec<Value> {
        let patient = PatientId::parse(patient_id).expect("patient id");
        self.audit_partition(keys::patient_partition(patient)).await
    }

    /// Audit events about no patient, by this actor (refused staff routes), oldest first.
    pub async fn actor_audit_events(&self, actor: &Actor) -> Vec<Value> {
        let sub = UserSub::parse(&actor.sub).expect("sub");
        self.audit_partition(keys::audit_actor_partition(&sub))
            .await
    }

    async fn audit_partition(&self, partition: String) -> Vec<Value> {
        self.background
            .run(move |stack| async move {
                let table = stack.table("AuditTable").context("audit table")?.to_owned();
                let output = stack
                    .dynamodb()
                    .query()
                    .table_name(table)
                    .key_condition_expression("PK = :pk")
                    .expression_attribute_values(":pk", AttributeValue::S(partition))
                    .consistent_read(true)
                    .send()
                    .await?;
                Ok(output
                    .items
                    .unwrap_or_default()
                    .into_iter()
                    .map(serde_dynamo::from_item)
                    .collect::<Result<Vec<Value>, _>>()?)
            })
            .await
            .expect("reading the audit table")
    }

    /// How many profiles carry this family name (a scan: fine for tests, never in a handler).
    pub async fn count_profiles_named(&self, family: &str) -> usize {
        let family = family.to_owned();
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let mut count = 0;
                let mut start = None;
                loop {
                    let output = stack
                        .dynamodb()
                        .scan()
                        .table_name(&table)
                        .filter_expression("SK = :profile AND legalName.#family = :family")
                        .expression_attribute_names("#family", "family")
                        .expression_attribute_values(
                            ":profile",
                            AttributeValue::S(keys::PROFILE_SK.into()),
                        )
                        .expression_attribute_values(":family", AttributeValue::S(family.clone()))
                        .consistent_read(true)
                        .set_exclusive_start_key(start)
                        .send()
                        .await?;
                    count += output.items.map(|items| items.len()).unwrap_or_default();
                    start = output.last_evaluated_key;
                    if start.is_none() {
                        return Ok(count);
                    }
                }
            })
            .await
            .expect("scanning the app table")
    }
}

impl TestApp {
    /// The provisioned stack (its resources' names, each function's environment).
    pub fn stack(&self) -> &portal_local::Stack {
        &self.background.stack
    }

    /// Runs AWS work on the stack's own runtime (see `BackgroundStack::run`).
    pub async fn on_stack<F, Fut, T>(&self, work: F) -> anyhow::Result<T>
    where
        F: FnOnce(portal_local::Stack) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.background.run(work).await
    }

    /// Every record in the notification outbox (all shards) whose `attribute` is `value`,
    /// oldest first.
    pub async fn outbox_where(&self, attribute: &str, value: &str) -> Vec<Value> {
        let (attribute, value) = (attribute.to_owned(), value.to_owned());
        let mut found: Vec<Value> = self
            .on_stack(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let mut found = Vec::new();
                for shard in 0..keys::NOTIFICATION_SHARDS {
                    let mut start = None;
                    loop {
                        let output = stack
                            .dynamodb()
                            .query()
                            .table_name(&table)
                            .key_condition_expression("PK = :pk")
                            .filter_expression("#attribute = :value")
                            .expression_attribute_names("#attribute", &attribute)
                            .expression_attribute_values(
                                ":pk",
                                AttributeValue::S(keys::notification_partition(shard)),
                            )
                            .expression_attribute_values(":value", AttributeValue::S(value.clone()))
                            .consistent_read(true)
                            .set_exclusive_start_key(start)
                            .send()
                            .await?;
                        for item in output.items.unwrap_or_default() {
                            found.push(serde_dynamo::from_item::<_, Value>(item)?);
                        }
                        start = output.last_evaluated_key;
                        if start.is_none() {
                            break;
                        }
                    }
                }
                Ok(found)
            })
            .await
            .expect("reading the notification outbox");
        found.sort_by(|a, b| a["SK"].as_str().cmp(&b["SK"].as_str()));
        found
    }
}

/// The state of a caregiver grant written by [`TestApp::grant`].
#[derive(Debug, Clone, Copy)]
pub enum GrantState {
    Active,
    Revoked,
    Expired,
}

impl TestApp {
    /// Gives `caregiver` a grant for `patient_id` with `scopes`, written as the care-circle
    /// feature will write it (shared `authz::Grant` at `keys::caregiver_grant`), so the
    /// authorizer's caregiver path can be exercised before that feature exists.
    pub async fn grant(
        &self,
        patient_id: &str,
        caregiver: &Actor,
        scopes: &[portal_shared::policy::authz::Scope],
        state: GrantState,
    ) {
        use portal_shared::domain::timestamp::Timestamp;
        use portal_shared::{
            domain::ids::PatientId, platform::keys, platform::store, policy::authz::Grant,
            policy::caller::UserSub,
        };
        let patient = PatientId::parse(patient_id).expect("patient id");
        let sub = UserSub::parse(&caregiver.sub).expect("sub");
        let now = Timestamp::now();
        let grant = Grant {
            scopes: scopes.iter().copied().collect(),
            revoked: matches!(state, GrantState::Revoked),
            expires: match state {
                GrantState::Expired => Some(now),
                _ => Some(now.plus(std::time::Duration::from_secs(3600))),
            },
        };
        let item = store::to_item(&keys::caregiver_grant(patient, &sub), &grant)
            .unwrap_or_else(|e| panic!("grant item: {e}"));
        self.put_app_item(item).await;
    }

    /// The app table's item at `key` as it is stored (a consistent read), for state the API
    /// does not show (slot units, markers).
    pub async fn app_item(&self, key: keys::Key) -> Option<portal_shared::platform::store::Item> {
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                Ok(stack
                    .dynamodb()
                    .get_item()
                    .table_name(table)
                    .set_key(Some(key.attributes()))
                    .consistent_read(true)
                    .send()
                    .await?
                    .item)
            })
            .await
            .expect("reading an item of the app table")
    }

    /// Writes `item` into the app table as it is, for state the API cannot make (a grant before
    /// the care circle exists, an appointment in the past).
    pub async fn put_app_item(&self, item: portal_shared::platform::store::Item) {
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                stack
                    .dynamodb()
                    .put_item()
                    .table_name(table)
                    .set_item(Some(item))
                    .send()
                    .await?;
                Ok(())
            })
            .await
            .expect("writing an item into the app table");
    }
}

impl TestApp {
    /// Sets one attribute on a patient's profile item directly, as another feature would.
    pub async fn set_profile_attribute(&self, patient_id: &str, name: &str, value: Value) {
        let key = profile_key(patient_id);
        let name = name.to_owned();
        let value: AttributeValue = serde_dynamo::to_attribute_value(value).expect("attribute");
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                stack
                    .dynamodb()
                    .update_item()
                    .table_name(table)
                    .set_key(Some(key))
                    .update_expression("SET #name = :value")
                    .condition_expression("attribute_exists(PK)")
                    .expression_attribute_names("#name", name)
                    .expression_attribute_values(":value", value)
                    .send()
                    .await?;
                Ok(())
            })
            .await
            .expect("setting a profile attribute");
    }

    /// The profile item as stored.
    pub async fn profile_item(&self, patient_id: &str) -> Value {
        let key = profile_key(patient_id);
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let output = stack
                    .dynamodb()
                    .get_item()
                    .table_name(table)
                    .set_key(Some(key))
                    .consistent_read(true)
                    .send()
                    .await?;
                let item = output.item.context("no profile item")?;
                Ok(serde_dynamo::from_item(item)?)
            })
            .await
            .expect("reading the profile item")
    }
}

fn profile_key(patient_id: &str) -> std::collections::HashMap<String, AttributeValue> {
    keys::profile(PatientId::parse(patient_id).expect("patient id")).attributes()
}
