//! The languages notifications are written in.

use portal_shared::domain::person::LanguageTag;

/// English unless the person prefers Spanish (any `es` tag: `es`, `es-MX`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Es];

    /// The BCP 47 tag (the HTML's `lang`, so a screen reader speaks the right language).
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    /// The language of a BCP 47 tag (its primary subtag); anything unknown is English. `es_MX`
    /// counts too: OpenID's `locale` claim is often written with an underscore.
    pub fn of_tag(tag: Option<&str>) -> Language {
        let primary = tag
            .and_then(|tag| tag.split(['-', '_']).next())
            .map(str::to_ascii_lowercase);
        match primary.as_deref() {
            Some("es") => Language::Es,
            _ => Language::En,
        }
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
    }
}
