//! A saved Twilio Messages list as an import: its documented shape and awkward
//! cases (numbers as strings, null dates, media-only texts, unknown fields), and
//! arbitrary and mutated files: never a panic, and a file that fails changes
//! nothing in the database. `TWILIO_MUTATIONS=100000 cargo test --release --test
//! twilio_import` runs the mutations longer.

use chrono::Utc;
use rapport::commands::import::{import_file, Options, Outcome};
use rapport::ingest::Format;
use rusqlite::Connection;
use serde_json::{json, Value};
use std::path::Path;

const OUR: &str = "+15550100123";

fn message(
    sid: &str,
    direction: &str,
    from: &str,
    to: &str,
    body: &str,
    media: &str,
    at: &str,
) -> Value {
    json!({
        "account_sid": "AC0123456789abcdef0123456789abcdef", "api_version": "2010-04-01",
        "body": body, "date_created": at, "date_sent": at, "date_updated": at,
        "direction": direction, "error_code": null, "error_message": null, "from": from,
        "to": to, "messaging_service_sid": null, "num_media": media, "num_segments": "1",
        "price": "-0.00790", "price_unit": "USD", "sid": sid, "status": "received",
        "subresource_uris": {"media": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/x/Media.json"},
        "uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/x.json",
    })
}

fn list() -> Value {
    json!({
        "end": 3, "first_page_uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?PageSize=50&Page=0",
        "next_page_uri": null, "page": 0, "page_size": 50, "previous_page_uri": null, "start": 0,
        "uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?PageSize=50&Page=0",
        "messages": [
            message("SM00000000000000000000000000000004", "outbound-reply", OUR, "+447700900123", "Yes \u{1f600} we ship to the UK", "0", "Mon, 17 Aug 2026 14:09:00 +0000"),
            message("MM00000000000000000000000000000003", "inbound", "+447700900123", OUR, "", "3", "Mon, 17 Aug 2026 14:05:00 +0000"),
            message("SM00000000000000000000000000000002", "inbound", "+447700900123", OUR, "Do you ship to the UK? \u{202e}<3 &amp;", "0", "Mon, 17 Aug 2026 14:03:29 +0000"),
            message("SM00000000000000000000000000000001", "inbound", "whatsapp:+5511988887777", OUR, "\u{645}\u{631}\u{62d}\u{628}\u{627}", "0", "Sun, 16 Aug 2026 08:00:00 +0000"),
        ],
    })
}

fn options(format: Option<Format>) -> Options {
    Options {
        format,
        skip_invalid: false,
        map: Vec::new(),
        progress: false,
    }
}

fn counts(conn: &Connection) -> Vec<i64> {
    ["mentions", "people", "actions", "imports"]
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect()
}

fn import(conn: &mut Connection, path: &Path, format: Option<Format>) -> anyhow::Result<Outcome> {
    let config = rapport::config::load_str("", "test.toml").unwrap();
    import_file(conn, &config, path, &options(format), Utc::now())
}

#[test]
fn the_documented_shape_and_its_awkward_cases() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("r.db")).unwrap();
    let file = dir.path().join("messages.json");
    std::fs::write(&file, serde_json::to_string_pretty(&list()).unwrap()).unwrap();
    let outcome = import(&mut conn, &file, None).unwrap();
    let Outcome::Imported { format, counts, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(format, Format::Twilio);
    assert_eq!((counts.mentions_added, counts.replies_added), (3, 1));
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT m.external_id, m.body, p.handle FROM mentions m JOIN people p ON p.id = m.author_id ORDER BY m.external_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "MM00000000000000000000000000000003".into(),
                "[3 pictures]".into(),
                "+447700900123".into()
            ),
            (
                "SM00000000000000000000000000000001".into(),
                "\u{645}\u{631}\u{62d}\u{628}\u{627}".into(),
                "whatsapp:+5511988887777".into()
            ),
            // Raw text: no bidi override, and "&amp;" is what they typed.
            (
                "SM00000000000000000000000000000002".into(),
                "Do you ship to the UK? <3 &amp;".into(),
                "+447700900123".into()
            ),
        ]
    );
    // Our answer closes the texts it follows: the conversation is answered.
    let open: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM mentions WHERE status = 'open'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open, 1, "only the WhatsApp text waits");
}

#[test]
fn mutated_lists_never_panic_and_a_failed_file_changes_nothing() {
    let rounds: usize = std::env::var("TWILIO_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("r.db")).unwrap();
    let seed_file = dir.path().join("seed.json");
    std::fs::write(&seed_file, list().to_string()).unwrap();
    import(&mut conn, &seed_file, None).unwrap();
    let original = serde_json::to_string_pretty(&list()).unwrap().into_bytes();
    let odd = [
        "null",
        "{}",
        "[]",
        "-1",
        "1e999",
        "\"\u{1b}[2J\"",
        "\"\u{0}\"",
        "true",
        "\"SM\"",
        "\"Mon, 99 Aug 2026 99:99:99 +0000\"",
        "\"\\ud800\"",
    ];
    let mut rng = fastrand::Rng::with_seed(13);
    let mut failed = 0;
    for round in 0..rounds {
        let mut bytes = original.clone();
        match rng.usize(0..5) {
            0 => {
                for _ in 0..rng.usize(1..8) {
                    let i = rng.usize(0..bytes.len());
                    bytes[i] = rng.u8(..);
                }
            }
            1 => bytes.truncate(rng.usize(0..bytes.len())),
            2 => {
                // A field's value replaced by something of another type.
                let text = String::from_utf8(bytes).unwrap();
                let fields: Vec<usize> = text.match_indices("\": ").map(|(i, _)| i + 3).collect();
                let at = fields[rng.usize(0..fields.len())];
                let end = text[at..]
                    .find([',', '\n', '}'])
                    .map_or(text.len(), |e| at + e);
                bytes = format!(
                    "{}{}{}",
                    &text[..at],
                    odd[rng.usize(0..odd.len())],
                    &text[end..]
                )
                .into_bytes();
            }
            3 => {
                let i = rng.usize(0..bytes.len());
                bytes.splice(i..i, "\u{202e}\u{1b}]0;x\u{7}".bytes());
            }
            _ => bytes = (0..rng.usize(0..200)).map(|_| rng.u8(..)).collect(),
        }
        let file = dir.path().join(format!("m{round}.json"));
        std::fs::write(&file, &bytes).unwrap();
        let before = counts(&conn);
        let format = if round % 2 == 0 {
            Some(Format::Twilio)
        } else {
            None
        };
        if import(&mut conn, &file, format).is_err() {
            failed += 1;
            assert_eq!(
                counts(&conn),
                before,
                "round {round}: a failed file changed the database"
            );
        }
        std::fs::remove_file(&file).unwrap();
    }
    assert!(
        failed > rounds / 4,
        "only {failed} of {rounds} mutations failed: are they mutating?"
    );
}
