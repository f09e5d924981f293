//! A small Bluesky PDS on 127.0.0.1 for the connector's tests, answering as the
//! lexicons say: sessions (create, limited to 30 per 5 minutes as the PDS does;
//! refresh; expiry as 400 ExpiredToken), listNotifications with an opaque cursor
//! (the indexedAt of the page's last item, as the AppView's), getProfiles (25 at
//! most), getPosts, createRecord (a taken record key is refused) and getRecord.
//! Every answer carries `RateLimit-Limit/Remaining/Reset` (epoch seconds); a test
//! scripts faults (401, 429, 5xx, slow answers) for the next matching requests.

#![allow(dead_code)]

#[path = "../common/loopback.rs"]
mod loopback;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const PASSWORD: &str = "app-pw-q7r8-s9t0-u1v2";
pub const OUR_DID: &str = "did:plc:northwind";
pub const OUR_HANDLE: &str = "northwind.bsky.social";

#[derive(Default)]
pub struct State {
    /// Newest first.
    pub notifications: Vec<Value>,
    pub posts: HashMap<String, Value>,
    pub followers: HashMap<String, i64>,
    /// (collection, rkey) -> record.
    pub records: HashMap<(String, String), Value>,
    pub access: Vec<String>,
    pub refresh: Vec<String>,
    /// Every access and refresh token ever handed out.
    pub issued: Vec<String>,
    pub sessions_created: usize,
    pub refreshed: usize,
    pub requests: Vec<String>,
    pub profile_batches: Vec<usize>,
    pub next: u64,
    /// Answer the next createRecord with this status after storing the record.
    pub fail_create_after_storing: Option<u16>,
    /// Store the next createRecord only after this delay (the answer comes after it
    /// too): a client that gave up first does not find the record at once.
    pub slow_create: Option<Duration>,
    /// Delay every listNotifications page by this much.
    pub page_delay: Duration,
    pub script: VecDeque<Scripted>,
    /// Requests (and their answers' status) in the order they came: "GET /xrpc/... 200".
    pub log: Vec<String>,
    /// The budget of the current window (RateLimit-Remaining counts down from it).
    pub budget: Option<Budget>,
}

/// A rate-limit window: `left` requests until `reset` (epoch seconds); a request
/// beyond it is answered 429 as the PDS does.
#[derive(Clone, Debug)]
pub struct Budget {
    pub limit: i64,
    pub left: i64,
    pub reset: i64,
    /// The window after `reset` holds this many.
    pub refill: i64,
    /// When the last request is spent, the window ends this many seconds later
    /// (so a slow machine cannot reach the reset before spending the budget).
    pub ends_after_spent: Option<i64>,
}

/// A scripted answer for the next request whose "METHOD /path" starts with `matches`.
#[derive(Clone, Debug, Default)]
pub struct Scripted {
    pub matches: String,
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
}

