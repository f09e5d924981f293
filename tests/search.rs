//! Search as a person types it: newest first by when the message was written (not by
//! when it was imported), word starts, `-word`, `from:` a handle's start, people by
//! handle or name; each paged by key on its index.

mod common;

use rapport::domain::query::Query;
use rapport::model::inbox::{Direction, Listing};
use rapport::model::people::PeopleFilter;
use rapport::store::fulltext::MENTION_ID;
use rapport::store::inbox;
use rusqlite::Connection;

const NOW: i64 = 1_795_428_000;

/// Six mentions, imported out of time order (ids do not follow created_at).
fn inbox_file() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let line = |id: &str, handle: &str, name: &str, day: u32, body: &str| {
        serde_json::json!({
            "platform": "twitter", "external_id": id, "kind": "mention",
            "created_at": format!("2026-11-{day:02}T10:00:00Z"), "body": body,
            "author": {"id": format!("u-{handle}"), "handle": handle, "name": name}
        })
        .to_string()
    };
    let lines = [
        line("1", "hana_k", "Hana Kato", 20, "refund please"),
        line("2", "bob", "Bob Stone", 25, "where is my refund"),
        line(
            "3",
            "hanako",
            "Hanako Ito",
            22,
            "refunded already, but late",
        ),
        line("4", "hana", "Hana Berg", 24, "love the latte"),
        line("5", "carl", "Carl Hana", 21, "late delivery again"),
        line("6", "johana", "Jo", 23, "nothing to say"),
    ];
    let file = common::write(dir.path(), "m.ndjson", lines.join("\n").as_bytes());
    let out = common::rapport(dir.path(), &db, &["import", &file]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let conn = rapport::store::open(&db).unwrap();
    (dir, conn)
}

