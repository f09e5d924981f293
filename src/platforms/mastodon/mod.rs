//! Mastodon (the client API, docs.joinmastodon.org/methods): mentions from
//! `GET /api/v1/notifications?types[]=mention`, paged newest first back to the
//! stored cursor; replies and likes out (see `send`).
//!
//! The cursor is JSON: `{"since": id}` when caught up (the newest notification
//! pulled); while a catch-up is under way also `top` (the newest id of this catch-up,
//! the next `since`) and `max` (where the next page starts). Each page's records
//! and the cursor after it are saved together, so a pull resumes where it stopped.

pub mod ids;
pub mod parse;
pub mod send;
pub mod stream;

use super::http::{self, Answer, Client};
use super::secret::{self, Secret};
use super::{Check, Page, Platform, PlatformError, Pulled};
use crate::config::accounts::Account;
use crate::delivery::{Delivery, Outgoing};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

/// Notifications per page (80 is the most Mastodon 4.1+ gives).
pub const PAGE: usize = 80;
/// The longest a pull waits for a rate limit by itself; longer, it stops and says so.
const MAX_WAIT: Duration = http::MAX_WAIT;

const TOKEN_HINT: &str = "create a new one under Preferences → Development → New application (scopes read:notifications read:statuses write:statuses write:favourites) and put it where token_env or token_command says";
const SCOPE_HINT: &str = "the token lacks a scope: create one with read:notifications read:statuses write:statuses write:favourites under Preferences → Development";
/// What a refusal means here: a bad token, or one without the scope asked for.
const REFUSALS: &http::Refusals = &[(401, "token", TOKEN_HINT), (403, "request", SCOPE_HINT)];

/// A Mastodon account's client.
pub struct Mastodon {
    pub(crate) client: Client,
    account: Account,
    token: Mutex<Option<Secret>>,
    our_id: Mutex<Option<String>>,
    /// The longest it waits for a rate limit by itself.
    max_wait: Duration,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    top: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<String>,
}

impl Mastodon {
    pub fn new(account: &Account) -> Mastodon {
        Mastodon {
            client: Client::new(&account.server, &account.host(), account.timeout()),
            account: account.clone(),
            token: Mutex::new(None),
            our_id: Mutex::new(None),
            max_wait: MAX_WAIT,
        }
    }

    fn auth(&self) -> Result<String, PlatformError> {
        let mut token = self.token.lock().unwrap_or_else(|p| p.into_inner());
        if token.is_none() {
            *token = Some(secret::read(&self.account, "token")?);
        }
        Ok(format!(
            "Bearer {}",
            token.as_ref().map(Secret::expose).unwrap_or_default()
        ))
    }

    /// GET with the token; waits out a short rate limit, errors on anything not 2xx.
    pub(crate) fn get(&self, path: &str) -> Result<Answer, PlatformError> {
        let auth = self.auth()?;
        let mut tries = 0;
        loop {
            let answer = self.client.get(path, Some(&auth))?;
            if answer.status == 429 && tries < 3 {
                let wait = answer
                    .retry_after(chrono::Utc::now())
                    .unwrap_or(Duration::from_secs(5));
                if wait <= self.max_wait {
                    tries += 1;
                    std::thread::sleep(wait);
                    continue;
                }
            }
            // (A spent budget is waited out by the client before the next request.)
            return self.checked(answer);
        }
    }

    /// The answer if 2xx, else the error it means.
    pub(crate) fn checked(&self, answer: Answer) -> Result<Answer, PlatformError> {
        // (A token echoed in an error body was cut out by the client.)
        http::checked(answer, &self.client.host, REFUSALS, Answer::said)
    }

    /// Our account on the server (`verify_credentials`), remembered.
    pub(crate) fn me(&self) -> Result<(parse::Account, Answer), PlatformError> {
        let answer = self.get("/api/v1/accounts/verify_credentials")?;
        let me: parse::Account = serde_json::from_str(&answer.body).map_err(|e| self.bad(e))?;
        *self.our_id.lock().unwrap_or_else(|p| p.into_inner()) = Some(me.id.clone());
        Ok((me, answer))
    }

