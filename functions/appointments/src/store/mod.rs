//! The appointments' storage, one module per aggregate: providers and their schedules, slot
//! units, appointments (with the booking-limit counter and reminders), the waitlist (with its
//! offers and freed-slot markers) and the staff day view. Each owns its transactions and
//! answers typed conflicts: no caller sees a transaction's items or which of them failed.
//! Every function over a patient's data takes the proof of an authorised access
//! (`PatientAccess`, or `StaffAccess` for the day view); the waitlist's offers and sweeps act
//! for the practice, for no caller.

mod appointments;
mod day;
mod providers;
mod slots;
mod waitlist;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use portal_shared::ApiError;
use portal_shared::platform::keys::Key;
use portal_shared::platform::store::{self, Item};
use serde::de::DeserializeOwned;

pub use appointments::{Appointments, BookConflict, Booked, ChangeConflict, CheckInConflict};
pub use day::DayView;
pub use providers::{EditConflict, Providers, PublishConflict};
pub use slots::Slots;
pub use waitlist::{JoinConflict, LapseConflict, OfferConflict, Waitlist};

/// The application table, as every store reaches it.
#[derive(Clone, Copy)]
pub struct Table<'a> {
    pub dynamo: &'a Client,
    pub name: &'a str,
}

impl Table<'_> {
    /// One item, read strongly consistent.
    async fn get<T: DeserializeOwned>(&self, key: &Key) -> Result<Option<T>, ApiError> {
        store::get_item(self.dynamo, self.name, key, None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// A Put of a transaction, if `condition` holds.
    fn put(&self, item: Item, condition: &str) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(self.name)
                .set_item(Some(item))
                .condition_expression(condition),
        )
    }
}
