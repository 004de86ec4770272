//! Configuration from the environment, read once at start-up. A function that is missing a
//! setting refuses to start with a message naming every missing or bad variable, rather than
//! failing on its first request.

use std::time::Duration;

use crate::domain::practice::{BusinessCalendar, Holidays, OpeningHours, PracticeZone};

/// Audit events must be kept at least six years (HIPAA); a shorter setting is refused.
const MIN_AUDIT_RETENTION_DAYS: u64 = 6 * 366;
const DEFAULT_AUDIT_RETENTION_DAYS: u64 = 2557;
/// How often a function re-reads the feature switches: a kill is seen within this many
/// seconds (the issue asks for 60 at most by default; 0, for tests, reads them on every use).
const FEATURE_SWITCH_REFRESH: BoundedSeconds = BoundedSeconds {
    name: "FEATURE_SWITCH_REFRESH_SECONDS",
    min: 0,
    max: 300,
    default: 60,
};
/// How often a function re-reads the token revocation feed: a sign-out, lock or disable
/// refuses the tokens already out within this many seconds (0 reads it on every request).
const REVOCATION_REFRESH: BoundedSeconds = BoundedSeconds {
    name: "REVOCATION_REFRESH_SECONDS",
    min: 0,
    max: 300,
    default: 10,
};
/// How long a read secret is used before it is read again.
const SECRET_REFRESH: BoundedSeconds = BoundedSeconds {
    name: "SECRET_REFRESH_SECONDS",
    min: 1,
    max: 3600,
    default: crate::platform::secrets::DEFAULT_REFRESH.as_secs(),
};

/// A setting that is a whole number of seconds within bounds, with a default when unset.
#[derive(Debug, Clone, Copy)]
struct BoundedSeconds {
    name: &'static str,
    min: u64,
    max: u64,
    default: u64,
}

impl BoundedSeconds {
    /// The setting through `lookup`; out of bounds or not a number is a problem (named), and
    /// the default stands in so the other settings are still checked.
    fn read(
        &self,
        lookup: &impl Fn(&str) -> Option<String>,
        problems: &mut Vec<String>,
    ) -> Duration {
        let seconds = match lookup(self.name) {
            None => self.default,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(seconds) if (self.min..=self.max).contains(&seconds) => seconds,
                _ => {
                    problems.push(format!(
                        "{} must be a whole number of seconds from {} to {}",
                        self.name, self.min, self.max
                    ));
                    self.default
                }
            },
        };
        Duration::from_secs(seconds)
    }
}

#[derive(Clone)]
pub struct Settings {
    /// The application table (patients' partitions, work queues, idempotency records).
    pub app_table: String,
    /// The append-only audit table.
    pub audit_table: String,
    /// The cursor-signing secret's ARN (`CURSOR_SIGNING_SECRET_ARN`): signs pagination
    /// cursors so a client cannot forge one; read from Secrets Manager on first use.
    pub cursor_signing_secret: String,
    /// The code-hashing secret's ARN (`CODE_HASHING_SECRET_ARN`): keys the stored hashes of
    /// one-time codes; read from Secrets Manager on first use, by the functions that hash.
    pub code_hashing_secret: String,
    /// How long a read secret is used before it is read again (`SECRET_REFRESH_SECONDS`,
    /// 1–3600, default 300): after a rotation, every warm container uses the new version
    /// within this time.
    pub secret_refresh: Duration,
    /// How long audit events are kept before DynamoDB's TTL may remove them.
    pub audit_retention: Duration,
    /// The web app's origin (`WEB_ORIGIN`, optional): every answer names it for the browser.
    pub web_origin: Option<String>,
    /// How long a function serves its cached copy of the feature switches before reading them
    /// again (`FEATURE_SWITCH_REFRESH_SECONDS`, 0–300, default 60).
    pub feature_switch_refresh: Duration,
    /// How long a function serves its cached copy of the token revocation feed before reading
    /// it again (`REVOCATION_REFRESH_SECONDS`, 0–300, default 10).
    pub revocation_refresh: Duration,
    /// The practice's time zone when the function has it (`PRACTICE_TIME_ZONE`, optional
    /// here): the day adoption counters are written under. Without it, the UTC day.
    pub practice_zone: Option<PracticeZone>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("app_table", &self.app_table)
            .field("audit_table", &self.audit_table)
            .field("cursor_signing_secret", &self.cursor_signing_secret)
            .field("code_hashing_secret", &self.code_hashing_secret)
            .field("secret_refresh", &self.secret_refresh)
            .field("audit_retention", &self.audit_retention)
            .field("web_origin", &self.web_origin)
            .field("feature_switch_refresh", &self.feature_switch_refresh)
            .field("revocation_refresh", &self.revocation_refresh)
            .field(
                "practice_zone",
                &self.practice_zone.as_ref().map(|zone| &zone.name),
            )
            .finish()
    }
}

#[derive(thiserror::Error)]
#[error("the function cannot start; fix its configuration: {}", problems.join("; "))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

