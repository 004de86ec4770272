//! Runs the template's stream event source mappings locally, as Lambda's poller would: reads
//! each table stream that a function's `DynamoDB` event names (from the position the stack
//! started at, like `StartingPosition: LATEST`), keeps the records its `FilterCriteria` pass,
//! and hands them to the function's registered consumer (see `registry::stream_consumer_for`)
//! in batches of `BatchSize`, in order.
//!
//! A batch that fails (an error, a panic, a timeout) is retried whole; one whose response
//! names failed items (`ReportBatchItemFailures`) is retried from the first failed record, the
//! records before it done. After `MaximumRetryAttempts` retries the batch is described in the
//! on-failure SQS queue (Lambda's `DDBStreamBatchInfo` message, never the records) and the
//! reader moves on. Lambda may also split a failing batch in two (`BisectBatchOnFunctionError`);
//! this reader does not, which only changes how many retries a poisoned record costs.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use aws_lambda_events::event::dynamodb::Event;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use futures::FutureExt as _;
use serde_json::{Value as Json, json};
use tokio::task::JoinHandle;

use crate::registry::{self, StreamConsumer};
use crate::stack::{FunctionConfig, Stack};
use crate::stream_filter;
use crate::template::StreamEvent;

/// How often an idle reader asks the stream for more.
const POLL_EVERY: Duration = Duration::from_millis(100);
/// `MaximumRetryAttempts: -1` (forever) is capped locally, so a broken handler cannot stall a
/// developer's stack for good.
const MAX_LOCAL_RETRIES: i64 = 10;

