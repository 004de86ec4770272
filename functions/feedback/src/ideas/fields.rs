//! The text of ideas, suggestions and decisions: plain text within the contract's limits
//! (`domain::text::plain_text`), each problem named by its field.

use portal_shared::domain::text::plain_text;
use portal_shared::platform::validation::FieldErrors;

/// An idea's or a suggestion's title: one line.
pub const MAX_TITLE_CHARS: usize = 120;
/// What it would do (line breaks allowed).
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Whom it would help, and how (line breaks allowed).
pub const MAX_BENEFIT_CHARS: usize = 500;
/// Why an idea or a suggestion was declined (line breaks allowed).
pub const MAX_REASON_CHARS: usize = 500;

/// The benefit of an idea made from a patient's suggestion, until the portal lead words it.
pub const SUGGESTED_BENEFIT: &str = "Suggested by a patient.";

pub fn title(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    errors.check("title", plain_text(raw, MAX_TITLE_CHARS, false))
}

pub fn description(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    errors.check("description", plain_text(raw, MAX_DESCRIPTION_CHARS, true))
}

pub fn benefit(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    errors.check("benefit", plain_text(raw, MAX_BENEFIT_CHARS, true))
}

/// A reason given with a decline, named `field` (`declineReason`, `reason`).
pub fn reason(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<String> {
    errors.check(field, plain_text(raw, MAX_REASON_CHARS, true))
}

/// A reason that must be given exactly when `declined`: `Some(text)` with a decline,
/// `None` otherwise; a missing or superfluous one is recorded in `errors`.
pub fn reason_iff_declined(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    declined: bool,
) -> Option<String> {
    match (raw, declined) {
        (Some(raw), true) => reason(errors, field, raw),
        (None, true) => {
            errors.add(field, "is required to decline");
            None
        }
        (Some(_), false) => {
            errors.add(field, "is only given to decline");
            None
        }
        (None, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_goes_with_a_decline_only() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            reason_iff_declined(&mut errors, "reason", Some("  Not now "), true).as_deref(),
            Some("Not now")
        );
        assert!(errors.is_empty());
        assert_eq!(
            reason_iff_declined(&mut errors, "reason", None, false),
            None
        );
        assert!(errors.is_empty());

        reason_iff_declined(&mut errors, "reason", None, true);
        reason_iff_declined(&mut errors, "declineReason", Some("x"), false);
        reason_iff_declined(&mut errors, "other", Some("   "), true);
        let fields: Vec<String> = errors.into_vec().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["reason", "declineReason", "other"]);
    }

    #[test]
    fn titles_are_one_line_within_the_limit() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            title(&mut errors, " Pay online ").as_deref(),
            Some("Pay online")
        );
        assert!(title(&mut errors, "two\nlines").is_none());
        assert!(title(&mut errors, &"x".repeat(MAX_TITLE_CHARS + 1)).is_none());
        assert!(description(&mut errors, "two\nlines are fine").is_some());
        assert_eq!(errors.into_vec().len(), 2);
    }
}
