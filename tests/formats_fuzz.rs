//! Property tests of every platform format over arbitrary and mutated input: reading
//! never panics, and a file that fails changes nothing in the database.
//!
//! A seeded mutation loop (no extra crate): each case starts from a fixture of
//! tests/fixtures/formats/ and mutates its bytes (flips, cuts, splices of JSON
//! tokens) or its structure (a value replaced by one of another type, a key
//! dropped, an element repeated), or is arbitrary bytes. The default is a few dozen
//! cases per format, to keep `cargo test` fast; run longer with
//!
//! ```sh
//! FUZZ_CASES=20000 cargo test --release --test formats_fuzz
//! ```
//!
//! A failure prints the seed and case; `FUZZ_SEED=N` replays a run.

mod common;

use rapport::commands::import::{import_file, Options};
use rapport::config::Config;
use rapport::ingest::{self, Format};
use serde_json::Value;
use std::io::BufReader;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

const FIXTURES: &[(&str, Format)] = &[
    ("mastodon-notifications.json", Format::Mastodon),
    ("mastodon-context.json", Format::Mastodon),
    ("bluesky-notifications.json", Format::Bluesky),
    ("x-api-mentions.json", Format::XApi),
    ("tweets.js", Format::XArchive),
    ("youtube-comment-threads.json", Format::Youtube),
    ("reddit-inbox.json", Format::Reddit),
    ("reddit-thread.json", Format::Reddit),
    ("facebook-comments.json", Format::Facebook),
    ("instagram-comments.json", Format::Instagram),
];

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Text that has broken parsers before: JSON punctuation, other types, numbers out
/// of range, escapes, hostile and multi-byte characters, entities.
const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-1",
    "1e999",
    "-0.5",
    "18446744073709551616",
    "\"\"",
    "\\u0000",
    "\\ud800",
    "\\u202e",
    "\u{1b}[2J",
    "&amp;lt;",
    "<p>",
    "</a>",
    "😡",
    "שלום",
    "\u{feff}",
    "window.YTD.x = ",
    "\n",
    "\r\n",
    "\\",
    "\"kind\":\"Listing\"",
    "\"t1\"",
];

fn mutate_bytes(rng: &mut fastrand::Rng, bytes: &mut Vec<u8>) {
    for _ in 0..rng.usize(1..4) {
        let len = bytes.len().max(1);
        let at = rng.usize(..len).min(bytes.len());
        match rng.u8(..5) {
            0 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << rng.u8(..8);
                }
            }
            1 => bytes.truncate(at),
            2 => {
                let end = (at + rng.usize(1..64)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let token = TOKENS[rng.usize(..TOKENS.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            _ => {
                let end = (at + rng.usize(1..256)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.usize(..=bytes.len());
                bytes.splice(to..to, copy);
            }
        }
    }
}

fn random_value(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..10) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => serde_json::json!(rng.i64(..)),
        3 => serde_json::json!(-1.5e300),
        4 => Value::String(String::new()),
        5 => Value::String("x".repeat(rng.usize(0..2000))),
        6 => Value::String("\u{1b}]0;pwned\u{7}\u{202e}&amp;lt;<b>1200</b>".into()),
        7 => Value::String(rng.u64(..).to_string()),
        8 => Value::Array(vec![Value::Null, serde_json::json!({"id": 1})]),
        _ => serde_json::json!({"value": null, "id": [], "text": 5}),
    }
}

/// Replaces, drops or repeats one value somewhere in the document.
fn mutate_value(rng: &mut fastrand::Rng, value: &mut Value, depth: u32) {
    let descend = rng.u8(..4) != 0 && depth < 12;
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            let key = &keys[rng.usize(..keys.len())];
            if descend {
                if let Some(child) = fields.get_mut(key) {
                    return mutate_value(rng, child, depth + 1);
                }
            }
            if rng.bool() {
                fields.remove(key);
            } else {
                fields.insert(key.clone(), random_value(rng));
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.usize(..items.len());
            if descend {
                return mutate_value(rng, &mut items[i], depth + 1);
            }
            match rng.u8(..3) {
                0 => {
                    items.remove(i);
                }
                1 => items.push(items[i].clone()),
                _ => items[i] = random_value(rng),
            }
        }
        _ => *value = random_value(rng),
    }
}

