//! Appointments: providers and schedules, open slots, booking, changes, check-in, the day
//! view and the waitlist.

mod booking;
mod changes;
mod schedule;
pub mod support;
mod waitlist;
