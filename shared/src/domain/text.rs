//! Plain text from clients (names, subjects, messages, reasons): what a field may hold so that
//! nothing a client could render as markup or that reorders or hides text on screen is stored.
//! One place decides it for every feature.

/// Characters no text may hold, whatever the field: they are invisible and either reorder the
/// text around them on screen (bidirectional embeddings, overrides and isolates: the "Trojan
/// Source" spoofing) or hide text from the reader while machines still read it (zero-width
/// space, word joiner and invisible operators, byte-order mark, tag characters).
fn spoofing(c: char) -> bool {
    matches!(c,
        '\u{202A}'..='\u{202E}'   // LRE, RLE, PDF, LRO, RLO
        | '\u{2066}'..='\u{2069}' // LRI, RLI, FSI, PDI
        | '\u{200B}'               // zero-width space
        | '\u{2060}'..='\u{2064}' // word joiner, invisible function application/times/separator/plus
        | '\u{206A}'..='\u{206F}' // deprecated format characters
        | '\u{FEFF}'               // byte-order mark (zero-width no-break space)
        | '\u{E0000}'..='\u{E007F}' // tag characters
    )
}

/// Invisible marks that only nudge the direction of neighbouring characters (ALM, LRM, RLM).
/// Writers of Arabic or Hebrew use them in running text, so a message may hold them; a
/// one-line label may not.
fn bidi_mark(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}')
}

/// Line and paragraph separators other than `\n`: NEL (U+0085), LINE SEPARATOR (U+2028),
/// PARAGRAPH SEPARATOR (U+2029), and a lone carriage return.
fn other_line_break(c: char) -> bool {
    matches!(c, '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// A character a one-line value (a name, a subject, a reason) may hold.
pub fn allowed_on_one_line(c: char) -> bool {
    !(c.is_control() || other_line_break(c) || bidi_mark(c) || spoofing(c))
}

/// A character multi-line text (a message, after its line breaks became `\n`) may hold.
pub fn allowed_in_lines(c: char) -> bool {
    !((c.is_control() && c != '\n' && c != '\t') || spoofing(c))
}

/// Plain text, trimmed and within a length limit.
///
/// - Message bodies (`multi_line`): every line break becomes `\n` (CR LF, CR, NEL, U+2028,
///   U+2029); tabs stay; other control characters are refused, and so are the spoofing
///   characters ([`spoofing`]). Bidirectional marks and the zero-width (non-)joiner, which
///   scripts and emoji need, are kept.
/// - One-line values (subjects): no control character and no line or paragraph separator at
///   all, nor any bidirectional mark or spoofing character.
///
/// The zero-width non-joiner and joiner (U+200C, U+200D) are accepted in both: Persian and
/// Indic scripts and emoji sequences need them, and they cannot reorder text.
pub fn plain_text(raw: &str, max_chars: usize, multi_line: bool) -> Result<String, String> {
    let text: String = if multi_line {
        raw.replace("\r\n", "\n")
            .chars()
            .map(|c| if other_line_break(c) { '\n' } else { c })
            .collect()
    } else {
        raw.to_owned()
    };
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    let allowed = if multi_line {
        allowed_in_lines
    } else {
        allowed_on_one_line
    };
    if !text.chars().all(allowed) {
        return Err(if multi_line {
            "must be plain text: no control characters except line breaks and tabs, and no \
             invisible characters that reorder or hide text"
                .into()
        } else {
            "must be plain text on one line: no control characters, line or paragraph \
             separators, bidirectional marks or invisible characters that reorder or hide text"
                .into()
        });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What reorders or hides text: refused everywhere.
    const SPOOFING: [char; 14] = [
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{2060}',
        '\u{2064}',
        '\u{200B}',
        '\u{FEFF}',
        '\u{E0041}',
    ];

    #[test]
    fn one_line_values_refuse_separators_bidi_marks_and_spoofing() {
        let one_line_only = [
            '\u{2028}', '\u{2029}', '\u{0085}', '\u{061C}', '\u{200E}', '\u{200F}', '\t', '\r',
            '\n',
        ];
        for c in SPOOFING.into_iter().chain(one_line_only) {
            let raw = format!("invoice{c}2024");
            assert!(plain_text(&raw, 100, false).is_err(), "U+{:04X}", c as u32);
        }
        // Real writing stays possible: accents, right-to-left scripts, joiners, emoji.
        for good in [
            "Café bill",
            "سؤال عن الفاتورة",
            "می\u{200C}خواهم",
            "Nurse \u{1F469}\u{200D}\u{2695}\u{FE0F}",
        ] {
            assert!(plain_text(good, 100, false).is_ok(), "{good:?} refused");
        }
    }

    #[test]
    fn lines_keep_breaks_and_bidi_marks_and_refuse_spoofing_and_controls() {
        for separator in ["\r\n", "\r", "\u{0085}", "\u{2028}", "\u{2029}"] {
            let text = plain_text(&format!("one{separator}two"), 100, true).expect("valid");
            assert_eq!(text, "one\ntwo", "{separator:?}");
        }
        for good in [
            "a\tb",
            "\u{05E9}\u{05DC}\u{05D5}\u{05DD} 10 mg\u{200F}",
            "x\u{061C}y",
            "a\u{200D}b",
        ] {
            assert!(plain_text(good, 100, true).is_ok(), "{good:?} refused");
        }
        for c in SPOOFING.into_iter().chain(['\u{7}', '\u{1B}']) {
            let raw = format!("take 1{c}0 tablets");
            assert!(plain_text(&raw, 100, true).is_err(), "U+{:04X}", c as u32);
        }
    }
}

/// Anything that may hold PHI (a visit's reason, a check-in's contact details, free text from a
/// patient): serialised as the value itself, but `Debug` never prints it, so it cannot reach
/// a log through `{:?}` or an error's context. The one redacting wrapper; value types that
/// parse (names, emails) redact their own `Debug` the same way.
#[derive(Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T>(pub T);

impl<T> Sensitive<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Sensitive<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Sensitive(value)
    }
}

impl<T> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod sensitive_tests {
    use super::Sensitive;

    #[test]
    fn debug_never_shows_the_value_and_serde_does() {
        let reason = Sensitive("chest pain".to_owned());
        assert_eq!(format!("{reason:?}"), "<redacted>");
        assert_eq!(
            serde_json::to_string(&reason).expect("json"),
            "\"chest pain\""
        );
        let back: Sensitive<String> = serde_json::from_str("\"x\"").expect("json");
        assert_eq!(back.as_str(), "x");
    }
}
