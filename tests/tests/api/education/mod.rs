//! The education function: health topics matched to the patient's record (reasons, language,
//! votes), topics a clinician shares, the clinicians' library; staff training (modules,
//! quizzes) and the onboarding gate that holds untrained members back from gated work.
//! (The `education` feature switch is tested with the others in `platform::feature_switches`.)

pub mod assign;
pub mod fixtures;
pub mod gate;
pub mod helpful;
pub mod library;
pub mod matching;
pub mod training;
