//! The support function's own settings, beyond the shared ones.

use portal_shared::platform::config::{ConfigError, UserPoolSettings};

use crate::reports::targets::SupportTargets;

#[derive(Debug, Clone)]
pub struct SupportSettings {
    /// Response-time targets and the calendar they are counted on.
    pub targets: SupportTargets,
    /// The user pool whose groups are an announcement's staff, patients and caregivers
    /// (`USER_POOL_ID`; read only).
    pub user_pool_id: String,
}

impl SupportSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Names every bad variable (see [`SupportTargets::from_lookup`]; `USER_POOL_ID` and
    /// `USER_POOL_CLIENT_ID` must be set).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let targets = SupportTargets::from_lookup(&lookup);
        let pool = UserPoolSettings::from_lookup(&lookup);
        match (targets, pool) {
            (Ok(targets), Ok(pool)) => Ok(SupportSettings {
                targets,
                user_pool_id: pool.user_pool_id,
            }),
            (targets, pool) => Err(ConfigError {
                problems: targets
                    .err()
                    .into_iter()
                    .chain(pool.err())
                    .flat_map(|error| error.problems)
                    .collect(),
            }),
        }
    }
}
