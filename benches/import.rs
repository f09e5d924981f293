//! `cargo bench --bench import`: the full import of 1,000,000 generated mentions (plus
//! our replies) against a bare insert of the same rows into an unindexed table.
//! RAPPORT_BENCH_COUNT sets another count. Prints the figures; no statistics, as one
//! run takes tens of seconds.

use rapport::cli::GenArgs;
use rapport::commands::import::{import_file, Options, Outcome};
use rapport::config::Config;
use rapport::domain::{signals, Record};
use rapport::gen::{Generator, Options as GenOptions};
use rusqlite::{params, Connection};
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let count: usize = std::env::var("RAPPORT_BENCH_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let now = chrono::Utc::now();
    let args = GenArgs {
        count,
        out: PathBuf::from("bench.ndjson"),
        seed: 11,
    };
    let file = dir.path().join("bench.ndjson");
    let started = Instant::now();
    let (mentions, replies) = rapport::commands::gen::write(
        &mut BufWriter::with_capacity(1 << 20, std::fs::File::create(&file)?),
        &args,
        now,
    )?;
    let size = std::fs::metadata(&file)?.len();
    println!(
        "generated {mentions} mentions + {replies} replies in {:.2} s ({:.1} MB)",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );

    // The reading alone, on one thread, for scale.
    let sample: Vec<String> = Generator::new(gen_options(count.min(100_000), now))
        .filter_map(|r| match r {
            Record::Mention(m) => Some(m.body),
            Record::OurReply(_) | Record::OurPost(_) => None,
        })
        .collect();
    let started = Instant::now();
    let mut questions = 0;
    for body in &sample {
        questions += usize::from(signals::read(body).is_question);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "signals alone: {} bodies in {secs:.2} s = {:.0} /s ({questions} questions)",
        sample.len(),
        sample.len() as f64 / secs
    );
    drop(sample);

    // (a) The real path: detect, parse, sanitize, signals, upserts, indexes, FTS.
    let config = Config::defaults();
    let db = dir.path().join("full.db");
    let mut conn = rapport::store::open(&db)?;
    let started = Instant::now();
    let outcome = import_file(&mut conn, &config, &file, &Options::default(), now)?;
    let full_secs = started.elapsed().as_secs_f64();
    let Outcome::Imported { counts, .. } = outcome else {
        anyhow::bail!("nothing imported: {outcome:?}");
    };
    let rows = counts.records as f64;
    let full_rate = rows / full_secs;
    println!(
        "full import: {} records ({} mentions, {} replies, {} people) in {full_secs:.2} s = {full_rate:.0} rows/s",
        counts.records, counts.mentions_added, counts.replies_added, counts.people_added
    );

    // (b) The same rows' values into a plain table, no indexes, same pragmas.
    let values: Vec<Bare> = Generator::new(gen_options(count, now)).map(bare).collect();
    let bare_db = dir.path().join("bare.db");
    let mut bare_conn = Connection::open(&bare_db)?;
    bare_conn.pragma_update(None, "journal_mode", "WAL")?;
    bare_conn.pragma_update(None, "synchronous", "NORMAL")?;
    bare_conn.execute_batch(
        "CREATE TABLE rows (platform TEXT, external_id TEXT, kind TEXT, author TEXT, account TEXT,
                            body TEXT, url TEXT, parent TEXT, thread TEXT, created_at INTEGER,
                            imported_at INTEGER, is_question INTEGER, sentiment REAL, due_at INTEGER,
                            boost INTEGER, rank INTEGER)",
    )?;
    let started = Instant::now();
    let tx = bare_conn.transaction()?;
    {
        // The columns a mention row holds; the computed ones get plausible values.
        let mut insert = tx.prepare(
            "INSERT INTO rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        let imported = now.timestamp();
        for v in &values {
            insert.execute(params![
                v.platform,
                v.external_id,
                v.kind,
                v.author,
                v.account,
                v.body,
                v.url,
                v.parent,
                v.thread,
                v.created_at,
                imported,
                false,
                0.0,
                v.created_at + 3600,
                0,
                v.created_at + 3600
            ])?;
        }
    }
    tx.commit()?;
    let bare_secs = started.elapsed().as_secs_f64();
    let bare_rate = values.len() as f64 / bare_secs;
    println!(
        "bare insert: {} rows in {bare_secs:.2} s = {bare_rate:.0} rows/s",
        values.len()
    );
    println!("ratio full/bare: {:.3}", full_rate / bare_rate);
    Ok(())
}

fn gen_options(count: usize, now: chrono::DateTime<chrono::Utc>) -> GenOptions {
    GenOptions {
        count,
        seed: 11,
        now,
        days: 14,
        shape: rapport::gen::Shape::Flood,
    }
}

struct Bare {
    platform: String,
    external_id: String,
    kind: &'static str,
    author: String,
    account: Option<String>,
    body: String,
    url: Option<String>,
    parent: Option<String>,
    thread: Option<String>,
    created_at: i64,
}

fn bare(record: Record) -> Bare {
    match record {
        Record::Mention(m) => Bare {
            platform: m.platform,
            external_id: m.external_id,
            kind: m.kind.as_str(),
            author: m.author.platform_user_id,
            account: m.account,
            body: m.body,
            url: m.url,
            parent: m.parent_external_id,
            thread: m.thread_external_id,
            created_at: m.created_at.timestamp(),
        },
        Record::OurReply(r) => Bare {
            platform: r.platform,
            external_id: r.external_id,
            kind: "our_reply",
            author: String::new(),
            account: r.account,
            body: r.body,
            url: None,
            parent: Some(r.in_reply_to),
            thread: None,
            created_at: r.sent_at.timestamp(),
        },
        Record::OurPost(p) => Bare {
            platform: p.platform,
            external_id: p.external_id,
            kind: "our_post",
            author: String::new(),
            account: p.account,
            body: p.body,
            url: None,
            parent: None,
            thread: None,
            created_at: p.posted_at.timestamp(),
        },
    }
}
