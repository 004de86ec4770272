//! Notifications: each person's channels per kind, the staff's delivery history, and the
//! unsubscribe link that works without signing in.

mod deliveries;
mod feedback_kinds;
mod preferences;
mod sending;
mod sign_in_notice;
mod support;
mod unsubscribe;