/// `main` returns this error, and Rust prints a returned error with Debug: make that the
/// readable sentence an operator needs in the function's log.
impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl Settings {
    /// Reads the process environment (what Lambda gives the function).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so the local stack and tests can configure a function
    /// without touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let mut required = |name: &str| match lookup(name).filter(|v| !v.trim().is_empty()) {
            Some(value) => value,
            None => {
                problems.push(format!("{name} is not set"));
                String::new()
            }
        };
        let app_table = required("APP_TABLE");
        let audit_table = required("AUDIT_TABLE");
        // ARNs only: the values are read from Secrets Manager (`platform::secrets`).
        let cursor_signing_secret = required("CURSOR_SIGNING_SECRET_ARN");
        let code_hashing_secret = required("CODE_HASHING_SECRET_ARN");
        let secret_refresh = SECRET_REFRESH.read(&lookup, &mut problems);

        let audit_days = match lookup("AUDIT_RETENTION_DAYS") {
            None => DEFAULT_AUDIT_RETENTION_DAYS,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(days) if days >= MIN_AUDIT_RETENTION_DAYS => days,
                Ok(_) => {
                    problems.push(format!(
                        "AUDIT_RETENTION_DAYS must be at least {MIN_AUDIT_RETENTION_DAYS} (six years)"
                    ));
                    DEFAULT_AUDIT_RETENTION_DAYS
                }
                Err(_) => {
                    problems.push("AUDIT_RETENTION_DAYS must be a whole number of days".into());
                    DEFAULT_AUDIT_RETENTION_DAYS
                }
            },
        };

        let feature_switch_refresh = FEATURE_SWITCH_REFRESH.read(&lookup, &mut problems);
        let revocation_refresh = REVOCATION_REFRESH.read(&lookup, &mut problems);

        let practice_zone = match lookup(crate::domain::practice::TIME_ZONE_VARIABLE) {
            Some(raw) if !raw.trim().is_empty() => match PracticeZone::from_lookup(&lookup) {
                Ok(zone) => Some(zone),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            },
            _ => None,
        };

        let web_origin = lookup("WEB_ORIGIN").filter(|v| !v.trim().is_empty());
        if let Some(origin) = &web_origin
            && !crate::platform::cors::is_origin(origin)
        {
            problems.push(
                "WEB_ORIGIN must be the web app's origin, e.g. https://portal.example.org".into(),
            );
        }

        match problems.is_empty() {
            true => Ok(Settings {
                app_table,
                audit_table,
                cursor_signing_secret,
                code_hashing_secret,
                secret_refresh,
                audit_retention: Duration::from_secs(audit_days * 24 * 60 * 60),
                web_origin,
                feature_switch_refresh,
                revocation_refresh,
                practice_zone,
            }),
            false => Err(ConfigError { problems }),
        }
    }
}

/// The Cognito user pool and app client a function works with (`USER_POOL_ID`,
/// `USER_POOL_CLIENT_ID`): the auth function signs people in through the client, the staff
/// function administers the pool's staff accounts.
#[derive(Debug, Clone)]
pub struct UserPoolSettings {
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    /// The practice's name (`PRACTICE_NAME`, optional): the issuer authenticator apps show.
    pub practice_name: Option<String>,
}

impl UserPoolSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Fails naming every missing variable, like [`Settings`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let mut required = |name: &str| match lookup(name).filter(|v| !v.trim().is_empty()) {
            Some(value) => value,
            None => {
                problems.push(format!("{name} is not set"));
                String::new()
            }
        };
        let user_pool_id = required("USER_POOL_ID");
        let user_pool_client_id = required("USER_POOL_CLIENT_ID");
        if problems.is_empty() {
            Ok(UserPoolSettings {
                user_pool_id,
                user_pool_client_id,
                practice_name: lookup("PRACTICE_NAME").filter(|v| !v.trim().is_empty()),
            })
        } else {
            Err(ConfigError { problems })
        }
    }
}

