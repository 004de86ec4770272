//! The proofs an authorised, audited access hands out. Only the [`Authorizer`] makes them, so a
//! storage function that takes one cannot be reached unaudited or for a patient the caller may
//! not reach: the compiler keeps the authorisation module's promise.
//!
//! [`Authorizer`]: crate::policy::authz::Authorizer

use crate::domain::ids::PatientId;
use crate::policy::caller::Role;
use crate::policy::rules::{Action, PracticeJob, Relationship};

/// A proof of an authorised, audited access to one patient's data, whoever it was for: a
/// caller's [`PatientAccess`] or a practice job's [`JobAccess`]. Storage functions that either
/// may reach take `&impl ProvenPatientAccess`. Sealed: no other type can claim to be a proof.
pub trait ProvenPatientAccess: sealed::Proof {
    fn patient(&self) -> PatientId;
}

mod sealed {
    pub trait Proof {}
}

/// The proof that the caller may do `action` on `patient`'s data and that this was audited.
#[derive(Debug, Clone)]
pub struct PatientAccess {
    patient: PatientId,
    action: Action,
    relationship: Relationship,
}

impl PatientAccess {
    pub(crate) fn new(patient: PatientId, action: Action, relationship: Relationship) -> Self {
        PatientAccess {
            patient,
            action,
            relationship,
        }
    }
    pub fn patient(&self) -> PatientId {
        self.patient
    }
    pub fn action(&self) -> Action {
        self.action
    }
    pub fn relationship(&self) -> Relationship {
        self.relationship
    }
}

/// The proof that the caller holds a staff role allowed to do `action` across patients
/// (work lists, registration). Accesses to individual patients found through it are audited
/// with [`Authorizer::record_staff_access`](crate::policy::authz::Authorizer::record_staff_access).
#[derive(Debug, Clone)]
pub struct StaffAccess {
    action: Action,
    role: Role,
}

impl StaffAccess {
    pub(crate) fn new(action: Action, role: Role) -> Self {
        StaffAccess { action, role }
    }
    pub fn action(&self) -> Action {
        self.action
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

impl sealed::Proof for PatientAccess {}
impl ProvenPatientAccess for PatientAccess {
    fn patient(&self) -> PatientId {
        self.patient
    }
}

/// One run of a practice job, as its audit events name it: the job, and the id that ties its
/// events together (the Lambda invocation's request id, or the request whose change the job
/// follows up).
#[derive(Debug, Clone)]
pub struct JobRun {
    job: PracticeJob,
    run_id: String,
}

impl JobRun {
    pub fn new(job: PracticeJob, run_id: impl Into<String>) -> Self {
        JobRun {
            job,
            run_id: run_id.into(),
        }
    }
    /// A run with a fresh id, where no invocation id is at hand.
    pub fn start(job: PracticeJob) -> Self {
        JobRun::new(job, crate::domain::ids::EventId::generate().to_string())
    }
    pub fn job(&self) -> PracticeJob {
        self.job
    }
    pub fn run_id(&self) -> &str {
        &self.run_id
    }
}

/// The proof that one of the practice's jobs may do `action` on `patient`'s data and that this
/// was audited (under the job's actor, so the patient's access log shows the portal did it).
/// Only [`Authorizer::job`](crate::policy::authz::Authorizer::job) makes one.
#[derive(Debug, Clone)]
pub struct JobAccess {
    patient: PatientId,
    job: PracticeJob,
    action: Action,
}

impl JobAccess {
    pub(crate) fn new(patient: PatientId, job: PracticeJob, action: Action) -> Self {
        JobAccess {
            patient,
            job,
            action,
        }
    }
    pub fn patient(&self) -> PatientId {
        self.patient
    }
    pub fn job(&self) -> PracticeJob {
        self.job
    }
    pub fn action(&self) -> Action {
        self.action
    }
}

impl sealed::Proof for JobAccess {}
impl ProvenPatientAccess for JobAccess {
    fn patient(&self) -> PatientId {
        self.patient
    }
}
