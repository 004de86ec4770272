//! One batch of the table's stream: each outbox INSERT delivered once; records that may go on
//! a later try named as batch item failures (the event source mapping retries from the first,
//! and every record after it is then a duplicate the claim recognises).

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::store::Item;

use crate::sender::deliver::{Delivered, deliver_item};
use crate::{DeliveryReport, Deps};

pub async fn deliver_batch(
    deps: &Deps,
    event: Event,
    now: Timestamp,
) -> (DynamoDbEventResponse, DeliveryReport) {
    let mut response = DynamoDbEventResponse::default();
    let mut report = DeliveryReport::default();
    for record in event.records {
        report.records += 1;
        // Only new outbox items are work; our own updates (MODIFY) and removals are not.
        if record.event_name != "INSERT" {
            continue;
        }
        let image: Item = record.change.new_image.into();
        match deliver_item(deps, image, &record.event_id, now).await {
            Delivered::Done(tally) => {
                report.sent += tally.sent;
                report.suppressed += tally.suppressed;
                report.deferred += tally.deferred;
                report.failed += tally.failed + tally.retryable;
            }
            Delivered::Duplicate => report.duplicates += 1,
            Delivered::NotOutbox => {}
            Delivered::Malformed => report.failed += 1,
            Delivered::Retry(tally) => {
                report.sent += tally.sent;
                report.suppressed += tally.suppressed;
                report.deferred += tally.deferred;
                report.failed += tally.failed;
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
            }
        }
    }
    (response, report)
}

#[cfg(test)]
mod tests;