    pub(crate) fn our_id(&self) -> Result<String, PlatformError> {
        if let Some(id) = self
            .our_id
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(id);
        }
        Ok(self.me()?.0.id)
    }

    fn context(&self) -> Result<parse::Context, PlatformError> {
        Ok(parse::Context {
            account: self.account.name.clone(),
            host: self.client.host.clone(),
            our_id: Some(self.our_id()?),
        })
    }

    pub(crate) fn bad(&self, e: impl std::fmt::Display) -> PlatformError {
        PlatformError::BadAnswer {
            host: self.client.host.clone(),
            what: crate::domain::sanitize::message(&e.to_string()),
        }
    }

    /// A status by its id on our server.
    pub(crate) fn status(&self, id: &str) -> Result<parse::Status, PlatformError> {
        let answer = self.get(&format!("/api/v1/statuses/{}", http::percent_encode(id)))?;
        serde_json::from_str(&answer.body).map_err(|e| self.bad(e))
    }
}

impl Platform for Mastodon {
    fn pull_page(&mut self, cursor: Option<&str>) -> Result<Page, PlatformError> {
        let mut state: Cursor = match cursor {
            Some(c) => serde_json::from_str(c).unwrap_or_default(),
            None => Cursor::default(),
        };
        let ctx = self.context()?;
        let mut path = format!("/api/v1/notifications?types[]=mention&limit={PAGE}");
        if let Some(max) = &state.max {
            path.push_str(&format!("&max_id={}", http::percent_encode(max)));
        }
        if let Some(since) = &state.since {
            path.push_str(&format!("&since_id={}", http::percent_encode(since)));
        }
        let answer = self.get(&path)?;
        let items: Vec<serde_json::Value> =
            serde_json::from_str(&answer.body).map_err(|e| self.bad(e))?;
        let id_of = |v: &serde_json::Value| v.get("id").and_then(|i| i.as_str()).map(String::from);
        let caught_up = |state: &Cursor| Cursor {
            since: state.top.clone().or(state.since.clone()),
            ..Cursor::default()
        };
        let from_the_top = state.top.is_none();
        if items.is_empty() {
            return Ok(Page {
                items: Vec::new(),
                skipped: 0,
                cursor: to_json(&caught_up(&state)),
                done: true,
                from_the_top,
            });
        }
        if state.top.is_none() {
            state.top = items.first().and_then(id_of);
        }
        // The server's next page when it says (Link rel="next"), else the last item's id.
        // Only the max_id is taken from the link: requests stay on the configured server.
        let next = match &answer.link {
            Some(link) => http::link_next(link).and_then(|u| http::query_param(&u, "max_id")),
            None => items.last().and_then(id_of),
        };
        let done = next.is_none() || next == state.max;
        let cursor = if done {
            caught_up(&state)
        } else {
            Cursor { max: next, ..state }
        };
        let (pulled, skipped) =
            super::readable(parse::notifications(&items, &ctx), &self.account.name);
        Ok(Page {
            items: pulled,
            skipped,
            cursor: to_json(&cursor),
            done,
            from_the_top,
        })
    }

    fn fetch(&mut self, ids: &[String]) -> Result<Vec<Pulled>, PlatformError> {
        let ctx = self.context()?;
        let mut out = Vec::new();
        for id in ids {
            // Only ids of this server can be asked of it.
            let Ok(id) = self::ids::local(id, &self.client.host) else {
                continue;
            };
            let status = match self.status(id) {
                Ok(s) => s,
                // Deleted or not visible to us: the thread simply starts later.
                Err(PlatformError::Refused { status: 404, .. }) => continue,
                Err(e) => return Err(e),
            };
            if let Ok(p) = parse::status_record(&status, &ctx) {
                out.push(p);
            }
        }
        Ok(out)
    }

    fn check(&mut self) -> Result<Check, PlatformError> {
        let (me, answer) = self.me()?;
        Ok(Check {
            who: format!(
                "@{}",
                parse::global_acct(
                    &crate::domain::sanitize::one_line(&me.acct),
                    &self.client.host
                )
            ),
            remaining: answer.remaining,
            reset: answer.reset.map(|r| crate::domain::sanitize::one_line(&r)),
        })
    }

    fn deliver(&self, action: &Outgoing) -> Delivery {
        send::deliver(self, action)
    }

    fn on_wait(&mut self, notice: http::Notice) {
        self.client.on_wait(notice);
    }

    fn id_host(&self) -> Option<String> {
        Some(self.client.host.to_ascii_lowercase())
    }
}

fn to_json(c: &Cursor) -> String {
    serde_json::to_string(c).unwrap_or_default()
}
