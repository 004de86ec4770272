//! The profile: registration, reading, updating, the review of legal-identity changes.

mod read;
mod register;
mod review;
mod search;
mod update;
