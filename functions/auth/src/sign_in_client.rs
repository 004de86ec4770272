//! What "the same client" means for the new sign-in notice: the same user agent from the same
//! network (the /24 of an IPv4 address, the /48 of an IPv6 one), so a home router's new lease
//! or a phone moving between cells of one carrier is not a new client, while another browser
//! or another place is. Only a keyed hash of it is ever stored; it is never logged.

use std::net::IpAddr;

use portal_shared::ApiError;
use portal_shared::platform::cursor::CursorKeys;
use portal_shared::platform::http::Incoming;
use portal_shared::platform::secrets::CodeHasher;

/// The network a source address belongs to, as text (`203.0.113.0/24`, `2001:db8:1::/48`);
/// anything unreadable is one shared "unknown" network.
pub fn network_of(source_ip: Option<&str>) -> String {
    match source_ip.and_then(|ip| ip.trim().parse::<IpAddr>().ok()) {
        Some(IpAddr::V4(ip)) => {
            let [a, b, c, _] = ip.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        Some(IpAddr::V6(ip)) => {
            let [a, b, c, ..] = ip.segments();
            format!("{a:x}:{b:x}:{c:x}::/48")
        }
        None => "unknown".to_owned(),
    }
}

fn material(user_agent: Option<&str>, source_ip: Option<&str>) -> String {
    format!(
        "{}\n{}",
        user_agent.unwrap_or_default().trim(),
        network_of(source_ip)
    )
}

/// The keyed hash (HMAC-SHA256 with the code-hashing secret) of the client's user agent and
/// network: nobody without the secret can test a guess of either against the table.
#[cfg(test)]
fn client_hash(hasher: &CodeHasher, user_agent: Option<&str>, source_ip: Option<&str>) -> String {
    hasher.hash_hex(KNOWN_CLIENT, &material(user_agent, source_ip))
}

const KNOWN_CLIENT: &str = "known-client";

/// The hashes the client that sent `incoming` may be remembered under: under the secret's
/// current version first, then its previous one (a client remembered before a rotation is
/// still known after it), then the cursor secret's ids clients were remembered under before
/// the code-hashing secret existed (remove 90 days after that deploy: the runbook, section 9).
pub async fn client_of_request(
    hasher: &CodeHasher,
    cursor_keys: &CursorKeys,
    incoming: &Incoming,
) -> Result<Vec<String>, ApiError> {
    let material = material(
        incoming.user_agent().as_deref(),
        incoming.source_ip().as_deref(),
    );
    let mut hashes = hasher.lookup_hex(KNOWN_CLIENT, &material);
    hashes.extend(
        cursor_keys
            .legacy_keyed_ids(KNOWN_CLIENT, &material)
            .await?,
    );
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CodeHasher {
        CodeHasher::fixed(&[7u8; 32], None).expect("key")
    }

    #[test]
    fn networks_are_the_24_or_48_bit_prefix() {
        assert_eq!(network_of(Some("203.0.113.77")), "203.0.113.0/24");
        assert_eq!(
            network_of(Some("2001:db8:1:2::9")),
            network_of(Some("2001:db8:1:ffff::1"))
        );
        assert_eq!(network_of(Some("2001:db8:1:2::9")), "2001:db8:1::/48");
        assert_eq!(network_of(Some("not an address")), "unknown");
        assert_eq!(network_of(None), "unknown");
    }

    #[test]
    fn the_same_agent_on_the_same_network_is_the_same_client() {
        let ua = Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
        let home = client_hash(&key(), ua, Some("198.51.100.10"));
        assert_eq!(home, client_hash(&key(), ua, Some("198.51.100.200")));
        assert_ne!(home, client_hash(&key(), ua, Some("198.51.101.10")));
        assert_ne!(
            home,
            client_hash(&key(), Some("Safari/17"), Some("198.51.100.10"))
        );
        assert!(!home.contains("198.51") && !home.contains("Firefox"));
        let other_secret = CodeHasher::fixed(&[8u8; 32], None).expect("key");
        assert_ne!(home, client_hash(&other_secret, ua, Some("198.51.100.10")));
    }
}
