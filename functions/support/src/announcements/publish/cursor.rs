//! Where the publisher resumes an announcement's audience: which part of it (the staff
//! audience's n-th role; 0 for every other audience) and the page in it (a Cognito pagination
//! token, or the sort key of the last cohort member told). Kept on the announcement as JSON
//! (`AnnouncementStore::save_cursor`). Only a shortcut: every recipient's marker is what stops
//! a second telling, so a cursor that cannot be read starts the audience over.

use portal_shared::ApiError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(default)]
    pub part: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl Cursor {
    /// The saved cursor; the start when there is none or it cannot be read.
    pub fn read(saved: Option<&str>) -> Cursor {
        saved
            .and_then(|raw| serde_json::from_str(raw).ok())
            .unwrap_or_default()
    }

    pub fn to_saved(&self) -> Result<String, ApiError> {
        serde_json::to_string(self).map_err(ApiError::internal)
    }

    /// The first page of the part after this one, if the audience has one.
    pub fn next_part(&self, parts: usize) -> Option<Cursor> {
        let part = self.part + 1;
        (part < parts).then_some(Cursor { part, next: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_an_unreadable_one_starts_over() {
        let cursor = Cursor {
            part: 2,
            next: Some("token/with+chars==".into()),
        };
        let saved = cursor.to_saved().expect("saved");
        assert_eq!(Cursor::read(Some(&saved)), cursor);
        assert_eq!(Cursor::read(None), Cursor::default());
        assert_eq!(Cursor::read(Some("not json")), Cursor::default());
        assert_eq!(Cursor::read(Some("{}")), Cursor::default());
        assert_eq!(
            Cursor::default().to_saved().expect("saved"),
            r#"{"part":0}"#
        );
    }

    #[test]
    fn the_next_part_is_the_next_role_while_there_is_one() {
        let first = Cursor::default();
        assert_eq!(
            first.next_part(3),
            Some(Cursor {
                part: 1,
                next: None
            })
        );
        let last = Cursor {
            part: 2,
            next: Some("t".into()),
        };
        assert_eq!(last.next_part(3), None);
        assert_eq!(first.next_part(1), None);
    }
}
