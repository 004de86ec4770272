//! The appointments' domain: visit types and schedules, providers, appointments and the
//! waitlist, with the pure steps (book, cancel, move, check in, join the waitlist, accept or
//! let lapse an offer) that return what must change. Nothing here reads or writes the table.

pub mod announcement;
pub mod appointment;
pub mod provider;
pub mod schedule;
pub mod waitlist;

pub use appointment::{
    Appointment, Change, CheckIn, Counter, Insurance, Medication, SlotUnit, Status, Taking, Waiting,
};
pub use provider::{Provider, StoredSchedule};
pub use waitlist::{FreedSlot, Offer, WaitlistEntry};
