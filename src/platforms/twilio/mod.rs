//! Twilio SMS (the REST API 2010-04-01, twilio.com/docs/messaging/api/message-resource):
//! texts to our number from `GET /Accounts/{sid}/Messages.json?To=…&DateSent>=…`,
//! following `next_page_uri`; replies out as `POST …/Messages.json` (see `send`).
//!
//! The list's date filter has day granularity and the list is newest first, so a
//! pull reads every text from the cursor's day on and the import skips the ones it
//! holds (the message `sid` is the external id). The cursor is JSON: `day` (the
//! `DateSent>=` date), and while a catch-up is under way `next` (the next page's
//! uri) and `newest` (the latest text seen in it). Once caught up, `day` becomes the
//! day before the newest text seen: a text that shows up late in the list, dated
//! up to a day earlier than the newest one, is still read.

pub mod parse;
pub mod send;

use super::http::{self, Answer, Client};
use super::secret::{self, Secret};
use super::{Check, Page, Platform, PlatformError, Pulled};
use crate::config::accounts::Account;
use crate::delivery::{Delivery, Outgoing};
use crate::domain::sanitize;
use base64::Engine;
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

/// Messages per page: Twilio's most, since every pull reads a day or two again.
pub const PAGE: usize = 1000;
/// How far back the first pull of an account reads.
pub const FIRST_DAYS: i64 = 30;
/// The longest a call waits for a rate limit by itself.
const MAX_WAIT: Duration = Duration::from_secs(60);

const TOKEN_HINT: &str = "check the auth token that token_env (e.g. RAPPORT_TWILIO_TOKEN) or token_command gives, and that it belongs to account_sid: Console → Account → API keys & tokens";
const ACCOUNT_HINT: &str =
    "check account_sid (Console → Account → API keys & tokens) and the server address";
/// What a refusal means here: a wrong auth token, or no such account on the server.
const REFUSALS: &http::Refusals = &[
    (401, "auth token", TOKEN_HINT),
    (404, "account", ACCOUNT_HINT),
];

/// A Twilio account's client.
pub struct Twilio {
    pub(crate) client: Client,
    pub(crate) account: Account,
    sid: String,
    /// Our number, E.164.
    pub(crate) number: String,
    token: Mutex<Option<Secret>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    day: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<String>,
}

impl Twilio {
    pub fn new(account: &Account) -> Twilio {
        Twilio {
            client: Client::new(account.base(), &account.host(), account.timeout()),
            account: account.clone(),
            sid: account
                .account_sid
                .clone()
                .unwrap_or_default()
                .trim()
                .to_string(),
            number: account
                .number
                .clone()
                .unwrap_or_default()
                .trim()
                .to_string(),
            token: Mutex::new(None),
        }
    }

    /// `/2010-04-01/Accounts/{sid}/Messages.json`.
    pub(crate) fn messages_path(&self) -> String {
        format!(
            "/2010-04-01/Accounts/{}/Messages.json",
            http::percent_encode(&self.sid)
        )
    }

    /// Basic auth: the Account SID and the auth token.
    fn auth(&self) -> Result<String, PlatformError> {
        let mut token = self.token.lock().unwrap_or_else(|p| p.into_inner());
        if token.is_none() {
            *token = Some(secret::read(&self.account, "auth token")?);
        }
        let pair = format!(
            "{}:{}",
            self.sid,
            token.as_ref().map(Secret::expose).unwrap_or_default()
        );
        Ok(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
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
                    .retry_after(Utc::now())
                    .unwrap_or(Duration::from_secs(5));
                if wait <= MAX_WAIT {
                    tries += 1;
                    std::thread::sleep(wait);
                    continue;
                }
            }
            return self.checked(answer);
        }
    }

    /// POST a form with the token.
    /// POST a form with the token; an error comes with the `Retry-After` it carried
    /// (a 503 may ask for a wait too).
    pub(crate) fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Answer, (PlatformError, Option<Duration>)> {
        let auth = self.auth().map_err(|e| (e, None))?;
        let answer = self
            .client
            .post_form(path, Some(&auth), fields)
            .map_err(|e| (e, None))?;
        let wait = answer.retry_after(Utc::now());
        self.checked(answer).map_err(|e| (e, wait))
    }

    /// The answer if 2xx, else the error it means. Twilio's errors are JSON:
    /// `{"code": 20003, "message": "Authenticate", "more_info": …, "status": 401}`.
    pub(crate) fn checked(&self, mut answer: Answer) -> Result<Answer, PlatformError> {
        if !answer.ok() {
            // A server that echoes the request must not make us print the token.
            if let Some(t) = self
                .token
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
            {
                answer.body = answer.body.replace(t.expose(), "…");
            }
        }
        // The server's words, and Twilio's error code when it gives one.
        let said = |a: &Answer| {
            let said = a.said();
            if said.is_empty() {
                return said;
            }
            let code = serde_json::from_str::<serde_json::Value>(&a.body)
                .ok()
                .and_then(|v| v.get("code").and_then(|c| c.as_i64()))
                .map(|c| format!(", error {c}"))
                .unwrap_or_default();
            format!("{said}{code}")
        };
        http::checked(answer, &self.client.host, REFUSALS, said)
    }

    pub(crate) fn bad(&self, e: impl std::fmt::Display) -> PlatformError {
        PlatformError::BadAnswer {
            host: self.client.host.clone(),
            what: sanitize::message(&e.to_string()),
        }
    }

    /// A `next_page_uri`, if it is a page of our Messages list: requests stay on the
    /// configured server and the account.
    pub(crate) fn next_page(&self, uri: Option<&str>) -> Option<String> {
        let uri = uri?.trim();
        // Relative to the API's host as documented; an absolute one keeps its path only.
        let path = match uri.split_once("://") {
            Some((_, rest)) => &rest[rest.find('/').unwrap_or(rest.len())..],
            None => uri,
        };
        if path.starts_with(&format!("{}?", self.messages_path())) {
            Some(path.to_string())
        } else {
            tracing::warn!(account = %self.account.name, "ignored a next_page_uri outside our Messages list");
            None
        }
    }

    /// A page of the list: its messages and the next page's uri.
    pub(crate) fn list(&self, path: &str) -> Result<parse::List, PlatformError> {
        let answer = self.get(path)?;
        serde_json::from_str(&answer.body).map_err(|e| self.bad(e))
    }
}

