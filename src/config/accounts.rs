//! `[[accounts]]`: the brand's own accounts on live platforms (Mastodon, Bluesky,
//! Twilio for SMS),
//! pulled by `rapport pull` and answered through. Secrets are never in the config:
//! only the name of an environment variable, or a command (no shell) whose standard
//! output is the secret. `rapport config` therefore never prints one.

use super::Problem;
use serde::{Deserialize, Serialize};

/// A live platform rapport can talk to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LivePlatform {
    #[default]
    Mastodon,
    Bluesky,
    Twilio,
}

impl LivePlatform {
    /// The platform name mentions and actions carry.
    pub fn as_str(self) -> &'static str {
        match self {
            LivePlatform::Mastodon => "mastodon",
            LivePlatform::Bluesky => "bluesky",
            LivePlatform::Twilio => "twilio",
        }
    }
}

/// One `[[accounts]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Account {
    /// How rapport names the account (`rapport pull NAME`); mentions carry it.
    pub name: String,
    pub platform: LivePlatform,
    /// `https://host` (plain `http://` only for this machine, for tests); Twilio's
    /// is https://api.twilio.com unless given.
    pub server: String,
    /// Bluesky: the account's handle (`northwind.bsky.social`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// Twilio: the Account SID (`AC` and 32 hex digits), the user of Basic auth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_sid: Option<String>,
    /// Twilio: our phone number in E.164 (`+15550100123`); texts to it are pulled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Mastodon and Twilio: the environment variable holding the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// Mastodon and Twilio: a program (and arguments) printing the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_command: Option<Vec<String>>,
    /// Bluesky: the environment variable holding an app password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// Bluesky: a program (and arguments) printing the app password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_command: Option<Vec<String>>,
    /// Seconds to wait for the server to connect or answer (default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// At most this many replies and likes per minute through this account (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_minute: Option<u32>,
}

/// Where an account's secret comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    Command(Vec<String>),
}

impl Account {
    /// Where the token (Mastodon) or app password (Bluesky) comes from; `validate`
    /// guarantees there is exactly one.
    pub fn secret_source(&self) -> Option<SecretSource> {
        let (env, command) = match self.platform {
            LivePlatform::Mastodon | LivePlatform::Twilio => (&self.token_env, &self.token_command),
            LivePlatform::Bluesky => (&self.password_env, &self.password_command),
        };
        match (env, command) {
            (Some(e), None) => Some(SecretSource::Env(e.clone())),
            (None, Some(c)) => Some(SecretSource::Command(c.clone())),
            _ => None,
        }
    }

    /// The connect and read timeout.
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.timeout_secs.unwrap_or(20))
    }

    /// The server's host (and port), for messages.
    pub fn host(&self) -> String {
        split_server(self.base())
            .map(|s| s.authority)
            .unwrap_or_else(|| self.base().to_string())
    }

    /// The server to talk to: `server`, or the platform's own when it has a single
    /// one (Twilio) and `server` is not given.
    pub fn base(&self) -> &str {
        match self.platform {
            LivePlatform::Twilio if self.server.trim().is_empty() => TWILIO_API,
            _ => &self.server,
        }
    }
}

/// Twilio's REST API (`server` replaces it in tests).
pub const TWILIO_API: &str = "https://api.twilio.com";

/// Whether `sid` is a Twilio Account SID: `AC` and 32 hex digits.
pub fn is_account_sid(sid: &str) -> bool {
    sid.len() == 34 && sid.starts_with("AC") && sid[2..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Whether `number` is a phone number in E.164: `+`, a first digit 1-9, at most 15 digits.
pub fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// The parts of a server URL rapport cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub scheme: String,
    /// host[:port], as written.
    pub authority: String,
    /// The host alone, without brackets or port.
    pub host: String,
}

/// Splits `scheme://host[:port][/]`; None when it is not that shape.
pub fn split_server(url: &str) -> Option<Server> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.trim_end_matches('/');
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split_once(']')?.0.to_string()
    } else {
        authority.split(':').next()?.to_string()
    };
    Some(Server {
        scheme: scheme.to_ascii_lowercase(),
        authority: authority.to_string(),
        host: host.to_ascii_lowercase(),
    })
}

/// Whether `host` is this machine: 127.0.0.0/8, ::1 or localhost.
pub fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "::1" {
        return true;
    }
    match host.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// Checks every `[[accounts]]` entry.
