//! The weekly digest of the portal's week, for the portal leads.
//!
//! Once a practice week is over (Monday to Sunday in `PRACTICE_TIME_ZONE`), the `digest` job
//! ([`compose_digest`], every hour) composes its digest from Monday at `WEEKLY_DIGEST_AT` on:
//! problem reports (open, by status, filed and resolved in the week, breached targets),
//! incidents, adoption and feedback figures, this week beside the one before. It is written
//! once per week with one notice per portal lead (counts only). Portal leads and
//! administrators (`Action::ReadDigests`) read the list (`GET /support/digests`) and one
//! digest (`GET /support/digests/{digestId}`), each read audited against `digests` or
//! `digest/<id>`. Nothing in a digest is a patient's or caregiver's words or identity.
//!
//! `week` is the calendar, `figures` the arithmetic over what `read` reads, `repo` every write
//! and read of the digests themselves, `model` their shape.

mod compose;
mod figures;
mod get;
mod id;
mod list;
mod model;
mod read;
mod repo;
mod week;

pub use compose::{DigestSummary, compose_digest};
pub use get::handle as get;
pub use list::handle as list;

use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use crate::digests::id::DigestId;
use crate::digests::repo::DigestStore;

fn store(deps: &Deps) -> DigestStore<'_> {
    DigestStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// What the audit trail names for one digest (its week).
fn audit_resource(id: DigestId) -> AuditResource {
    AuditResource::Route(format!("digest/{id}"))
}

/// What the audit trail names for the list.
fn audit_list() -> AuditResource {
    AuditResource::Route("digests".into())
}
