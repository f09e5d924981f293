//! The one HTTP client of the live platforms: blocking `ureq` with connect and read
//! timeouts, answers of any status read as data (the caller decides what a 401 or a
//! 429 means), bodies capped, and the rate-limit headers kept.
//!
//! It is also the one home of the rate-limit budget: when an answer says no request
//! is left (`X-RateLimit-Remaining: 0` from Mastodon, `RateLimit-Remaining: 0` from
//! Bluesky), the client's next request waits for the announced reset instead of
//! spending itself on a 429; a reset further than [`MAX_WAIT`] away fails at once
//! with `RateLimited`, sending nothing. The account's budget is the one its
//! authenticated requests report; a login's own limit is not it.

use super::PlatformError;
use crate::domain::sanitize;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest a request waits for a rate limit by itself; longer, it stops and says so.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// Told when a request waits for a rate limit: "waiting 42 s for mastodon.social's
/// rate limit".
pub type Notice = Arc<dyn Fn(&str) + Send + Sync>;

/// Bodies larger than this are refused (a page of 80 notifications is ~200 KB).
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// An answer, whatever its status.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub link: Option<String>,
    pub retry_after: Option<String>,
    /// `X-RateLimit-Remaining` (Mastodon) or `RateLimit-Remaining` (Bluesky).
    pub remaining: Option<i64>,
    /// `X-RateLimit-Reset` (ISO 8601) or `RateLimit-Reset` (epoch seconds), as sent.
    pub reset: Option<String>,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The answer with `secret` cut out of its body, for a server that echoes what
    /// it was sent: an error quoting the body must not carry a token or a password.
    pub fn redact(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.len() >= 4 && self.body.contains(secret) {
            self.body = self.body.replace(secret, "…");
        }
    }

    /// The server's text, safe to quote in a message.
    pub fn quoted(&self) -> String {
        // Mastodon and XRPC errors are JSON with "error"/"message"; quote just that.
        let value: Option<serde_json::Value> = serde_json::from_str(&self.body).ok();
        let text = value
            .as_ref()
            .and_then(|v| {
                v.get("error_description")
                    .or_else(|| v.get("message"))
                    .or_else(|| v.get("error"))
            })
            .and_then(|v| v.as_str())
            .unwrap_or(&self.body);
        sanitize::shown(text)
    }

    /// ": the server's words" for an error message, or nothing when it said nothing.
    pub fn said(&self) -> String {
        if self.body.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", self.quoted())
        }
    }

    /// When the rate-limit window resets: `X-RateLimit-Reset` is an ISO 8601 time
    /// (Mastodon), `RateLimit-Reset` epoch seconds (Bluesky) or, in the IETF draft,
    /// seconds from now (a number too small to be a date).
    pub fn reset_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let raw = self.reset.as_deref()?.trim();
        if let Ok(n) = raw.parse::<i64>() {
            return if n >= 1_000_000_000 {
                DateTime::from_timestamp(n, 0)
            } else {
                Some(now + chrono::Duration::seconds(n.max(0)))
            };
        }
        DateTime::parse_from_rfc3339(raw)
            .ok()
            .map(|at| at.with_timezone(&Utc))
    }

    /// How long the server asks us to wait: `Retry-After` in seconds or an HTTP date.
    pub fn retry_after(&self, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
        let raw = self.retry_after.as_deref()?.trim();
        if let Ok(secs) = raw.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let at = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
        let secs = (at.with_timezone(&chrono::Utc) - now).num_seconds().max(0);
        Some(Duration::from_secs(secs as u64))
    }
}

/// The statuses a platform explains, each with what it refused ("token", "account")
/// and what to do about it.
pub type Refusals = [(u16, &'static str, &'static str)];

/// The answer if 2xx, else the error its status means: a refusal the platform
/// explains (`refusals`), a 429 with the wait the server asks for, a server error, or
/// any other refusal. `said` quotes the server's words as the platform writes them.
pub fn checked(
    answer: Answer,
    host: &str,
    refusals: &Refusals,
    said: impl Fn(&Answer) -> String,
) -> Result<Answer, PlatformError> {
    if answer.ok() {
        return Ok(answer);
    }
    let host = host.to_string();
    if let Some(&(status, what, hint)) = refusals.iter().find(|r| r.0 == answer.status) {
        return Err(PlatformError::Rejected {
            host,
            status,
            what,
            text: said(&answer),
            hint,
        });
    }
    Err(match answer.status {
        429 => PlatformError::RateLimited {
            host,
            retry_after: answer.retry_after(Utc::now()),
        },
        s if s >= 500 => PlatformError::Server {
            host,
            status: s,
            text: said(&answer),
        },
        s => PlatformError::Refused {
            host,
            status: s,
            text: said(&answer),
        },
    })
}

