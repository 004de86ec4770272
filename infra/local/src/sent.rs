//! What the local stack's notification sender has sent: every email SES accepted and every
//! text SNS accepted, as the emulator keeps them (`portal-local outbox`, `make outbox`).

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize)]
pub struct Email {
    pub source: String,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub destinations: Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Text {
    pub phone_number: String,
    pub message: String,
}

/// Everything sent so far, oldest first.
pub async fn read(endpoint: &str) -> Result<(Vec<Email>, Vec<Text>)> {
    let url = format!("{endpoint}/moto-api/data.json");
    let data: Value = reqwest::get(&url)
        .await
        .with_context(|| format!("cannot reach the emulator at {endpoint}"))?
        .json()
        .await
        .context("the emulator's data is not JSON")?;
    let emails = serde_json::from_value(data.pointer("/ses/Message").cloned().unwrap_or_default())
        .context("the emulator's emails")?;
    let texts = serde_json::from_value(data.pointer("/sns/SMS").cloned().unwrap_or_default())
        .context("the emulator's texts")?;
    Ok((emails, texts))
}

/// A readable listing: each email's recipients, subject and text (tags stripped), each text.
pub fn render(emails: &[Email], texts: &[Text]) -> String {
    let mut out = String::new();
    for email in emails {
        let to = email
            .destinations
            .get("ToAddresses")
            .and_then(Value::as_array)
            .map(|to| {
                to.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "EMAIL  from {}  to {to}\n  Subject: {}\n{}\n\n",
            email.source,
            email.subject,
            indent(&strip_tags(&email.body))
        ));
    }
    for text in texts {
        out.push_str(&format!(
            "TEXT   to {}\n{}\n\n",
            text.phone_number,
            indent(&text.message)
        ));
    }
    if out.is_empty() {
        out.push_str("Nothing has been sent yet.\n");
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| format!("  | {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Good enough for reading our own templates in a terminal: tags become line breaks.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push('\n');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_emails_and_texts_readably() {
        let emails = vec![Email {
            source: "portal@example.org".into(),
            subject: "New message".into(),
            body: "<p>You have a new message &amp; more.</p><p><a href=\"x\">Open</a></p>".into(),
            destinations: serde_json::json!({"ToAddresses": ["a@b.test"]}),
        }];
        let texts = vec![Text {
            phone_number: "+15555550100".into(),
            message: "An earlier time is held for you.".into(),
        }];
        let out = render(&emails, &texts);
        assert!(out.contains("EMAIL  from portal@example.org  to a@b.test"));
        assert!(out.contains("  | You have a new message & more."));
        assert!(out.contains("TEXT   to +15555550100"));
        assert_eq!(render(&[], &[]), "Nothing has been sent yet.\n");
    }
}
