//! The proofs an authorised, audited access hands out. Only the [`Authorizer`] makes them, so a
//! storage function that takes one cannot be reached unaudited or for a patient the caller may
//! not reach: the compiler keeps the authorisation module's promise.
//!
//! [`Authorizer`]: crate::policy::authz::Authorizer

use crate::domain::ids::PatientId;
use crate::policy::caller::Role;
use crate::policy::rules::{Action, Relationship};

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
