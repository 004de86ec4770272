//! The HTML of an email: a plain layout in which every inserted string is escaped.

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A title, paragraphs, one button (if there is one), small print, and an unsubscribe link if
/// there is one.
pub fn layout(
    lang: &str,
    title: &str,
    paragraphs: &[String],
    button: Option<(&str, &str)>,
    notes: &[&str],
    unsubscribe: Option<(&str, &str)>,
) -> String {
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;max-width:36em;margin:auto\">",
        escape(lang),
        escape(title)
    );
    for paragraph in paragraphs {
        html.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    if let Some((action, link)) = button {
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:.6em 1.2em;background:#1d4ed8;\
             color:#fff;text-decoration:none;border-radius:4px\">{}</a></p>",
            escape(link),
            escape(action)
        ));
    }
    html.push_str("<hr><p style=\"font-size:small;color:#555\">");
    let notes: Vec<String> = notes.iter().map(|note| escape(note)).collect();
    html.push_str(&notes.join("<br>"));
    if let Some((label, url)) = unsubscribe {
        html.push_str(&format!(
            "<br><a href=\"{}\">{}</a>",
            escape(url),
            escape(label)
        ));
    }
    html.push_str("</p></body></html>");
    html
}
