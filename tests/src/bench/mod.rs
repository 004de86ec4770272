//! The parts of `make bench` (tests/src/bin/bench.rs), one purpose each.

pub mod figures;
pub mod functions;
pub mod launch;
pub mod process_stats;
pub mod revocation;
pub mod runtime_api;
pub mod stack_routes;
pub mod subjects;
pub mod zip_size;
