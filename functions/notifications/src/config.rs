//! The sender's settings beyond the shared ones, from the function's environment.

use portal_shared::platform::config::ConfigError;

use crate::sender::quiet_hours::QuietHours;

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
    /// `quiet_hours` in `time_zone`, parsed once (a bad value fails the start-up).
    pub quiet: QuietHours,
    /// The user pool whose staff are told of work (`USER_POOL_ID`, optional: without it, staff
    /// notifications are suppressed with a log line).
    pub user_pool_id: Option<String>,
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
        let sender_email = required("SENDER_EMAIL");
        let configuration_set = required("SES_CONFIGURATION_SET");
        let quiet_hours = required("QUIET_HOURS");
        let time_zone = required("PRACTICE_TIME_ZONE");
        let quiet = match QuietHours::parse(&quiet_hours, &time_zone) {
            Ok(quiet) => Some(quiet),
            Err(problem) => {
                if !quiet_hours.is_empty() && !time_zone.is_empty() {
                    problems.push(problem);
                }
                None
            }
        };
        let user_pool_id = lookup("USER_POOL_ID").filter(|v| !v.trim().is_empty());
        match (problems.is_empty(), quiet) {
            (true, Some(quiet)) => Ok(NotifySettings {
                sender_email,
                configuration_set,
                quiet_hours,
                time_zone,
                quiet,
                user_pool_id,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(quiet: &str, zone: &str) -> Result<NotifySettings, ConfigError> {
        NotifySettings::from_lookup(|name| {
            match name {
                "SENDER_EMAIL" => Some("portal@clinic.example"),
                "SES_CONFIGURATION_SET" => Some("portal"),
                "QUIET_HOURS" => Some(quiet),
                "PRACTICE_TIME_ZONE" => Some(zone),
                _ => None,
            }
            .map(str::to_owned)
        })
    }

    #[test]
    fn quiet_hours_and_zone_are_checked_at_start_up() {
        assert!(settings("21:00-08:00", "America/New_York").is_ok());
        assert!(settings("21:00", "America/New_York").is_err());
        assert!(settings("21:00-08:00", "Mars/Olympus").is_err());
        assert!(settings("25:00-08:00", "America/New_York").is_err());
    }
}
