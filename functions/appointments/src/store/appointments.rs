//! Appointments, in the patient's partition, with what is written together with them: the
//! booking-limit counter, the reminder, the units of the provider's time, the patient's
//! notification in the outbox, and (when a change ends a wait or frees a slot) the waitlist
//! entry and the freed slot's marker. Booking, changing and checking in are each one
//! transaction: all of it happens or none of it.

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::profile_facts::{Fact, ProfileFacts};
use portal_shared::platform::idempotency::{Idempotency, StoredResponse};
use portal_shared::platform::keys::{self, GSI1, GSI1PK, GSI1SK};
use portal_shared::platform::store::{self, Item, Transacted, number, string};
use portal_shared::platform::write::{self, Contended, retry_on_contention};
use portal_shared::policy::authz::PatientAccess;
use serde::{Deserialize, Serialize};

use crate::model::{Appointment, Change, Counter, FreedSlot, Status, Taking, Waiting};
use crate::store::waitlist::{delete_entry, mark_freed, release_offer};
use crate::store::{Slots, Table};

/// How a booking ended, when it did.
pub enum Booked {
    /// This request booked it.
    Created,
    /// An earlier request with the same `Idempotency-Key` did; this is its response.
    Replayed(StoredResponse),
}

/// Why a booking was not made. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookConflict {
    /// A unit of the slot is taken (or held by an offer in force).
    SlotTaken,
    /// The patient holds as many upcoming appointments as the practice allows.
    TooManyUpcoming { max: usize },
    /// The `Idempotency-Key` is in use by a request whose answer cannot be read.
    KeyInUse,
    /// The writes kept losing to concurrent ones on the same items (the patient's counter, the
    /// slot): nothing is known about the slot.
    Contention,
}

/// Why a change of an appointment (cancel, move, accepted offer) was not made. Nothing was
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeConflict {
    /// A unit of the new time is taken, or (for an offer) no longer held for the appointment.
    SlotTaken,
    /// The appointment (or what the change was based on) changed meanwhile.
    Changed,
    /// The writes kept losing to concurrent ones on the same items.
    Contention,
}

/// Why a check-in was not recorded. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInConflict {
    /// The appointment changed (or was cancelled) meanwhile.
    Changed,
    Contention,
}

/// A reminder for a sender: who, which appointment, and when (no provider, reason or visit
/// type: the sender fetches nothing else and the notification shows date and time only).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Reminder {
    kind: &'static str,
    patient_id: PatientId,
    appointment_id: AppointmentId,
    start: Timestamp,
    send_at: Timestamp,
    /// TTL: a week after the visit.
    expires_at: i64,
}

/// One attempt at a booking that lost: for good, or to a write that moved under it (the
/// patient's counter, another transaction in flight), which another attempt may win.
enum BookLoss {
    Final(BookConflict),
    Retry,
}

impl Contended for BookLoss {
    fn is_contention(&self) -> bool {
        matches!(self, BookLoss::Retry)
    }
}

pub struct Appointments<'a> {
    table: Table<'a>,
    slots: Slots<'a>,
}

impl<'a> Appointments<'a> {
    pub fn new(table: Table<'a>, slots: Slots<'a>) -> Self {
        Appointments { table, slots }
    }

    pub async fn appointment(
        &self,
        access: &PatientAccess,
        appointment: AppointmentId,
    ) -> Result<Option<Appointment>, ApiError> {
        self.table
            .get(&keys::appointment(access.patient(), appointment))
            .await
    }

    /// Whether the patient wants appointment reminders (the profile's
    /// `communication.appointmentReminders`; yes when the profile or the setting is missing).
    pub async fn wants_reminders(&self, access: &PatientAccess) -> Result<bool, ApiError> {
        let facts = ProfileFacts::read(
            self.table.dynamo,
            self.table.name,
            access,
            &[Fact::Communication],
        )
        .await?;
        Ok(facts.is_none_or(|facts| facts.wants_appointment_reminders()))
    }

