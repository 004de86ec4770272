//! What one feature owns and other features read or write: the care circle's grants, the
//! profile's facts and portal account, the notification outbox, the user pool's accounts.
//! Each module is the one place its items' shape is known.

pub mod account;
pub mod account_lock;
pub mod activation;
pub mod adoption;
pub mod care_circle;
pub mod cohort;
pub mod directory;
pub mod feedback_stats;
pub mod idea_status;
pub mod invitation_wave;
pub mod lock_state;
pub mod lock_token;
pub mod mfa;
pub mod mfa_notice;
pub mod notification;
pub mod onboarding;
pub mod patient_match;
pub mod patient_search;
pub mod profile_facts;
pub mod profile_record;
pub mod report_status;
pub mod sign_ins;
pub mod suppression;
pub mod switch_change;
pub mod switches;
