//! A small Twilio REST API (2010-04-01) on 127.0.0.1 for the connector's tests,
//! answering as twilio.com/docs/messaging/api/message-resource documents: the
//! Messages list newest first with `To`, `From`, `DateSent>` (on or after a day) and
//! `PageSize` filters, paged by `PageToken` through `next_page_uri`; creating a
//! message from a form; Basic auth with the Account SID and the auth token; JSON
//! errors `{"code", "message", "more_info", "status"}`. A test scripts failures
//! (401, 429, 5xx, slow answers) for the next matching requests.

#![allow(dead_code)]

#[path = "../common/loopback.rs"]
mod loopback;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "twtok-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
pub const OUR: &str = "+15550100123";

/// A scripted answer for the next request whose "METHOD /path?query" starts with `matches`.
#[derive(Clone, Debug, Default)]
pub struct Scripted {
    pub matches: String,
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
    /// Do what the request asks first (create the message), then answer as scripted.
    pub act_first: bool,
}

#[derive(Default)]
pub struct State {
    /// Every message of the account, any order (the list sorts newest first).
    pub messages: Vec<Value>,
    pub script: VecDeque<Scripted>,
    /// "METHOD /path?query" of every request.
    pub requests: Vec<String>,
    /// The form bodies of the POSTs, decoded.
    pub posts: Vec<Vec<(String, String)>>,
    pub next: u64,
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
        let state = Arc::new(Mutex::new(State::default()));
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

    pub fn script(&self, s: Scripted) {
        self.lock().script.push_back(s);
    }

    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// POST requests received to the Messages list.
    pub fn post_count(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.starts_with("POST "))
            .count()
    }

    /// Adds a text from `from` to our number at `at`.
    pub fn text(&self, from: &str, body: &str, media: u32, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        st.next += 1;
        let sid = format!("{}{:032x}", if media > 0 { "MM" } else { "SM" }, st.next);
        st.messages
            .push(message(&sid, "inbound", from, OUR, body, media, at));
        sid
    }

    /// Adds `n` texts from different numbers, a minute apart, the newest at `newest`.
    pub fn texts(&self, n: usize, newest: DateTime<Utc>) {
        for i in 0..n {
            let at = newest - chrono::Duration::minutes(i as i64);
            self.text(&format!("+1555020{:04}", i), "Are you open today?", 0, at);
        }
    }

    /// Our messages to `to` (outbound).
    pub fn sent_to(&self, to: &str) -> Vec<Value> {
        self.lock()
            .messages
            .iter()
            .filter(|m| m["direction"] != "inbound" && m["to"] == json!(to))
            .cloned()
            .collect()
    }
}

/// A Message resource as Twilio writes it: numbers as strings, RFC 2822 times.
pub fn message(
    sid: &str,
    direction: &str,
    from: &str,
    to: &str,
    body: &str,
    media: u32,
    at: DateTime<Utc>,
) -> Value {
    let when = at.to_rfc2822();
    json!({
        "account_sid": SID, "api_version": "2010-04-01", "body": body,
        "date_created": when, "date_sent": when, "date_updated": when,
        "direction": direction, "error_code": null, "error_message": null,
        "from": from, "to": to, "messaging_service_sid": null,
        "num_media": media.to_string(), "num_segments": "1", "price": null, "price_unit": "USD",
        "sid": sid, "status": if direction == "inbound" { "received" } else { "queued" },
        "subresource_uris": {"media": format!("/2010-04-01/Accounts/{SID}/Messages/{sid}/Media.json")},
        "uri": format!("/2010-04-01/Accounts/{SID}/Messages/{sid}.json"),
    })
}

