//! End-to-end suites: the local API Gateway in front of the real handlers, real ID tokens from
//! the emulated Cognito, real DynamoDB calls against the emulator. One binary so the emulator
//! starts once per run; each test isolates itself with its own patients.

mod access_log;
mod activation;
mod appointments_booking;
mod appointments_changes;
mod appointments_schedule;
mod appointments_support;
mod appointments_waitlist;
mod auth_sign_in;
mod authz_matrix;
mod care_circle;
mod consistency;
mod gateway;
mod messages_assignees;
mod messages_patient;
mod messages_staff;
mod messages_support;
mod profile_read;
mod profile_register;
mod profile_review;
mod profile_update;
mod records_demo;
mod records_export;
mod records_fixtures;
mod records_import;
mod records_imports;
mod records_read;
mod records_results;
mod records_summary;
mod staff_accounts;
mod template_security;