/// The running readers. Dropping it stops them.
#[derive(Debug, Default)]
pub struct StreamReaders {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for StreamReaders {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl StreamReaders {
    /// Builds every stream consumer (failing start-up if a function has none registered or its
    /// configuration is refused), positions a reader at the end of each stream, and starts it.
    /// Returns once every reader is positioned: what is written afterwards is delivered.
    pub async fn start(stack: &Stack) -> Result<StreamReaders> {
        let mut tasks = Vec::new();
        for function in stack.template.functions.iter() {
            let id = &function.logical_id;
            for event in &function.streams {
                let FunctionConfig {
                    binary,
                    env,
                    settings,
                } = stack.function_config(function)?;
                let Some(consumer) =
                    registry::stream_consumer_for(&binary, &settings, &stack.sdk, &env)
                else {
                    bail!(
                        "function {id} (binary `{binary}`) reads a stream but has no consumer: \
                         register it in infra/local/src/registry.rs"
                    );
                };
                for pattern in &event.filters {
                    stream_filter::check(pattern)
                        .with_context(|| format!("function {id}, event {}", event.name))?;
                }
                let reader = Reader::position(stack, id, event, consumer, function.timeout_seconds)
                    .await
                    .with_context(|| format!("function {id}, event {}", event.name))?;
                tracing::info!(function = %id, event = %event.name, "reading stream");
                tasks.push(tokio::spawn(reader.run()));
            }
        }
        Ok(StreamReaders { tasks })
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

struct Reader {
    function: String,
    event: StreamEvent,
    consumer: Arc<dyn StreamConsumer>,
    timeout: Duration,
    streams: aws_sdk_dynamodbstreams::Client,
    sqs: aws_sdk_sqs::Client,
    stream_arn: String,
    shard_id: String,
    iterator: Option<String>,
    failure_queue: Option<String>,
    region: String,
}

impl Reader {
    async fn position(
        stack: &Stack,
        function: &str,
        event: &StreamEvent,
        consumer: Arc<dyn StreamConsumer>,
        timeout_seconds: u64,
    ) -> Result<Reader> {
        let table = stack
            .table(&event.table)
            .with_context(|| format!("no table {}", event.table))?;
        let described = stack
            .dynamodb()
            .describe_table()
            .table_name(table)
            .send()
            .await?;
        let stream_arn = described
            .table
            .and_then(|t| t.latest_stream_arn)
            .with_context(|| format!("table {table} has no stream (StreamSpecification)"))?;
        let streams = aws_sdk_dynamodbstreams::Client::new(&stack.sdk);
        let description = streams
            .describe_stream()
            .stream_arn(&stream_arn)
            .send()
            .await?
            .stream_description
            .context("the stream has no description")?;
        // The emulator keeps one shard per table.
        let shard_id = description
            .shards
            .unwrap_or_default()
            .into_iter()
            .find_map(|shard| shard.shard_id)
            .context("the stream has no shard")?;
        let iterator = streams
            .get_shard_iterator()
            .stream_arn(&stream_arn)
            .shard_id(&shard_id)
            .shard_iterator_type(ShardIteratorType::Latest)
            .send()
            .await?
            .shard_iterator;
        let failure_queue =
            match &event.on_failure_queue {
                Some(queue) => {
                    Some(stack.queues.get(queue).cloned().with_context(|| {
                        format!("no queue {queue} for the on-failure destination")
                    })?)
                }
                None => None,
            };
        Ok(Reader {
            function: function.to_owned(),
            event: event.clone(),
            consumer,
            timeout: Duration::from_secs(timeout_seconds),
            streams,
            sqs: aws_sdk_sqs::Client::new(&stack.sdk),
            stream_arn,
            shard_id,
            iterator,
            failure_queue,
            region: stack.region.clone(),
        })
    }

    async fn run(mut self) {
        let mut waiting: VecDeque<Json> = VecDeque::new();
        loop {
            if waiting.len() < self.event.batch_size {
                match self.read().await {
                    Ok(records) => waiting.extend(records),
                    Err(error) => {
                        tracing::error!(function = %self.function, error = %format!("{error:#}"), "cannot read the stream");
                    }
                }
            }
            if waiting.is_empty() {
                tokio::time::sleep(POLL_EVERY).await;
                continue;
            }
            let take = waiting.len().min(self.event.batch_size);
            let batch: Vec<Json> = waiting.drain(..take).collect();
            self.deliver(batch).await;
        }
    }

    /// The next records from the shard that pass the filters, in Lambda's JSON form.
    async fn read(&mut self) -> Result<Vec<Json>> {
        let Some(iterator) = self.iterator.clone() else {
            return Ok(Vec::new());
        };
        let page = self
            .streams
            .get_records()
            .shard_iterator(iterator)
            .send()
            .await?;
        self.iterator = page.next_shard_iterator;
        Ok(page
            .records
            .unwrap_or_default()
            .iter()
            .map(|record| lambda_record(record, &self.stream_arn, &self.region))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|record| {
                self.event.filters.is_empty()
                    || self
                        .event
                        .filters
                        .iter()
                        .any(|p| stream_filter::matches(p, record))
            })
            .collect())
    }

    async fn deliver(&self, mut batch: Vec<Json>) {
        let retries = if self.event.maximum_retry_attempts < 0 {
            MAX_LOCAL_RETRIES
        } else {
            self.event.maximum_retry_attempts.min(MAX_LOCAL_RETRIES)
        };
        let mut attempt: i64 = 0;
        loop {
            attempt += 1;
            match self.invoke(&batch).await {
                Ok(failed) if failed.is_empty() => return,
                Ok(failed) => {
                    // Lambda's checkpoint: everything before the first failed record is done.
                    let first = batch
                        .iter()
                        .position(|record| {
                            sequence_number(record).is_some_and(|seq| failed.contains(&seq))
                        })
                        .unwrap_or(0);
                    batch.drain(..first);
                    tracing::warn!(function = %self.function, failed = batch.len(), attempt, "stream batch items failed");
                }
                Err(error) => {
                    tracing::warn!(function = %self.function, error = %format!("{error:#}"), attempt, "stream batch failed");
                }
            }
            if attempt > retries {
                self.set_aside(&batch, attempt).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(200 * attempt as u64)).await;
        }
    }

    /// One invocation; the sequence numbers of the records it reports as failed.
    async fn invoke(&self, batch: &[Json]) -> Result<Vec<String>> {
        let event: Event = serde_json::from_value(json!({ "Records": batch }))
            .context("the batch does not read as a DynamoDB stream event")?;
        let call = std::panic::AssertUnwindSafe(self.consumer.handle(event)).catch_unwind();
        let response = match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(result)) => result?,
            Ok(Err(_panic)) => bail!("the function panicked"),
            Err(_elapsed) => bail!("the function timed out"),
        };
        if !self.event.reports_item_failures {
            return Ok(Vec::new());
        }
        Ok(response
            .batch_item_failures
            .into_iter()
            .filter_map(|failure| failure.item_identifier)
            .collect())
    }

