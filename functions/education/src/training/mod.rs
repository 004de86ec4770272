//! Staff onboarding training: each member's modules (`GET /staff/training`), one module with
//! its quiz (`GET /staff/training/{moduleId}`), quiz attempts (`POST .../attempts`), the admins'
//! progress view (`GET /admin/training`) and waivers (`POST /admin/staff/{staffId}/training/
//! {moduleId}/waiver`). Plans and the gate are `portal_shared::features::onboarding`'s; the
//! content and quizzes are compiled in ([`content`]); scoring is pure ([`quiz`]).
//!
//! Writes go through `onboarding::change_plan` under the plan's version: a concurrent change
//! is read again and redone a few times, then answered 409.

pub mod attempt;
mod content;
pub mod module;
pub mod my;
pub mod progress;
mod quiz;
pub mod waive;

use portal_shared::ApiError;
use portal_shared::features::onboarding::TrainingModule;
use portal_shared::platform::http::Call;
use portal_shared::policy::caller::{Caller, Role};

/// The module named in the path; 404 for anything else.
fn module_in_path(call: &Call) -> Result<TrainingModule, ApiError> {
    call.path_param("moduleId")
        .and_then(|raw| TrainingModule::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// The caller's staff roles (their Cognito groups), as plans keep them.
fn staff_roles(caller: &Caller) -> Vec<Role> {
    caller
        .roles
        .iter()
        .copied()
        .filter(|role| role.is_staff())
        .collect()
}
