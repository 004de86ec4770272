//! The sender's settings beyond the shared ones, from the function's environment.

use portal_shared::platform::config::ConfigError;

/// Where mail comes from, and when texts may go.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    /// The SES sending identity (`SENDER_EMAIL`), e.g. `portal@clinic.example`.
    pub sender_email: String,
    /// The SES configuration set (`SES_CONFIGURATION_SET`) whose events report bounces.
    pub configuration_set: String,
    /// No texts between these local times (`QUIET_HOURS`, `21:00-08:00`).
    pub quiet_hours: String,
    /// The practice's IANA time zone (`PRACTICE_TIME_ZONE`).
    pub time_zone: String,
}

impl NotifySettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let mut required = |name: &str| match lookup(name).filter(|v| !v.trim().is_empty()) {
            Some(value) => value,
            None => {
                problems.push(format!("{name} is not set"));
                String::new()
            }
        };
        let settings = NotifySettings {
            sender_email: required("SENDER_EMAIL"),
            configuration_set: required("SES_CONFIGURATION_SET"),
            quiet_hours: required("QUIET_HOURS"),
            time_zone: required("PRACTICE_TIME_ZONE"),
        };
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(ConfigError { problems })
        }
    }
}
