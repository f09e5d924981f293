//! The one HTTP client of the live platforms: blocking `ureq` with connect and read
//! timeouts, answers of any status read as data (the caller decides what a 401 or a
//! 429 means), bodies capped, and the rate-limit headers kept.

use super::PlatformError;
use crate::domain::sanitize;
use std::time::Duration;

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

/// A client for one server.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// `https://host[:port]`, without a trailing slash.
    pub base: String,
    /// The host, for messages.
    pub host: String,
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
        }
    }

    /// GET `path` (which starts with '/', query included).
    pub fn get(&self, path: &str, auth: Option<&str>) -> Result<Answer, PlatformError> {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        self.answer(req.call())
    }

    /// POST `path` with a JSON body and optional extra headers.
    pub fn post_json(
        &self,
        path: &str,
        auth: Option<&str>,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> Result<Answer, PlatformError> {
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
        self.answer(req.send(body.to_string()))
    }

    /// POST `path` with a form (`application/x-www-form-urlencoded`), as Twilio takes.
    pub fn post_form(
        &self,
        path: &str,
        auth: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Result<Answer, PlatformError> {
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
        self.answer(req.send(body))
    }

    fn answer(
        &self,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
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
        Ok(Answer {
            status,
            body,
            link,
            retry_after,
            remaining,
            reset,
        })
    }

    fn transport(&self, e: ureq::Error) -> PlatformError {
        let host = self.host.clone();
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
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
                PlatformError::Unreachable {
                    host,
                    reason: sanitize::message(&e.to_string()),
                    sent: false,
                }
            }
            other => PlatformError::Unreachable {
                host,
                reason: sanitize::message(&other.to_string()),
                sent: true,
            },
        }
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
}
