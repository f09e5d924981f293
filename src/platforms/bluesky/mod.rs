//! Bluesky (AT Protocol XRPC on the account's PDS): mentions, replies and quotes
//! from `app.bsky.notification.listNotifications`, followers from
//! `app.bsky.actor.getProfiles` (25 at a time), replies and likes out (see `send`).
//!
//! The cursor is JSON: `{"since": indexedAt}` when caught up (the newest
//! notification pulled); during a catch-up also `top` (the newest of this catch-up)
//! and `next` (the API's cursor for the next, older page). Pages go back until they
//! reach `since`.

pub mod parse;
pub mod send;
pub mod session;

use super::http::{self, Answer, Client};
use super::{Check, Page, Platform, PlatformError, Pulled};
use crate::config::accounts::Account;
use crate::delivery::{Delivery, Outgoing};
use serde::{Deserialize, Serialize};
use session::Session;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// Notifications per page (the API's maximum).
pub const PAGE: usize = 100;
/// Actors per `getProfiles` call (the API's maximum).
const PROFILES: usize = 25;

pub struct Bluesky {
    pub(crate) client: Client,
    account: Account,
    session: Mutex<Option<Session>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    top: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

impl Bluesky {
    pub fn new(account: &Account) -> Bluesky {
        Bluesky {
            client: Client::new(&account.server, &account.host(), account.timeout()),
            account: account.clone(),
            session: Mutex::new(session::cached(account)),
        }
    }

    /// The session, logging in when there is none.
    pub(crate) fn session(&self) -> Result<Session, PlatformError> {
        let mut guard = self.session.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = guard.as_ref() {
            return Ok(s.clone());
        }
        let s = session::create(&self.client, &self.account)?;
        session::save(&self.account, &s);
        *guard = Some(s.clone());
        Ok(s)
    }

    /// Renews (or, failing that, recreates) the session after the server refused it.
    fn renew(&self, old: &Session) -> Result<Session, PlatformError> {
        let renewed = match session::refresh(&self.client, old)? {
            Some(s) => s,
            None => {
                session::forget(&self.account);
                session::create(&self.client, &self.account)?
            }
        };
        session::save(&self.account, &renewed);
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(renewed.clone());
        Ok(renewed)
    }

    /// An XRPC call with the session's token, renewed once if it has expired.
    pub(crate) fn call(
        &self,
        request: impl Fn(&str) -> Result<Answer, PlatformError>,
    ) -> Result<Answer, PlatformError> {
        let session = self.session()?;
        let answer = request(&format!("Bearer {}", session.access))?;
        let expired =
            answer.status == 401 || (answer.status == 400 && answer.body.contains("ExpiredToken"));
        if !expired {
            return Ok(answer);
        }
        let session = self.renew(&session)?;
        request(&format!("Bearer {}", session.access))
    }

    pub(crate) fn get(&self, path: &str) -> Result<Answer, PlatformError> {
        let answer = self.call(|auth| self.client.get(path, Some(auth)))?;
        self.checked(answer)
    }

    pub(crate) fn checked(&self, answer: Answer) -> Result<Answer, PlatformError> {
        let host = self.client.host.clone();
        let text = format!(": {}", answer.quoted());
        match answer.status {
            s if (200..300).contains(&s) => Ok(answer),
            401 | 403 => Err(PlatformError::Rejected {
                host,
                status: answer.status,
                what: "session",
                text,
                hint: "create a new app password under Settings → Privacy and security → App passwords",
            }),
            429 => Err(PlatformError::RateLimited {
                host,
                retry_after: answer.retry_after(chrono::Utc::now()).or_else(|| {
                    let now = chrono::Utc::now();
                    answer.reset_at(now).and_then(|at| (at - now).to_std().ok())
                }),
            }),
            s if s >= 500 => Err(PlatformError::Server {
                host,
                status: s,
                text,
            }),
            s => Err(PlatformError::Refused {
                host,
                status: s,
                text,
            }),
        }
    }

    pub(crate) fn bad(&self, e: impl std::fmt::Display) -> PlatformError {
        PlatformError::BadAnswer {
            host: self.client.host.clone(),
            what: crate::domain::sanitize::message(&e.to_string()),
        }
    }

    /// Followers of each of `dids`, 25 per call.
    fn followers(&self, dids: &BTreeSet<String>) -> Result<HashMap<String, i64>, PlatformError> {
        let mut out = HashMap::new();
        let dids: Vec<&String> = dids.iter().collect();
        for chunk in dids.chunks(PROFILES) {
            let query: Vec<String> = chunk
                .iter()
                .map(|d| format!("actors={}", http::percent_encode(d)))
                .collect();
            let answer = self.get(&format!(
                "/xrpc/app.bsky.actor.getProfiles?{}",
                query.join("&")
            ))?;
            let body: serde_json::Value =
                serde_json::from_str(&answer.body).map_err(|e| self.bad(e))?;
            for p in body["profiles"].as_array().into_iter().flatten() {
                if let (Some(did), Some(n)) = (p["did"].as_str(), p["followersCount"].as_i64()) {
                    out.insert(did.to_string(), n);
                }
            }
        }
        Ok(out)
    }

