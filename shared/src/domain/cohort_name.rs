//! A cohort's name (`beta-1`): a slug that is also the cohort's id, in keys and URL paths.
//! The cohorts themselves are `features::cohort`'s; the name is a domain value so that the key
//! module can name a cohort's items without depending on the feature.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A cohort's name, which is also its id: lower-case letters, digits and single hyphens, 1–40
/// characters, starting with a letter (`beta-1`). Safe in a key and in a URL path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CohortName(String);

impl CohortName {
    pub const MAX_LEN: usize = 40;
    /// Names no cohort may take: the adoption figures count every patient under `all`.
    pub const RESERVED: &'static [&'static str] = &["all"];

    pub fn parse(raw: &str) -> Result<CohortName, &'static str> {
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let starts_with_letter = raw.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if raw.is_empty() || raw.len() > Self::MAX_LEN {
            Err("must be 1 to 40 characters")
        } else if !ok_chars || !starts_with_letter || raw.ends_with('-') || raw.contains("--") {
            Err("must be lower-case letters, digits and single hyphens, starting with a letter")
        } else if Self::RESERVED.contains(&raw) {
            Err("is reserved: `all` names every patient in the adoption figures")
        } else {
            Ok(CohortName(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CohortName {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        CohortName::parse(&raw)
    }
}

impl From<CohortName> for String {
    fn from(name: CohortName) -> String {
        name.0
    }
}

impl fmt::Display for CohortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_slugs() {
        for good in ["beta-1", "wave-2", "a", "pilot-clinic-b"] {
            assert!(CohortName::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "all",
            "Beta",
            "1beta",
            "beta-",
            "be--ta",
            "beta 1",
            "beta#1",
            &"a".repeat(41),
        ] {
            assert!(CohortName::parse(bad).is_err(), "{bad}");
        }
    }
}
