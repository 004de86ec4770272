//! The feedback function: ideas and suggestions, polls and ballots (staff, patients, other
//! practices), ratings, prompts, usability surveys and answers, and closing the loop.

pub mod ideas;
pub mod polls;
pub mod ratings;
mod support;
