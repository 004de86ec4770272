//! Appointments: providers (and their edits) and schedules, open slots, booking, changes,
//! check-in, the day view, the waitlist, and the notifications they write.

mod booking;
mod changes;
mod notifications;
mod provider_edit;
mod schedule;
pub mod support;
mod waitlist;
