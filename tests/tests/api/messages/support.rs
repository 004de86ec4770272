//! What the messaging suites share: starting conversations, reading notification records and
//! moving a conversation's clock back (the only way to make one overdue in a test).

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use portal_shared::domain::ids::{ConversationId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_tests::{Actor, Method, Patient, Reply, TestApp};
use serde_json::{Value, json};

pub fn conversations_path(patient: &Patient) -> String {
    format!("/patients/{}/conversations", patient.id)
}

pub fn conversation_path(patient: &Patient, conversation: &str) -> String {
    format!("/patients/{}/conversations/{conversation}", patient.id)
}

/// The categories whose staff inbox a test counts as a whole (the dashboard test asserts the
/// exact change of their counts). That test holds the category's part ([`counted_inbox`])
/// exclusively; every other test that writes conversations of the category must hold it shared
/// (`let _inbox = app.shared(&counted_inbox("portal-help")).await;`) for its whole run, which
/// [`start`] checks.
pub const COUNTED_CATEGORIES: &[&str] = &["portal-help"];

/// The name of a counted category's part of the shared stack (see `TestApp::exclusive`).
pub fn counted_inbox(category: &str) -> String {
    format!("inbox:{category}")
}

/// `who` starts a conversation for `patient`; the reply (201 asserted) and the conversation id.
pub async fn start(
    app: &TestApp,
    patient: &Patient,
    who: &Actor,
    category: &str,
    subject: &str,
    message: &str,
) -> (Reply, String) {
    if COUNTED_CATEGORIES.contains(&category) {
        assert!(
            portal_tests::holds(&counted_inbox(category)),
            "a test that writes {category} conversations must hold \
             app.shared(&counted_inbox(\"{category}\")) (another test counts that inbox)"
        );
    }
    let reply = app
        .send(
            Method::POST,
            &conversations_path(patient),
            Some(who),
            Some(json!({"category": category, "subject": subject, "message": message})),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let id = reply.body["conversation"]["conversationId"]
        .as_str()
        .expect("conversationId")
        .to_owned();
    (reply, id)
}

pub async fn reply(
    app: &TestApp,
    patient: &Patient,
    conversation: &str,
    who: &Actor,
    text: &str,
) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/messages", conversation_path(patient, conversation)),
        Some(who),
        Some(json!({"message": text})),
    )
    .await
}

/// The conversation as `who` reads it (first page of messages), asserting 200.
pub async fn read(app: &TestApp, patient: &Patient, conversation: &str, who: &Actor) -> Reply {
    let reply = app
        .get(
            &format!(
                "{}/messages?limit=100",
                conversation_path(patient, conversation)
            ),
            who,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply
}

/// Every notification record about `conversation`, oldest first.
pub async fn notifications(app: &TestApp, conversation: &str) -> Vec<Value> {
    app.outbox_where("conversationId", conversation).await
}

/// Moves the moment a conversation entered its inbox back to `since`, as if it had waited
/// since then (the inbox position moves with it).
pub async fn backdate(app: &TestApp, patient: &Patient, conversation: &str, since: Timestamp) {
    let patient = PatientId::parse(&patient.id).expect("patient id");
    let conversation = ConversationId::parse(conversation).expect("conversation id");
    let key = keys::conversation(patient, conversation);
    let position = keys::inbox_sort(since, conversation);
    app.on_stack(move |stack| async move {
        let table = stack.table("AppTable").context("app table")?.to_owned();
        stack
            .dynamodb()
            .update_item()
            .table_name(table)
            .set_key(Some(key.attributes()))
            .update_expression(
                "SET waitingSince = :since, statusSince = :since, GSI1SK = :position",
            )
            .condition_expression("attribute_exists(GSI1SK)")
            .expression_attribute_values(":since", AttributeValue::S(since.to_string()))
            .expression_attribute_values(":position", AttributeValue::S(position))
            .send()
            .await?;
        Ok(())
    })
    .await
    .expect("backdating a conversation");
}

/// Now minus `minutes`.
pub fn minutes_ago(minutes: i64) -> Timestamp {
    let at = time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes);
    let text = at
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    Timestamp::parse(&text).expect("timestamp")
}

/// Every item of a staff inbox view, following cursors; asserts each page is 200.
pub async fn whole_inbox(app: &TestApp, who: &Actor, query: &str, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("/staff/inbox?{query}&limit={limit}"),
            Some(c) => format!("/staff/inbox?{query}&limit={limit}&cursor={c}"),
        };
        let page = app.get(&path, who).await;
        assert_eq!(page.status, 200, "{page:#?}");
        let listed = page.body["items"].as_array().expect("items");
        assert!(listed.len() <= limit as usize, "{page:#?}");
        items.extend(listed.iter().cloned());
        match page.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

pub fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["conversationId"].as_str().expect("id").to_owned())
        .collect()
}

/// The response targets and calendar exactly as the stack's messages function has them (from
/// its resolved environment: the template's defaults and parameters).
pub async fn response_targets(app: &TestApp) -> portal_messages::targets::ResponseTargets {
    let env = app
        .on_stack(|stack| async move { stack.env_for("MessagesFunction") })
        .await
        .expect("the messages function's environment");
    portal_messages::targets::ResponseTargets::from_lookup(|name| env.get(name).cloned())
        .expect("the messages function's settings")
}

/// One page of `who`'s assigned conversations (`/staff/inbox/mine`).
pub async fn mine_page(app: &TestApp, who: &Actor, limit: u32, cursor: Option<&str>) -> Reply {
    let path = match cursor {
        None => format!("/staff/inbox/mine?limit={limit}"),
        Some(c) => format!("/staff/inbox/mine?limit={limit}&cursor={c}"),
    };
    app.get(&path, who).await
}

/// Every conversation id in `who`'s "mine" list, following cursors.
pub async fn mine(app: &TestApp, who: &Actor, limit: u32) -> Vec<String> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = mine_page(app, who, limit, cursor.as_deref()).await;
        assert_eq!(page.status, 200, "{page:#?}");
        let listed = page.body["items"].as_array().expect("items");
        assert!(listed.len() <= limit as usize, "{page:#?}");
        found.extend(ids(listed));
        match page.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return found,
        }
    }
}