/// A client for one server.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// `https://host[:port]`, without a trailing slash.
    pub base: String,
    /// The host, for messages.
    pub host: String,
    /// Until when the server's budget is spent (shared by the clones).
    spent_until: Arc<Mutex<Option<DateTime<Utc>>>>,
    notice: Arc<Mutex<Option<Notice>>>,
    max_wait: Duration,
}

impl Client {
    pub fn new(base: &str, host: &str, timeout: Duration) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_recv_body(Some(timeout))
            .timeout_send_request(Some(timeout))
            .http_status_as_error(false)
            // A token must not follow a redirect to another host.
            .max_redirects(0)
            .user_agent(concat!("rapport/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            base: base.trim_end_matches('/').to_string(),
            host: host.to_string(),
            spent_until: Arc::new(Mutex::new(None)),
            notice: Arc::new(Mutex::new(None)),
            max_wait: MAX_WAIT,
        }
    }

    /// Who hears that a request waits for the rate limit (`rapport pull` prints it).
    pub fn on_wait(&self, notice: Notice) {
        *self.notice.lock().unwrap_or_else(|p| p.into_inner()) = Some(notice);
    }

    /// The longest a request waits by itself (tests shorten it).
    pub fn with_max_wait(mut self, max_wait: Duration) -> Client {
        self.max_wait = max_wait;
        self
    }