/// The UTC date of `t` as the list's `DateSent` filter takes it.
pub(crate) fn day_of(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

impl Platform for Twilio {
    fn pull_page(&mut self, cursor: Option<&str>) -> Result<Page, PlatformError> {
        let mut state: Cursor = cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let day = state
            .day
            .clone()
            .filter(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
            .unwrap_or_else(|| day_of(Utc::now() - Days::days(FIRST_DAYS)));
        let from_day = format!(
            "{}?To={}&DateSent%3E={}&PageSize={PAGE}",
            self.messages_path(),
            http::percent_encode(&self.number),
            day
        );
        let list = match self.next_page(state.next.as_deref()) {
            // A page token kept from an interrupted pull may have expired: the
            // catch-up starts again from its day (nothing is imported twice).
            Some(next) => match self.list(&next) {
                Err(
                    PlatformError::Refused { .. } | PlatformError::Rejected { status: 404, .. },
                ) => {
                    state.newest = None;
                    self.list(&from_day)?
                }
                other => other?,
            },
            None => self.list(&from_day)?,
        };
        let inbound: Vec<serde_json::Value> = list
            .messages
            .into_iter()
            .filter(|m| m.get("direction").and_then(|d| d.as_str()) == Some("inbound"))
            .collect();
        let ctx = parse::Context {
            account: Some(self.account.name.clone()),
        };
        let parsed: Vec<Result<Pulled, String>> = parse::messages(&inbound, &ctx)
            .into_iter()
            .filter_map(Result::transpose)
            .collect();
        let (pulled, skipped) = super::readable(parsed, &self.account.name);
        let mut newest = state
            .newest
            .as_deref()
            .and_then(|n| DateTime::parse_from_rfc3339(n).ok())
            .map(|t| t.with_timezone(&Utc));
        for p in &pulled {
            if let crate::domain::Record::Mention(m) = &p.record {
                newest = newest.max(Some(m.created_at));
            }
        }
        let next = self.next_page(list.next_page_uri.as_deref());
        let done = next.is_none();
        let cursor = if done {
            // Never backwards: the day before the newest text, or the day read from.
            let from_newest = newest.map(|n| day_of(n - Days::days(1)));
            Cursor {
                day: Some(from_newest.filter(|d| *d > day).unwrap_or(day)),
                ..Cursor::default()
            }
        } else {
            state.day = Some(day);
            state.next = next;
            state.newest = newest.map(|n| n.to_rfc3339());
            state
        };
        Ok(Page {
            items: pulled,
            skipped,
            cursor: serde_json::to_string(&cursor).unwrap_or_default(),
            done,
            // Every pass lists again from a day, so the next pull reads what arrived
            // during this one; another pass now would read the whole day again.
            from_the_top: true,
        })
    }

    fn fetch(&mut self, _ids: &[String]) -> Result<Vec<Pulled>, PlatformError> {
        // Texts answer nothing by id: the conversation is the pair of numbers.
        Ok(Vec::new())
    }

    fn check(&mut self) -> Result<Check, PlatformError> {
        let answer = self.get(&format!(
            "/2010-04-01/Accounts/{}.json",
            http::percent_encode(&self.sid)
        ))?;
        let value: serde_json::Value =
            serde_json::from_str(&answer.body).map_err(|e| self.bad(e))?;
        let name = value
            .get("friendly_name")
            .and_then(|n| n.as_str())
            .map(sanitize::one_line)
            .unwrap_or_default();
        let status = value
            .get("status")
            .and_then(|n| n.as_str())
            .map(sanitize::one_line)
            .unwrap_or_default();
        Ok(Check {
            who: format!("{} on {name} ({status})", self.number),
            remaining: None,
            reset: None,
        })
    }

    fn deliver(&self, action: &Outgoing) -> Delivery {
        send::deliver(self, action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_pages_stay_on_our_list_and_server() {
        let account = Account {
            name: "shop-sms".into(),
            platform: crate::config::accounts::LivePlatform::Twilio,
            account_sid: Some("AC0123456789abcdef0123456789abcdef".into()),
            number: Some("+15550100123".into()),
            ..Account::default()
        };
        let t = Twilio::new(&account);
        assert_eq!(t.client.base, "https://api.twilio.com");
        let list = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";
        let next = format!("{list}?To=%2B15550100123&PageSize=1000&Page=1&PageToken=PASM1");
        assert_eq!(t.next_page(Some(&next)), Some(next.clone()));
        assert_eq!(
            t.next_page(Some(&format!("https://api.twilio.com{next}"))),
            Some(next)
        );
        assert_eq!(t.next_page(None), None);
        assert_eq!(t.next_page(Some("https://evil.example/steal?x=1")), None);
        assert_eq!(
            t.next_page(Some("/2010-04-01/Accounts/ACother/Messages.json?Page=1")),
            None
        );
    }
}