    /// A page of the patient's appointments by start: upcoming (from `now`, soonest first,
    /// booked ones only) or past (most recent first). Cancelled visits are skipped from the
    /// upcoming list page by page until the page is full (see [`store::filled_page`]).
    pub async fn by_start(
        &self,
        access: &PatientAccess,
        upcoming: bool,
        now: Timestamp,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Appointment>, Option<Item>), ApiError> {
        let patient = access.patient();
        let query = |start_after| {
            let query = self
                .table
                .dynamo
                .query()
                .table_name(self.table.name)
                .index_name(GSI1)
                .expression_attribute_values(":pk", string(keys::patient_appointments(patient)))
                .expression_attribute_values(":now", string(now.to_string()))
                .set_exclusive_start_key(start_after);
            if upcoming {
                query
                    .key_condition_expression("GSI1PK = :pk AND GSI1SK >= :now")
                    .scan_index_forward(true)
            } else {
                query
                    .key_condition_expression("GSI1PK = :pk AND GSI1SK < :now")
                    .scan_index_forward(false)
            }
        };
        store::filled_page(
            query,
            limit,
            start_after,
            |appointment: &Appointment| !upcoming || appointment.status == Status::Booked,
            appointment_position,
        )
        .await
    }

    async fn counter(&self, access: &PatientAccess) -> Result<Counter, ApiError> {
        Ok(self
            .table
            .get(&keys::booking_counter(access.patient()))
            .await?
            .unwrap_or_default())
    }

    /// Books `appointment` (new): the patient's counter (at most `max_upcoming` upcoming
    /// visits), the appointment, each unit of its slot, its reminder and the patient's
    /// notification of it (at most 7 items with a 40-minute visit), with the record of
    /// `response` under the call's `Idempotency-Key`, in one transaction. When the counter
    /// moved under it (the patient's other booking or cancellation) or another transaction on
    /// the same items was in flight, the counter is read again and the transaction rebuilt and
    /// sent again, after a back-off.
    pub async fn book(
        &self,
        access: &PatientAccess,
        appointment: &Appointment,
        max_upcoming: usize,
        now: Timestamp,
        idempotency: Option<(&Idempotency, &StoredResponse)>,
    ) -> Result<Result<Booked, BookConflict>, ApiError> {
        debug_assert_eq!(appointment.patient_id, access.patient());
        let units = appointment.units();
        let announcement = appointment.booking_announcement(now);
        let outcome = retry_on_contention(|| async {
            let read = self.counter(access).await?;
            let counter = match read.admit(appointment, now, max_upcoming) {
                Ok(counter) => counter,
                Err(too_many) => {
                    return Ok(Err(BookLoss::Final(BookConflict::TooManyUpcoming {
                        max: too_many.max,
                    })));
                }
            };
            let mut items = vec![
                self.write_counter(access, &counter, read.version)?,
                self.table
                    .put(appointment_item(appointment)?, "attribute_not_exists(PK)")?,
            ];
            let first_unit = items.len();
            for (index, at) in units.iter().enumerate() {
                items.push(self.slots.take(&appointment.unit(index == 0), *at)?);
            }
            let taken = first_unit..items.len();
            items.extend(self.put_reminder(appointment)?);
            items.push(announcement.put(self.table.name)?);
            let record = match idempotency {
                Some((key, response)) => {
                    items.push(key.record(self.table.name, response)?);
                    Some(items.len() - 1)
                }
                None => None,
            };
            match store::transact(self.table.dynamo, items).await? {
                Transacted::Done => Ok(Ok(Booked::Created)),
                Transacted::ConditionsFailed(failed) => {
                    if let (Some(index), Some((key, _))) = (record, idempotency)
                        && failed.contains(&index)
                    {
                        return Ok(
                            match key.lookup(self.table.dynamo, self.table.name).await? {
                                Some(first) => Ok(Booked::Replayed(first)),
                                None => Err(BookLoss::Final(BookConflict::KeyInUse)),
                            },
                        );
                    }
                    if failed.iter().any(|index| taken.contains(index)) {
                        return Ok(Err(BookLoss::Final(BookConflict::SlotTaken)));
                    }
                    // Only the counter moved (the patient's other booking or cancellation).
                    Ok(Err(BookLoss::Retry))
                }
                // Another transaction on the same slot (or the patient's counter) was in
                // flight: nothing is known about the slot yet.
                Transacted::Contention => Ok(Err(BookLoss::Retry)),
            }
        })
        .await?;
        Ok(match outcome {
            Ok(booked) => Ok(booked),
            Err(BookLoss::Final(conflict)) => Err(conflict),
            Err(BookLoss::Retry) => Err(BookConflict::Contention),
        })
    }

