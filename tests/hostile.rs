//! Hostile text through every command and error path: nothing a file carries may
//! reach the terminal, stdout, stderr or an export file as a control, escape, bidi or
//! invisible character, and error messages quote a bounded piece of the input.

mod common;

use common::hostile::{self, leaks};
use common::{rapport, write};

#[test]
fn no_payload_reaches_any_output_of_any_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let nd = write(dir.path(), "h.ndjson", hostile::ndjson(3).as_bytes());
    let csv = write(dir.path(), "h.csv", hostile::csv().as_bytes());
    let mut outputs = Vec::new();
    for file in [&nd, &csv] {
        let out = rapport(dir.path(), &db, &["import", file]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        outputs.push(("import", out));
    }
    let out_file = dir.path().join("export.out");
    let out_arg = out_file.to_str().unwrap();
    for what in ["mentions", "people", "actions"] {
        for format in ["csv", "ndjson"] {
            outputs.push((
                "export",
                rapport(dir.path(), &db, &["export", what, "--format", format]),
            ));
            let to_file = rapport(
                dir.path(),
                &db,
                &["export", what, "--format", format, "--out", out_arg],
            );
            assert!(to_file.status.success(), "{}", common::stderr(&to_file));
            let written = std::fs::read(&out_file).unwrap();
            assert!(
                written.len() > 100,
                "{what} {format}: {} bytes",
                written.len()
            );
            assert_eq!(
                leaks(&written),
                Vec::<String>::new(),
                "export {what} {format} --out"
            );
        }
    }
    outputs.push(("stats", rapport(dir.path(), &db, &["stats"])));
    outputs.push((
        "stats --json",
        rapport(dir.path(), &db, &["stats", "--json"]),
    ));
    outputs.push(("check", rapport(dir.path(), &db, &["check"])));
    for (name, out) in &outputs {
        assert_eq!(leaks(&out.stdout), Vec::<String>::new(), "{name} stdout");
        assert_eq!(leaks(&out.stderr), Vec::<String>::new(), "{name} stderr");
    }
    // The export did carry the rows: cleaned, not dropped.
    let mentions = rapport(
        dir.path(),
        &db,
        &["export", "mentions", "--format", "ndjson"],
    );
    let text = common::stdout(&mentions);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(
        text.contains("body0rev") && text.contains("eid0rev end"),
        "{text}"
    );
    // Logs hold nothing raw either.
    for entry in walk(&dir.path().join("state")) {
        assert_eq!(
            leaks(&std::fs::read(&entry).unwrap()),
            Vec::<String>::new(),
            "{entry:?}"
        );
    }
}

#[test]
fn error_messages_quote_little_and_nothing_raw() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let p = hostile::payload("x");
    let huge = format!("{p}{}", "A".repeat(100_000));
    let unknown_key = format!(
        "{{\"platform\":\"twitter\",\"external_id\":\"1\",\"kind\":\"mention\",\"created_at\":\"2026-11-20T10:00:00Z\",\"body\":\"b\",\"author\":{{\"id\":\"u\",\"handle\":\"h\"}},{}:1}}\n",
        serde_json::to_string(&huge).unwrap()
    );
    let unknown_kind = common::mention("1", "h", "b")
        .replace("\"mention\"", &serde_json::to_string(&huge).unwrap());
    let long_id = common::mention(&huge, "h", "b");
    let header = format!(
        "platform,{},kind\ntwitter,1,mention\n",
        huge.replace('"', "")
    );
    let cases = [
        ("key.ndjson", unknown_key),
        ("kind.ndjson", format!("{unknown_kind}\n")),
        ("id.ndjson", format!("{long_id}\n")),
        ("header.csv", header),
    ];
    for (name, content) in cases {
        let file = write(dir.path(), name, content.as_bytes());
        let out = rapport(dir.path(), &db, &["import", &file]);
        assert!(!out.status.success(), "{name} was accepted");
        let err = common::stderr(&out);
        assert_eq!(leaks(&out.stderr), Vec::<String>::new(), "{name}: {err:?}");
        assert!(err.len() < 2_000, "{name}: {} bytes of stderr", err.len());
        assert!(err.contains(name), "{name}: {err}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}
