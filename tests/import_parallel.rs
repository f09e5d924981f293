//! The import's reader thread (parse, signals, replies paired with what they answer)
//! and its writer shortcuts (people of an empty database inserted without a lookup,
//! written batches freed on another thread) store exactly what adding each record in
//! turn stores: the same mentions, people, replies, counters and full-text index,
//! into an empty database and into one that already holds people, with invalid lines
//! skipped.

use chrono::{TimeZone, Utc};
use rapport::cli::GenArgs;
use rapport::commands::import::{import_file, Options, Outcome};
use rapport::config::Config;
use rapport::ingest::{self, Parsed};
use rapport::store::import::Importer;
use rusqlite::Connection;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// A generated inbox as NDJSON, in two files (the second shares people with the
/// first), each with a few invalid lines among the records.
fn two_files(dir: &Path) -> (PathBuf, PathBuf) {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let args = GenArgs {
        count: 1500,
        out: PathBuf::from("unused"),
        seed: 3,
    };
    let mut text = Vec::new();
    rapport::commands::gen::write(&mut text, &args, now).unwrap();
    let lines: Vec<&str> = std::str::from_utf8(&text).unwrap().lines().collect();
    let bad = [
        "{\"type\":\"mention\",\"platform\":\"twitter\"}",
        "not json at all",
        "{\"type\":\"our_reply\",\"platform\":\"twitter\",\"external_id\":\"x\"}",
    ];
    let half = lines.len() / 2;
    let mut paths = Vec::new();
    for (n, part) in [&lines[..half], &lines[half..]].into_iter().enumerate() {
        let mut out = String::new();
        for (i, line) in part.iter().enumerate() {
            if i % 400 == 7 {
                out.push_str(bad[i % bad.len()]);
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
        }
        let path = dir.join(format!("part{n}.ndjson"));
        std::fs::write(&path, out).unwrap();
        paths.push(path);
    }
    (paths[0].clone(), paths[1].clone())
}

/// Each record added in turn on this thread, invalid ones skipped: the plain path.
fn import_in_turn(conn: &mut Connection, config: &Config, path: &Path) -> u64 {
    let reader: Box<dyn BufRead + Send> =
        Box::new(BufReader::new(std::fs::File::open(path).unwrap()));
    let (_, records) = ingest::records(reader, None, &[]).unwrap();
    let mut importer = Importer::begin(conn, config, now()).unwrap();
    let mut skipped = 0;
    for item in records {
        match item.unwrap().parsed {
            Ok(Parsed::Record(record)) => importer.add(&record).unwrap(),
            Ok(Parsed::Ignored) => {}
            Err(_) => skipped += 1,
        }
    }
    importer.finish().unwrap();
    skipped
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap()
}

/// Every row of the tables an import writes (not the imports log), as text.
fn content(conn: &Connection) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT * FROM mentions ORDER BY id",
        "SELECT * FROM people ORDER BY id",
        "SELECT * FROM actions ORDER BY id",
        "SELECT * FROM our_posts ORDER BY 1",
        // A mention stored answered at once leaves no hour behind; one answered
        // later leaves its hour at zero: the same counts.
        "SELECT * FROM open_due_hours WHERE open <> 0 ORDER BY hour",
        "SELECT * FROM reply_hours WHERE replies <> 0 ORDER BY hour, kind",
        "SELECT id, (SELECT COUNT(*) FROM mentions_fts WHERE mentions_fts MATCH 'order') FROM mentions WHERE id = 1",
    ] {
        let mut statement = conn.prepare(sql).unwrap();
        let columns = statement.column_count();
        let table: Vec<String> = statement
            .query_map([], |r| {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(values.join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.push(format!("-- {sql}: {} rows", table.len()));
        rows.extend(table);
    }
    rows
}

#[test]
fn the_threaded_import_stores_what_adding_each_record_in_turn_stores() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = two_files(dir.path());
    let config = Config::defaults();
    let options = Options {
        skip_invalid: true,
        ..Options::default()
    };

    let mut threaded = rapport::store::open(&dir.path().join("threaded.db")).unwrap();
    let mut in_turn = rapport::store::open(&dir.path().join("in_turn.db")).unwrap();
    for path in [&first, &second] {
        let outcome = import_file(&mut threaded, &config, path, &options, now()).unwrap();
        let Outcome::Imported { skipped, .. } = outcome else {
            panic!("not imported: {outcome:?}");
        };
        assert_eq!(skipped, import_in_turn(&mut in_turn, &config, path));
        assert!(skipped > 0, "the file has invalid lines");
    }

    let (threaded, in_turn) = (content(&threaded), content(&in_turn));
    // Not an empty comparison: both hold the generated inbox, answered and open items.
    let mentions: i64 = rapport::store::open(&dir.path().join("threaded.db"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM mentions", [], |r| r.get(0))
        .unwrap();
    assert!(mentions > 1000, "{mentions} mentions");
    for (a, b) in threaded.iter().zip(&in_turn) {
        assert_eq!(a, b);
    }
    assert_eq!(threaded.len(), in_turn.len());
}
