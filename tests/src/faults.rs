//! The local DynamoDB's fault control: writes left unprocessed on request.

use crate::*;
use serde_json::json;

/// The local DynamoDB's fault control (see `UnprocessedWrites` in `moto_launcher.py`).
const UNPROCESSED_WRITES_PATH: &str = "/_portal/faults/unprocessed-writes";

impl TestApp {
    /// Makes the local DynamoDB leave unprocessed every BatchWriteItem request for items of
    /// `partition` after the first `allow`, as DynamoDB does when a table is short of capacity,
    /// until [`TestApp::process_writes`]. Other partitions are not affected.
    pub async fn leave_writes_unprocessed(&self, partition: &str, allow: u32) {
        let endpoint = self.aws_endpoint().await;
        let reply = reqwest::Client::new()
            .put(format!("{endpoint}{UNPROCESSED_WRITES_PATH}"))
            .json(&json!({"partition": partition, "allow": allow}))
            .send()
            .await
            .expect("the fault control answers");
        assert_eq!(reply.status(), 204, "setting the fault: {reply:?}");
    }

    /// Ends [`TestApp::leave_writes_unprocessed`] for `partition`.
    pub async fn process_writes(&self, partition: &str) {
        let endpoint = self.aws_endpoint().await;
        let reply = reqwest::Client::new()
            .delete(format!("{endpoint}{UNPROCESSED_WRITES_PATH}"))
            .query(&[("partition", partition)])
            .send()
            .await
            .expect("the fault control answers");
        assert_eq!(reply.status(), 204, "clearing the fault: {reply:?}");
    }

    async fn aws_endpoint(&self) -> String {
        self.on_stack(|stack| async move { Ok(stack.endpoint) })
            .await
            .expect("the stack's endpoint")
    }
}

/// The local SES's fault control (see `ThrottledMail` in `moto_launcher.py`).
const THROTTLED_MAIL_PATH: &str = "/_portal/faults/throttled-mail";

impl TestApp {
    /// Makes the local SES refuse every email to `address` as throttled (a retryable error),
    /// until [`TestApp::accept_mail`]. Other addresses are not affected.
    pub async fn throttle_mail_to(&self, address: &str) {
        let endpoint = self.aws_endpoint().await;
        let reply = reqwest::Client::new()
            .put(format!("{endpoint}{THROTTLED_MAIL_PATH}"))
            .json(&json!({ "address": address }))
            .send()
            .await
            .expect("the fault control answers");
        assert_eq!(reply.status(), 204, "setting the fault: {reply:?}");
    }

    /// Ends [`TestApp::throttle_mail_to`] for `address`.
    pub async fn accept_mail(&self, address: &str) {
        let endpoint = self.aws_endpoint().await;
        let reply = reqwest::Client::new()
            .delete(format!("{endpoint}{THROTTLED_MAIL_PATH}"))
            .query(&[("address", address)])
            .send()
            .await
            .expect("the fault control answers");
        assert_eq!(reply.status(), 204, "clearing the fault: {reply:?}");
    }
}
