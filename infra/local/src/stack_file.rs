//! `.portal-local/stack.json`: how to reach a running local stack, for other processes
//! (`portal-local token`, scripts, the README's curl examples).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::seed::DemoUser;
use crate::stack::Stack;
use crate::template::workspace_root;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackFile {
    pub api_url: String,
    pub aws_endpoint: String,
    pub region: String,
    pub prefix: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    /// Physical table names by logical id.
    pub tables: BTreeMap<String, String>,
    #[serde(default)]
    pub users: Vec<DemoUser>,
}

impl StackFile {
    pub fn new(stack: &Stack, api_url: &str, users: Vec<DemoUser>) -> StackFile {
        StackFile {
            api_url: api_url.to_owned(),
            aws_endpoint: stack.endpoint.clone(),
            region: stack.region.clone(),
            prefix: stack.prefix.clone(),
            user_pool_id: stack.user_pool_id.clone(),
            user_pool_client_id: stack.user_pool_client_id.clone(),
            tables: stack.tables.clone(),
            users,
        }
    }

    /// `.portal-local/stack.json` in the workspace root.
    pub fn default_path() -> PathBuf {
        workspace_root().join(".portal-local/stack.json")
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let json = serde_json::to_string_pretty(self)?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))
    }

    pub fn read(path: &Path) -> Result<StackFile> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read {}: is `portal-local up` running?",
                path.display()
            )
        })?;
        serde_json::from_str(&text).with_context(|| format!("{} is malformed", path.display()))
    }

    /// A demo user by email, role (`frontdesk`, `patient2`), or group (`front-desk`: its first
    /// member); `patient` is the first patient.
    pub fn find_user(&self, who: &str) -> Option<&DemoUser> {
        let who = who.trim();
        let first = format!("{who}1");
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(who))
            .or_else(|| self.users.iter().find(|u| u.role.eq_ignore_ascii_case(who)))
            .or_else(|| {
                self.users
                    .iter()
                    .find(|u| u.role.eq_ignore_ascii_case(&first))
            })
            .or_else(|| {
                self.users
                    .iter()
                    .find(|u| u.groups.iter().any(|g| g.eq_ignore_ascii_case(who)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: &str, email: &str, group: &str) -> DemoUser {
        DemoUser {
            role: role.into(),
            email: email.into(),
            password: "pw".into(),
            groups: vec![group.into()],
            patient_id: None,
            sub: Some(format!("{role}-sub")),
            totp_secret: None,
        }
    }

    #[test]
    fn finds_users_by_email_role_or_group_and_round_trips() -> Result<()> {
        let file = StackFile {
            api_url: "http://127.0.0.1:3000".into(),
            aws_endpoint: "http://127.0.0.1:5000".into(),
            region: "us-east-1".into(),
            prefix: "portal".into(),
            user_pool_id: "us-east-1_x".into(),
            user_pool_client_id: "c".into(),
            tables: BTreeMap::from([("AppTable".into(), "portal-AppTable".into())]),
            users: vec![
                user("frontdesk", "frontdesk@demo.portal.test", "front-desk"),
                user("patient1", "ana@demo.portal.test", "patients"),
                user("patient2", "ben@demo.portal.test", "patients"),
            ],
        };
        let role = |who: &str| file.find_user(who).map(|u| u.role.as_str());
        assert_eq!(role("frontdesk"), Some("frontdesk"));
        assert_eq!(role("FrontDesk@demo.portal.test"), Some("frontdesk"));
        assert_eq!(role("front-desk"), Some("frontdesk"));
        assert_eq!(role("patients"), Some("patient1"));
        assert_eq!(role("patient"), Some("patient1"));
        assert_eq!(role("patient2"), Some("patient2"));
        assert_eq!(role("nobody"), None);

        let dir = std::env::temp_dir().join(format!("portal-local-{}", ulid::Ulid::generate()));
        let path = dir.join("stack.json");
        file.write(&path)?;
        assert_eq!(StackFile::read(&path)?, file);
        let text = std::fs::read_to_string(&path)?;
        assert!(text.contains("\"apiUrl\"") && text.contains("\"userPoolClientId\""));
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
