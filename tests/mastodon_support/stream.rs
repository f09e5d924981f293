//! A Mastodon streaming server on 127.0.0.1 for the stream's tests: it answers
//! `GET /api/v1/streaming/...` with `text/event-stream` (`:connected` first, as the
//! real one and mastodon_mock do), then writes what the test sends, and closes when
//! the test drops the stream. Raw TCP rather than tiny_http, which buffers a
//! streamed body. The next connections can be refused with a status instead.

use super::TOKEN;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    /// "GET /path" and its Authorization header, per connection.
    requests: Vec<(String, Option<String>)>,
    /// Statuses for the next connections (then a stream).
    refuse: VecDeque<u16>,
    /// The newest open stream.
    live: Option<Sender<Option<String>>>,
    /// Streams opened so far.
    opened: usize,
}

pub struct SseServer {
    /// `ws://127.0.0.1:PORT`, as an instance advertises it.
    pub ws_url: String,
    state: Arc<Mutex<State>>,
}

impl SseServer {
    pub fn start() -> SseServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let ws_url = format!("ws://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let st = st.clone();
                std::thread::spawn(move || serve(conn, &st));
            }
        });
        SseServer { ws_url, state }
    }

    /// The next connection is answered with `status` (and a Mastodon error body).
    pub fn refuse_next(&self, status: u16) {
        self.state.lock().unwrap().refuse.push_back(status);
    }

    pub fn requests(&self) -> Vec<(String, Option<String>)> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn opened(&self) -> usize {
        self.state.lock().unwrap().opened
    }

    /// Waits until `n` streams were opened; fails after a while, saying so.
    pub fn wait_opened(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.opened() < n {
            assert!(
                Instant::now() < deadline,
                "only {} of {n} streams were opened; requests: {:?}",
                self.opened(),
                self.requests()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Writes `text` (SSE lines) to the newest open stream.
    pub fn send(&self, text: &str) {
        let st = self.state.lock().unwrap();
        st.live
            .as_ref()
            .expect("no stream is open")
            .send(Some(text.to_string()))
            .unwrap();
    }

    /// A mention notification event, as Mastodon streams it.
    pub fn send_mention(&self, id: &str) {
        self.send(&format!(
            "event: notification\ndata: {{\"id\":\"{id}\",\"type\":\"mention\",\"account\":{{\"acct\":\"ana\"}},\"status\":{{\"content\":\"<p>\\u001b[31mhi</p>\"}}}}\n\n"
        ));
    }

    /// Closes the newest open stream (a dropped connection).
    pub fn drop_stream(&self) {
        if let Some(live) = self.state.lock().unwrap().live.take() {
            let _ = live.send(None);
        }
    }
}

fn serve(conn: TcpStream, state: &Arc<Mutex<State>>) {
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut first = String::new();
    let mut auth = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end().to_string();
        if line.is_empty() {
            break;
        }
        if first.is_empty() {
            first = line.split(' ').take(2).collect::<Vec<_>>().join(" ");
        } else if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                auth = Some(v.trim().to_string());
            }
        }
    }
    let mut out = conn;
    let refused = {
        let mut st = state.lock().unwrap();
        st.requests.push((first.clone(), auth.clone()));
        st.refuse.pop_front()
    };
    let status = match refused {
        Some(s) => Some(s),
        None if auth.as_deref() != Some(&format!("Bearer {TOKEN}")) => Some(401),
        None if !first.starts_with("GET /api/v1/streaming") => Some(404),
        None => None,
    };
    if let Some(status) = status {
        let body = r#"{"error":"refused by the test"}"#;
        let _ = write!(
            out,
            "HTTP/1.1 {status} Refused\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return;
    }
    let (tx, rx) = channel::<Option<String>>();
    {
        let mut st = state.lock().unwrap();
        st.live = Some(tx);
        st.opened += 1;
    }
    let _ = out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n:connected\n\n",
    );
    let _ = out.flush();
    while let Ok(Some(text)) = rx.recv() {
        if out.write_all(text.as_bytes()).is_err() || out.flush().is_err() {
            return;
        }
    }
    let _ = out.shutdown(std::net::Shutdown::Both);
}
