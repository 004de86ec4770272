//! Secure messaging: the patient's side, the staff inboxes, assignees.

mod assignees;
mod colleagues;
mod patient;
mod staff;
pub mod support;