    /// Describes a batch that failed every attempt in the on-failure queue (or the log).
    async fn set_aside(&self, batch: &[Json], attempts: i64) {
        let first = batch.first().and_then(sequence_number);
        let last = batch.last().and_then(sequence_number);
        tracing::error!(function = %self.function, records = batch.len(), attempts, "stream batch failed every attempt");
        let Some(queue) = &self.failure_queue else {
            return;
        };
        let message = json!({
            "requestContext": {
                "requestId": ulid::Ulid::generate().to_string(),
                "functionArn": format!("arn:aws:lambda:{}:000000000000:function:{}", self.region, self.function),
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": attempts,
            },
            "version": "1.0",
            "timestamp": jiff::Timestamp::now().to_string(),
            "DDBStreamBatchInfo": {
                "shardId": self.shard_id,
                "startSequenceNumber": first,
                "endSequenceNumber": last,
                "batchSize": batch.len(),
                "streamArn": self.stream_arn,
            },
        });
        if let Err(error) = self
            .sqs
            .send_message()
            .queue_url(queue)
            .message_body(message.to_string())
            .send()
            .await
        {
            tracing::error!(function = %self.function, error = %error, "cannot write to the on-failure queue");
        }
    }
}

fn sequence_number(record: &Json) -> Option<String> {
    record
        .pointer("/dynamodb/SequenceNumber")
        .and_then(Json::as_str)
        .map(str::to_owned)
}

/// A record as Lambda hands it to the function (and as filters see it).
fn lambda_record(record: &Record, stream_arn: &str, region: &str) -> Result<Json> {
    let change = record
        .dynamodb
        .as_ref()
        .context("a stream record without its change")?;
    let image = |image: Option<
        &std::collections::HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>,
    >|
     -> Result<Option<Json>> {
        image
            .map(|attributes| {
                let item = serde_dynamo::Item::from(attributes.clone());
                serde_json::to_value(&item).context("an image that does not serialise")
            })
            .transpose()
    };
    let mut dynamodb = serde_json::Map::new();
    if let Some(keys) = image(change.keys.as_ref())? {
        dynamodb.insert("Keys".into(), keys);
    }
    if let Some(new_image) = image(change.new_image.as_ref())? {
        dynamodb.insert("NewImage".into(), new_image);
    }
    if let Some(old_image) = image(change.old_image.as_ref())? {
        dynamodb.insert("OldImage".into(), old_image);
    }
    if let Some(seq) = &change.sequence_number {
        dynamodb.insert("SequenceNumber".into(), json!(seq));
    }
    // Lambda always sends the size; the event type requires it.
    dynamodb.insert(
        "SizeBytes".into(),
        json!(change.size_bytes.unwrap_or_default()),
    );
    if let Some(view) = &change.stream_view_type {
        dynamodb.insert("StreamViewType".into(), json!(view.as_str()));
    }
    if let Some(created) = change.approximate_creation_date_time {
        dynamodb.insert("ApproximateCreationDateTime".into(), json!(created.secs()));
    }
    Ok(json!({
        "eventID": record.event_id,
        "eventName": record.event_name.as_ref().map(|name| name.as_str()),
        "eventVersion": record.event_version,
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "eventSourceARN": stream_arn,
        "dynamodb": Json::Object(dynamodb),
    }))
}
