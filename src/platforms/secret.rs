//! Reading an account's secret (token or app password) from the environment or a
//! command, at the moment it is needed. It lives in memory only: never written to
//! the database, the config output, logs, errors or the screen.

use super::PlatformError;
use crate::config::accounts::{Account, SecretSource};
use crate::domain::sanitize;
use std::process::{Command, Stdio};

/// A secret; its `Debug` does not show it and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for an `Authorization` header or a login body.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Reads the secret of `account`. `what` is "token" or "app password", for messages.
pub fn read(account: &Account, what: &str) -> Result<Secret, PlatformError> {
    let fail = |m: String| Err(PlatformError::Secret(m));
    match account.secret_source() {
        None => fail(format!("no {what} configured (see rapport config)")),
        Some(SecretSource::Env(var)) => match std::env::var(&var) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
            Ok(_) => fail(format!(
                "the environment variable {var} is empty: set it to the {what}"
            )),
            Err(_) => fail(format!(
                "the environment variable {var} is not set: export it with the {what}"
            )),
        },
        Some(SecretSource::Command(cmd)) => {
            let Some((program, args)) = cmd.split_first() else {
                return fail(format!("the {what} command is empty"));
            };
            let shown = sanitize::shown(program);
            let output = Command::new(program)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .output()
                .map_err(|e| {
                    PlatformError::Secret(format!(
                        "cannot run the {what} command {shown}: {}",
                        sanitize::message(&e.to_string())
                    ))
                })?;
            if !output.status.success() {
                let err = String::from_utf8_lossy(&output.stderr);
                return fail(format!(
                    "the {what} command {shown} failed ({}): {}",
                    output.status,
                    sanitize::shown(err.trim())
                ));
            }
            let value = String::from_utf8_lossy(&output.stdout).trim().to_string();
            if value.is_empty() {
                return fail(format!("the {what} command {shown} printed nothing"));
            }
            Ok(Secret(value))
        }
    }
}
