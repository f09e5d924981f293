//! The Mastodon connector against a Mastodon nobody on this project wrote:
//! mastodon_mock (pypi.org/project/mastodon-mock, pinned by `.ci/mastodon-mock`), a
//! stateful server with idempotency keys, a user stream and fault injection. The
//! real `rapport` binary pulls mentions another account made (twice: nothing
//! doubles), answers a public mention and a direct message (the server holds one
//! reply each, threaded, at the right visibility), and keeps to one reply through a
//! 500, a post slower than our timeout and a 429, each with a clear message.
//!
//! Needs `RAPPORT_MASTODON_MOCK` (the path `.ci/mastodon-mock` prints); without it
//! the tests say why and pass, except under CI=true, where .ci/run installs it.

use rapport::domain::change::Write;
use rapport::domain::ActionKind;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A running mastodon_mock on a loopback port, stopped on drop.
struct Server {
    child: Child,
    url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
    http: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The installed mock, or None (after saying why) when the tests should skip.
fn mock_exe() -> Option<PathBuf> {
    match std::env::var_os("RAPPORT_MASTODON_MOCK").filter(|p| !p.is_empty()) {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var("CI").as_deref() == Ok("true") => panic!(
            "RAPPORT_MASTODON_MOCK is not set under CI=true: .ci/run must install the mock with .ci/mastodon-mock"
        ),
        None => {
            eprintln!(
                "skipped: RAPPORT_MASTODON_MOCK is not set (RAPPORT_MASTODON_MOCK=\"$(.ci/mastodon-mock)\" runs these)"
            );
            None
        }
    }
}

fn start() -> Option<Server> {
    let exe = mock_exe()?;
    // A free port can be taken by someone else before the mock binds it: try again.
    for _ in 0..3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("mock.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(&exe)
            .args(["serve", "--in-memory", "--host", "127.0.0.1", "--log-level"])
            .args(["warning", "--port", &port.to_string()])
            // It reads ./.mastodon_mock.toml or ./pyproject.toml when present: none here.
            .current_dir(dir.path())
            // Even "in memory" it keeps a SQLite file in the temporary folder: this
            // test's own, deleted with it, not the machine's.
            .env("TMPDIR", dir.path())
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
        let http: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut server = Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
            http,
        };
        if server.wait_ready() {
            return Some(server);
        }
    }
    panic!("mastodon_mock did not start on any of three ports");
}

impl Server {
    /// Waits until the server answers; false when it exited (its port was taken).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                eprintln!("mastodon_mock exited ({status}): {}", self.log_text());
                return false;
            }
            let answer = self
                .http
                .get(format!("{}/api/v1/instance", self.url))
                .call();
            if answer.is_ok_and(|a| a.status() == 200) {
                return true;
            }
            assert!(
                Instant::now() < deadline,
                "mastodon_mock did not answer in 2 minutes: {}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url);
        let auth = token.map(|t| format!("Bearer {t}"));
        let result = match (method, body) {
            ("GET", _) => {
                let mut r = self.http.get(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            (_, body) => {
                let mut r = self
                    .http
                    .post(&url)
                    .header("Content-Type", "application/json");
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.send(body.unwrap_or(json!({})).to_string())
            }
        };
        let mut answer = result.unwrap();
        let status = answer.status().as_u16();
        let text = answer.body_mut().read_to_string().unwrap();
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {text}"
        );
        serde_json::from_str(&text).unwrap()
    }

    /// A new local account and its token (the mock's own `_mock/dev_user`).
    fn user(&self, name: &str) -> (String, String) {
        let u = self.call(
            "POST",
            "/api/v1/_mock/dev_user",
            None,
            Some(json!({"username": name})),
        );
        (
            u["id"].as_str().unwrap().to_string(),
            u["access_token"].as_str().unwrap().to_string(),
        )
    }

    fn post(&self, token: &str, status: Value) -> Value {
        self.call("POST", "/api/v1/statuses", Some(token), Some(status))
    }

    /// A fault rule of the mock's control plane (spec/fault_injection.md).
    fn fault(&self, rule: Value) {
        self.call("POST", "/api/v1/_mock/faults", None, Some(rule));
    }

    /// `account`'s statuses answering `id`, as the server holds them.
    fn replies(&self, token: &str, account: &str, id: &str) -> Vec<Value> {
        let all = self.call(
            "GET",
            &format!("/api/v1/accounts/{account}/statuses?limit=40"),
            Some(token),
            None,
        );
        all.as_array()
            .unwrap()
            .iter()
            .filter(|s| s["in_reply_to_id"] == json!(id))
            .cloned()
            .collect()
    }
}

/// A database and config for the real binary, pointing at the mock.
struct Bed {
    dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
    token: String,
    /// The server's host, which every stored Mastodon id carries (`1234@host`).
    host: String,
}

