//! Adoption: per day (the practice's date), per cohort and for all patients, counts only —
//! never a name or an id. `GET /rollout/adoption` (`Action::ReadAdoption`: portal leads and
//! administrators) answers, for each day of a range of at most 92 days:
//!
//! - `invited`, `delivered`, `activated`: invitation waves' codes issued, sent and activated
//!   that day (written with each member's move, `portal_shared::features::invitation_wave`);
//! - `signedIn7d`, `signedIn30d`: distinct patients who signed in during the 7 (30) days ending
//!   that day (the union of the days' sets the auth function adds to,
//!   `portal_shared::features::sign_ins`);
//! - `use:<feature>`: requests to a feature's routes the feature gate let through
//!   (`portal_shared::platform::feature_gate`).
//!
//! As JSON, or as CSV (`Accept: text/csv` or `?format=csv`). Cost: one Query per day of the
//! range and of the 29 days before it (the 30-day window), at most 121; each reads that day's
//! partition (a few counter items, and the sets of patients who signed in, ~27 bytes per
//! patient per cohort they are in).

mod read;
mod repo;
mod report;

pub use read::handle as read;