fn mutated(rng: &mut fastrand::Rng, original: &[u8]) -> Vec<u8> {
    match rng.u8(..6) {
        // Arbitrary bytes, sometimes dressed as JSON.
        0 => {
            let mut bytes: Vec<u8> = (0..rng.usize(0..300)).map(|_| rng.u8(..)).collect();
            if rng.bool() {
                bytes.insert(0, if rng.bool() { b'[' } else { b'{' });
            }
            bytes
        }
        1 | 2 => {
            let mut bytes = original.to_vec();
            mutate_bytes(rng, &mut bytes);
            bytes
        }
        _ => {
            let text = String::from_utf8_lossy(original);
            let (prefix, json) = match text.find("= [") {
                Some(at) if text.starts_with("window.") => (&text[..at + 2], &text[at + 2..]),
                _ => ("", &text[..]),
            };
            let Ok(mut value) =
                serde_json::from_str::<Value>(json.trim_end().trim_end_matches(';'))
            else {
                return original.to_vec();
            };
            for _ in 0..rng.usize(1..4) {
                mutate_value(rng, &mut value, 0);
            }
            format!("{prefix}{value}").into_bytes()
        }
    }
}

/// Reads `bytes` as `format` (or detected) to the end; a panic fails the test.
fn read_all(bytes: &[u8], format: Option<Format>) -> Result<(), String> {
    let bytes = bytes.to_vec();
    catch_unwind(AssertUnwindSafe(move || {
        let reader = Box::new(BufReader::new(std::io::Cursor::new(bytes)));
        if let Ok((_, records)) = ingest::records(reader, format, &[]) {
            for item in records {
                if let Ok(item) = item {
                    // Every message is formatted, as the import prints them.
                    let _ = item.at.to_string();
                } else {
                    break;
                }
            }
        }
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

fn fuzz(name: &str, format: Format) {
    let cases = env_number("FUZZ_CASES", 25);
    let seed = env_number("FUZZ_SEED", 13);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    let original = std::fs::read(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let config = Config::defaults();
    let mut conn = rapport::store::open(&db).unwrap();
    let options = Options::default();
    // A database that already holds the fixture: a mutated file that fails must not
    // touch it, and one that succeeds may only add.
    import_file(&mut conn, &config, &path, &options, chrono::Utc::now()).unwrap();
    let mut rng = fastrand::Rng::with_seed(seed ^ fxhash(name));
    let mut failed_files = 0;
    for case in 0..cases {
        let bytes = mutated(&mut rng, &original);
        for forced in [None, Some(format)] {
            if let Err(panic) = read_all(&bytes, forced) {
                let shown = String::from_utf8_lossy(&bytes);
                panic!(
                    "{name}: case {case} (FUZZ_SEED={seed}), format {forced:?} panicked: {panic}\ninput: {}",
                    shown.chars().take(2000).collect::<String>()
                );
            }
        }
        let file = dir.path().join(format!("case-{case}.json"));
        std::fs::write(&file, &bytes).unwrap();
        let before = common::dump(&db);
        let forced = Options {
            format: rng.bool().then_some(format),
            ..Options::default()
        };
        if import_file(&mut conn, &config, &file, &forced, chrono::Utc::now()).is_err() {
            failed_files += 1;
            assert_eq!(
                common::dump(&db),
                before,
                "{name}: case {case} (FUZZ_SEED={seed}) failed and changed the database"
            );
        }
    }
    // Whatever got in was cleaned: no control, escape or bidi characters.
    let texts: Vec<String> = conn
        .prepare("SELECT body FROM mentions UNION ALL SELECT handle FROM people UNION ALL SELECT COALESCE(display_name, '') FROM people")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in texts {
        assert!(
            !t.chars().any(|c| (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)),
            "{name}: unsafe text stored: {t:?}"
        );
    }
    // The mutations must reach the failing paths, or the test proves little.
    assert!(
        cases < 20 || failed_files > 0,
        "{name}: no mutated file failed"
    );
}

/// A stable hash of the fixture's name, so each format gets its own sequence.
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

#[test]
fn mastodon_notifications() {
    fuzz(FIXTURES[0].0, FIXTURES[0].1);
}

#[test]
fn mastodon_context() {
    fuzz(FIXTURES[1].0, FIXTURES[1].1);
}

#[test]
fn bluesky() {
    fuzz(FIXTURES[2].0, FIXTURES[2].1);
}

#[test]
fn x_api() {
    fuzz(FIXTURES[3].0, FIXTURES[3].1);
}

#[test]
fn x_archive() {
    fuzz(FIXTURES[4].0, FIXTURES[4].1);
}

#[test]
fn youtube() {
    fuzz(FIXTURES[5].0, FIXTURES[5].1);
}

#[test]
fn reddit_inbox() {
    fuzz(FIXTURES[6].0, FIXTURES[6].1);
}

#[test]
fn reddit_thread() {
    fuzz(FIXTURES[7].0, FIXTURES[7].1);
}

#[test]
fn facebook() {
    fuzz(FIXTURES[8].0, FIXTURES[8].1);
}

#[test]
fn instagram() {
    fuzz(FIXTURES[9].0, FIXTURES[9].1);
}
