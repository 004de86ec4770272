//! The waitlist: entries in the provider's partition (first asked first), the offers that hold
//! a freed slot's units for one of them (in the sparse expiry index GSI2 while they last, which
//! the sweeper reads), their notifications, and the markers of freed slots whose offer step
//! has not run yet. Joining is the patient's (it takes their access); offering and ending a
//! lapsed offer are the practice's waitlist job's (they take its audited [`JobAccess`] for the
//! waiting patient). Reading the provider's line and an entry by its key, the expiry index and
//! the markers are the job's work queue: they find the patients whose entries it then proves
//! access to.

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutOffer, Kind, Notification, Recipient};
use portal_shared::platform::keys::{self, GSI2, GSI2PK, GSI2SK};
use portal_shared::platform::store::{self, Item, Transacted, number, string};
use portal_shared::platform::write;
use portal_shared::platform::write::Contended;
use portal_shared::policy::authz::{JobAccess, PatientAccess};

use crate::model::schedule::VisitType;
use crate::model::{Appointment, FreedSlot, Offer, SlotUnit, WaitlistEntry};
use crate::store::appointments::replace;
use crate::store::{Slots, Table};

/// Why an appointment did not join the waitlist. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinConflict {
    /// The appointment changed (or was cancelled) meanwhile.
    Changed,
    Contention,
}

/// Why an offer was not made. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferConflict {
    /// A unit of the slot was booked (or held) by someone meanwhile: nothing to offer.
    SlotTaken,
    /// The entry changed meanwhile (accepted, cancelled, offered another slot).
    EntryChanged,
    /// Another transaction on the same items was in flight.
    Contention,
}

impl Contended for OfferConflict {
    fn is_contention(&self) -> bool {
        *self == OfferConflict::Contention
    }
}

/// Why a lapsed offer was not ended. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LapseConflict {
    /// The entry no longer holds that offer: someone else ended or answered it.
    EntryChanged,
    /// A unit changed between its read and the write (booked since): read again.
    UnitChanged,
    /// Another transaction on the same items was in flight.
    Contention,
}

impl Contended for LapseConflict {
    /// Reading again may succeed unless the entry itself changed.
    fn is_contention(&self) -> bool {
        *self != LapseConflict::EntryChanged
    }
}

pub struct Waitlist<'a> {
    table: Table<'a>,
    slots: Slots<'a>,
}

impl<'a> Waitlist<'a> {
    pub fn new(table: Table<'a>, slots: Slots<'a>) -> Self {
        Waitlist { table, slots }
    }

    /// The appointment's entry, when it waits for an earlier slot.
    pub async fn entry(
        &self,
        access: &PatientAccess,
        appointment: &Appointment,
    ) -> Result<Option<WaitlistEntry>, ApiError> {
        debug_assert_eq!(appointment.patient_id, access.patient());
        match appointment.waitlisted_at {
            None => Ok(None),
            Some(at) => {
                self.entry_at(appointment.provider_id, at, appointment.appointment_id)
                    .await
            }
        }
    }

    /// Puts the appointment (if still at `read_version`, and booked) on the waitlist with its
    /// new `entry`, in one transaction.
    pub async fn join(
        &self,
        access: &PatientAccess,
        appointment: &Appointment,
        read_version: u64,
        entry: &WaitlistEntry,
    ) -> Result<Result<(), JoinConflict>, ApiError> {
        debug_assert_eq!(appointment.patient_id, access.patient());
        let items = vec![
            replace(&self.table, appointment, read_version)?,
            self.table
                .put(entry_item(entry)?, "attribute_not_exists(PK)")?,
        ];
        Ok(
            match write::transact_retrying(self.table.dynamo, items).await? {
                Transacted::Done => Ok(()),
                Transacted::ConditionsFailed(_) => Err(JoinConflict::Changed),
                Transacted::Contention => Err(JoinConflict::Contention),
            },
        )
    }

