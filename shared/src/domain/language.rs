//! The languages the portal writes in for patients: English and Spanish. Notifications, health
//! education and the web app's catalogues all speak these two.

use serde::{Deserialize, Serialize};

use crate::domain::person::LanguageTag;

/// English unless Spanish is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Es];

    /// Exactly `en` or `es` (any case, surrounding spaces ignored); `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "es" => Some(Language::Es),
            _ => None,
        }
    }

    /// The BCP 47 tag (the HTML's `lang`, so a screen reader speaks the right language).
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    /// The language of a BCP 47 tag (its primary subtag); `None` for a language the portal does
    /// not write in. `es_MX` counts too: OpenID's `locale` claim is often written with an
    /// underscore.
    pub fn of_primary_subtag(tag: &str) -> Option<Language> {
        Language::parse(tag.split(['-', '_']).next().unwrap_or_default())
    }

    /// The language of a BCP 47 tag; anything unknown (or none) is English.
    pub fn of_tag(tag: Option<&str>) -> Language {
        tag.and_then(Language::of_primary_subtag)
            .unwrap_or_default()
    }

    pub fn of_profile(tag: Option<&LanguageTag>) -> Language {
        Language::of_tag(tag.map(LanguageTag::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_tags_read_as_spanish_and_the_rest_as_english() {
        assert_eq!(Language::of_tag(Some("es")), Language::Es);
        assert_eq!(Language::of_tag(Some("es-MX")), Language::Es);
        assert_eq!(Language::of_tag(Some("ES")), Language::Es);
        assert_eq!(Language::of_tag(Some("es_ES")), Language::Es);
        assert_eq!(Language::of_tag(Some("en-US")), Language::En);
        assert_eq!(Language::of_tag(Some("fr")), Language::En);
        assert_eq!(Language::of_tag(None), Language::En);
        assert_eq!(Language::of_primary_subtag("fr-CA"), None);
    }

    #[test]
    fn only_en_and_es_parse() {
        assert_eq!(Language::parse(" ES "), Some(Language::Es));
        assert_eq!(Language::parse("en"), Some(Language::En));
        assert_eq!(Language::parse("es-MX"), None);
        assert_eq!(Language::parse(""), None);
        assert_eq!(
            serde_json::to_string(&Language::Es).ok().as_deref(),
            Some("\"es\"")
        );
    }
}
