//! `.portal-local/functions.env`: what a function needs to run against the local stack outside
//! the local gateway, for `cargo lambda watch --env-file` (see `make watch`).
//!
//! `cargo lambda watch` gives every function of the workspace the same env file, so the
//! functions' resolved environments are merged into one; two functions that need different
//! values for one variable cannot share it, and that stops `portal-local up` rather than letting
//! one of them run misconfigured.
//!
//! cargo-lambda reads the file with the `env-file-reader` crate: `KEY=VALUE` lines, `#`
//! comments, values in single quotes taken literally except `\'` and `\n`. Every value is written
//! in single quotes (which `sh` reads literally too, so `set -a; . functions.env` works), and a
//! value that neither reader would give back unchanged (one holding `'`, `\` or a line break)
//! is refused.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use aws_credential_types::provider::ProvideCredentials;

use crate::stack::Stack;

/// The file name, next to the stack file.
pub const FILE_NAME: &str = "functions.env";

/// Where the env file of the stack described by `stack_file` goes: beside it.
pub fn path_beside(stack_file: &Path) -> PathBuf {
    stack_file.with_file_name(FILE_NAME)
}

/// One variable and where its value came from (for the conflict message).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    value: String,
    from: String,
}

/// The merged environment: every function's resolved variables, then the local stack's own.
/// Fails when two sources give one variable different values.
pub async fn for_stack(stack: &Stack) -> Result<BTreeMap<String, String>> {
    let mut sources = Vec::new();
    for function in &stack.template.functions {
        sources.push((
            function.logical_id.clone(),
            stack.env_for(&function.logical_id)?,
        ));
    }
    sources.push(("the local stack".to_owned(), local_aws_env(stack).await?));
    merge(sources)
}

/// Where the SDK finds the emulated AWS, with the local stack's own test credentials, and the
/// log level.
async fn local_aws_env(stack: &Stack) -> Result<HashMap<String, String>> {
    let credentials = stack
        .sdk
        .credentials_provider()
        .context("the local stack's SDK configuration has no credentials")?
        .provide_credentials()
        .await
        .context("the local stack's test credentials")?;
    Ok(HashMap::from([
        ("AWS_ENDPOINT_URL".to_owned(), stack.endpoint.clone()),
        ("AWS_REGION".to_owned(), stack.region.clone()),
        (
            "AWS_ACCESS_KEY_ID".to_owned(),
            credentials.access_key_id().to_owned(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY".to_owned(),
            credentials.secret_access_key().to_owned(),
        ),
        ("RUST_LOG".to_owned(), "info".to_owned()),
    ]))
}

/// Merges named environments into one. The same variable with the same value in several is
/// fine; with different values it is an error naming the variable and both sources (not the
/// values: they may be secrets).
pub fn merge(
    sources: impl IntoIterator<Item = (String, HashMap<String, String>)>,
) -> Result<BTreeMap<String, String>> {
    let mut merged: BTreeMap<String, Origin> = BTreeMap::new();
    for (from, env) in sources {
        // Sorted, so the error names the same variable on every run.
        let env: BTreeMap<String, String> = env.into_iter().collect();
        for (name, value) in env {
            match merged.get(&name) {
                Some(first) if first.value != value => bail!(
                    "{name} resolves to different values for {} and {from}, but `cargo lambda \
                     watch` gives every function one env file ({FILE_NAME}); give the variable \
                     one value in template.yaml or rename it in one function",
                    first.from
                ),
                Some(_) => {}
                None => {
                    merged.insert(
                        name,
                        Origin {
                            value,
                            from: from.clone(),
                        },
                    );
                }
            }
        }
    }
    Ok(merged.into_iter().map(|(k, o)| (k, o.value)).collect())
}

/// The file's text: a comment, then `KEY='value'` per variable, sorted by name.
pub fn render(vars: &BTreeMap<String, String>) -> Result<String> {
    let mut out = String::from(
        "# Written by `portal-local up` for `cargo lambda watch --env-file` (make watch);\n\
         # removed when the stack stops. Holds the stack's generated secrets: do not share.\n",
    );
    for (name, value) in vars {
        ensure!(
            is_name(name),
            "{name:?} is not a valid environment variable name"
        );
        ensure!(
            !value.contains(['\'', '\\', '\n', '\r']),
            "the value of {name} holds a quote, a backslash or a line break, which {FILE_NAME} \
             cannot carry unchanged"
        );
        writeln!(out, "{name}='{value}'")?;
    }
    Ok(out)
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Renders `vars` and writes them to `path` (creating its directory), readable by the owner
/// only where the platform has such permissions: the file holds the stack's secrets.
pub fn write(path: &Path, vars: &BTreeMap<String, String>) -> Result<()> {
    let text = render(vars)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn merges_equal_values_and_refuses_different_ones() -> Result<()> {
        let merged = merge([
            (
                "ProfileFunction".to_owned(),
                env(&[("APP_TABLE", "portal-AppTable"), ("RUST_LOG", "info")]),
            ),
            (
                "OtherFunction".to_owned(),
                env(&[("APP_TABLE", "portal-AppTable"), ("EXTRA", "1")]),
            ),
        ])?;
        assert_eq!(
            merged.keys().map(String::as_str).collect::<Vec<_>>(),
            ["APP_TABLE", "EXTRA", "RUST_LOG"]
        );

        let conflict = merge([
            ("ProfileFunction".to_owned(), env(&[("KEY", "secret-a")])),
            ("OtherFunction".to_owned(), env(&[("KEY", "secret-b")])),
        ]);
        let message = format!("{:#}", conflict.err().context("no conflict reported")?);
        assert!(
            message.contains("KEY")
                && message.contains("ProfileFunction")
                && message.contains("OtherFunction"),
            "{message}"
        );
        assert!(!message.contains("secret-"), "values leaked: {message}");
        Ok(())
    }

    #[test]
    fn renders_single_quoted_sorted_lines_and_refuses_what_it_cannot_quote() -> Result<()> {
        let vars = BTreeMap::from([
            ("RUST_LOG".to_owned(), "info".to_owned()),
            (
                "AWS_ENDPOINT_URL".to_owned(),
                "http://127.0.0.1:5000".to_owned(),
            ),
            ("SPACED".to_owned(), "a b=c #d".to_owned()),
            ("EMPTY".to_owned(), String::new()),
        ]);
        let text = render(&vars)?;
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            [
                "AWS_ENDPOINT_URL='http://127.0.0.1:5000'",
                "EMPTY=''",
                "RUST_LOG='info'",
                "SPACED='a b=c #d'",
            ]
        );

        for bad in ["it's", "C:\\x", "two\nlines"] {
            let vars = BTreeMap::from([("V".to_owned(), bad.to_owned())]);
            assert!(render(&vars).is_err(), "{bad:?} was accepted");
        }
        let vars = BTreeMap::from([("1BAD".to_owned(), "x".to_owned())]);
        assert!(render(&vars).is_err());
        Ok(())
    }

    #[test]
    fn sits_beside_the_stack_file() {
        assert_eq!(
            path_beside(Path::new("/w/.portal-local/stack.json")),
            Path::new("/w/.portal-local/functions.env")
        );
    }
}