    /// Waits until the budget is back, if the last answer said it was spent.
    fn wait_for_budget(&self) -> Result<(), PlatformError> {
        let until = *self.spent_until.lock().unwrap_or_else(|p| p.into_inner());
        let Some(until) = until else { return Ok(()) };
        let wait = (until - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        if wait > self.max_wait {
            return Err(PlatformError::RateLimited {
                host: self.host.clone(),
                retry_after: Some(wait),
            });
        }
        if !wait.is_zero() {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let message = format!("waiting {secs} s for {}'s rate limit", self.host);
            tracing::info!("{message}");
            let notice = self
                .notice
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            if let Some(notice) = notice {
                notice(&message);
            }
            std::thread::sleep(wait);
        }
        *self.spent_until.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    /// Remembers a spent budget announced by `answer`.
    fn note_budget(&self, answer: &Answer) {
        if answer.remaining != Some(0) {
            return;
        }
        let now = Utc::now();
        // A spent budget without a readable reset: a short pause, not a 429.
        let until = answer
            .reset_at(now)
            .unwrap_or(now + chrono::Duration::seconds(5));
        *self.spent_until.lock().unwrap_or_else(|p| p.into_inner()) = Some(until);
    }

    /// GET `path` (which starts with '/', query included).
    pub fn get(&self, path: &str, auth: Option<&str>) -> Result<Answer, PlatformError> {
        self.wait_for_budget()?;
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        self.answer(req.call(), auth)
    }

    /// POST `path` with a JSON body and optional extra headers.
    pub fn post_json(
        &self,
        path: &str,
        auth: Option<&str>,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> Result<Answer, PlatformError> {
        self.wait_for_budget()?;
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.answer(req.send(body.to_string()), auth)
    }

    /// POST `path` with a form (`application/x-www-form-urlencoded`), as Twilio takes.
    pub fn post_form(
        &self,
        path: &str,
        auth: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Result<Answer, PlatformError> {
        self.wait_for_budget()?;
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded");
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        self.answer(req.send(body), auth)
    }

    fn answer(
        &self,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        auth: Option<&str>,
    ) -> Result<Answer, PlatformError> {
        let mut response = result.map_err(|e| self.transport(e))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let link = header("link");
        let retry_after = header("retry-after");
        let remaining = header("x-ratelimit-remaining")
            .or_else(|| header("ratelimit-remaining"))
            .and_then(|v| v.trim().parse().ok());
        let reset = header("x-ratelimit-reset").or_else(|| header("ratelimit-reset"));
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| self.transport(e))?;
        let mut answer = Answer {
            status,
            body,
            link,
            retry_after,
            remaining,
            reset,
        };
        // A login (no credentials yet) has a budget of its own (Bluesky's
        // createSession: 30 per 5 minutes), which says nothing of the others'.
        if auth.is_some() {
            self.note_budget(&answer);
        }
        if !answer.ok() {
            // The credentials we sent, should the server echo them in its error.
            if let Some(a) = auth {
                // The credentials after the scheme ("Bearer …", "Basic …").
                answer.redact(a.split_once(' ').map_or(a, |(_, credentials)| credentials));
            }
        }
        Ok(answer)
    }

    fn transport(&self, e: ureq::Error) -> PlatformError {
        transport(&self.host, e)
    }
}

fn transport(host: &str, e: ureq::Error) -> PlatformError {
    let host = host.to_string();
    match e {
        ureq::Error::Timeout(_) => PlatformError::Timeout { host },
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            PlatformError::Timeout { host }
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            PlatformError::Unreachable {
                host,
                reason: "connection refused".into(),
                sent: false,
            }
        }
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => PlatformError::Unreachable {
            host,
            reason: sanitize::message(&e.to_string()),
            sent: false,
        },
        other => PlatformError::Unreachable {
            host,
            reason: sanitize::message(&other.to_string()),
            sent: true,
        },
    }
}

/// An event stream opened by [`StreamClient::open`], or the answer of a server that
/// would not open one (any status, or a 200 that is not `text/event-stream`).
pub enum Opened {
    Stream(Box<dyn std::io::BufRead + Send>),
    Refused(Answer),
}

/// A client for one long-lived event stream (Server-Sent Events). Unlike [`Client`]
/// it has no limit on the whole body, only on silence: a read that waits longer
/// than `silence` fails with `ErrorKind::TimedOut`, so a stream whose heartbeats
/// stopped is noticed rather than waited on forever.
pub struct StreamClient {
    agent: ureq::Agent,
    host: String,
}

impl StreamClient {
    pub fn new(host: &str, timeout: Duration, silence: Duration) -> StreamClient {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_send_request(Some(timeout))
            .timeout_recv_body(None)
            .timeout_per_read(Some(silence))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("rapport/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        StreamClient {
            agent,
            host: host.to_string(),
        }
    }

    /// GET `url` (a whole URL: a server may stream from another host) as an event stream.
    pub fn open(&self, url: &str, auth: &str) -> Result<Opened, PlatformError> {
        let response = self
            .agent
            .get(url)
            .header("Authorization", auth)
            .header("Accept", "text/event-stream")
            .header("Cache-Control", "no-cache")
            .call()
            .map_err(|e| transport(&self.host, e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if status == 200 && content_type.starts_with("text/event-stream") {
            let body = response.into_body().into_reader();
            return Ok(Opened::Stream(Box::new(std::io::BufReader::new(
                SilenceAsTimeout(body),
            ))));
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = header("retry-after");
        let mut body = response.into_body();
        // A short look at what came instead: an error's JSON, or a page that is not a stream.
        let text = body
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Ok(Opened::Refused(Answer {
            status,
            body: if status == 200 {
                format!("content type {}", sanitize::one_line(&content_type))
            } else {
                text
            },
            link: None,
            retry_after,
            remaining: None,
            reset: None,
        }))
    }
}

/// The stream's body, its read timeout reported as `ErrorKind::TimedOut`.
struct SilenceAsTimeout<R>(R);

impl<R: std::io::Read> std::io::Read for SilenceAsTimeout<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut {
                return e;
            }
            match ureq::Error::from(e) {
                ureq::Error::Timeout(t) => {
                    std::io::Error::new(std::io::ErrorKind::TimedOut, t.to_string())
                }
                other => other.into_io(),
            }
        })
    }
}

/// The `rel="next"` URL of a `Link` header.
pub fn link_next(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next");
        is_next.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// The value of `name` in a URL's query.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `s` made safe inside a URL's path or query.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_next_link() {
        let link = r#"<https://m.example/api/v1/notifications?max_id=34975535>; rel="next", <https://m.example/api/v1/notifications?min_id=34975861>; rel="prev""#;
        let next = link_next(link).unwrap();
        assert_eq!(query_param(&next, "max_id").as_deref(), Some("34975535"));
        assert_eq!(link_next(r#"<https://x/?min_id=1>; rel="prev""#), None);
        assert_eq!(percent_encode("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(percent_decode("a%20b"), "a b");
    }

    /// A server that announces a spent budget on its first answer, with the reset
    /// `window` makes of the time it answers (as sent, and as a time), and answers
    /// 429 to any request before that time. Returns its URL and the statuses it
    /// answered, in order.
    fn budget_server(
        header: &'static str,
        window: fn(DateTime<Utc>) -> (String, DateTime<Utc>),
    ) -> (String, Arc<Mutex<Vec<u16>>>) {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let url = format!("http://{}", server.server_addr().to_ip().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        std::thread::spawn(move || {
            let mut reset = None;
            for request in server.incoming_requests() {
                let (sent, until) = reset.get_or_insert_with(|| window(Utc::now())).clone();
                let first = seen.lock().unwrap().is_empty();
                let status = if !first && Utc::now() < until {
                    429
                } else {
                    200
                };
                let left = if first { "0" } else { "10" };
                seen.lock().unwrap().push(status);
                let response = tiny_http::Response::from_string("{}")
                    .with_status_code(status)
                    .with_header(tiny_http::Header::from_bytes(header, left).unwrap())
                    .with_header(
                        tiny_http::Header::from_bytes(
                            header.replace("Remaining", "Reset").as_bytes(),
                            sent.as_bytes(),
                        )
                        .unwrap(),
                    );
                let _ = request.respond(response);
            }
        });
        (url, log)
    }

    #[test]
    fn a_spent_budget_is_waited_out_before_the_next_request_not_spent_on_a_429() {
        let mastodon: fn(DateTime<Utc>) -> (String, DateTime<Utc>) = |now| {
            // An ISO 8601 time with microseconds.
            let soon = now + chrono::Duration::milliseconds(1500);
            (
                soon.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                soon,
            )
        };
        let bluesky: fn(DateTime<Utc>) -> (String, DateTime<Utc>) = |now| {
            // Epoch seconds.
            let at = DateTime::from_timestamp(now.timestamp() + 2, 0).unwrap_or(now);
            (at.timestamp().to_string(), at)
        };
        for (header, window) in [
            ("X-RateLimit-Remaining", mastodon),
            ("RateLimit-Remaining", bluesky),
        ] {
            let (url, log) = budget_server(header, window);
            let client = Client::new(&url, "m.example", Duration::from_secs(5));
            let heard = Arc::new(Mutex::new(Vec::<String>::new()));
            let h = heard.clone();
            client.on_wait(Arc::new(move |m: &str| {
                h.lock().unwrap().push(m.to_string())
            }));
            let auth = Some("Bearer tok-1");
            assert_eq!(client.get("/a", auth).unwrap().remaining, Some(0));
            assert_eq!(client.get("/b", auth).unwrap().status, 200, "{header}");
            assert_eq!(client.get("/c", auth).unwrap().status, 200, "{header}");
            assert_eq!(*log.lock().unwrap(), vec![200, 200, 200], "{header}");
            let heard = heard.lock().unwrap();
            assert_eq!(heard.len(), 1, "{header}: {heard:?}");
            assert!(
                heard[0].starts_with("waiting ")
                    && heard[0].ends_with(" s for m.example's rate limit"),
                "{}",
                heard[0]
            );
        }
    }

    #[test]
    fn a_reset_too_far_away_stops_without_sending() {
        let (url, log) = budget_server("RateLimit-Remaining", |now| {
            let later = now + chrono::Duration::hours(1);
            (later.timestamp().to_string(), later)
        });
        let client = Client::new(&url, "bsky.example", Duration::from_secs(5));
        client.get("/a", Some("Bearer tok-1")).unwrap();
        let e = client.get("/b", Some("Bearer tok-1")).unwrap_err();
        assert!(
            matches!(e, PlatformError::RateLimited { retry_after: Some(d), .. } if d > Duration::from_secs(3000)),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("bsky.example asks us to slow down"),
            "{e}"
        );
        assert_eq!(log.lock().unwrap().len(), 1, "nothing was sent");
    }

    #[test]
    fn a_logins_own_limit_is_not_the_accounts_budget() {
        let (url, log) = budget_server("RateLimit-Remaining", |now| {
            let later = now + chrono::Duration::hours(1);
            (later.timestamp().to_string(), later)
        });
        let client = Client::new(&url, "bsky.example", Duration::from_secs(5));
        // createSession: no credentials yet; its last login of the window.
        client
            .post_json("/login", None, &[], &serde_json::json!({}))
            .unwrap();
        // The next request goes out (this server then answers it 429).
        let answer = client.get("/a", Some("Bearer tok-1")).unwrap();
        assert_eq!(answer.status, 429);
        assert_eq!(*log.lock().unwrap(), vec![200, 429]);
    }

    #[test]
    fn resets_in_every_documented_form() {
        let now = DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let answer = |reset: &str| Answer {
            status: 200,
            body: String::new(),
            link: None,
            retry_after: None,
            remaining: Some(0),
            reset: Some(reset.into()),
        };
        let at = |reset: &str| answer(reset).reset_at(now).map(|t| t.to_rfc3339());
        assert_eq!(
            at("2026-11-20T09:05:00.123456Z").as_deref(),
            Some("2026-11-20T09:05:00.123456+00:00")
        );
        assert_eq!(
            at("1795165500").as_deref(),
            Some("2026-11-20T09:05:00+00:00")
        );
        assert_eq!(at("42").as_deref(), Some("2026-11-20T09:00:42+00:00"));
        assert_eq!(at("soon"), None);
    }
}
