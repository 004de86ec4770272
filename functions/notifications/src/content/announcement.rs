//! An announcement's own words, as the sender reads them from an outbox record: the practice's
//! news to a group (never about a patient), so unlike every other kind its title, text and
//! link are shown. They are still read defensively: a title is one line (it becomes the
//! subject), the text loses control characters, the link must be an https URL, and each is
//! cut to the support service's limits. Everything reaches the HTML escaped.

/// The support service's limits (`title` 1..=120, `body` 1..=2000, `link` ≤ 500).
pub const MAX_TITLE: usize = 120;
pub const MAX_BODY: usize = 2000;
pub const MAX_LINK: usize = 500;

/// The title as one line: controls and line breaks become spaces, runs of spaces one; `None`
/// when nothing is left.
pub fn title(raw: &str) -> Option<String> {
    let line: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let cut: String = line.chars().take(MAX_TITLE).collect();
    let cut = cut.trim().to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// The text without control characters (line breaks kept, `\r\n` read as one), cut to
/// [`MAX_BODY`]; `None` when nothing is left.
pub fn body(raw: &str) -> Option<String> {
    let clean: String = raw
        .replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' => '\n',
            '\t' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .take(MAX_BODY)
        .collect();
    let clean = clean.trim().to_owned();
    (!clean.is_empty()).then_some(clean)
}

/// The link if it is an https URL of at most [`MAX_LINK`] characters with no spaces or
/// controls; anything else is left out (the announcement is sent without it).
pub fn link(raw: Option<&str>) -> Option<String> {
    let raw = raw?.trim();
    let ok = raw.len() > "https://".len()
        && raw.len() <= MAX_LINK
        && raw
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| raw.to_owned())
}

/// The text's paragraphs: its non-blank lines, each trimmed (an email paragraph each).
pub fn paragraphs(body: &str) -> Vec<String> {
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_one_line_of_at_most_120_characters() {
        assert_eq!(
            title("  New\r\nBcc: x@example.org\tbooking  ").as_deref(),
            Some("New Bcc: x@example.org booking")
        );
        assert_eq!(title(" \n\u{7} ").as_deref(), None);
        let long = "é".repeat(200);
        assert_eq!(title(&long).map(|t| t.chars().count()), Some(MAX_TITLE));
    }

    #[test]
    fn a_body_keeps_its_lines_and_loses_its_controls() {
        assert_eq!(
            body("First line\r\n\r\nSecond\u{0}line\t!\n").as_deref(),
            Some("First line\n\nSecond line !")
        );
        assert_eq!(body(" \r\n ").as_deref(), None);
        assert_eq!(
            body(&"a".repeat(3000)).map(|b| b.chars().count()),
            Some(MAX_BODY)
        );
        assert_eq!(
            paragraphs("First line\n\n  Second line \n"),
            vec!["First line".to_owned(), "Second line".to_owned()]
        );
    }

    #[test]
    fn only_an_https_link_is_kept() {
        assert_eq!(
            link(Some(" https://example.org/news?a=1&b=2 ")).as_deref(),
            Some("https://example.org/news?a=1&b=2")
        );
        assert_eq!(
            link(Some("HTTPS://example.org")).as_deref(),
            Some("HTTPS://example.org")
        );
        for bad in [
            "http://example.org",
            "javascript:alert(1)",
            "https://",
            "https://exa mple.org",
            "https://example.org/\u{0}",
            "ftp://example.org",
            "",
        ] {
            assert_eq!(link(Some(bad)), None, "{bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_LINK));
        assert_eq!(link(Some(&long)), None);
        assert_eq!(link(None), None);
    }
}