    /// Writes one change of a booked appointment (see [`Change`]) in one transaction: the
    /// appointment (if still at the version read, and booked), the units it leaves freed and
    /// those of its new time taken, the counter, the reminder, its waitlist entry (with the
    /// units that entry's offer holds, when the wait is withdrawn), the marker of each slot it
    /// frees and the patient's notification (16 items at most with a 40-minute visit: far
    /// below DynamoDB's 100). Answers the freed slots, in the order to offer them (a held slot, the
    /// earlier, first).
    pub async fn change(
        &self,
        access: &PatientAccess,
        change: &Change,
    ) -> Result<Result<Vec<FreedSlot>, ChangeConflict>, ApiError> {
        let appointment = &change.appointment;
        debug_assert_eq!(appointment.patient_id, access.patient());
        let mut freed = Vec::new();
        let mut items = vec![replace(&self.table, appointment, change.read_version)?];
        match &change.waiting {
            Waiting::No => {}
            Waiting::Withdrawn(entry) => {
                items.push(delete_entry(&self.table, entry)?);
                // Units the change writes itself are left to it (a take refuses a live hold).
                let keep: Vec<Timestamp> = change
                    .old_units
                    .iter()
                    .chain(&change.new_units)
                    .copied()
                    .collect();
                if let Some((release, slot)) =
                    release_offer(&self.table, &self.slots, entry, &keep).await?
                {
                    items.extend(release);
                    freed.push(slot);
                }
            }
            Waiting::Accepted(entry) => items.push(delete_entry(&self.table, entry)?),
        }
        for at in change
            .old_units
            .iter()
            .filter(|at| !change.new_units.contains(at))
        {
            items.push(self.slots.free(
                appointment.provider_id,
                *at,
                appointment.appointment_id,
            )?);
        }
        let first_new = items.len();
        for (index, at) in change.new_units.iter().enumerate() {
            let unit = appointment.unit(index == 0);
            items.push(if change.old_units.contains(at) {
                self.slots.rewrite(&unit, *at)?
            } else {
                match change.taking {
                    Taking::Free => self.slots.take(&unit, *at)?,
                    Taking::Held => self.slots.take_held(&unit, *at)?,
                }
            });
        }
        let new_units = first_new..items.len();
        let new_start = (!change.cancelled()).then_some(appointment.start);
        items.push(self.move_in_counter(access, appointment.appointment_id, new_start)?);
        if change.old_reminder != appointment.reminder_at {
            items.extend(self.delete_reminder(change.old_reminder, appointment.appointment_id)?);
            items.extend(self.put_reminder(appointment)?);
        }
        items.push(mark_freed(&self.table, &change.freed)?);
        items.push(change.announcement.put(self.table.name)?);
        freed.push(change.freed.clone());
        Ok(
            match write::transact_retrying(self.table.dynamo, items).await? {
                Transacted::Done => Ok(freed),
                Transacted::ConditionsFailed(failed)
                    if failed.iter().any(|index| new_units.contains(index)) =>
                {
                    Err(ChangeConflict::SlotTaken)
                }
                Transacted::ConditionsFailed(_) => Err(ChangeConflict::Changed),
                Transacted::Contention => Err(ChangeConflict::Contention),
            },
        )
    }

    /// Writes the checked-in appointment (if still at `read_version`, and booked) and the flag
    /// on its first unit that the day view shows.
    pub async fn check_in(
        &self,
        access: &PatientAccess,
        appointment: &Appointment,
        read_version: u64,
    ) -> Result<Result<(), CheckInConflict>, ApiError> {
        debug_assert_eq!(appointment.patient_id, access.patient());
        let items = vec![
            replace(&self.table, appointment, read_version)?,
            self.slots
                .rewrite(&appointment.unit(true), appointment.start)?,
        ];
        Ok(
            match write::transact_retrying(self.table.dynamo, items).await? {
                Transacted::Done => Ok(()),
                Transacted::ConditionsFailed(_) => Err(CheckInConflict::Changed),
                Transacted::Contention => Err(CheckInConflict::Contention),
            },
        )
    }

    /// Writes the counter if it is still at the version read (a new booking counts).
    fn write_counter(
        &self,
        access: &PatientAccess,
        counter: &Counter,
        read_version: u64,
    ) -> Result<TransactWriteItem, ApiError> {
        let item = store::to_item(&keys::booking_counter(access.patient()), counter)?;
        store::transact_put(
            Put::builder()
                .table_name(self.table.name)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(PK) OR version = :version")
                .expression_attribute_values(":version", number(read_version)),
        )
    }

