//! Optimistic locking: a mutable item carries a `version` number; its ETag is that number.
//! Updates send `If-Match` with the ETag they read, and the write is conditional on the
//! version still being the same (412 when it is not, 428 when If-Match is missing).

use crate::ApiError;
use crate::platform::http::Call;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64);

impl Version {
    pub const FIRST: Version = Version(1);

    pub fn next(self) -> Version {
        Version(self.0 + 1)
    }

    /// A strong entity tag: `"7"`.
    pub fn etag(self) -> String {
        format!("\"{}\"", self.0)
    }

    /// The version named by an `If-Match` header. Weak tags, lists and `*` cannot name one
    /// version, so they can never match (412): an update must say which version it changes.
    pub fn from_if_match(header: &str) -> Option<Version> {
        let tag = header.trim();
        let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
        inner.parse().ok().map(Version)
    }
}

/// The version the client's update is based on. Missing If-Match → 428; one that names no
/// version we could hold → 412, the same as a stale one.
pub fn required_if_match(call: &Call) -> Result<Version, ApiError> {
    let header = call
        .header_text("if-match")
        .map_err(|_| ApiError::PreconditionFailed)?
        .ok_or(ApiError::PreconditionRequired)?;
    Version::from_if_match(header).ok_or(ApiError::PreconditionFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_vague_tags() {
        let version = Version(7);
        assert_eq!(Version::from_if_match(&version.etag()), Some(version));
        assert_eq!(Version::from_if_match(" \"7\" "), Some(version));
        assert_eq!(Version::from_if_match("W/\"7\""), None);
        assert_eq!(Version::from_if_match("*"), None);
        assert_eq!(Version::from_if_match("7"), None);
        assert_eq!(Version::from_if_match("\"7\", \"8\""), None);
    }
}
