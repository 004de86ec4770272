//! The size of a function's deployment zip: its binary alone in a zip, as `cargo lambda build`
//! packs `bootstrap`. Made with the `zip` program (deflate, its default level).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, ensure};

/// Bytes of the zip of `binary`, written to `out` (replaced).
pub fn zipped_bytes(binary: &Path, out: &Path) -> Result<u64> {
    if out.exists() {
        std::fs::remove_file(out).with_context(|| format!("removing {}", out.display()))?;
    }
    let status = Command::new("zip")
        .arg("-q")
        .arg("-j")
        .arg("-X")
        .arg(out)
        .arg(binary)
        .status()
        .context("running `zip` (install it: apt-get install zip)")?;
    ensure!(
        status.success(),
        "zip {} failed: {status}",
        binary.display()
    );
    Ok(std::fs::metadata(out)?.len())
}