    /// A provider's waitlist, first asked first (one Query of the provider's partition).
    pub async fn line(&self, provider: ProviderId) -> Result<Vec<WaitlistEntry>, ApiError> {
        let partition = string(keys::provider_partition(provider));
        store::query_all(|start_after| {
            self.table
                .dynamo
                .query()
                .table_name(self.table.name)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", partition.clone())
                .expression_attribute_values(":prefix", string(keys::WAITLIST_PREFIX))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// One entry, read strongly consistent.
    pub async fn entry_at(
        &self,
        provider: ProviderId,
        requested_at: Timestamp,
        appointment: AppointmentId,
    ) -> Result<Option<WaitlistEntry>, ApiError> {
        self.table
            .get(&keys::waitlist_entry(provider, requested_at, appointment))
            .await
    }

    /// Offers the slot `offer` describes to `entry`, in one transaction: each unit of the slot
    /// held for the entry's appointment (free, or held by a lapsed offer), the entry with the
    /// offer (if its offer is still the one read), and the notification.
    pub async fn offer(
        &self,
        access: &JobAccess,
        entry: &WaitlistEntry,
        visit: &VisitType,
        offer: Offer,
        now: Timestamp,
    ) -> Result<Result<(), OfferConflict>, ApiError> {
        debug_assert_eq!(entry.patient_id, access.patient());
        let unit = SlotUnit::hold(entry, visit, offer);
        let mut items = Vec::new();
        for at in crate::model::schedule::units(offer.start, visit.minutes) {
            items.push(self.slots.take(&unit, at)?);
        }
        let held = 0..items.len();
        items.push(self.replace_entry_offer(&entry.offered(offer), entry.offer)?);
        items.push(offer_notification(entry, offer, now).put(self.table.name)?);
        Ok(match store::transact(self.table.dynamo, items).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(failed) if failed.iter().any(|i| held.contains(i)) => {
                Err(OfferConflict::SlotTaken)
            }
            Transacted::ConditionsFailed(_) => Err(OfferConflict::EntryChanged),
            Transacted::Contention => Err(OfferConflict::Contention),
        })
    }

    /// Ends `entry`'s lapsed `offer` in one transaction, conditioned on the entry still holding
    /// that very offer: the entry as `cleared` (no offer: it leaves the expiry index and keeps
    /// its place in the line), the units the offer still holds freed (a unit booked by someone
    /// since is theirs, left alone), and the slot's marker as `freed`.
    pub async fn end_offer(
        &self,
        access: &JobAccess,
        entry: &WaitlistEntry,
        offer: Offer,
        cleared: &WaitlistEntry,
        freed: &FreedSlot,
    ) -> Result<Result<(), LapseConflict>, ApiError> {
        debug_assert_eq!(entry.patient_id, access.patient());
        let mut items = vec![
            self.replace_entry_offer(cleared, Some(offer))?,
            mark_freed(&self.table, freed)?,
        ];
        items.extend(release_units(&self.slots, entry, offer, &[]).await?);
        Ok(match store::transact(self.table.dynamo, items).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(failed) if failed.contains(&0) => {
                Err(LapseConflict::EntryChanged)
            }
            Transacted::ConditionsFailed(_) => Err(LapseConflict::UnitChanged),
            Transacted::Contention => Err(LapseConflict::Contention),
        })
    }

    /// The live offers of one shard that lapsed before `now`, soonest lapsed first (one Query
    /// of the sparse expiry index; eventually consistent: each is re-read before it is swept).
    pub async fn lapsed_offers(
        &self,
        shard: u32,
        now: Timestamp,
    ) -> Result<Vec<WaitlistEntry>, ApiError> {
        let partition = string(keys::offer_expiry_partition(shard));
        store::query_all(|start_after| {
            self.table
                .dynamo
                .query()
                .table_name(self.table.name)
                .index_name(GSI2)
                .key_condition_expression("GSI2PK = :pk AND GSI2SK < :now")
                .expression_attribute_values(":pk", partition.clone())
                .expression_attribute_values(":now", string(now.to_string()))
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// The freed-slot markers of one shard written before `before` (their own offer step has
    /// had its time), every page.
    pub async fn freed_slots(
        &self,
        shard: u32,
        before: Timestamp,
    ) -> Result<Vec<FreedSlot>, ApiError> {
        let partition = string(keys::freed_slots_partition(shard));
        store::query_all(|start_after| {
            self.table
                .dynamo
                .query()
                .table_name(self.table.name)
                .key_condition_expression("PK = :pk")
                .filter_expression("freedAt < :before")
                .expression_attribute_values(":pk", partition.clone())
                .expression_attribute_values(":before", string(before.to_string()))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// Removes a freed slot's marker once its offer step has run, unless a later freeing of the
    /// same slot replaced it (that one's own step removes it).
    pub async fn clear_freed(&self, freed: &FreedSlot) -> Result<(), ApiError> {
        let result = self
            .table
            .dynamo
            .delete_item()
            .table_name(self.table.name)
            .set_key(Some(
                keys::freed_slot(freed.provider_id, freed.slot_start).attributes(),
            ))
            .condition_expression("freedAt = :freed")
            .expression_attribute_values(":freed", string(freed.freed_at.to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if store::is_condition_failure(&error) => Ok(()),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Rewrites an existing entry if its offer is still `previous` (none, or that very offer):
    /// two sweeps, a sweep and a late answer, or two offers at once cannot both act on it.
    fn replace_entry_offer(
        &self,
        entry: &WaitlistEntry,
        previous: Option<Offer>,
    ) -> Result<TransactWriteItem, ApiError> {
        let builder = Put::builder()
            .table_name(self.table.name)
            .set_item(Some(entry_item(entry)?));
        let builder = match previous {
            None => {
                builder.condition_expression("attribute_exists(PK) AND attribute_not_exists(offer)")
            }
            Some(offer) => builder
                .condition_expression(
                    "attribute_exists(PK) AND #offer.#start = :start AND #offer.#until = :until",
                )
                .expression_attribute_names("#offer", "offer")
                .expression_attribute_names("#start", "start")
                .expression_attribute_names("#until", "until")
                .expression_attribute_values(":start", string(offer.start.to_string()))
                .expression_attribute_values(":until", string(offer.until.to_string())),
        };
        store::transact_put(builder)
    }
}

/// The entry as stored: while it holds an offer it is in the offers' expiry index (GSI2),
/// which the sweeper reads; without one it leaves the index.
fn entry_item(entry: &WaitlistEntry) -> Result<Item, ApiError> {
    let mut item = store::to_item(
        &keys::waitlist_entry(entry.provider_id, entry.requested_at, entry.appointment_id),
        entry,
    )?;
    if let Some(offer) = entry.offer {
        item.insert(
            GSI2PK.into(),
            string(keys::offer_expiry_partition(keys::offer_expiry_shard(
                entry.appointment_id,
            ))),
        );
        item.insert(
            GSI2SK.into(),
            string(keys::offer_expiry_sort(offer.until, entry.appointment_id)),
        );
    }
    Ok(item)
}

fn offer_notification(
    entry: &WaitlistEntry,
    offer: Offer,
    now: Timestamp,
) -> Notification<AboutOffer> {
    Notification::pending(
        Kind::WaitlistOffer,
        Recipient::Patient {
            patient_id: entry.patient_id,
        },
        AboutOffer {
            appointment_id: entry.appointment_id,
            slot_start: offer.start,
            offer_until: offer.until,
        },
        now,
        offer
            .until
            .plus(std::time::Duration::from_secs(7 * 24 * 3600)),
    )
}

/// Deletes an entry (its wait ended: cancelled, moved by hand, or its offer accepted).
pub(super) fn delete_entry(
    table: &Table<'_>,
    entry: &WaitlistEntry,
) -> Result<TransactWriteItem, ApiError> {
    let delete = Delete::builder()
        .table_name(table.name)
        .set_key(Some(
            keys::waitlist_entry(entry.provider_id, entry.requested_at, entry.appointment_id)
                .attributes(),
        ))
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

/// The marker of a freed slot, for the freeing transaction (it replaces an older marker of the
/// same slot: the newest freeing is the one to offer). Kept until a day after the slot began
/// at most: a past slot is offered to no one.
pub(super) fn mark_freed(
    table: &Table<'_>,
    freed: &FreedSlot,
) -> Result<TransactWriteItem, ApiError> {
    let mut item = store::to_item(
        &keys::freed_slot(freed.provider_id, freed.slot_start),
        freed,
    )?;
    item.insert(
        keys::EXPIRES_AT.to_owned(),
        number(
            freed
                .slot_start
                .plus(std::time::Duration::from_secs(24 * 3600))
                .unix_seconds(),
        ),
    );
    store::transact_put(Put::builder().table_name(table.name).set_item(Some(item)))
}

/// The deletes of the units `offer` still holds for `entry` (read first; none in `keep`, the
/// units the same transaction writes itself).
async fn release_units(
    slots: &Slots<'_>,
    entry: &WaitlistEntry,
    offer: Offer,
    keep: &[Timestamp],
) -> Result<Vec<TransactWriteItem>, ApiError> {
    let mut items = Vec::new();
    for at in entry.held_units(offer)? {
        if !keep.contains(&at)
            && slots
                .held_for(entry.provider_id, at, entry.appointment_id, offer.until)
                .await?
        {
            items.push(slots.release_held(
                entry.provider_id,
                at,
                entry.appointment_id,
                offer.until,
            )?);
        }
    }
    Ok(items)
}

/// For a cancellation or a move by hand, which delete the entry in their transaction: the
/// writes that free the units the entry's offer still holds (none in `keep`) with the freed
/// slot's marker, and the slot to offer on once it committed (skipping this appointment).
/// Without this, a held slot would stay blocked until its hold lapsed and then never be
/// offered: the entry, and so its place in the sweeper's index, is gone. `None` without an
/// offer.
pub(super) async fn release_offer(
    table: &Table<'_>,
    slots: &Slots<'_>,
    entry: &WaitlistEntry,
    keep: &[Timestamp],
) -> Result<Option<(Vec<TransactWriteItem>, FreedSlot)>, ApiError> {
    let Some(offer) = entry.offer else {
        return Ok(None);
    };
    let freed = entry.released(offer);
    let mut items = vec![mark_freed(table, &freed)?];
    items.extend(release_units(slots, entry, offer, keep).await?);
    Ok(Some((items, freed)))
}