    /// Posts by at-uri (`app.bsky.feed.getPosts`, up to 25).
    pub(crate) fn posts(&self, uris: &[String]) -> Result<Vec<serde_json::Value>, PlatformError> {
        let mut out = Vec::new();
        for chunk in uris.chunks(25) {
            let query: Vec<String> = chunk
                .iter()
                .map(|u| format!("uris={}", http::percent_encode(u)))
                .collect();
            let answer = self.get(&format!("/xrpc/app.bsky.feed.getPosts?{}", query.join("&")))?;
            let body: serde_json::Value =
                serde_json::from_str(&answer.body).map_err(|e| self.bad(e))?;
            out.extend(body["posts"].as_array().cloned().unwrap_or_default());
        }
        Ok(out)
    }
}

fn newer(a: &str, b: &str) -> bool {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a > b,
        _ => a > b,
    }
}

impl Platform for Bluesky {
    fn pull_page(&mut self, cursor: Option<&str>) -> Result<Page, PlatformError> {
        let mut state: Cursor = cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let mut path = format!(
            "/xrpc/app.bsky.notification.listNotifications?limit={PAGE}&reasons=mention&reasons=reply&reasons=quote"
        );
        if let Some(next) = &state.next {
            path.push_str(&format!("&cursor={}", http::percent_encode(next)));
        }
        let answer = self.get(&path)?;
        let body: serde_json::Value =
            serde_json::from_str(&answer.body).map_err(|e| self.bad(e))?;
        let Some(items) = body.get("notifications").and_then(|n| n.as_array()) else {
            return Err(self.bad("no notifications array"));
        };
        let caught_up = |state: &Cursor| Cursor {
            since: state.top.clone().or(state.since.clone()),
            ..Cursor::default()
        };
        let indexed = |v: &serde_json::Value| v["indexedAt"].as_str().map(String::from);
        let from_the_top = state.top.is_none();
        if state.top.is_none() {
            state.top = items.first().and_then(indexed);
        }
        // Only what is newer than the last catch-up; reaching it ends this one.
        let fresh: Vec<serde_json::Value> = items
            .iter()
            .filter(|v| match (&state.since, indexed(v)) {
                (Some(since), Some(at)) => newer(&at, since),
                _ => true,
            })
            .cloned()
            .collect();
        let next = body["cursor"].as_str().map(String::from);
        let done =
            items.is_empty() || fresh.len() < items.len() || next.is_none() || next == state.next;
        let dids: BTreeSet<String> = fresh
            .iter()
            .filter(|v| v["reason"].as_str().is_some_and(parse::wanted))
            .filter_map(|v| v["author"]["did"].as_str().map(String::from))
            .collect();
        let ctx = parse::Context {
            account: self.account.name.clone(),
            followers: self.followers(&dids)?,
        };
        let (pulled, skipped) =
            super::readable(parse::notifications(&fresh, &ctx), &self.account.name);
        let cursor = if done {
            caught_up(&state)
        } else {
            Cursor { next, ..state }
        };
        Ok(Page {
            items: pulled,
            skipped,
            cursor: serde_json::to_string(&cursor).unwrap_or_default(),
            done,
            from_the_top,
        })
    }

    fn fetch(&mut self, ids: &[String]) -> Result<Vec<Pulled>, PlatformError> {
        let me = self.session()?.did;
        let posts = self.posts(ids)?;
        let ctx = parse::Context {
            account: self.account.name.clone(),
            followers: HashMap::new(),
        };
        // Ours (a post people answered) is kept for the thread, not as an inbox item.
        let (ours, theirs): (Vec<_>, Vec<_>) = posts
            .into_iter()
            .partition(|p| p["author"]["did"].as_str() == Some(me.as_str()));
        let ours: Vec<Pulled> = ours
            .iter()
            .filter_map(|p| parse::our_post(p, &ctx).ok())
            .collect();
        let as_notifications: Vec<serde_json::Value> = theirs
            .into_iter()
            .map(|p| {
                serde_json::json!({
                    "uri": p["uri"], "cid": p["cid"], "reason": "mention", "author": p["author"],
                    "record": p["record"], "indexedAt": p["indexedAt"],
                })
            })
            .collect();
        Ok(parse::notifications(&as_notifications, &ctx)
            .into_iter()
            .filter_map(Result::ok)
            .chain(ours)
            .collect())
    }

    fn check(&mut self) -> Result<Check, PlatformError> {
        let answer = self.get("/xrpc/com.atproto.server.getSession")?;
        let body: serde_json::Value =
            serde_json::from_str(&answer.body).map_err(|e| self.bad(e))?;
        let handle = body["handle"].as_str().unwrap_or("?");
        Ok(Check {
            who: format!("@{}", crate::domain::sanitize::one_line(handle)),
            remaining: answer.remaining,
            reset: answer.reset,
        })
    }

    fn deliver(&self, action: &Outgoing) -> Delivery {
        send::deliver(self, action)
    }

    fn on_wait(&mut self, notice: http::Notice) {
        self.client.on_wait(notice);
    }
}
