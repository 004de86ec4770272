//! Appointments: providers and schedules, open slots, booking, changes, check-in, the day
//! view, the waitlist, and the notifications they write.

mod booking;
mod changes;
mod notifications;
mod schedule;
pub mod support;
mod waitlist;
