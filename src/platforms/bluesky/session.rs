//! A Bluesky session: `com.atproto.server.createSession` with the app password (at
//! most 30 per 5 minutes per account, so rarely), then its tokens reused and
//! renewed with `refreshSession`. The session (never the password) is cached in
//! the state folder, readable by the user only, so successive `rapport pull` runs
//! do not log in again.

use crate::config::accounts::Account;
use crate::platforms::http::Client;
use crate::platforms::{secret, PlatformError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::PathBuf;

/// The tokens of a session and who it is.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    #[serde(rename = "accessJwt")]
    pub access: String,
    #[serde(rename = "refreshJwt")]
    pub refresh: String,
    pub did: String,
    pub handle: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({}, {})", self.did, self.handle)
    }
}

/// Where the session of `account` is cached.
pub fn cache_path(account: &Account) -> PathBuf {
    crate::config::paths::log_dir()
        .join("sessions")
        .join(format!("{}.json", account.name))
}

/// The cached session, if any.
pub fn cached(account: &Account) -> Option<Session> {
    let text = std::fs::read_to_string(cache_path(account)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Caches `session` (0600); a cache that cannot be written only costs a login later.
pub fn save(account: &Account, session: &Session) {
    let path = cache_path(account);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(text) = serde_json::to_string(session) else {
        return;
    };
    let tmp = path.with_extension("tmp");
    let written = {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&tmp)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
    };
    if written.is_ok() {
        let _ = std::fs::rename(&tmp, &path);
    }
}

/// Forgets the cached session (it was refused).
pub fn forget(account: &Account) {
    let _ = std::fs::remove_file(cache_path(account));
}

/// Logs in with the app password.
pub fn create(client: &Client, account: &Account) -> Result<Session, PlatformError> {
    let password = secret::read(account, "app password")?;
    let handle = account.handle.clone().unwrap_or_default();
    let mut answer = client.post_json(
        "/xrpc/com.atproto.server.createSession",
        None,
        &[],
        &json!({"identifier": handle, "password": password.expose()}),
    )?;
    answer.redact(password.expose());
    match answer.status {
        200 => serde_json::from_str(&answer.body).map_err(|e| PlatformError::BadAnswer {
            host: client.host.clone(),
            what: crate::domain::sanitize::message(&e.to_string()),
        }),
        401 | 400 => Err(PlatformError::Rejected {
            host: client.host.clone(),
            status: answer.status,
            what: "app password",
            text: format!(": {}", answer.quoted()),
            hint: "check the handle, and create a new app password under Settings → Privacy and security → App passwords",
        }),
        429 => Err(PlatformError::RateLimited {
            host: client.host.clone(),
            retry_after: answer.retry_after(chrono::Utc::now()),
        }),
        s if s >= 500 => Err(PlatformError::Server {
            host: client.host.clone(),
            status: s,
            text: format!(": {}", answer.quoted()),
        }),
        s => Err(PlatformError::Refused {
            host: client.host.clone(),
            status: s,
            text: format!(": {}", answer.quoted()),
        }),
    }
}

/// Renews a session with its refresh token; None when it is refused (log in again).
pub fn refresh(client: &Client, session: &Session) -> Result<Option<Session>, PlatformError> {
    let answer = client.post_json(
        "/xrpc/com.atproto.server.refreshSession",
        Some(&format!("Bearer {}", session.refresh)),
        &[],
        &json!({}),
    )?;
    match answer.status {
        200 => Ok(serde_json::from_str(&answer.body).ok()),
        400 | 401 => Ok(None),
        s if s >= 500 => Err(PlatformError::Server {
            host: client.host.clone(),
            status: s,
            text: format!(": {}", answer.quoted()),
        }),
        _ => Ok(None),
    }
}
