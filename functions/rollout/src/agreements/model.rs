//! What an agreement is, what an acceptance is, and who must accept what.

use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// The agreements the portal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgreementKind {
    /// The practice's terms of use: every account.
    TermsOfUse,
    /// The beta terms: patients in a cohort marked beta (they agree to be asked for feedback).
    BetaTerms,
}

impl AgreementKind {
    /// In the order the app shows them.
    pub const ALL: [AgreementKind; 2] = [AgreementKind::TermsOfUse, AgreementKind::BetaTerms];

    /// The slug in paths, bodies and keys.
    pub fn slug(self) -> &'static str {
        match self {
            AgreementKind::TermsOfUse => "terms-of-use",
            AgreementKind::BetaTerms => "beta-terms",
        }
    }

    pub fn parse(raw: &str) -> Option<AgreementKind> {
        Self::ALL.into_iter().find(|kind| kind.slug() == raw)
    }

    /// Whether a caller must accept this kind: the terms of use everyone; the beta terms a
    /// patient in a beta cohort (never a caregiver or staff member for their own sign-in).
    pub fn applies(self, beta_patient: bool) -> bool {
        match self {
            AgreementKind::TermsOfUse => true,
            AgreementKind::BetaTerms => beta_patient,
        }
    }
}

/// One published version, as stored (the current item and the kept copy alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    pub kind: AgreementKind,
    /// 1, 2, ...: each publication is the previous version + 1.
    pub version: u64,
    pub title: String,
    pub body: String,
    pub published_at: Timestamp,
    pub published_by: UserSub,
}

/// The version of one kind an account last accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Acceptance {
    pub kind: AgreementKind,
    pub version: u64,
    pub accepted_at: Timestamp,
}

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;

/// `PUT /rollout/agreements/{kind}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Publication {
    pub title: String,
    pub body: String,
    /// The version the lead means to publish (the current + 1); optional. When given and not
    /// the next version (someone published meanwhile), nothing is published (409).
    #[serde(default)]
    pub version: Option<u64>,
}

/// A publication whose fields passed their checks.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedPublication {
    pub title: String,
    pub body: String,
    pub version: Option<u64>,
}

impl Publication {
    /// Title: plain text on one line, 1–200 characters; body: plain text with line breaks,
    /// 1–20,000 characters; version at least 1. Every failing field is named.
    pub fn checked(self) -> Result<CheckedPublication, ApiError> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", plain_text(&self.title, MAX_TITLE_CHARS, false));
        let body = errors.check("body", plain_text(&self.body, MAX_BODY_CHARS, true));
        if self.version == Some(0) {
            errors.add("version", "must be 1 or more");
        }
        errors.finish()?;
        match (title, body) {
            (Some(title), Some(body)) => Ok(CheckedPublication {
                title,
                body,
                version: self.version,
            }),
            _ => Err(ApiError::internal("checked fields missing")),
        }
    }
}

/// `POST /account/agreements/{kind}/acceptance`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AcceptanceRequest {
    /// The version the caller read and accepts: it must be the current one.
    pub version: u64,
}

/// One agreement as the caller sees it at sign-in.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyAgreement {
    pub kind: AgreementKind,
    /// The current version, which is the one to accept.
    pub version: u64,
    pub title: String,
    pub body: String,
    pub published_at: Timestamp,
    pub accepted_version: Option<u64>,
    pub accepted_at: Option<Timestamp>,
    /// True until the caller accepts the current version.
    pub pending: bool,
}

impl MyAgreement {
    pub fn new(current: Agreement, accepted: Option<&Acceptance>) -> Self {
        let accepted_version = accepted.map(|a| a.version);
        MyAgreement {
            kind: current.kind,
            pending: accepted_version != Some(current.version),
            version: current.version,
            title: current.title,
            body: current.body,
            published_at: current.published_at,
            accepted_version,
            accepted_at: accepted.map(|a| a.accepted_at),
        }
    }
}

/// The next version to publish after `current`.
pub fn next_version(current: Option<&Agreement>) -> u64 {
    current.map_or(1, |agreement| agreement.version + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::platform::http::parse_json;

    fn agreement(version: u64) -> Agreement {
        Agreement {
            kind: AgreementKind::TermsOfUse,
            version,
            title: "Terms".into(),
            body: "Be kind.".into(),
            published_at: Timestamp::now(),
            published_by: UserSub::parse("lead").expect("sub"),
        }
    }

    #[test]
    fn kinds_round_trip_through_their_slugs() {
        for kind in AgreementKind::ALL {
            assert_eq!(AgreementKind::parse(kind.slug()), Some(kind));
            let json = serde_json::to_value(kind).expect("serialises");
            assert_eq!(json, kind.slug());
        }
        assert_eq!(AgreementKind::parse("Terms-Of-Use"), None);
        assert_eq!(AgreementKind::parse("privacy"), None);
    }

    #[test]
    fn beta_terms_apply_to_beta_patients_only() {
        assert!(AgreementKind::TermsOfUse.applies(false));
        assert!(AgreementKind::TermsOfUse.applies(true));
        assert!(!AgreementKind::BetaTerms.applies(false));
        assert!(AgreementKind::BetaTerms.applies(true));
    }

    #[test]
    fn pending_until_the_current_version_is_accepted() {
        let never = MyAgreement::new(agreement(2), None);
        assert!(never.pending);
        assert_eq!(never.accepted_version, None);
        let old = Acceptance {
            kind: AgreementKind::TermsOfUse,
            version: 1,
            accepted_at: Timestamp::now(),
        };
        let stale = MyAgreement::new(agreement(2), Some(&old));
        assert!(stale.pending);
        assert_eq!(stale.accepted_version, Some(1));
        let current = Acceptance { version: 2, ..old };
        assert!(!MyAgreement::new(agreement(2), Some(&current)).pending);
        assert_eq!(next_version(None), 1);
        assert_eq!(next_version(Some(&agreement(4))), 5);
    }

    #[test]
    fn a_publication_names_each_bad_field() {
        let request: Publication =
            parse_json(br#"{"title":"two\nlines","body":"  ","version":0}"#).expect("parses");
        match request.checked() {
            Err(ApiError::Invalid(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["title", "body", "version"]);
            }
            other => panic!("expected invalid fields, got {other:?}"),
        }
        let long: Publication = parse_json(
            serde_json::json!({"title": "T", "body": "x".repeat(MAX_BODY_CHARS + 1)})
                .to_string()
                .as_bytes(),
        )
        .expect("parses");
        assert!(long.checked().is_err());
        let good: Publication =
            parse_json(br#"{"title":" Terms of use ","body":"Line one\r\nLine two"}"#)
                .expect("parses");
        let checked = good.checked().expect("valid");
        assert_eq!(checked.title, "Terms of use");
        assert_eq!(checked.body, "Line one\nLine two");
        assert_eq!(checked.version, None);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let refused = parse_json::<Publication>(br#"{"title":"T","body":"B","kind":"x"}"#);
        assert!(matches!(refused, Err(ApiError::Invalid(_))));
        let refused = parse_json::<AcceptanceRequest>(br#"{"version":"1"}"#);
        assert!(matches!(refused, Err(ApiError::Invalid(_))));
    }
}
