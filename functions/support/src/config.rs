//! The support function's own settings, beyond the shared ones.

use portal_shared::platform::config::ConfigError;

use crate::reports::targets::SupportTargets;

#[derive(Debug, Clone)]
pub struct SupportSettings {
    /// Response-time targets and the calendar they are counted on.
    pub targets: SupportTargets,
}

impl SupportSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Names every bad variable (see [`SupportTargets::from_lookup`]).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(SupportSettings {
            targets: SupportTargets::from_lookup(lookup)?,
        })
    }
}
