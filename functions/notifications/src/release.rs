//! The scheduled release: reminders that have fallen due become outbox records (the stream
//! carries them to the sender), and texts held over the quiet hours go now. Every step is
//! conditional on the item still being there, so overlapping runs do each thing once.
//! Releasing a reminder touches the patient's data, so it is proven and audited as the
//! release job's access first (the patient's access log shows the portal queued it).

use std::time::Duration;

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{
    AboutAppointment, Channel, Kind, Notification, Recipient,
};
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::store::{self, Transacted};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, JobAccess, JobRun, PracticeJob};
use serde::Deserialize;

use crate::delivery_log::{self, DeliveryStatus, DeliveryView, Reason};
use crate::sender::deferred::{self, Held, LOOK_BACK_HOURS};
use crate::sender::plan::Reach;
use crate::sender::transport::Sent;
use crate::sender::{claim, reach, recipients, send};
use crate::{Deps, ReleaseReport};

/// A reminder as the appointments function writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reminder {
    patient_id: PatientId,
    appointment_id: AppointmentId,
    start: Timestamp,
    send_at: Timestamp,
}

pub async fn release_due(deps: &Deps, now: Timestamp) -> Result<ReleaseReport, ApiError> {
    let mut report = ReleaseReport::default();
    let run = JobRun::start(PracticeJob::NotificationRelease);
    for reminder in due_reminders(deps, now).await? {
        match prove_and_release(deps, &run, &reminder, now).await {
            Ok(true) => report.reminders += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(appointment_id = %reminder.appointment_id, %error, "reminder left");
                report.failed += 1;
            }
        }
    }
    for key in deferred::due(deps, now).await? {
        match release_text(deps, &key, now).await {
            Ok(Released::Done) => report.deferred += 1,
            Ok(Released::Gone) => {}
            Ok(Released::Later) => report.failed += 1,
            Err(error) => {
                tracing::warn!(%error, "held text left");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

async fn due_reminders(deps: &Deps, now: Timestamp) -> Result<Vec<Reminder>, ApiError> {
    let platform = &deps.platform;
    let bound = format!("{now}$"); // after every `<now>#...` sort key
    let mut due = Vec::new();
    for hours_back in (0..=LOOK_BACK_HOURS).rev() {
        let hour = now.minus(Duration::from_secs(hours_back * 3600));
        let found: Vec<Reminder> = store::query_all(|start| {
            platform
                .dynamo
                .query()
                .table_name(&platform.app_table)
                .key_condition_expression("PK = :pk AND SK < :bound")
                .expression_attribute_values(":pk", store::string(keys::reminders_hour(hour)))
                .expression_attribute_values(":bound", store::string(&bound))
                .set_exclusive_start_key(start)
        })
        .await?;
        due.extend(found.into_iter().filter(|r| r.send_at <= now));
    }
    Ok(due)
}

async fn prove_and_release(
    deps: &Deps,
    run: &JobRun,
    reminder: &Reminder,
    now: Timestamp,
) -> Result<bool, ApiError> {
    let access = deps
        .platform
        .authorize_job(
            run,
            reminder.patient_id,
            Action::ReleaseReminder,
            AuditResource::appointment(reminder.appointment_id),
        )
        .await?;
    release_reminder(deps, &access, reminder, now).await
}

/// One transaction: the reminder goes, its outbox record comes. `false` when another run took
/// it first. A reminder for a visit that has begun is only removed.
async fn release_reminder(
    deps: &Deps,
    access: &JobAccess,
    reminder: &Reminder,
    now: Timestamp,
) -> Result<bool, ApiError> {
    debug_assert_eq!(reminder.patient_id, access.patient());
    let table = &deps.platform.app_table;
    let key = keys::appointment_reminder(reminder.send_at, reminder.appointment_id);
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(key.attributes()))
        .condition_expression("attribute_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    let mut items = vec![TransactWriteItem::builder().delete(delete).build()];
    let announce = reminder.start > now;
    if announce {
        let record = Notification::pending(
            Kind::AppointmentReminder,
            Recipient::Patient {
                patient_id: reminder.patient_id,
            },
            AboutAppointment {
                appointment_id: reminder.appointment_id,
                start: reminder.start,
            },
            now,
            // A reminder after the visit has begun is pointless.
            reminder.start,
        );
        items.push(record.put(table)?);
    }
    match store::transact(&deps.platform.dynamo, items).await? {
        Transacted::Done => Ok(announce),
        Transacted::ConditionsFailed(_) => Ok(false),
        Transacted::Contention => Err(ApiError::internal("reminder release contended")),
    }
}

enum Released {
    Done,
    /// Another run took it, or it could not be read (logged, dropped).
    Gone,
    /// May go on a later run: put back.
    Later,
}

async fn release_text(deps: &Deps, key: &Key, now: Timestamp) -> Result<Released, ApiError> {
    let held = match deferred::take(deps, key).await? {
        None => return Ok(Released::Gone),
        Some(Err(problem)) => {
            tracing::error!(?problem, "held text cannot be read; dropped");
            return Ok(Released::Gone);
        }
        Some(Ok(held)) => held,
    };
    let outbox = &held.outbox;
    let targets = recipients::resolve(deps, &outbox.recipient, outbox.kind, now).await;
    let targets = match targets {
        Ok(targets) => targets,
        Err(error) => {
            deferred::put_back(deps, held).await?;
            return Err(error);
        }
    };
    let Some(target) = targets.into_iter().find(|t| t.slot == held.slot) else {
        // The recipient is no longer one (a caregiver's access ended): nothing to send.
        return Ok(Released::Done);
    };
    let (status, reason) = match reach::phone(deps, target.phone.as_ref()).await? {
        Reach::Missing => (DeliveryStatus::Suppressed, Some(Reason::NoContact)),
        Reach::Suppressed => (DeliveryStatus::Suppressed, Some(Reason::Undeliverable)),
        Reach::Ok => match send::send(deps, outbox, &target, Channel::Sms).await {
            Sent::Sent => {
                claim::deferred_sent(deps, &outbox.key).await?;
                (DeliveryStatus::Sent, None)
            }
            Sent::Rejected => {
                reach::text_failed(deps, target.phone.as_ref(), now).await?;
                (DeliveryStatus::Failed, Some(Reason::Rejected))
            }
            Sent::Retryable => {
                deferred::put_back(deps, held).await?;
                return Ok(Released::Later);
            }
        },
    };
    if let Some((patient, role)) = target.history {
        let view = DeliveryView {
            notification_id: outbox.notification_id,
            kind: outbox.kind.template().to_owned(),
            recipient: role,
            channel: Some(Channel::Sms),
            status,
            reason,
            attempts: attempts_of(&held),
            created_at: outbox.created_at,
            updated_at: Some(now),
        };
        delivery_log::record(deps, patient, &target.slot, &view).await?;
    }
    Ok(Released::Done)
}

/// The held record's attempts, and this one.
fn attempts_of(held: &Held) -> u32 {
    held.item
        .get("attempts")
        .and_then(|a| a.as_n().ok())
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0)
        + 1
}
