//! The password policy, the same as the user pool's (`template.yaml`, `UserPool.Policies`):
//! checked here so the patient learns what is wrong before anything is created.

/// A password as sent; never logged or shown.
#[derive(Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

pub const MIN_LENGTH: usize = 12;
/// Cognito's own limit.
pub const MAX_LENGTH: usize = 256;
/// The symbols Cognito counts as such.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

impl Password {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the policy misses, as one message; `Ok` when it meets it.
    pub fn check(&self) -> Result<(), String> {
        let text = &self.0;
        let length = text.chars().count();
        let mut missing = Vec::new();
        if length < MIN_LENGTH {
            missing.push(format!("at least {MIN_LENGTH} characters"));
        }
        if !text.chars().any(|c| c.is_ascii_uppercase()) {
            missing.push("an upper-case letter".to_owned());
        }
        if !text.chars().any(|c| c.is_ascii_lowercase()) {
            missing.push("a lower-case letter".to_owned());
        }
        if !text.chars().any(|c| c.is_ascii_digit()) {
            missing.push("a digit".to_owned());
        }
        if !text.chars().any(|c| SYMBOLS.contains(c)) {
            missing.push("a symbol such as ! or -".to_owned());
        }
        if length > MAX_LENGTH {
            return Err(format!("must be at most {MAX_LENGTH} characters"));
        }
        if text.starts_with(' ') || text.ends_with(' ') {
            return Err("must not begin or end with a space".into());
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("needs {}", missing.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), String> {
        Password(text.to_owned()).check()
    }

    #[test]
    fn mirrors_the_pool_policy() {
        assert!(check("Demo-Portal-2026!").is_ok());
        assert!(check("Sh0rt-Pass!").unwrap_err().contains("12"));
        assert!(check("no-upper-case-2026").unwrap_err().contains("upper"));
        assert!(check("NO-LOWER-CASE-2026").unwrap_err().contains("lower"));
        assert!(check("No-Digits-At-All").unwrap_err().contains("digit"));
        assert!(check("NoSymbolsAtAll2026").unwrap_err().contains("symbol"));
        assert!(check(" Leading-Space-2026").is_err());
        assert!(!format!("{:?}", Password("Secret-2026!x".into())).contains("Secret"));
    }
}