pub struct Pds {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Pds {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl Pds {
    pub fn start() -> Pds {
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
        Pds { url, state, server }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Adds `n` notifications with `reason`, newer than all before.
    pub fn add(&self, n: usize, reason: &str) {
        let mut st = self.lock();
        for _ in 0..n {
            st.next += 1;
            let i = st.next;
            let did = format!("did:plc:person{}", i % 40);
            let uri = format!("at://{did}/app.bsky.feed.post/3kpost{i:06}");
            let mut record = json!({"$type": "app.bsky.feed.post", "text": format!("@northwind.bsky.social où est ma commande {i}?"),
                                    "createdAt": "2026-11-20T09:00:00.000Z"});
            if reason == "reply" {
                let root = json!({"uri": format!("at://{OUR_DID}/app.bsky.feed.post/3kroot"), "cid": "bafyroot"});
                let parent = json!({"uri": format!("at://{OUR_DID}/app.bsky.feed.post/3kours{i}"), "cid": "bafyours"});
                record["reply"] = json!({"root": root, "parent": parent});
            }
            let author = json!({"did": did, "handle": format!("person{}.bsky.social", i % 40), "displayName": "P"});
            st.followers.insert(did.clone(), (i % 40) as i64 * 10);
            st.posts.insert(uri.clone(), json!({"uri": uri, "cid": format!("bafy{i}"), "author": author, "record": record,
                                                 "indexedAt": format!("2026-11-20T10:{:02}:{:02}.000Z", (i / 60) % 60, i % 60)}));
            st.notifications.insert(0, json!({
                "uri": uri, "cid": format!("bafy{i}"), "reason": reason, "author": author, "record": record,
                "isRead": false, "indexedAt": format!("2026-11-20T{:02}:{:02}:{:02}.000Z", 10 + i / 3600, (i / 60) % 60, i % 60),
            }));
        }
    }

    pub fn script(&self, s: Scripted) {
        self.lock().script.push_back(s);
    }

    /// The notification with this text, from `handle` (emoji and all), newest.
    pub fn add_post(&self, did: &str, handle: &str, name: &str, text: &str) -> String {
        let mut st = self.lock();
        st.next += 1;
        let i = st.next;
        let uri = format!("at://{did}/app.bsky.feed.post/3kpost{i:06}");
        let record = json!({"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-20T09:00:00.000Z"});
        let author = json!({"did": did, "handle": handle, "displayName": name});
        let at = format!(
            "2026-11-20T{:02}:{:02}:{:02}.000Z",
            10 + i / 3600,
            (i / 60) % 60,
            i % 60
        );
        st.posts.insert(uri.clone(), json!({"uri": uri, "cid": format!("bafy{i}"), "author": author, "record": record, "indexedAt": at}));
        st.notifications.insert(0, json!({
            "uri": uri, "cid": format!("bafy{i}"), "reason": "mention", "author": author, "record": record,
            "isRead": false, "indexedAt": at,
        }));
        uri
    }

    /// The posts we made (app.bsky.feed.post records).
    pub fn our_posts(&self) -> Vec<Value> {
        self.lock()
            .records
            .iter()
            .filter(|((c, _), _)| c == "app.bsky.feed.post")
            .map(|((_, rkey), v)| json!({"rkey": rkey, "uri": v["uri"], "value": v["value"]}))
            .collect()
    }

    pub fn expire_access(&self) {
        self.lock().access.clear();
    }
}

fn query_all(url: &str, name: &str) -> Vec<String> {
    let Some((_, q)) = url.split_once('?') else {
        return vec![];
    };
    q.split('&')
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k == name).then(|| decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap(),
            );
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn handle(mut request: tiny_http::Request, state: &Arc<Mutex<State>>) {
    let method = request.method().to_string();
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or("").to_string();
    let line = format!("{method} {path}");
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let auth = request
        .headers()
        .iter()
        .find(|h| {
            h.field
                .as_str()
                .as_str()
                .eq_ignore_ascii_case("authorization")
        })
        .map(|h| h.value.as_str().trim_start_matches("Bearer ").to_string());
    let now = chrono::Utc::now().timestamp();
    let (scripted, limit, delay) = {
        let mut st = state.lock().unwrap();
        let i = st.script.iter().position(|s| line.starts_with(&s.matches));
        let scripted = i.and_then(|i| st.script.remove(i));
        // The window's budget: spent by every request, refilled at its reset.
        let limit = st.budget.as_mut().map(|b| {
            if now >= b.reset {
                b.left = b.refill;
                b.reset = now + 300;
            }
            let over = b.left <= 0;
            b.left = (b.left - 1).max(0);
            if b.left == 0 && !over {
                if let Some(w) = b.ends_after_spent {
                    b.reset = now + w;
                }
            }
            (b.limit, b.left, b.reset, over)
        });
        let delay = if path == "/xrpc/app.bsky.notification.listNotifications" {
            st.page_delay
        } else {
            Duration::ZERO
        };
        (scripted, limit, delay)
    };
    let (status, text, mut headers) = match (&scripted, limit) {
        (Some(s), _) => {
            std::thread::sleep(s.delay);
            (s.status, s.body.clone(), s.headers.clone())
        }
        (None, Some((_, _, _, true))) => (
            429,
            json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}).to_string(),
            vec![],
        ),
        (None, _) => {
            std::thread::sleep(delay);
            let (status, text) = answer(state, &method, &url, &body, auth.as_deref());
            (status, text, vec![])
        }
    };
    let named = |h: &[(String, String)], n: &str| h.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    let (l, left, reset) = match limit {
        Some((l, left, reset, _)) => (l, left, reset),
        None => (3000, 2999, now + 300),
    };
    for (k, v) in [
        ("RateLimit-Limit", l.to_string()),
        ("RateLimit-Remaining", left.to_string()),
        ("RateLimit-Reset", reset.to_string()),
        ("RateLimit-Policy", format!("{l};w=300")),
    ] {
        if !named(&headers, k) {
            headers.push((k.to_string(), v));
        }
    }
    state.lock().unwrap().log.push(format!("{line} {status}"));
    let mut response = tiny_http::Response::from_string(text).with_status_code(status);
    response.add_header(tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap());
    for (k, v) in headers {
        response.add_header(tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap());
    }
    let _ = request.respond(response);
}

fn answer(
    state: &Arc<Mutex<State>>,
    method: &str,
    url: &str,
    body: &str,
    auth: Option<&str>,
) -> (u16, String) {
    let path = url.split('?').next().unwrap_or("");
    let mut st = state.lock().unwrap();
    st.requests.push(format!("{method} {path}"));
    let params: Value = serde_json::from_str(body).unwrap_or(json!({}));
    let new_session = |st: &mut State| {
        st.next += 1;
        let (a, r) = (
            format!("acc-{}-{:016x}", st.next, fastrand::u64(..)),
            format!("ref-{}-{:016x}", st.next, fastrand::u64(..)),
        );
        st.issued.push(a.clone());
        st.issued.push(r.clone());
        st.access.push(a.clone());
        st.refresh.push(r.clone());
        json!({"accessJwt": a, "refreshJwt": r, "did": OUR_DID, "handle": OUR_HANDLE}).to_string()
    };
    match path {
        "/xrpc/com.atproto.server.createSession" => {
            if st.sessions_created >= 30 {
                // createSession: 30 per 5 minutes per account.
                (
                    429,
                    json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"})
                        .to_string(),
                )
            } else if params["identifier"] == OUR_HANDLE && params["password"] == PASSWORD {
                st.sessions_created += 1;
                (200, new_session(&mut st))
            } else {
                (401, json!({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}).to_string())
            }
        }
        "/xrpc/com.atproto.server.refreshSession" => {
            if auth.is_some_and(|a| st.refresh.iter().any(|r| r == a)) {
                st.refreshed += 1;
                (200, new_session(&mut st))
            } else {
                (
                    400,
                    json!({"error": "ExpiredToken", "message": "Token has expired"}).to_string(),
                )
            }
        }
        _ if !auth.is_some_and(|a| st.access.iter().any(|x| x == a)) => (
            400,
            json!({"error": "ExpiredToken", "message": "Token has expired"}).to_string(),
        ),
        "/xrpc/com.atproto.server.getSession" => (
            200,
            json!({"did": OUR_DID, "handle": OUR_HANDLE}).to_string(),
        ),
        "/xrpc/app.bsky.notification.listNotifications" => {
            let reasons = query_all(url, "reasons");
            let limit: usize = query_all(url, "limit")
                .first()
                .and_then(|l| l.parse().ok())
                .unwrap_or(50);
            // The AppView's cursor: the indexedAt of the last item sent; the next
            // page is what was indexed before it, so new arrivals shift nothing.
            let before = query_all(url, "cursor").first().cloned();
            let all: Vec<&Value> = st
                .notifications
                .iter()
                .filter(|n| reasons.is_empty() || reasons.iter().any(|r| n["reason"] == json!(r)))
                .filter(|n| {
                    before
                        .as_deref()
                        .is_none_or(|b| n["indexedAt"].as_str().unwrap() < b)
                })
                .collect();
            let page: Vec<Value> = all.iter().take(limit).map(|v| (*v).clone()).collect();
            let mut out = json!({"notifications": page});
            if limit < all.len() {
                out["cursor"] = page[page.len() - 1]["indexedAt"].clone();
            }
            (200, out.to_string())
        }
        "/xrpc/app.bsky.actor.getProfiles" => {
            let actors = query_all(url, "actors");
            st.profile_batches.push(actors.len());
            if actors.len() > 25 {
                return (400, json!({"error": "InvalidRequest", "message": "actors must not have more than 25 elements"}).to_string());
            }
            let profiles: Vec<Value> = actors
                .iter()
                .map(|a| json!({"did": a, "handle": "x", "followersCount": st.followers.get(a).copied().unwrap_or(0)}))
                .collect();
            (200, json!({"profiles": profiles}).to_string())
        }
        "/xrpc/app.bsky.feed.getPosts" => {
            let posts: Vec<Value> = query_all(url, "uris")
                .iter()
                .filter_map(|u| st.posts.get(u).cloned())
                .collect();
            (200, json!({"posts": posts}).to_string())
        }
        "/xrpc/com.atproto.repo.createRecord" => {
            let collection = params["collection"].as_str().unwrap_or("").to_string();
            let rkey = params["rkey"].as_str().unwrap_or("").to_string();
            let key = (collection.clone(), rkey.clone());
            if st.records.contains_key(&key) {
                return (
                    400,
                    json!({"error": "InvalidRequest", "message": "Record already exists"})
                        .to_string(),
                );
            }
            let uri = format!("at://{OUR_DID}/{collection}/{rkey}");
            if let Some(d) = st.slow_create.take() {
                drop(st);
                std::thread::sleep(d);
                st = state.lock().unwrap();
            }
            st.records.insert(
                key,
                json!({"uri": uri, "cid": "bafynew", "value": params["record"]}),
            );
            if let Some(s) = st.fail_create_after_storing.take() {
                return (s, json!({"error": "InternalServerError"}).to_string());
            }
            (200, json!({"uri": uri, "cid": "bafynew"}).to_string())
        }
        "/xrpc/com.atproto.repo.getRecord" => {
            let c = query_all(url, "collection").pop().unwrap_or_default();
            let r = query_all(url, "rkey").pop().unwrap_or_default();
            match st.records.get(&(c, r)) {
                Some(v) => (200, v.to_string()),
                None => (
                    400,
                    json!({"error": "RecordNotFound", "message": "Could not locate record"})
                        .to_string(),
                ),
            }
        }
        _ => (404, json!({"error": "MethodNotImplemented"}).to_string()),
    }
}