    /// Moves (`Some` start) or removes one appointment in the counter, bumping its version so
    /// that a booking computed from an older reading retries.
    fn move_in_counter(
        &self,
        access: &PatientAccess,
        appointment: AppointmentId,
        new_start: Option<Timestamp>,
    ) -> Result<TransactWriteItem, ApiError> {
        let builder = Update::builder()
            .table_name(self.table.name)
            .set_key(Some(keys::booking_counter(access.patient()).attributes()))
            .expression_attribute_names("#upcoming", "upcoming")
            .expression_attribute_names("#id", appointment.to_string())
            .expression_attribute_values(":one", number(1));
        let builder = match new_start {
            Some(start) => builder
                .update_expression("SET #upcoming.#id = :start ADD version :one")
                .condition_expression("attribute_exists(#upcoming)")
                .expression_attribute_values(":start", string(start.to_string())),
            None => builder.update_expression("REMOVE #upcoming.#id ADD version :one"),
        };
        Ok(TransactWriteItem::builder()
            .update(builder.build().map_err(ApiError::internal)?)
            .build())
    }

    /// Writes the appointment's reminder (due at `reminder_at`), if it has one.
    fn put_reminder(
        &self,
        appointment: &Appointment,
    ) -> Result<Option<TransactWriteItem>, ApiError> {
        let Some(send_at) = appointment.reminder_at else {
            return Ok(None);
        };
        let reminder = Reminder {
            kind: "appointment-reminder",
            patient_id: appointment.patient_id,
            appointment_id: appointment.appointment_id,
            start: appointment.start,
            send_at,
            expires_at: appointment.start.unix_seconds() + 7 * 24 * 3600,
        };
        let item = store::to_item(
            &keys::appointment_reminder(send_at, appointment.appointment_id),
            &reminder,
        )?;
        store::transact_put(
            Put::builder()
                .table_name(self.table.name)
                .set_item(Some(item)),
        )
        .map(Some)
    }

    /// Removes a reminder that is no longer due (gone already if it was sent: no condition).
    fn delete_reminder(
        &self,
        send_at: Option<Timestamp>,
        appointment: AppointmentId,
    ) -> Result<Option<TransactWriteItem>, ApiError> {
        let Some(send_at) = send_at else {
            return Ok(None);
        };
        let delete = Delete::builder()
            .table_name(self.table.name)
            .set_key(Some(
                keys::appointment_reminder(send_at, appointment).attributes(),
            ))
            .build()
            .map_err(ApiError::internal)?;
        Ok(Some(TransactWriteItem::builder().delete(delete).build()))
    }
}

/// The appointment as stored: in the patient's by-start index (GSI1).
fn appointment_item(appointment: &Appointment) -> Result<Item, ApiError> {
    let mut item = store::to_item(
        &keys::appointment(appointment.patient_id, appointment.appointment_id),
        appointment,
    )?;
    item.extend(by_start_keys(appointment));
    Ok(item)
}

fn by_start_keys(appointment: &Appointment) -> Item {
    Item::from([
        (
            GSI1PK.to_owned(),
            string(keys::patient_appointments(appointment.patient_id)),
        ),
        (
            GSI1SK.to_owned(),
            string(keys::appointment_by_start(
                appointment.start,
                appointment.appointment_id,
            )),
        ),
    ])
}

/// Where `appointment` is in the patient's by-start index: a page ending with it resumes just
/// after it.
fn appointment_position(appointment: &Appointment) -> Item {
    let mut position =
        keys::appointment(appointment.patient_id, appointment.appointment_id).attributes();
    position.extend(by_start_keys(appointment));
    position
}

/// Replaces the appointment if nobody changed it since `read_version` was read, and it is
/// still booked (for the transactions of the appointment's changes, here and in the waitlist).
pub(super) fn replace(
    table: &Table<'_>,
    appointment: &Appointment,
    read_version: u64,
) -> Result<TransactWriteItem, ApiError> {
    store::transact_put(
        Put::builder()
            .table_name(table.name)
            .set_item(Some(appointment_item(appointment)?))
            .condition_expression("version = :version AND #status = :booked")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":version", number(read_version))
            .expression_attribute_values(":booked", string("booked")),
    )
}

/// The reason of an appointment, as the day view reads it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AppointmentReason {
    pub appointment_id: AppointmentId,
    pub reason: portal_shared::domain::text::Sensitive<String>,
}