fn bed(server: &Server, token: &str, timeout_secs: u64) -> Bed {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rapport.db");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[delivery]
undo_seconds = 0
backoff_seconds = 2
max_backoff_seconds = 2
[[accounts]]
name = "northwind"
platform = "mastodon"
server = "{}"
token_env = "RAPPORT_TEST_MASTODON_TOKEN"
timeout_secs = {timeout_secs}
"#,
            server.url
        ),
    )
    .unwrap();
    Bed {
        dir,
        db,
        config,
        token: token.to_string(),
        host: server.url.trim_start_matches("http://").to_string(),
    }
}

impl Bed {
    /// The id rapport stores for the server's status `id`.
    fn stored(&self, id: &str) -> String {
        rapport::platforms::mastodon::ids::stored(id, &self.host)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .env("RAPPORT_DB", &self.db)
            .env("RAPPORT_CONFIG", &self.config)
            .env("RAPPORT_TEST_MASTODON_TOKEN", &self.token)
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn pull(&self) -> String {
        let out = self.run(&["pull"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Queues a reply to the mention with this status id; returns its action id.
    fn queue_reply(&self, status_id: &str, body: &str) -> i64 {
        let mut conn = rapport::store::open(&self.db).unwrap();
        let config = rapport::config::load(Some(&self.config)).unwrap();
        let mention: i64 = conn
            .query_row(
                "SELECT id FROM mentions WHERE external_id = ?1",
                [self.stored(status_id)],
                |r| r.get(0),
            )
            .unwrap();
        rapport::store::actions::apply(
            &mut conn,
            &config,
            &Write::Reply {
                mention_id: mention,
                kind: ActionKind::Reply,
                body: body.into(),
                force: true,
            },
            chrono::Utc::now().timestamp() - 60,
        )
        .unwrap();
        conn.query_row(
            "SELECT MAX(id) FROM actions WHERE kind = 'reply'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    /// Queues a like of the mention with this status id; returns its action id.
    fn queue_like(&self, status_id: &str) -> i64 {
        let mut conn = rapport::store::open(&self.db).unwrap();
        let config = rapport::config::load(Some(&self.config)).unwrap();
        let mention: i64 = conn
            .query_row(
                "SELECT id FROM mentions WHERE external_id = ?1",
                [self.stored(status_id)],
                |r| r.get(0),
            )
            .unwrap();
        rapport::store::actions::apply(
            &mut conn,
            &config,
            &Write::Like {
                mention_id: mention,
            },
            chrono::Utc::now().timestamp() - 60,
        )
        .unwrap();
        conn.query_row("SELECT MAX(id) FROM actions WHERE kind = 'like'", [], |r| {
            r.get(0)
        })
        .unwrap()
    }

    fn state(&self, action: i64) -> String {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row("SELECT state FROM actions WHERE id = ?1", [action], |r| {
            r.get(0)
        })
        .unwrap()
    }

    /// Runs `rapport send` until the action is sent; returns everything it and
    /// `rapport outbox` (between two runs) printed.
    fn send_until_sent(&self, action: i64) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut said = String::new();
        while self.state(action) != "sent" {
            assert!(
                Instant::now() < deadline,
                "the reply was not sent; rapport said:\n{said}"
            );
            let out = self.run(&["send"]);
            said.push_str(&String::from_utf8_lossy(&out.stdout));
            said.push_str(&String::from_utf8_lossy(&out.stderr));
            // A failed action stays failed: no use waiting for it.
            assert_ne!(self.state(action), "failed", "{said}");
            if self.state(action) != "sent" {
                // Why it waits is what `rapport outbox` shows the operator.
                let out = self.run(&["outbox"]);
                said.push_str(&String::from_utf8_lossy(&out.stdout));
                // The retry is due after `backoff_seconds`.
                std::thread::sleep(Duration::from_millis(300));
            }
        }
        said
    }
}

#[test]
fn pulls_once_and_answers_in_thread_at_the_visibility_answered() {
    let Some(server) = start() else { return };
    let (us, our_token) = server.user("northwind");
    let (_, ana) = server.user("ana");
    let (_, bo) = server.user("bo");
    // Ours, then Ana answers it (the thread's parent is ours), then 44 more
    // mentions (more than the mock's 40 a page) and a direct message from Bo.
    let ours = server.post(
        &our_token,
        json!({"status": "The blue one is back.", "visibility": "public"}),
    );
    let answer = server.post(
        &ana,
        json!({"status": "@northwind in size M too? <b>&amp;</b>", "visibility": "public",
               "in_reply_to_id": ours["id"]}),
    );
    for i in 0..44 {
        server.post(
            &ana,
            json!({"status": format!("@northwind question {i}"), "visibility": "public"}),
        );
    }
    let dm = server.post(
        &bo,
        json!({"status": "@northwind my order never came", "visibility": "direct"}),
    );

    let bed = bed(&server, &our_token, 10);
    let said = bed.pull();
    assert!(said.starts_with("northwind: 46 new ("), "{said}");
    assert_eq!(bed.pull(), "northwind: 0 new (1 page)\n");
    assert_eq!(
        bed.count("SELECT COUNT(*) FROM mentions WHERE platform = 'mastodon'"),
        46
    );
    assert_eq!(
        bed.count("SELECT COUNT(DISTINCT external_id) FROM mentions WHERE platform = 'mastodon'"),
        46
    );
    let dm_id = dm["id"].as_str().unwrap();
    assert_eq!(
        bed.count(&format!(
            "SELECT COUNT(*) FROM mentions WHERE external_id = '{}' AND kind = 'direct_message'",
            bed.stored(dm_id)
        )),
        1
    );

    let answer_id = answer["id"].as_str().unwrap();
    let public = bed.queue_reply(answer_id, "Yes, M is in stock.");
    let direct = bed.queue_reply(dm_id, "Sorry! Sending a new one today.");
    bed.send_until_sent(public);
    bed.send_until_sent(direct);
    // Once more: nothing goes out twice.
    assert!(bed.run(&["send"]).status.success());

    let replies = server.replies(&our_token, &us, answer_id);
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["visibility"], "public");
    assert!(replies[0]["content"]
        .as_str()
        .unwrap()
        .contains("Yes, M is in stock."));
    let replies = server.replies(&our_token, &us, dm_id);
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["visibility"], "direct");
    assert!(replies[0]["content"].as_str().unwrap().contains("@bo"));
    // A like is a favourite, made once.
    let like = bed.queue_like(answer_id);
    bed.send_until_sent(like);
    let liked = server.call(
        "GET",
        &format!("/api/v1/statuses/{answer_id}"),
        Some(&our_token),
        None,
    );
    assert_eq!(liked["favourited"], true);
    assert_eq!(liked["favourites_count"], 1);
    // The action records the server's id for the reply.
    let remote: String = rusqlite::Connection::open(&bed.db)
        .unwrap()
        .query_row(
            "SELECT remote_id FROM actions WHERE id = ?1",
            [direct],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(remote, bed.stored(replies[0]["id"].as_str().unwrap()));
}

#[test]
fn faults_never_double_a_reply_and_say_what_happened() {
    let Some(server) = start() else { return };
    let (us, our_token) = server.user("northwind");
    let (_, ana) = server.user("ana");
    let mut mentions = Vec::new();
    for i in 0..3 {
        let s = server.post(
            &ana,
            json!({"status": format!("@northwind where is order {i}?"), "visibility": "public"}),
        );
        mentions.push(s["id"].as_str().unwrap().to_string());
    }
    // A timeout of 2 s, so the slow answer below is past it.
    let bed = bed(&server, &our_token, 2);
    assert!(bed.pull().starts_with("northwind: 3 new"));
    let post = json!({"methods": ["POST"], "path": "/api/v1/statuses"});
    let cases = [
        (
            json!({"match": post, "effect": {"type": "status", "status": 500}, "count": 1}),
            "failed (500",
        ),
        (
            // Slower than our 2 s. (The mock drops a delayed request whose client gave
            // up, so here the post is never made; a post that lands after we gave up
            // is tested against tests/mastodon_support in tests/mastodon.rs.)
            json!({"match": post, "effect": {"type": "latency", "delay_ms": 2500}, "count": 1}),
            "did not answer in time",
        ),
        (
            json!({"match": post, "effect": {"type": "ratelimit", "headers": {"Retry-After": "1"}}, "count": 1}),
            "asks us to slow down (429), for 1 s",
        ),
    ];
    for ((rule, message), mention) in cases.iter().zip(&mentions) {
        server.fault(rule.clone());
        let action = bed.queue_reply(mention, "It left the warehouse today.");
        let said = bed.send_until_sent(action);
        assert!(said.contains(message), "{message:?} not in:\n{said}");
        let replies = server.replies(&our_token, &us, mention);
        assert_eq!(replies.len(), 1, "{message}: {replies:?}");
    }
    assert!(
        !server.log_text().contains("Traceback"),
        "{}",
        server.log_text()
    );
}

#[test]
fn its_user_stream_rings_for_a_mention() {
    let Some(server) = start() else { return };
    let (_, our_token) = server.user("northwind");
    let (_, ana) = server.user("ana");
    let config = rapport::config::load_str(
        &format!(
            "[[accounts]]\nname = \"northwind\"\nplatform = \"mastodon\"\nserver = \"{}\"\ntoken_command = [\"echo\", \"{our_token}\"]\ntimeout_secs = 10\n",
            server.url
        ),
        "test.toml",
    )
    .unwrap();
    let (tx, heard) = crossbeam_channel::unbounded();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (account, halt) = (config.accounts[0].clone(), stop.clone());
    std::thread::spawn(move || {
        rapport::platforms::watch(&account, &rapport::platforms::Timing::default(), &mut |h| {
            let _ = tx.send(h);
            !halt.load(std::sync::atomic::Ordering::Relaxed)
        })
    });
    let next = || loop {
        match heard.recv_timeout(Duration::from_secs(60)).unwrap() {
            rapport::platforms::Heard::Alive => continue,
            h => return h,
        }
    };
    assert_eq!(next(), rapport::platforms::Heard::Live);
    server.post(
        &ana,
        json!({"status": "@northwind hello from the stream", "visibility": "public"}),
    );
    assert_eq!(next(), rapport::platforms::Heard::Mention);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
}
