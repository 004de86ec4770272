//! The refills function's own settings, beyond the shared ones: how recent a visit must be,
//! the response targets (the `refill` one times the queue) and the practice's own source.

use portal_records::RecordsSettings;
use portal_records::model::Source;
use portal_records::sources::practice_source;
use portal_shared::platform::config::ConfigError;
use portal_shared::platform::response_targets::ResponseTargets;

/// The variable naming how recent a visit must be, in months (stack parameter
/// `RefillVisitMonths`).
pub const VISIT_MONTHS_VARIABLE: &str = "REFILL_VISIT_MONTHS";
/// Without the variable: a visit within the last year.
pub const DEFAULT_VISIT_MONTHS: u32 = 12;
/// The window's bounds (a month to five years).
pub const VISIT_MONTHS: std::ops::RangeInclusive<u32> = 1..=60;

#[derive(Debug, Clone)]
pub struct RefillSettings {
    /// A medication may be renewed online only after a visit with the practice within this
    /// many months.
    pub visit_months: u32,
    /// Response targets on the practice's calendar (`RESPONSE_TARGET_BUSINESS_DAYS`,
    /// `PRACTICE_TIME_ZONE`, `PRACTICE_HOLIDAYS`): a request is due after the `refill` one.
    pub targets: ResponseTargets,
    /// The practice's own source of records, as the records function computes it
    /// (`PRACTICE_NAME`, `PRACTICE_NPI`): its encounters are visits, its renewed
    /// prescriptions are written under it.
    pub practice: Source,
}

impl RefillSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Names every bad variable: the visit window, the targets and calendar, the practice.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let visit_months = visit_months(&lookup)
            .map_err(|problem| problems.push(problem))
            .ok();
        let targets = ResponseTargets::from_lookup(&lookup)
            .map_err(|error| problems.extend(error.problems))
            .ok();
        let practice = RecordsSettings::from_lookup(&lookup)
            .map_err(|error| problems.extend(error.problems))
            .ok();
        match (visit_months, targets, practice) {
            (Some(visit_months), Some(targets), Some(practice)) if problems.is_empty() => {
                Ok(RefillSettings {
                    visit_months,
                    targets,
                    practice: practice_source(
                        &practice.practice_name,
                        practice.practice_npi.as_deref(),
                    ),
                })
            }
            _ => Err(ConfigError { problems }),
        }
    }
}

fn visit_months(lookup: &impl Fn(&str) -> Option<String>) -> Result<u32, String> {
    match lookup(VISIT_MONTHS_VARIABLE).filter(|raw| !raw.trim().is_empty()) {
        None => Ok(DEFAULT_VISIT_MONTHS),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|months| VISIT_MONTHS.contains(months))
            .ok_or_else(|| {
                format!(
                    "{VISIT_MONTHS_VARIABLE} must be a whole number of months from {} to {}",
                    VISIT_MONTHS.start(),
                    VISIT_MONTHS.end()
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::platform::response_targets::{TARGETS_VARIABLE, TargetName};

    fn with(pairs: &[(&str, &str)]) -> Result<RefillSettings, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        RefillSettings::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    }

    const BASE: [(&str, &str); 3] = [
        ("PRACTICE_TIME_ZONE", "America/New_York"),
        (TARGETS_VARIABLE, "medical-question=2,refill=3"),
        ("PRACTICE_NAME", "Maple Street Family Practice"),
    ];

    #[test]
    fn defaults_and_the_practice_source() {
        let settings = with(&BASE).expect("valid");
        assert_eq!(settings.visit_months, 12);
        assert_eq!(settings.targets.days(TargetName::Refill), 3);
        assert_eq!(
            settings.practice,
            practice_source("Maple Street Family Practice", None)
        );
        let mut with_npi = BASE.to_vec();
        with_npi.push(("PRACTICE_NPI", "1234567893"));
        with_npi.push((VISIT_MONTHS_VARIABLE, "24"));
        let settings = with(&with_npi).expect("valid");
        assert_eq!(settings.visit_months, 24);
        assert_eq!(
            settings.practice,
            practice_source("Maple Street Family Practice", Some("1234567893"))
        );
    }

    #[test]
    fn the_visit_window_is_one_to_sixty_months() {
        for good in ["1", "60", " 12 "] {
            let mut env = BASE.to_vec();
            env.push((VISIT_MONTHS_VARIABLE, good));
            assert!(with(&env).is_ok(), "{good}");
        }
        for bad in ["0", "61", "-1", "a year", "1.5"] {
            let mut env = BASE.to_vec();
            env.push((VISIT_MONTHS_VARIABLE, bad));
            let error = with(&env).expect_err(bad);
            assert!(error.to_string().contains(VISIT_MONTHS_VARIABLE), "{bad}");
        }
    }

    #[test]
    fn every_missing_variable_is_named() {
        let error = with(&[(VISIT_MONTHS_VARIABLE, "0")]).expect_err("nothing set");
        let text = error.to_string();
        for name in [VISIT_MONTHS_VARIABLE, TARGETS_VARIABLE, "PRACTICE_NAME"] {
            assert!(text.contains(name), "{text}");
        }
    }
}
