//! End-to-end suites: the local API Gateway in front of the real handlers, real ID tokens from
//! the emulated Cognito, real DynamoDB calls against the emulator. One binary so the emulator
//! starts once per run; each test isolates itself with its own patients.

mod appointments;
mod audit;
mod auth;
mod care_circle;
mod education;
mod feedback;
mod messages;
mod notifications;
mod platform;
mod profile;
mod records;
mod refills;
mod rollout;
mod staff;
mod support;
