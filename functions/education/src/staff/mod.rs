//! Clinicians share a topic with a patient (`AssignEducation`, on the patient: the authorizer
//! checks the role and audits the access), or take it back.

mod assign;
mod unassign;

pub use assign::handle as assign;
pub use unassign::handle as unassign;
