//! A small Mastodon server on 127.0.0.1 for the connector's tests, answering as the
//! documented API does (docs.joinmastodon.org/methods): notifications paged newest
//! first with a `Link` header, statuses, our account's statuses, posting with
//! `Idempotency-Key`, favourites, rate-limit headers. A test scripts failures
//! (401, 429, 5xx, slow answers, broken JSON) for the next matching requests.

#![allow(dead_code)]

pub mod stream;

#[path = "../common/loopback.rs"]
mod loopback;

use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "tok-Z3cr3t-9f8e7d6c5b4a";
pub const OUR_ID: &str = "1";

/// A scripted answer for the next request whose "METHOD /path" starts with `matches`.
#[derive(Clone, Debug, Default)]
pub struct Scripted {
    pub matches: String,
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
    /// Do what the request asks first (post the status), then answer as scripted.
    pub act_first: bool,
}

#[derive(Default)]
pub struct State {
    /// Newest first.
    pub notifications: Vec<Value>,
    pub statuses: HashMap<String, Value>,
    /// Statuses we posted, newest first.
    pub posted: Vec<Value>,
    pub keys: HashMap<String, String>,
    pub favourited: Vec<String>,
    pub script: VecDeque<Scripted>,
    pub requests: Vec<String>,
    /// Send `Link` headers (a server may not).
    pub link: bool,
    /// Delay every notifications page by this much.
    pub page_delay: Duration,
    /// The next answer says the budget is spent (`X-RateLimit-Remaining: 0`) until
    /// this long after it; a request before then is answered 429, as Mastodon does.
    pub spend_budget_for: Option<Duration>,
    /// When the spent budget comes back.
    pub budget_back_at: Option<std::time::SystemTime>,
    pub next_id: u64,
    /// The streaming URL `/api/v2/instance` advertises (`ws://…`); None: no instance.
    pub streaming: Option<String>,
}