/// Twilio's error body.
pub fn error(code: u32, status: u16, message: &str) -> String {
    json!({"code": code, "message": message,
           "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status})
    .to_string()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The pairs of a query or a form body, decoded.
pub fn pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn handle(mut request: tiny_http::Request, state: &Arc<Mutex<State>>) {
    let method = request.method().to_string();
    let url = request.url().to_string();
    let line = format!("{method} {url}");
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let auth = request
        .headers()
        .iter()
        .find(|h| {
            h.field
                .as_str()
                .as_str()
                .eq_ignore_ascii_case("Authorization")
        })
        .map(|h| h.value.as_str().to_string());
    let scripted = {
        let mut st = state.lock().unwrap();
        st.requests.push(line.clone());
        if method == "POST" {
            st.posts.push(pairs(&body));
        }
        let i = st.script.iter().position(|s| line.starts_with(&s.matches));
        i.and_then(|i| st.script.remove(i))
    };
    let respond = |request: tiny_http::Request,
                   status: u16,
                   text: String,
                   headers: Vec<(String, String)>| {
        let mut response = tiny_http::Response::from_string(text).with_status_code(status);
        response
            .add_header(tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap());
        for (k, v) in headers {
            response.add_header(tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap());
        }
        let _ = request.respond(response);
    };
    if let Some(s) = scripted {
        if s.act_first {
            let _ = real(state, &method, &url, &body);
        }
        std::thread::sleep(s.delay);
        respond(request, s.status, s.body, s.headers);
        return;
    }
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"))
    );
    if auth.as_deref() != Some(basic.as_str()) {
        respond(request, 401, error(20003, 401, "Authenticate"), vec![]);
        return;
    }
    let (status, text) = real(state, &method, &url, &body);
    respond(request, status, text, vec![]);
}

fn day(v: &Value) -> String {
    let raw = v["date_sent"].as_str().unwrap_or("");
    DateTime::parse_from_rfc2822(raw)
        .map(|t| t.with_timezone(&Utc).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc2822(v["date_created"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// What the API does for a request: (status, body).
fn real(state: &Arc<Mutex<State>>, method: &str, url: &str, body: &str) -> (u16, String) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let q = pairs(query);
    let list = format!("/2010-04-01/Accounts/{SID}/Messages.json");
    let mut st = state.lock().unwrap();
    match (method, path) {
        ("GET", p) if p == format!("/2010-04-01/Accounts/{SID}.json") => (
            200,
            json!({"sid": SID, "friendly_name": "Northwind Shop", "status": "active", "type": "Full"})
                .to_string(),
        ),
        ("GET", p) if p == list => {
            let size: usize = get(&q, "PageSize")
                .and_then(|s| s.parse().ok())
                .unwrap_or(50)
                .min(1000);
            let mut all: Vec<&Value> = st
                .messages
                .iter()
                .filter(|m| get(&q, "To").is_none_or(|to| m["to"] == json!(to)))
                .filter(|m| get(&q, "From").is_none_or(|f| m["from"] == json!(f)))
                .filter(|m| get(&q, "DateSent>").is_none_or(|d| day(m).as_str() >= d))
                .collect();
            // Newest first; equal times by sid, descending.
            all.sort_by(|a, b| {
                (time(b), b["sid"].as_str()).cmp(&(time(a), a["sid"].as_str()))
            });
            let start = match get(&q, "PageToken").and_then(|t| t.strip_prefix("PA")) {
                Some(after) => all
                    .iter()
                    .position(|m| m["sid"] == json!(after))
                    .map_or(all.len(), |i| i + 1),
                None => 0,
            };
            let page: Vec<Value> = all.iter().skip(start).take(size).map(|v| (*v).clone()).collect();
            let page_no: usize = get(&q, "Page").and_then(|p| p.parse().ok()).unwrap_or(0);
            let keep: String = q
                .iter()
                .filter(|(k, _)| k != "PageToken" && k != "Page")
                .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
                .collect::<Vec<_>>()
                .join("&");
            let next = (start + page.len() < all.len()).then(|| {
                format!(
                    "{list}?{keep}&Page={}&PageToken=PA{}",
                    page_no + 1,
                    page.last().unwrap()["sid"].as_str().unwrap()
                )
            });
            (
                200,
                json!({
                    "messages": page, "page": page_no, "page_size": size, "start": start,
                    "end": start + page.len().saturating_sub(1),
                    "uri": url, "first_page_uri": format!("{list}?{keep}&Page=0"),
                    "next_page_uri": next, "previous_page_uri": null,
                })
                .to_string(),
            )
        }
        ("POST", p) if p == list => {
            let form = pairs(body);
            let (Some(to), Some(from)) = (get(&form, "To"), get(&form, "From")) else {
                return (400, error(21604, 400, "A 'To' phone number is required."));
            };
            let Some(text) = get(&form, "Body") else {
                return (400, error(21602, 400, "Message body is required."));
            };
            if to == "+15550109999" {
                return (
                    400,
                    error(21610, 400, "Attempt to send to unsubscribed recipient"),
                );
            }
            st.next += 1;
            let sid = format!("SM{:032x}", 0xABC000 + st.next);
            let m = message(&sid, "outbound-api", from, to, text, 0, Utc::now());
            st.messages.push(m.clone());
            (201, m.to_string())
        }
        _ => (404, error(20404, 404, "The requested resource was not found")),
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
