//! The refills function: which medications the practice may renew and why not, asking (one open
//! request per medication), the clinicians' decisions (the renewal in the record and the
//! export), the pharmacy directory.

pub mod asking;
pub mod deciding;
pub mod eligibility;
pub mod fixtures;
pub mod pharmacies;
