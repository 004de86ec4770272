//! Which language the patient reads topics in: `?lang=en|es`, else the first supported
//! language of `Accept-Language` (by preference), else English.

use portal_shared::ApiError;
use portal_shared::platform::http::Call;

use crate::library::topic::Language;

/// The language of the call; 422 naming `lang` for a language the library is not written in.
pub fn of_call(call: &Call) -> Result<Language, ApiError> {
    if let Some(raw) = call.query("lang") {
        return Language::parse(&raw).ok_or_else(|| ApiError::invalid("lang", "must be en or es"));
    }
    let header = call.header_text("accept-language").ok().flatten();
    Ok(header.and_then(preferred).unwrap_or_default())
}

/// The supported language the header prefers most (`es-MX, en;q=0.8` → es); ties keep the
/// header's order, `q=0` refuses a language.
pub fn preferred(header: &str) -> Option<Language> {
    let mut ranked: Vec<(u16, Language)> = header
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let language = Language::of_primary_subtag(parts.next()?.trim())?;
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let quality = (quality.clamp(0.0, 1.0) * 1000.0).round() as u16;
            (quality > 0).then_some((quality, language))
        })
        .collect();
    ranked.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
    ranked.first().map(|(_, language)| *language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_decides_by_preference() {
        assert_eq!(preferred("es-MX,es;q=0.9,en;q=0.8"), Some(Language::Es));
        assert_eq!(
            preferred("fr-FR, en-US;q=0.5, es;q=0.7"),
            Some(Language::Es)
        );
        assert_eq!(preferred("en-GB"), Some(Language::En));
        assert_eq!(preferred("EN"), Some(Language::En));
        assert_eq!(preferred("es;q=0, en;q=0.1"), Some(Language::En));
        assert_eq!(preferred("fr, de"), None);
        assert_eq!(preferred("*"), None);
        assert_eq!(preferred(""), None);
        assert_eq!(preferred("es;q=abc"), Some(Language::Es));
    }
}