impl BusinessCalendar {
    /// Reads `PRACTICE_TIME_ZONE`, `PRACTICE_HOLIDAYS` and `PRACTICE_HOURS` (optional,
    /// 08:00-18:00 by default; only targets in business hours use it), naming every bad one.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let zone = PracticeZone::from_lookup(&lookup);
        let holidays = Holidays::from_lookup(&lookup);
        let hours = OpeningHours::from_lookup(&lookup);
        match (zone, holidays, hours) {
            (Ok(zone), Ok(holidays), Ok(hours)) => Ok(BusinessCalendar {
                zone,
                holidays,
                hours,
            }),
            (zone, holidays, hours) => Err(ConfigError {
                problems: zone
                    .err()
                    .into_iter()
                    .chain(holidays.err())
                    .chain(hours.err())
                    .collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const CURSOR_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:cursor-AbCdEf";
    const CODE_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:code-AbCdEf";

    #[test]
    fn reads_every_setting() {
        let settings = Settings::from_lookup(lookup(&[
            ("APP_TABLE", "app"),
            ("AUDIT_TABLE", "audit"),
            ("CURSOR_SIGNING_SECRET_ARN", CURSOR_ARN),
            ("CODE_HASHING_SECRET_ARN", CODE_ARN),
            ("AUDIT_RETENTION_DAYS", "3000"),
        ]))
        .expect("valid settings");
        assert_eq!(settings.app_table, "app");
        assert_eq!(settings.audit_table, "audit");
        assert_eq!(settings.audit_retention.as_secs(), 3000 * 86_400);
        assert_eq!(settings.cursor_signing_secret, CURSOR_ARN);
        assert_eq!(settings.code_hashing_secret, CODE_ARN);
    }

    #[test]
    fn names_every_missing_variable() {
        let err = Settings::from_lookup(lookup(&[("AUDIT_TABLE", "audit")])).unwrap_err();
        let text = err.to_string();
        assert_eq!(
            format!("{err:?}"),
            text,
            "main prints Debug: it must read as the message"
        );
        assert!(text.contains("APP_TABLE is not set"), "{text}");
        assert!(
            text.contains("CURSOR_SIGNING_SECRET_ARN is not set"),
            "{text}"
        );
        assert!(
            text.contains("CODE_HASHING_SECRET_ARN is not set"),
            "{text}"
        );
        assert!(!text.contains("AUDIT_TABLE is not set"), "{text}");
    }

    fn with(extra: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut pairs = vec![
            ("APP_TABLE", "app"),
            ("AUDIT_TABLE", "audit"),
            ("CURSOR_SIGNING_SECRET_ARN", CURSOR_ARN),
            ("CODE_HASHING_SECRET_ARN", CODE_ARN),
        ];
        pairs.extend_from_slice(extra);
        Settings::from_lookup(lookup(&pairs))
    }

    #[test]
    fn refresh_intervals_default_and_stay_within_their_bounds() {
        /// A setting, where it lands, its default, good values and what they give, bad values.
        type Case = (
            &'static str,
            fn(&Settings) -> Duration,
            u64,
            &'static [(&'static str, u64)],
            &'static [&'static str],
        );
        let cases: [Case; 3] = [
            (
                "FEATURE_SWITCH_REFRESH_SECONDS",
                |s| s.feature_switch_refresh,
                60,
                &[("0", 0), ("300", 300), (" 15 ", 15)],
                &["301", "-1", "a minute", ""],
            ),
            (
                "REVOCATION_REFRESH_SECONDS",
                |s| s.revocation_refresh,
                10,
                &[("0", 0), ("1", 1), ("300", 300)],
                &["301", "-1", "ten", ""],
            ),
            (
                "SECRET_REFRESH_SECONDS",
                |s| s.secret_refresh,
                300,
                &[("1", 1), ("3600", 3600)],
                &["0", "3601", "five minutes", ""],
            ),
        ];
        for (name, field, default, good, bad) in cases {
            let settings = with(&[]).expect("valid");
            assert_eq!(field(&settings), Duration::from_secs(default), "{name}");
            for (raw, seconds) in good {
                let settings = with(&[(name, raw)]).expect("valid");
                assert_eq!(
                    field(&settings),
                    Duration::from_secs(*seconds),
                    "{name}={raw}"
                );
            }
            for raw in bad {
                let error = with(&[(name, raw)]).unwrap_err();
                assert_eq!(error.problems.len(), 1, "{name}={raw}: {error}");
                assert!(error.to_string().contains(name), "{name}={raw}: {error}");
            }
        }
    }

    #[test]
    fn the_practice_zone_is_optional_and_checked() {
        assert!(with(&[]).expect("valid").practice_zone.is_none());
        let zoned = with(&[("PRACTICE_TIME_ZONE", "America/Chicago")]).expect("valid");
        assert_eq!(
            zoned.practice_zone.map(|zone| zone.name).as_deref(),
            Some("America/Chicago")
        );
        assert!(with(&[("PRACTICE_TIME_ZONE", "Mars/Olympus")]).is_err());
    }

    #[test]
    fn user_pool_settings_name_every_missing_variable() {
        let error = UserPoolSettings::from_lookup(|_| None).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("USER_POOL_ID is not set"), "{text}");
        assert!(text.contains("USER_POOL_CLIENT_ID is not set"), "{text}");
        let settings =
            UserPoolSettings::from_lookup(|name| Some(format!("{name}-value"))).expect("settings");
        assert_eq!(settings.user_pool_id, "USER_POOL_ID-value");
    }

    #[test]
    fn refuses_missing_secrets_and_short_retention() {
        let err = Settings::from_lookup(lookup(&[
            ("APP_TABLE", "app"),
            ("AUDIT_TABLE", "audit"),
            ("CURSOR_SIGNING_SECRET_ARN", CURSOR_ARN),
            ("CODE_HASHING_SECRET_ARN", " "),
            ("AUDIT_RETENTION_DAYS", "30"),
        ]))
        .unwrap_err();
        assert_eq!(err.problems.len(), 2, "{err}");
    }
}