pub struct Mock {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl Mock {
    pub fn start() -> Mock {
        let server = Arc::new(loopback::server());
        let url = format!("http://{}", server.server_addr().to_ip().unwrap());
        let state = Arc::new(Mutex::new(State {
            link: true,
            next_id: 1_000_000,
            ..State::default()
        }));
        let (s, st) = (server.clone(), state.clone());
        std::thread::spawn(move || {
            for request in s.incoming_requests() {
                let st = st.clone();
                std::thread::spawn(move || handle(request, &st));
            }
        });
        Mock { url, state, server }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Adds `n` mention notifications, newer than all before (ids ascending).
    pub fn add_mentions(&self, n: usize) {
        let mut st = self.lock();
        for _ in 0..n {
            st.next_id += 1;
            let id = st.next_id.to_string();
            let status = status(&id, "public", None, "ana", "77");
            st.statuses.insert(id.clone(), status.clone());
            st.notifications
                .insert(0, json!({"id": id, "type": "mention", "created_at": "2026-11-20T09:14:03.000Z", "account": status["account"], "status": status}));
        }
    }

    /// Adds one notification for `status` (and keeps the status).
    pub fn add_notification(&self, status: Value) {
        let mut st = self.lock();
        st.next_id += 1;
        let id = st.next_id.to_string();
        st.statuses
            .insert(status["id"].as_str().unwrap().to_string(), status.clone());
        st.notifications.insert(
            0,
            json!({"id": id, "type": "mention", "created_at": "2026-11-20T09:14:03.000Z", "account": status["account"], "status": status}),
        );
    }

    pub fn script(&self, s: Scripted) {
        self.lock().script.push_back(s);
    }

    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// Our statuses that answer `id`.
    pub fn replies_to(&self, id: &str) -> Vec<Value> {
        self.lock()
            .posted
            .iter()
            .filter(|s| s["in_reply_to_id"] == json!(id))
            .cloned()
            .collect()
    }
}

/// A status by `acct` (account id `account_id`).
pub fn status(
    id: &str,
    visibility: &str,
    reply_to: Option<(&str, &str)>,
    acct: &str,
    account_id: &str,
) -> Value {
    json!({
        "id": id, "uri": format!("https://other.example/users/{acct}/statuses/{id}"),
        "url": format!("https://other.example/@{acct}/{id}"),
        "created_at": "2026-11-20T09:14:03.000Z",
        "content": format!("<p><span class=\"h-card\"><a href=\"https://m.example/@northwind\" class=\"u-url mention\">@<span>northwind</span></a></span> is the blue one back? ({id})</p>"),
        "spoiler_text": "", "visibility": visibility,
        "in_reply_to_id": reply_to.map(|r| r.0), "in_reply_to_account_id": reply_to.map(|r| r.1),
        "account": {"id": account_id, "acct": acct, "display_name": "Ana", "url": format!("https://other.example/@{acct}"),
                    "bot": false, "followers_count": -1},
    })
}

fn num(id: &str) -> u128 {
    id.parse().unwrap_or(0)
}

fn query(url: &str, name: &str) -> Option<String> {
    url.split_once('?')?.1.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

fn handle(mut request: tiny_http::Request, state: &Arc<Mutex<State>>) {
    let method = request.method().to_string();
    let url = request.url().to_string();
    let line = format!("{method} {}", url);
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let header = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    };
    let auth = header("Authorization");
    let key = header("Idempotency-Key");
    let scripted = {
        let mut st = state.lock().unwrap();
        st.requests.push(line.clone());
        let i = st.script.iter().position(|s| line.starts_with(&s.matches));
        i.and_then(|i| st.script.remove(i))
    };
    let spent = {
        let mut st = state.lock().unwrap();
        let now = std::time::SystemTime::now();
        let early = st.budget_back_at.is_some_and(|at| now < at);
        if !early {
            st.budget_back_at = st.spend_budget_for.take().map(|d| now + d);
        }
        (early, st.budget_back_at.filter(|at| now < *at))
    };
    if spent.0 {
        let r = tiny_http::Response::from_string(r#"{"error":"Too many requests"}"#)
            .with_status_code(429);
        let _ = request.respond(r);
        return;
    }
    let answer = |status: u16, text: String, headers: Vec<(String, String)>| {
        let mut response = tiny_http::Response::from_string(text).with_status_code(status);
        response
            .add_header(tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap());
        let (left, reset) = match spent.1 {
            Some(at) => (
                "0".to_string(),
                chrono::DateTime::<chrono::Utc>::from(at)
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            ),
            None => ("299".to_string(), "2026-11-20T09:20:00.000000Z".to_string()),
        };
        response.add_header(
            tiny_http::Header::from_bytes("X-RateLimit-Remaining", left.as_bytes()).unwrap(),
        );
        response.add_header(
            tiny_http::Header::from_bytes("X-RateLimit-Reset", reset.as_bytes()).unwrap(),
        );
        for (k, v) in headers {
            response.add_header(tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap());
        }
        (status, response)
    };
    if let Some(s) = &scripted {
        if s.act_first {
            let _ = real(state, &method, &url, &body, key.as_deref());
        }
        std::thread::sleep(s.delay);
        let (_, response) = answer(s.status, s.body.clone(), s.headers.clone());
        let _ = request.respond(response);
        return;
    }
    let streaming = state.lock().unwrap().streaming.clone();
    if let (Some(ws), "/api/v2/instance") = (streaming, url.as_str()) {
        // Public, like the real one: no token needed.
        let instance = json!({"domain": "m.example", "configuration": {"urls": {"streaming": ws}}});
        let (_, r) = answer(200, instance.to_string(), vec![]);
        let _ = request.respond(r);
        return;
    }
    if auth.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        let (_, r) = answer(
            401,
            r#"{"error":"The access token is invalid"}"#.into(),
            vec![],
        );
        let _ = request.respond(r);
        return;
    }
    let (status, text, headers) = real(state, &method, &url, &body, key.as_deref());
    let (_, r) = answer(status, text, headers);
    let _ = request.respond(r);
}

/// What the server does for a request: (status, body, extra headers).
fn real(
    state: &Arc<Mutex<State>>,
    method: &str,
    url: &str,
    body: &str,
    key: Option<&str>,
) -> (u16, String, Vec<(String, String)>) {
    let path = url.split('?').next().unwrap_or("");
    let delay = state.lock().unwrap().page_delay;
    let mut st = state.lock().unwrap();
    match (method, path) {
        ("GET", "/api/v1/accounts/verify_credentials") => (
            200,
            json!({"id": OUR_ID, "acct": "northwind", "display_name": "Northwind", "bot": false, "followers_count": 10}).to_string(),
            vec![],
        ),
        ("GET", "/api/v1/notifications") => {
            let limit: usize = query(url, "limit").and_then(|l| l.parse().ok()).unwrap_or(40).min(80);
            let max = query(url, "max_id").map(|m| num(&m));
            let since = query(url, "since_id").map(|m| num(&m));
            let page: Vec<Value> = st
                .notifications
                .iter()
                .filter(|n| {
                    let id = num(n["id"].as_str().unwrap());
                    max.is_none_or(|m| id < m) && since.is_none_or(|s| id > s)
                })
                .take(limit)
                .cloned()
                .collect();
            let mut headers = vec![];
            if st.link && !page.is_empty() {
                let first = page[0]["id"].as_str().unwrap();
                let last = page[page.len() - 1]["id"].as_str().unwrap();
                headers.push((
                    "Link".to_string(),
                    format!(
                        "<https://m.example/api/v1/notifications?max_id={last}>; rel=\"next\", <https://m.example/api/v1/notifications?min_id={first}>; rel=\"prev\""
                    ),
                ));
            }
            drop(st);
            std::thread::sleep(delay);
            (200, Value::Array(page).to_string(), headers)
        }
        ("GET", p) if p.starts_with("/api/v1/statuses/") => {
            let id = &p["/api/v1/statuses/".len()..];
            match st.statuses.get(id) {
                Some(s) => (200, s.to_string(), vec![]),
                None => (404, r#"{"error":"Record not found"}"#.into(), vec![]),
            }
        }
        ("GET", p) if p.starts_with("/api/v1/accounts/") && p.ends_with("/statuses") => {
            let limit: usize = query(url, "limit").and_then(|l| l.parse().ok()).unwrap_or(20);
            let out: Vec<Value> = st.posted.iter().take(limit).cloned().collect();
            (200, Value::Array(out).to_string(), vec![])
        }
        ("POST", "/api/v1/statuses") => {
            if let Some(existing) = key.and_then(|k| st.keys.get(k)).cloned() {
                let s = st.posted.iter().find(|s| s["id"] == json!(existing)).cloned().unwrap();
                return (200, s.to_string(), vec![]);
            }
            let params: Value = serde_json::from_str(body).unwrap_or(json!({}));
            st.next_id += 1;
            let id = format!("9{}", st.next_id);
            let s = json!({
                "id": id, "uri": format!("https://m.example/users/northwind/statuses/{id}"),
                "url": format!("https://m.example/@northwind/{id}"),
                "created_at": "2026-11-20T10:00:00.000Z",
                "content": format!("<p>{}</p>", params["status"].as_str().unwrap_or("")),
                "spoiler_text": "", "visibility": params["visibility"].as_str().unwrap_or("public"),
                "in_reply_to_id": params["in_reply_to_id"], "in_reply_to_account_id": null,
                "account": {"id": OUR_ID, "acct": "northwind", "bot": false, "followers_count": 10},
                "text_sent": params["status"],
            });
            st.posted.insert(0, s.clone());
            if let Some(k) = key {
                st.keys.insert(k.to_string(), id);
            }
            (200, s.to_string(), vec![])
        }
        ("POST", p) if p.starts_with("/api/v1/statuses/") && p.ends_with("/favourite") => {
            let id = p["/api/v1/statuses/".len()..p.len() - "/favourite".len()].to_string();
            match st.statuses.get(&id).cloned() {
                Some(s) => {
                    if !st.favourited.contains(&id) {
                        st.favourited.push(id);
                    }
                    (200, s.to_string(), vec![])
                }
                None => (404, r#"{"error":"Record not found"}"#.into(), vec![]),
            }
        }
        _ => (404, r#"{"error":"Not found"}"#.into(), vec![]),
    }
}