fn external_ids(conn: &Connection, query: &str) -> Vec<String> {
    let rows = inbox::page(
        conn,
        &Listing::Search(Query::parse(query).unwrap()),
        None,
        Direction::Forward,
        50,
        NOW,
    )
    .unwrap();
    rows.iter()
        .map(|r| {
            conn.query_row(
                "SELECT external_id FROM mentions WHERE id = ?1",
                [r.id],
                |x| x.get(0),
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn results_come_newest_first_by_when_they_were_written() {
    let (_dir, conn) = inbox_file();
    // Written on the 25th, 22nd and 20th; imported as 2, 3, 1 would be by id.
    assert_eq!(external_ids(&conn, "refund"), ["2", "3", "1"]);
    assert_eq!(
        external_ids(&conn, "status:open"),
        ["2", "4", "6", "3", "5", "1"]
    );
}

#[test]
fn a_word_finds_the_words_it_starts() {
    let (_dir, conn) = inbox_file();
    assert_eq!(external_ids(&conn, "refun"), ["2", "3", "1"]);
    // A quoted word is exact: "refund" is not "refunded".
    assert_eq!(external_ids(&conn, "\"refund\""), ["2", "1"]);
}

#[test]
fn minus_leaves_a_word_out() {
    let (_dir, conn) = inbox_file();
    assert_eq!(external_ids(&conn, "refund -late"), ["2", "1"]);
    // On its own, it lists everything else.
    assert_eq!(external_ids(&conn, "-late"), ["2", "4", "6", "1"]);
}

#[test]
fn from_takes_the_start_of_a_handle() {
    let (_dir, conn) = inbox_file();
    // hana, hanako, hana_k; not johana (hana inside) nor Carl Hana (a name).
    assert_eq!(external_ids(&conn, "from:hana"), ["4", "3", "1"]);
    assert_eq!(external_ids(&conn, "from:@HANAK"), ["3"]);
    assert_eq!(external_ids(&conn, "from:hana latte"), ["4"]);
}

#[test]
fn search_pages_by_key_in_both_directions() {
    let (_dir, conn) = inbox_file();
    let listing = Listing::Search(Query::parse("status:open").unwrap());
    let mut walked = Vec::new();
    let mut from = None;
    loop {
        let page = inbox::page(&conn, &listing, from, Direction::Forward, 2, NOW).unwrap();
        if page.is_empty() {
            break;
        }
        from = page.last().map(|r| (r.created_at, r.id));
        walked.extend(page.iter().map(|r| r.created_at));
    }
    assert_eq!(walked.len(), 6);
    assert!(walked.windows(2).all(|w| w[0] >= w[1]), "{walked:?}");
    let last = inbox::page(&conn, &listing, None, Direction::Backward, 2, NOW).unwrap();
    assert_eq!(
        last.iter().map(|r| r.created_at).collect::<Vec<_>>(),
        walked[4..]
    );
}

#[test]
fn people_are_found_by_handle_or_name() {
    let (_dir, conn) = inbox_file();
    let handles = |text: &str| -> Vec<String> {
        rapport::store::people::page(
            &conn,
            PeopleFilter::Search(text.into()),
            None,
            Direction::Forward,
            50,
            NOW,
            30,
        )
        .unwrap()
        .into_iter()
        .map(|r| r.handle)
        .collect()
    };
    let mut found = handles("hana");
    found.sort();
    // Handles holding it, and Carl whose name does.
    assert_eq!(found, ["carl", "hana", "hana_k", "hanako", "johana"]);
    assert_eq!(handles("@bob"), ["bob"]);
    assert_eq!(handles("hana kato"), ["hana_k"]);
    // LIKE's wildcards are plain characters here.
    assert_eq!(handles("%"), Vec::<String>::new());
    assert_eq!(handles("_"), ["hana_k"]);
}

/// Each kind of search reads an index in its order: no pass over every mention, no
/// sort of every match.
#[test]
fn each_search_uses_its_index() {
    let (_dir, conn) = inbox_file();
    let plan = |q: &str| inbox::search_plan(&conn, &Query::parse(q).unwrap(), NOW).unwrap();
    // The page's ids come from a subquery (indented); only the page itself, at most
    // 200 rows at the top level, is sorted.
    // Every filter is checked inside the covering stats index, on the way by time.
    for q in [
        "status:open",
        "platform:twitter kind:review",
        "status:snoozed is:power -late",
        "is:question",
        "account:acme is:complaint is:over is:bot",
    ] {
        let p = plan(q);
        let inner: Vec<&String> = p.iter().filter(|l| l.starts_with("  ")).collect();
        assert!(
            inner
                .iter()
                .any(|l| l.contains("COVERING INDEX mentions_stats")),
            "{q}: {p:#?}"
        );
        // Only a tie of one second is sorted, never every match.
        assert!(
            !inner.iter().any(|l| l.contains("TEMP B-TREE FOR ORDER BY")),
            "{q} must walk by time, not sort every match: {p:#?}"
        );
    }
    let p = plan("refun").join("\n");
    eprintln!("refun: {p}");
    assert!(p.contains("mentions_fts"), "{p}");
    let p = plan("from:hana").join("\n");
    eprintln!("from: {p}");
    assert!(p.contains("people_handle"), "{p}");
    // The bots are a list read once from their own index, not each mention's author
    // looked up on the way.
    let p = plan("is:bot platform:sms");
    eprintln!("is:bot: {p:#?}");
    assert!(p.iter().any(|l| l.contains("people_bots")), "{p:#?}");
    let inner: Vec<&String> = p.iter().filter(|l| l.starts_with("  ")).collect();
    assert!(
        !inner.iter().any(|l| l.contains("SEARCH p ")),
        "is:bot must not look up each mention's author: {p:#?}"
    );
}

/// Times the first page of each kind of search on a big inbox (a database built by
/// `rapport demo --count 1000000`), named by RAPPORT_SEARCH_DB; prints, never asserts a
/// time. `cargo test --release --test search -- --ignored --nocapture`.
#[test]
#[ignore]
fn search_timings_on_a_big_inbox() {
    let Some(db) = std::env::var_os("RAPPORT_SEARCH_DB") else {
        eprintln!("skipping: RAPPORT_SEARCH_DB names no database");
        return;
    };
    let conn = rapport::store::open(std::path::Path::new(&db)).unwrap();
    let now = chrono::Utc::now().timestamp();
    for q in [
        "refund",
        "refun",
        "coffee",
        "refund -late",
        "-coffee",
        "from:hana",
        "status:open",
        "is:question",
        "kind:review status:done",
        // Filters that keep few or none: the walk goes through every mention.
        "status:snoozed",
        "platform:sms kind:review",
        "account:nobody",
        "is:power",
        "is:bot",
        "is:bot status:snoozed",
        "is:bot platform:sms",
        "is:power status:snoozed",
        "\"charged twice\" platform:twitter",
        // A common word, alone, then narrowed by filters that keep fewer and fewer of
        // its matches, and a start of many words.
        "the",
        "the status:open",
        "the platform:sms",
        "the kind:sms status:open",
        "the status:snoozed",
        "the is:power platform:sms",
        "the account:nobody",
        "the is:bot kind:review status:open",
        "the from:hana",
        "th",
    ] {
        let query = Query::parse(q).unwrap();
        let listing = Listing::Search(query);
        let started = std::time::Instant::now();
        let first = inbox::page(&conn, &listing, None, Direction::Forward, 200, now).unwrap();
        let t1 = started.elapsed();
        let from = first.last().map(|r| (r.created_at, r.id));
        let started = std::time::Instant::now();
        let next = inbox::page(&conn, &listing, from, Direction::Forward, 200, now).unwrap();
        eprintln!(
            "{q:<36} first page {:>4} rows {:>8.1} ms, next {:>4} rows {:>8.1} ms",
            first.len(),
            t1.as_secs_f64() * 1000.0,
            next.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    let started = std::time::Instant::now();
    let people = rapport::store::people::page(
        &conn,
        PeopleFilter::Search("hana".into()),
        None,
        Direction::Forward,
        200,
        now,
        30,
    )
    .unwrap();
    eprintln!(
        "people: hana                         first page {:>4} rows {:>8.1} ms",
        people.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
}

/// A word in much of the inbox and a rarer one page, by key, in the order of the whole
/// sorted list of their matches.
#[test]
fn common_and_rare_words_page_in_the_same_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let file = dir.path().join("g.ndjson");
    let file = file.to_str().unwrap();
    let out = common::rapport(
        dir.path(),
        &db,
        &["gen", "--count", "3000", "--out", file, "--seed", "11"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = common::rapport(dir.path(), &db, &["import", file]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let conn = rapport::store::open(&db).unwrap();
    let total: i64 = conn
        .query_row("SELECT COUNT(*) FROM mentions", [], |r| r.get(0))
        .unwrap();
    // The most and one of the least frequent words of the inbox.
    conn.execute_batch(
        "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab('main', 'mentions_fts', 'row')",
    )
    .unwrap();
    let words: Vec<(String, i64)> = conn
        .prepare("SELECT term, doc FROM temp.vocab WHERE length(term) >= 4 ORDER BY doc DESC")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let common_word = words[0].0.clone();
    assert!(
        words[0].1 * 5 >= total,
        "{common_word} is in {} of {total}",
        words[0].1
    );
    // A rarer word: over one page of matches, too few to fill a page from the newest.
    let rare = words
        .iter()
        .rev()
        .find(|(_, n)| *n > 50 && *n * 20 < total)
        .map(|(w, _)| w.clone())
        .expect("a word in more than 50 and under a twentieth of the messages");
    for word in [common_word, rare] {
        let expected: Vec<i64> = conn
            .prepare(&format!(
                "SELECT m.id FROM mentions m WHERE m.id IN
                   (SELECT {MENTION_ID} FROM mentions_fts WHERE mentions_fts MATCH ?1)
                 ORDER BY m.created_at DESC, m.id DESC"
            ))
            .unwrap()
            .query_map([format!("\"{word}\"*")], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let listing = Listing::Search(Query::parse(&word).unwrap());
        let mut got = Vec::new();
        let mut from = None;
        loop {
            let rows = inbox::page(&conn, &listing, from, Direction::Forward, 50, NOW).unwrap();
            let Some(last) = rows.last() else { break };
            from = Some((last.created_at, last.id));
            got.extend(rows.iter().map(|r| r.id));
        }
        assert_eq!(got, expected, "{word}");
    }
}
