//! A corpus of hostile text: every field of every import format carrying terminal
//! escapes (CSI, OSC 52 clipboard writes, OSC 0 titles, DCS, ESC c), C1 controls, BEL,
//! NUL, bidi overrides, invisible and tag characters. `leaks` finds any of them in
//! what rapport printed or wrote.

/// One payload, distinct per field so a leak says where it came from.
pub fn payload(tag: &str) -> String {
    format!(
        "{tag}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;title-{tag}\u{1b}\\\u{1b}c\u{1b}[2J\u{1b}P1$r\u{1b}\\\
         \u{9b}31m\u{202e}rev\u{202c}\u{200b}\u{2028}\u{61c}\u{e0041}\u{ad}\u{3164}\u{0}\u{7}end"
    )
}

/// An NDJSON mention and our reply to it, every text field hostile.
pub fn ndjson(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let p = |f: &str| payload(&format!("{f}{i}"));
        out.push_str(
            &serde_json::json!({
                "platform": "twitter", "external_id": p("eid"), "kind": "mention",
                "created_at": "2026-11-20T10:00:00Z", "body": p("body"),
                "url": p("url"), "parent_id": p("parent"), "thread_id": p("thread"),
                "account": p("account"),
                "author": {"id": p("aid"), "handle": p("handle"), "name": p("name"),
                           "profile_url": p("purl"), "followers": 5}
            })
            .to_string(),
        );
        out.push('\n');
        out.push_str(
            &serde_json::json!({
                "type": "our_reply", "platform": "twitter", "external_id": p("rid"),
                "in_reply_to": p("eid"), "body": p("reply"),
                "sent_at": "2026-11-20T10:30:00Z", "account": p("account")
            })
            .to_string(),
        );
        out.push('\n');
    }
    out
}

/// A CSV file in rapport's columns, every text field hostile.
pub fn csv() -> String {
    let mut w = csv_writer();
    w.write_record([
        "platform",
        "external_id",
        "kind",
        "created_at",
        "body",
        "author_id",
        "author_handle",
        "author_name",
        "url",
        "parent_id",
        "thread_id",
        "account",
    ])
    .unwrap();
    // A raw NUL makes a CSV file binary (refused whole, rightly): the rest stays.
    let p = |f: &str| payload(&format!("csv-{f}")).replace('\u{0}', "");
    w.write_record([
        "instagram".to_string(),
        p("eid"),
        "comment".into(),
        "2026-11-21T08:00:00Z".into(),
        p("body"),
        p("aid"),
        p("handle"),
        p("name"),
        p("url"),
        p("parent"),
        p("thread"),
        p("account"),
    ])
    .unwrap();
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

/// What must never reach an output: each is a piece of a payload that a cleaned
/// output would have dropped.
const NEEDLES: &[&str] = &[
    "\u{1b}]52",
    "\u{1b}]0;",
    "\u{1b}c",
    "\u{1b}P",
    "\u{9b}",
    "\u{202e}",
    "\u{202c}",
    "\u{200b}",
    "\u{2028}",
    "\u{61c}",
    "\u{e0041}",
    "\u{ad}",
    "\u{3164}",
    "\u{0}",
    "\u{7}",
];

/// The payload pieces found in `bytes`, by name.
pub fn leaks(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    NEEDLES
        .iter()
        .filter(|n| text.contains(*n))
        .map(|n| format!("{n:?}"))
        .collect()
}

/// Like [`leaks`], for a screen's raw output: the app draws with CSI sequences of
/// its own (and may clear the screen), so only the pieces it never writes count.
pub fn screen_leaks(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    NEEDLES
        .iter()
        .filter(|n| !matches!(**n, "\u{1b}c"))
        .filter(|n| text.contains(*n))
        .map(|n| format!("{n:?}"))
        .collect()
}