pub fn validate(accounts: &[Account]) -> Result<(), Problem> {
    for (i, a) in accounts.iter().enumerate() {
        let key = |leaf: &str| format!("accounts[{i}].{leaf}");
        let name = a.name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(Problem::new(
                key("name"),
                "must be a short name of letters, digits, '-', '_' or '.' (e.g. \"northwind\")",
            ));
        }
        if accounts[..i].iter().any(|b| b.name.trim() == name) {
            return Err(Problem::new(
                key("name"),
                format!("{name:?} names two accounts; give each its own name"),
            ));
        }
        let Some(server) = split_server(a.base()) else {
            return Err(Problem::new(
                key("server"),
                "must be the server's address, like \"https://mastodon.social\"",
            ));
        };
        match server.scheme.as_str() {
            "https" => {}
            "http" if is_loopback(&server.host) => {}
            "http" => {
                return Err(Problem::new(
                    key("server"),
                    format!(
                        "uses http:// for {}, which is not this machine: use https:// so the token never crosses the network in clear text",
                        server.host
                    ),
                ))
            }
            _ => {
                return Err(Problem::new(
                    key("server"),
                    "must start with https:// (http:// only for 127.0.0.1, ::1 or localhost)",
                ))
            }
        }
        let (secret, env, command, other_env, other_command) = match a.platform {
            LivePlatform::Mastodon | LivePlatform::Twilio => (
                "token",
                &a.token_env,
                &a.token_command,
                &a.password_env,
                &a.password_command,
            ),
            LivePlatform::Bluesky => (
                "password",
                &a.password_env,
                &a.password_command,
                &a.token_env,
                &a.token_command,
            ),
        };
        if other_env.is_some() || other_command.is_some() {
            let (wrong, right) = if secret == "token" {
                ("password", "token")
            } else {
                ("token", "password")
            };
            let leaf = if other_env.is_some() {
                format!("{wrong}_env")
            } else {
                format!("{wrong}_command")
            };
            return Err(Problem::new(
                key(&leaf),
                format!(
                    "is not used by {}: use {right}_env or {right}_command",
                    a.platform.as_str()
                ),
            ));
        }
        match (env, command) {
            (Some(_), Some(_)) => {
                return Err(Problem::new(
                    key(&format!("{secret}_command")),
                    format!("give either {secret}_env or {secret}_command, not both"),
                ))
            }
            (None, None) => {
                return Err(Problem::new(
                    key(&format!("{secret}_env")),
                    format!(
                        "is missing: name the environment variable holding the {secret} (e.g. \"RAPPORT_{}_{}\"), or give {secret}_command",
                        a.platform.as_str().to_ascii_uppercase(),
                        if secret == "token" { "TOKEN" } else { "APP_PASSWORD" }
                    ),
                ))
            }
            (Some(var), None) => {
                let valid = !var.is_empty()
                    && var.len() <= 100
                    && !var.starts_with(|c: char| c.is_ascii_digit())
                    && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    // Never echo it: it may be the secret itself pasted in.
                    return Err(Problem::new(
                        key(&format!("{secret}_env")),
                        format!(
                            "must be the NAME of an environment variable (letters, digits, '_'), not the {secret} itself"
                        ),
                    ));
                }
            }
            (None, Some(cmd)) => {
                if cmd.first().is_none_or(|p| p.trim().is_empty()) {
                    return Err(Problem::new(
                        key(&format!("{secret}_command")),
                        "is empty: name the program printing it, e.g. [\"pass\", \"show\", \"mastodon\"]",
                    ));
                }
            }
        }
        if a.platform == LivePlatform::Bluesky
            && a.handle.as_deref().is_none_or(|h| h.trim().is_empty())
        {
            return Err(Problem::new(
                key("handle"),
                "is missing: a Bluesky account needs its handle, e.g. \"northwind.bsky.social\"",
            ));
        }
        twilio_fields(a, &key)?;
        if a.timeout_secs == Some(0) || a.timeout_secs.is_some_and(|t| t > 600) {
            return Err(Problem::new(
                key("timeout_secs"),
                "must be from 1 to 600 seconds",
            ));
        }
        if a.per_minute == Some(0) {
            return Err(Problem::new(key("per_minute"), "must be at least 1"));
        }
    }
    Ok(())
}

/// A Twilio account's SID and number (required, well formed), and no one else's.
fn twilio_fields(a: &Account, key: &dyn Fn(&str) -> String) -> Result<(), Problem> {
    if a.platform != LivePlatform::Twilio {
        for (leaf, given) in [("account_sid", &a.account_sid), ("number", &a.number)] {
            if given.is_some() {
                return Err(Problem::new(
                    key(leaf),
                    format!(
                        "is not used by {}: only a twilio account has it",
                        a.platform.as_str()
                    ),
                ));
            }
        }
        return Ok(());
    }
    match a.account_sid.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(Problem::new(
                key("account_sid"),
                "is missing: a Twilio account needs its Account SID (Console → Account → API keys & tokens), e.g. \"AC0123456789abcdef0123456789abcdef\"",
            ))
        }
        // Never echoed: a token pasted here by mistake must not reach the screen.
        Some(sid) if !is_account_sid(sid) => {
            return Err(Problem::new(
                key("account_sid"),
                "must be the Account SID: AC followed by 32 hexadecimal digits (the auth token goes in token_env or token_command)",
            ))
        }
        Some(_) => {}
    }
    match a.number.as_deref().map(str::trim) {
        None | Some("") => Err(Problem::new(
            key("number"),
            "is missing: give our Twilio phone number in E.164, e.g. \"+15550100123\"",
        )),
        Some(n) if !is_e164(n) => Err(Problem::new(
            key("number"),
            format!(
                "{} is not a phone number in E.164: '+', the country code and the number, digits only (e.g. \"+15550100123\")",
                crate::domain::sanitize::shown(n)
            ),
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_sids_and_numbers() {
        assert!(is_account_sid("AC0123456789abcdef0123456789abcdef"));
        assert!(!is_account_sid("AC0123456789abcdef0123456789abcde"));
        assert!(!is_account_sid("SK0123456789abcdef0123456789abcdef"));
        assert!(!is_account_sid("AC0123456789abcdef0123456789abcdeg"));
        assert!(is_e164("+15550100123"));
        for n in [
            "15550100123",
            "+0555",
            "+1 555 0100",
            "+1234567890123456",
            "+1",
        ] {
            assert!(!is_e164(n), "{n}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for h in ["127.0.0.1", "127.8.9.10", "::1", "localhost"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "128.0.0.1",
            "example.com",
            "localhost.example.com",
            "10.0.0.1",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
        assert_eq!(split_server("http://[::1]:8080").unwrap().host, "::1");
        assert_eq!(
            split_server("https://mastodon.social/").unwrap().authority,
            "mastodon.social"
        );
        assert!(split_server("https://user:pw@host").is_none());
        assert!(split_server("mastodon.social").is_none());
    }
}
