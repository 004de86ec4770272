//! The consolidated health record: FHIR import and its reports, lists, summary, series,
//! clinicians' results, export, the demo's records.

mod demo;
pub mod export;
mod fixtures;
mod import;
mod imports;
pub mod read;
mod results;
mod summary;
