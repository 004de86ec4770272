//! What the public routes (no caller signed in yet) share about who is asking.

use std::collections::BTreeSet;

use portal_shared::ApiError;
use portal_shared::policy::caller::{Caller, UserSub};

/// The actor of an attempt that proved nothing (no account exists yet).
const ANONYMOUS: &str = "anonymous";

/// The actor of an attempt that proved nothing (no account is known yet).
pub fn anonymous() -> Result<Caller, ApiError> {
    Ok(Caller {
        sign_in: Default::default(),
        sub: UserSub::parse(ANONYMOUS).ok_or_else(|| ApiError::internal("anonymous sub"))?,
        roles: BTreeSet::new(),
        patient_id: None,
        display_name: None,
    })
}
