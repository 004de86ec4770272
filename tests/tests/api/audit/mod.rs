//! The audit trail: a patient's access log and the administrators' search.

mod access_log;
