//! The rollout: cohorts, invitation waves, feature switches, agreements and adoption.

mod adoption;
mod agreements;
pub(crate) mod cohorts;
mod switches;
mod waves;
