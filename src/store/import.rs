//! Writing imported records. An `Importer` wraps one transaction: every record of a
//! file goes in, or (on error, or if dropped) none does. Authors are upserted (cached
//! per import, see import_people.rs), mentions inserted once per (platform, external
//! id), replies we already sent are linked to the mentions they answer, and the
//! full-text index is filled in bulk at the end. Filling an empty database sets the
//! secondary indexes aside and rebuilds them at the end (bulk.rs).

use super::bulk::{self, SetAside};
use super::fulltext_feed::{Apart, Feed};
use super::import_people::PeopleCache;
use super::imports_log::FileEntry;
use super::to_secs;
use crate::config::Config;
use crate::domain::{
    priority, signals, ActionKind, NewMention, OurPost, OurReply, Record, Signals,
};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{
    params, Connection, OptionalExtension, Statement, Transaction, TransactionBehavior,
};
use std::collections::HashMap;

/// Our earliest reply to a mention, when the reader saw it close by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub at: DateTime<Utc>,
    pub account: Option<String>,
}

/// What the reader learnt of a record before the writer adds it.
#[derive(Debug, Clone, Default)]
pub struct ReadAhead {
    /// `signals::read` of a mention's body; `None` reads them here.
    pub signals: Option<Signals>,
    /// A mention known to be answered by a reply of this import (which must be added
    /// too): it is stored answered at once, not rewritten later.
    pub answered: Option<Answered>,
    /// A reply whose mention came this many records before it: the writer remembers
    /// the mentions it just added (`Recent`) and need not look that one up.
    pub answers_back: Option<u64>,
}

/// What one import added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub records: u64,
    pub mentions_added: u64,
    pub replies_added: u64,
    pub people_added: u64,
}

/// One import in progress; `finish` commits it.
pub struct Importer<'c> {
    /// Prepared before the transaction begins, dropped after it ends.
    per_record: PerRecord<'c>,
    /// `None` once `finish` took it to commit.
    tx: Option<Transaction<'c>>,
    config: &'c Config,
    now: i64,
    first_mention_id: i64,
    first_action_id: i64,
    people_before: i64,
    /// person id -> counts as a power user (followers or tag), cached per import.
    power: HashMap<i64, bool>,
    people: PeopleCache,
    /// Indexes dropped while filling an empty database (see bulk.rs).
    set_aside: Option<SetAside>,
    /// The new mentions' text for the search index, while filling an empty database
    /// (fulltext_feed.rs).
    feed: Option<Feed>,
    recent: Recent,
    counts: ImportCounts,
}

impl<'c> Importer<'c> {
    /// Starts an import. Takes the write lock at once (BEGIN IMMEDIATE), so a second
    /// writer waits for the busy timeout instead of failing half-way.
    pub fn begin(conn: &'c mut Connection, config: &'c Config, now: DateTime<Utc>) -> Result<Self> {
        // Shared from here on, so the connection can still be set right if the
        // transaction cannot start.
        let conn: &'c Connection = conn;
        bulk::without_foreign_keys(conn)?;
        let started = PerRecord::prepare(conn).and_then(|per_record| {
            bulk::choose_journal(conn)?;
            let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
            Ok((per_record, tx))
        });
        let started =
            started.context("starting the import (is another import running on this file?)");
        let (per_record, tx) = match started {
            Ok(started) => started,
            Err(e) => {
                bulk::with_foreign_keys(conn);
                return Err(e);
            }
        };
        // Built before anything else can fail: dropping it rolls back and sets the
        // connection right.
        let mut importer = Importer {
            per_record,
            tx: Some(tx),
            config,
            now: to_secs(now),
            first_mention_id: 1,
            first_action_id: 1,
            people_before: 0,
            power: HashMap::new(),
            people: PeopleCache::default(),
            set_aside: None,
            feed: None,
            recent: Recent::default(),
            counts: ImportCounts::default(),
        };
        importer.start()?;
        Ok(importer)
    }

    /// Reads where the file stands, and sets it up for a fast fill when it is empty.
    fn start(&mut self) -> Result<()> {
        let tx = open(&self.tx)?;
        let one = |sql: &str| -> rusqlite::Result<i64> { tx.query_row(sql, [], |r| r.get(0)) };
        self.first_mention_id = one("SELECT COALESCE(MAX(id), 0) + 1 FROM mentions")?;
        self.first_action_id = one("SELECT COALESCE(MAX(id), 0) + 1 FROM actions")?;
        self.people_before = one("SELECT COUNT(*) FROM people")?;
        // SQLite's default page cache (2 MB), on purpose. A 256 MB one was measured on
        // 1,000,000 generated mentions: 530 MB peak memory instead of 199 MB, for 5%
        // less CPU; the pages it spares re-reading stay in the OS's cache anyway, and
        // SQLite sorts an index faster in a small cache (see `sort_on_every_core`).
        // The CHECK constraints list allowed words (`kind IN ('reply', 'thank', ...)`),
        // and SQLite builds a small temporary table for each such list on every
        // insert: about a tenth of the writer's time. Every value those columns get
        // here is one of our own enums' words or a column default, never text from the
        // file, so the checks cannot fail: they are off until the end of `finish` (or
        // the drop of an unfinished import) turns them back on, for the connection's
        // other writes. (On for the finish, they cost a quarter of writing 312,209 new
        // people at its start.)
        set_checks(tx, false)?;
        let empty =
            self.first_mention_id == 1 && self.first_action_id == 1 && self.people_before == 0;
        if empty {
            self.set_aside = Some(bulk::set_aside(tx)?);
            self.people = PeopleCache::holding_all();
            self.feed = Some(Feed::default());
        }
        tracing::debug!(
            "import: started, into an {} file",
            if empty { "empty" } else { "non-empty" }
        );
        Ok(())
    }

    /// Records added so far (new or already present).
    pub fn records(&self) -> u64 {
        self.counts.records
    }

    /// The import's transaction, for reads that must see what it wrote.
    pub fn connection(&self) -> Result<&Connection> {
        Ok(open(&self.tx)?)
    }

    /// Adds one record; a record already in the database adds nothing.
    pub fn add(&mut self, record: &Record) -> Result<()> {
        self.add_with_signals(record, None)
    }

    /// Adds one record whose signals were already read (`signals::read` of its body,
    /// e.g. on another thread); `None` reads them here.
    pub fn add_with_signals(&mut self, record: &Record, signals: Option<Signals>) -> Result<()> {
        self.add_prepared(
            record,
            ReadAhead {
                signals,
                ..ReadAhead::default()
            },
        )
    }

    /// Adds one record with what the reader learnt of it (see `ReadAhead`).
    pub fn add_prepared(&mut self, record: &Record, ahead: ReadAhead) -> Result<()> {
        self.counts.records += 1;
        match record {
            Record::Mention(m) => self.add_mention(m, ahead.signals, ahead.answered),
            Record::OurReply(r) => self.add_reply(r, ahead.answers_back),
            Record::OurPost(p) => self.add_post(p),
        }
    }

    fn add_mention(
        &mut self,
        m: &NewMention,
        signals: Option<Signals>,
        answered: Option<Answered>,
    ) -> Result<()> {
        // Only if a reply counts as a response (it does unless configured otherwise).
        let answered =
            answered.filter(|_| self.config.response.counts.contains(&ActionKind::Reply));
        let (status, first_response_at, account) = match answered {
            Some(a) => ("done", Some(to_secs(a.at)), m.account.clone().or(a.account)),
            None => ("open", None, m.account.clone()),
        };
        let created = to_secs(m.created_at);
        let a = &m.author;
        let (person_id, followers) = self.people.upsert(open(&self.tx)?, a, created)?;
        let power_user = self.is_power_user(person_id, followers)?;
        let signals = signals.unwrap_or_else(|| signals::read(&m.body));
        let facts = priority::Facts {
            platform: &m.platform,
            kind: m.kind,
            created_at: m.created_at,
            signals,
            is_bot: a.is_bot,
            power_user,
        };
        let due = priority::due_at(
            &self.config.response_targets,
            &self.config.working_hours,
            &m.platform,
            m.kind,
            m.created_at,
        );
        let boost = priority::boost_secs(&facts, &self.config.priority);
        let rank = priority::rank(due, &facts, &self.config.priority, self.now);
        let conversation = super::conversation::key_of(
            open(&self.tx)?,
            &m.platform,
            &m.external_id,
            m.parent_external_id.as_deref(),
            m.thread_external_id.as_deref(),
        )?;
        let added = self
            .per_record
            .mention
            .execute(params![
                m.platform,
                m.external_id,
                m.kind.as_str(),
                person_id,
                account,
                m.body,
                m.url,
                m.parent_external_id,
                m.thread_external_id,
                created,
                self.now,
                signals.is_question,
                signals.sentiment,
                to_secs(due),
                boost,
                rank,
                status,
                first_response_at,
                signals.class.as_str(),
                conversation
            ])
            .context("saving the mention")?;
        if added == 1 {
            let id = open(&self.tx)?.last_insert_rowid();
            self.recent.added(self.counts.records, m, id, person_id);
            if let Some(feed) = &mut self.feed {
                feed.add(created, id, person_id, &m.body);
            }
        }
        self.counts.mentions_added += added as u64;
        Ok(())
    }

    fn add_reply(&mut self, r: &OurReply, answers_back: Option<u64>) -> Result<()> {
        let remembered = answers_back
            .and_then(|back| self.counts.records.checked_sub(back))
            .and_then(|number| self.recent.answered_by(number, r));
        let target: Option<(i64, i64)> = match remembered {
            Some(target) => Some(target),
            None => self
                .per_record
                .mention_by_key
                .query_row(params![r.platform, r.in_reply_to], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?,
        };
        let sent = to_secs(r.sent_at);
        let added = self
            .per_record
            .reply
            .execute(params![
                target.map(|t| t.0),
                target.map(|t| t.1),
                r.platform,
                r.external_id,
                r.in_reply_to,
                r.account,
                r.body,
                sent
            ])
            .context("saving our reply")?;
        self.counts.replies_added += added as u64;
        Ok(())
    }

    /// Our post that answers nothing: kept for the threads of the answers to it.
    fn add_post(&mut self, p: &OurPost) -> Result<()> {
        open(&self.tx)?
            .prepare_cached(
                "INSERT INTO our_posts (platform, external_id, account, body, posted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (platform, external_id) DO NOTHING",
            )?
            .execute(params![
                p.platform,
                p.external_id,
                p.account,
                p.body,
                to_secs(p.posted_at)
            ])
            .context("saving our post")?;
        Ok(())
    }

    fn is_power_user(&mut self, person_id: i64, followers: Option<i64>) -> Result<bool> {
        if followers.is_some_and(|f| f >= self.config.power_users.min_followers) {
            return Ok(true);
        }
        if let Some(known) = self.power.get(&person_id) {
            return Ok(*known);
        }
        // A file with no people before this import has no tags either.
        if self.set_aside.is_some() {
            return Ok(false);
        }
        let tagged = open(&self.tx)?
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM tags WHERE person_id = ?1 AND tag = 'power_user')",
            )?
            .query_row([person_id], |r| r.get(0))?;
        self.power.insert(person_id, tagged);
        Ok(tagged)
    }

    /// Links replies to the mentions they answer (in either order of arrival), sets
    /// first-response times, fills the full-text index, and commits.
    pub fn finish(self) -> Result<ImportCounts> {
        self.finish_logged(None)
    }

    /// `finish`, also recording the file in the imports log in the same transaction
    /// (so a failed import leaves no row either).
    pub fn finish_logged(mut self, entry: Option<&FileEntry>) -> Result<ImportCounts> {
        // Borrowed until the commit: an error on the way drops the importer, which rolls
        // back and sets the connection right.
        let tx = open(&self.tx)?;
        if self.set_aside.is_some() {
            bulk::read_mapped(tx)?;
        }
        let mut phases = Phases::start(self.counts.records);
        tracing::debug!(
            "import: {} replies found their mention without a look-up",
            self.recent.found
        );
        sort_on_every_core(tx, true)?;
        // The handles are known: the search index of an empty file is written on the
        // other core from here on (fulltext_feed.rs), while this one writes the people.
        let search_index = start_search_index(self.feed.take(), &self.people, tx)?;
        self.people.flush(tx)?;
        phases.done("people written");
        let mut set_aside = self.set_aside.take();
        let set_aside_was = set_aside.is_some();
        if let Some(set) = &mut set_aside {
            bulk::restore_except(tx, set, "mentions")?;
        }
        phases.done("indexes of people and actions rebuilt");
        // Replies whose mention arrived later in this file (or in this import at all).
        tx.prepare(
            "UPDATE actions SET
                 mention_id = (SELECT m.id FROM mentions m
                               WHERE m.platform = actions.platform AND m.external_id = actions.in_reply_to),
                 person_id = (SELECT m.author_id FROM mentions m
                              WHERE m.platform = actions.platform AND m.external_id = actions.in_reply_to)
             WHERE mention_id IS NULL AND in_reply_to IS NOT NULL
               AND EXISTS (SELECT 1 FROM mentions m
                           WHERE m.platform = actions.platform AND m.external_id = actions.in_reply_to)",
        )?
        .execute([])?;
        // The mentions answered by this import: those its new replies point at, and
        // its new mentions that earlier replies now point at. Set-based: one pass each.
        let counted = counted_kinds(self.config);
        tx.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_answered (id INTEGER PRIMARY KEY, first INTEGER)",
            [],
        )?;
        tx.execute("DELETE FROM import_answered", [])?;
        let answered = if self.first_action_id == 1 {
            // Every action is this import's: each answered mention and its first
            // response in one pass over them (0.55 s in the shell for 755,457 replies,
            // against 1.11 s for the two statements below).
            tx.execute(
                "INSERT INTO import_answered (id, first)
                 SELECT mention_id, MIN(CASE WHEN state IN ('queued', 'sent')
                                              AND instr(?1, ',' || kind || ',') > 0
                                             THEN COALESCE(sent_at, created_at) END)
                 FROM actions WHERE mention_id IS NOT NULL GROUP BY mention_id",
                [&counted],
            )?
        } else {
            let replied = tx.execute(
                "INSERT OR IGNORE INTO import_answered (id)
                 SELECT mention_id FROM actions WHERE id >= ?1 AND mention_id IS NOT NULL",
                [self.first_action_id],
            )?;
            let replied_before = tx.execute(
                "INSERT OR IGNORE INTO import_answered (id)
                 SELECT m.id FROM mentions m
                 WHERE m.id >= ?1 AND EXISTS (SELECT 1 FROM actions a WHERE a.mention_id = m.id)",
                [self.first_mention_id],
            )?;
            // Each one's first response, through the actions_mention index.
            tx.execute(
                "UPDATE import_answered SET first =
                     (SELECT MIN(COALESCE(a.sent_at, a.created_at)) FROM actions a
                      WHERE a.mention_id = import_answered.id AND a.state IN ('queued', 'sent')
                        AND instr(?1, ',' || a.kind || ',') > 0)",
                [&counted],
            )?;
            replied + replied_before
        };
        // The answered mentions, by primary key: their first response, the account
        // answered from, and closed. The `IN` has SQLite start from them; left to
        // choose, it read every mention of the file to find them (0.1 s at 1,000,000,
        // for an import of one reply).
        tx.execute(
            "UPDATE mentions SET
                 first_response_at = r.first,
                 account = COALESCE(mentions.account,
                                    (SELECT b.account FROM actions b
                                     WHERE b.mention_id = mentions.id AND b.account IS NOT NULL
                                     ORDER BY b.sent_at LIMIT 1)),
                 status = CASE WHEN r.first IS NOT NULL THEN 'done' ELSE mentions.status END,
                 snoozed_until = CASE WHEN r.first IS NOT NULL THEN NULL ELSE mentions.snoozed_until END
             FROM import_answered AS r
             WHERE mentions.id IN (SELECT id FROM import_answered) AND mentions.id = r.id
               -- Mentions stored already answered need no second write.
               AND (mentions.first_response_at IS NOT r.first
                    OR (r.first IS NOT NULL AND (mentions.status <> 'done' OR mentions.snoozed_until IS NOT NULL))
                    OR (mentions.account IS NULL AND EXISTS (SELECT 1 FROM actions b
                                                             WHERE b.mention_id = mentions.id
                                                               AND b.account IS NOT NULL)))",
            [],
        )?;
        phases.done("replies linked, answered mentions closed");
        if let Some(set) = &mut set_aside {
            bulk::restore(tx, set)?;
        }
        phases.done("indexes of mentions rebuilt");
        // A reply to a person's newest message answers their earlier ones in the same
        // conversation too, as on the screen (store::conversation). After the indexes
        // are back: the join reads mentions_conversation. Left to choose, SQLite reads
        // every mention and looks each open one up among the answered: 0.39 s of an
        // import of one reply into 1,000,000 mentions. `CROSS JOIN` has it start from
        // the answered instead, which costs more per row (1.04 s against 0.41 s in the
        // shell for 755,457 answered of 1,000,000), so only when they are few.
        let mentions: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) FROM mentions", [], |r| {
            r.get(0)
        })?;
        let join = match (answered as i64).saturating_mul(3) < mentions {
            true => "CROSS JOIN",
            false => "JOIN",
        };
        tx.execute(
            &format!(
                "UPDATE mentions SET status = 'done', snoozed_until = NULL,
                     first_response_at = COALESCE(mentions.first_response_at, c.first)
                 FROM (SELECT e.id AS id, MIN(r.first) AS first
                       FROM import_answered r
                       {join} mentions n ON n.id = r.id
                       {join} mentions e ON e.author_id = n.author_id
                                        AND e.conversation = n.conversation
                                        AND e.platform = n.platform
                       WHERE r.first IS NOT NULL AND e.id != n.id AND e.status != 'done'
                         AND e.created_at <= n.created_at
                       GROUP BY e.id) AS c
                 WHERE mentions.id = c.id"
            ),
            [],
        )
        .context("closing the conversations answered by this import")?;
        tx.execute("DELETE FROM import_answered", [])?;
        fill_accounts(tx, self.first_mention_id)?;
        if set_aside.is_some() {
            bulk::write_early(tx)?;
        }
        phases.done("conversations closed, accounts named");
        if let Some(set) = set_aside {
            bulk::restore_rollups(tx, set)?;
        }
        phases.done("rollups computed");
        super::fulltext::check_ids_fit(tx)?;
        let built = search_index.and_then(|(apart, create)| match apart.wait() {
            Ok(built) => Some((built, create)),
            Err(e) => {
                tracing::warn!("the search index written apart failed, writing it here: {e:#}");
                None
            }
        });
        match built {
            Some((built, create)) => built.put_in(tx, &create)?,
            None => {
                let bulk_fts = set_aside_was;
                if bulk_fts {
                    super::fulltext::set_hash_size(tx, super::fulltext::BULK_HASH_SIZE)?;
                }
                tx.execute(
                    &format!(
                        // In key order: FTS5 writes out its pending terms each time a
                        // rowid is not above the last one, and ids follow the file, not
                        // time (half of a million generated mentions come before the
                        // one above them).
                        "INSERT INTO mentions_fts (rowid, body, handle)
                         SELECT {}, m.body, p.handle FROM mentions m JOIN people p ON p.id = m.author_id
                         WHERE m.id >= ?1 ORDER BY 1",
                        super::fulltext::KEY_OF_M
                    ),
                    [self.first_mention_id],
                )
                .context("updating the full-text index")?;
                if bulk_fts {
                    super::fulltext::set_hash_size(tx, super::fulltext::HASH_SIZE)?;
                }
            }
        }
        phases.done("full-text index written");
        sort_on_every_core(tx, false)?;
        // The finish, too, writes only its own values (ids, times, 'done'); the checks
        // are on again for the log's row and the connection's later writes.
        set_checks(tx, true)?;
        let people_after: i64 = tx.query_row("SELECT COUNT(*) FROM people", [], |r| r.get(0))?;
        let counts = ImportCounts {
            people_added: (people_after - self.people_before).max(0) as u64,
            ..self.counts
        };
        if let Some(entry) = entry {
            super::imports_log::record(tx, entry, &counts)?;
        }
        let tx = self.tx.take().context("the import was already finished")?;
        bulk::commit(tx)?;
        phases.done("committed");
        Ok(counts)
    }
}

impl Drop for Importer<'_> {
    /// An import dropped unfinished rolls back; the connection checks again.
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = set_checks(&tx, true);
            let _ = sort_on_every_core(&tx, false);
            bulk::roll_back(tx);
        }
    }
}

/// Starts writing the search index apart, when this import kept every new
/// mention's text and holds every author: the index's CREATE statement goes with
/// it, to create the table anew at the end.
fn start_search_index(
    feed: Option<Feed>,
    people: &PeopleCache,
    tx: &Connection,
) -> Result<Option<(Apart, String)>> {
    let Some(feed) = feed.filter(|f| f.complete()) else {
        return Ok(None);
    };
    let Some(handles) = people.handles_by_id() else {
        return Ok(None);
    };
    let create: String = tx.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'mentions_fts'",
        [],
        |r| r.get(0),
    )?;
    match feed.build_apart(create.clone(), handles) {
        Ok(apart) => Ok(Some((apart, create))),
        Err(e) => {
            tracing::warn!("writing the search index here: {e:#}");
            Ok(None)
        }
    }
}

/// Where the end of an import spends its time, in the debug log (RAPPORT_LOG=debug).
struct Phases {
    records: u64,
    at: std::time::Instant,
}

impl Phases {
    fn start(records: u64) -> Self {
        tracing::debug!("import: {records} records written, finishing");
        Phases {
            records,
            at: std::time::Instant::now(),
        }
    }

    fn done(&mut self, what: &str) {
        let now = std::time::Instant::now();
        tracing::debug!(
            "import of {} records: {what} in {:.2} s",
            self.records,
            (now - self.at).as_secs_f64()
        );
        self.at = now;
    }
}

/// The statements run for every record, prepared once: taken from the connection's
/// statement cache and handed back for each record, they cost a tenth of the writer's
/// time (hashing the SQL, resetting and clearing the statement) on 1,000,000
/// generated mentions. SQLite prepares them again by itself after the import changes
/// the schema or its checks.
struct PerRecord<'c> {
    mention: Statement<'c>,
    mention_by_key: Statement<'c>,
    reply: Statement<'c>,
}

impl<'c> PerRecord<'c> {
    fn prepare(conn: &'c Connection) -> Result<Self> {
        Ok(PerRecord {
            mention: conn.prepare(
                "INSERT INTO mentions (platform, external_id, kind, author_id, account, body, url,
                                       parent_external_id, thread_external_id, created_at, imported_at,
                                       is_question, sentiment, due_at, boost, rank, status, first_response_at, class,
                                       conversation)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
                 ON CONFLICT (platform, external_id) DO NOTHING",
            )?,
            mention_by_key: conn.prepare(
                "SELECT id, author_id FROM mentions WHERE platform = ?1 AND external_id = ?2",
            )?,
            reply: conn.prepare(
                "INSERT INTO actions (kind, mention_id, person_id, platform, external_id, in_reply_to,
                                      account, body, state, created_at, sent_at)
                 VALUES ('reply', ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'sent', ?8, ?8)
                 ON CONFLICT (platform, external_id) WHERE external_id IS NOT NULL DO NOTHING",
            )?,
        })
    }
}

/// The mentions added among the last records, by record number: a reply the reader
/// saw close after its mention (`ReadAhead::answers_back`) finds it here instead of
/// through the (platform, external id) index. A mention that was already stored, or
/// that has left the ring, is not here, and is looked up; so is one whose key is not
/// the one the reply answers, should a hint ever be wrong.
struct Recent {
    slots: Vec<Slot>,
    /// Replies that found their mention here, for the debug log.
    found: u64,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    number: u64,
    key: u64,
    id: i64,
    author: i64,
}

impl Default for Recent {
    fn default() -> Self {
        // Longer than the reader's window (commands::import_reader), so a pair it
        // sees is still here; a shorter one would only mean more look-ups.
        Recent {
            slots: vec![Slot::default(); 4096],
            found: 0,
        }
    }
}

impl Recent {
    fn added(&mut self, number: u64, m: &NewMention, id: i64, author: i64) {
        let at = (number % self.slots.len() as u64) as usize;
        self.slots[at] = Slot {
            number,
            key: Self::key(&m.platform, &m.external_id),
            id,
            author,
        };
    }

    /// The (id, author id) of the mention added as record `number`, if it is still
    /// held and is the one `r` answers.
    fn answered_by(&mut self, number: u64, r: &OurReply) -> Option<(i64, i64)> {
        let slot = self.slots[(number % self.slots.len() as u64) as usize];
        let held = number > 0
            && slot.number == number
            && slot.key == Self::key(&r.platform, &r.in_reply_to);
        self.found += u64::from(held);
        held.then_some((slot.id, slot.author))
    }

    fn key(platform: &str, external_id: &str) -> u64 {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::default().hash_one((platform, external_id))
    }
}

/// The import's transaction while it is open.
fn open<'a, 'c>(tx: &'a Option<Transaction<'c>>) -> Result<&'a Transaction<'c>> {
    tx.as_ref().context("the import was already finished")
}

/// Lets SQLite sort on every core (PRAGMA threads) while the import's finish rebuilds
/// the indexes, or puts the default back (`on` false). Two runs each, interleaved, on
/// 1,000,000 generated mentions and 2 cores: the mentions' indexes rebuilt in 7.9 s
/// instead of 9.8-10.0, the whole import in 61-62 s instead of 63-67. A larger page
/// cache while records go in (16 MB) gained nothing in the same runs, and a large one
/// slows the sorts (64 MB: 15 s for the mentions' indexes): SQLite's default stays.
fn sort_on_every_core(conn: &Connection, on: bool) -> Result<()> {
    let threads = match on {
        true => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
        false => 0,
    };
    conn.pragma_update(None, "threads", threads as i64)
        .context("setting the import's sorting threads")
}

/// Turns SQLite's CHECK constraints on or off for this connection (statements
/// prepared before are prepared again).
fn set_checks(conn: &Connection, on: bool) -> Result<()> {
    conn.pragma_update(None, "ignore_check_constraints", !on)
        .context("setting the CHECK constraints")
}

/// The account of each mention of this import (from `first_mention_id` on) that came
/// without one and was not answered: the brand whose reply it answers, else the first
/// @handle in its text of a brand that answers somewhere on its platform. A tweet names
/// customers and other brands too, so a handle counts only once its owner has answered.
fn fill_accounts(tx: &Connection, first_mention_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE mentions SET account = (SELECT a.account FROM actions a
                                        WHERE a.platform = mentions.platform
                                          AND a.external_id = mentions.parent_external_id)
         WHERE id >= ?1 AND account IS NULL AND parent_external_id IS NOT NULL",
        [first_mention_id],
    )
    .context("naming the account of replies to our replies")?;
    let unnamed: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, platform, body FROM mentions WHERE id >= ?1 AND account IS NULL")?
        .query_map([first_mention_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if unnamed.is_empty() {
        return Ok(());
    }
    // (platform, lowercase handle) -> the brand's own spelling.
    let mut brands: HashMap<(String, String), String> = HashMap::new();
    let mut known = tx.prepare(
        "SELECT DISTINCT platform, account FROM actions
         WHERE account IS NOT NULL AND platform IS NOT NULL AND kind = 'reply'",
    )?;
    for row in known.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (platform, account) = row?;
        brands.insert((platform, account.to_lowercase()), account);
    }
    let mut set = tx.prepare_cached("UPDATE mentions SET account = ?2 WHERE id = ?1")?;
    for (id, platform, body) in unnamed {
        let brand = crate::domain::platforms::handles(&body)
            .find_map(|h| brands.get(&(platform.clone(), h.to_lowercase())));
        if let Some(brand) = brand {
            set.execute(params![id, brand])?;
        }
    }
    Ok(())
}

/// The configured response kinds as ",reply,thank," for an `instr` test in SQL.
pub fn counted_kinds(config: &Config) -> String {
    let mut s = String::from(",");
    for k in &config.response.counts {
        s.push_str(k.as_str());
        s.push(',');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ndjson::parse_line;

    /// The search index an import into an empty file fills from memory is the one
    /// SQL fills reading the mentions back, row for row and byte for byte.
    #[test]
    fn the_search_index_filled_from_memory_is_the_one_read_back_from_the_table() {
        let now = Utc::now();
        let config = Config::defaults();
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("f.db")).unwrap();
        // A search first, as on a screen open on the empty file: the index is put in
        // under a connection that has read it.
        let none: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM mentions_fts WHERE mentions_fts MATCH 'decaf'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(none, 0);
        let mut importer = Importer::begin(&mut conn, &config, now).unwrap();
        let records = crate::gen::Generator::new(crate::gen::Options::busy_fortnight(3000, 9, now));
        for r in records {
            importer.add(&r).unwrap();
        }
        assert!(importer.feed.as_ref().is_some_and(|f| f.complete()));
        importer.finish().unwrap();
        let create: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'mentions_fts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute_batch(&create.replace("mentions_fts", "again_fts"))
            .unwrap();
        // As the import sets it, and back: each change counts in the index's header.
        use crate::store::fulltext::{BULK_HASH_SIZE, HASH_SIZE};
        for size in [BULK_HASH_SIZE, HASH_SIZE] {
            conn.execute(
                "INSERT INTO again_fts (again_fts, rank) VALUES ('hashsize', ?1)",
                [size],
            )
            .unwrap();
        }
        conn.execute(
            &format!(
                "INSERT INTO again_fts (rowid, body, handle)
                 SELECT {}, m.body, p.handle FROM mentions m JOIN people p ON p.id = m.author_id
                 ORDER BY 1",
                crate::store::fulltext::KEY_OF_M
            ),
            [],
        )
        .unwrap();
        let rows = |sql: &str| -> Vec<String> {
            conn.prepare(sql)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        for (table, columns) in [
            ("data", "id, hex(block)"),
            ("idx", "segid, hex(term), pgno"),
            ("docsize", "id, hex(sz), origin"),
        ] {
            let of = |name: &str| {
                rows(&format!(
                    "SELECT json_array({columns}) FROM {name}_{table} ORDER BY 1"
                ))
            };
            let (fed, read_back) = (of("mentions_fts"), of("again_fts"));
            assert!(fed.len() > 1, "{table}: {}", fed.len());
            assert_eq!(fed, read_back, "{table}");
        }
        let mentions: i64 = conn
            .query_row("SELECT COUNT(*) FROM mentions_fts_docsize", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(mentions, 3000);
        // The same connection reads the index put in, and writes to it: a later
        // import's mention is found, and FTS5 finds the index sound.
        let found = |conn: &Connection, word: &str| -> i64 {
            conn.query_row(
                "SELECT COUNT(*) FROM mentions_fts WHERE mentions_fts MATCH ?1",
                [word],
                |r| r.get(0),
            )
            .unwrap()
        };
        let decaf = found(&conn, "decaf");
        assert!(decaf > 0);
        let mut importer = Importer::begin(&mut conn, &config, now).unwrap();
        importer
            .add(&record(
                r#"{"platform":"sms","external_id":"later","kind":"sms","created_at":"2026-11-20T10:00:00Z","body":"Any decaf zyxwv left?","author":{"id":"later","handle":"+15550100"}}"#,
            ))
            .unwrap();
        importer.finish().unwrap();
        assert_eq!(
            (found(&conn, "decaf"), found(&conn, "zyxwv")),
            (decaf + 1, 1)
        );
        conn.execute(
            "INSERT INTO mentions_fts (mentions_fts, rank) VALUES ('integrity-check', 0)",
            [],
        )
        .unwrap();
    }

    fn record(line: &str) -> Record {
        parse_line(line).unwrap().unwrap()
    }

    /// Our reply, sent half an hour after the mention it answers.
    const REPLY: &str = r#"{"type":"our_reply","platform":"twitter","external_id":"r1","in_reply_to":"m1","body":"On it!","sent_at":"2026-11-20T10:30:00Z","account":"acme"}"#;
    const MENTION: &str = r#"{"platform":"twitter","external_id":"m1","kind":"mention","created_at":"2026-11-20T10:00:00Z","body":"Where is my parcel?","author":{"id":"7","handle":"sam"}}"#;

    #[test]
    fn replies_link_in_any_order_and_imports_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let config = Config::defaults();
        let (reply, mention) = (record(REPLY), record(MENTION));
        // A second reply, sent later: the first response is still the earlier one.
        let later = record(
            &REPLY
                .replace("\"r1\"", "\"r2\"")
                .replace("10:30:00Z", "11:00:00Z"),
        );
        for _ in 0..2 {
            let mut importer = Importer::begin(&mut conn, &config, Utc::now()).unwrap();
            importer.add(&later).unwrap();
            importer.add(&reply).unwrap();
            importer.add(&mention).unwrap();
            importer.finish().unwrap();
        }
        let (count, status, waited, account, q): (i64, String, i64, String, bool) = conn
            .query_row(
                "SELECT COUNT(*), status, first_response_at - created_at, account, is_question FROM mentions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            (count, status.as_str(), waited, account.as_str(), q),
            (1, "done", 1800, "acme", true)
        );
        let hits: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM mentions_fts WHERE mentions_fts MATCH 'parcel'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 1);
        // The WAL is back after the first import's rollback journal, the file is read
        // without a map again, and the index's memory is FTS5's default again.
        let (mode, hash): (String, i64) = conn
            .query_row(
                "SELECT (SELECT journal_mode FROM pragma_journal_mode),
                        (SELECT v FROM mentions_fts_config WHERE k = 'hashsize')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let mapped: i64 = conn
            .query_row("PRAGMA mmap_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            (mode.as_str(), mapped, hash),
            ("wal", 0, super::super::fulltext::HASH_SIZE)
        );
        let actions: i64 = conn
            .query_row("SELECT COUNT(*) FROM actions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(actions, 2);
    }

    /// Our reply in one file and the mention it answers in a later one: the later
    /// import closes the mention with the earlier reply's time and account.
    #[test]
    fn a_reply_imported_before_its_mention_answers_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("e.db")).unwrap();
        let config = Config::defaults();
        let (reply, mention) = (record(REPLY), record(MENTION));
        for r in [&reply, &mention] {
            let mut importer = Importer::begin(&mut conn, &config, Utc::now()).unwrap();
            importer.add(r).unwrap();
            importer.finish().unwrap();
        }
        let answered: (String, i64, String) = conn
            .query_row(
                "SELECT status, first_response_at - created_at, account FROM mentions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(answered, ("done".to_string(), 1800, "acme".to_string()));
    }

    /// A reply finds the mention the reader saw it answer without a look-up, and only
    /// that one: a hint to a mention that was already stored, to a record that is no
    /// mention, or to another mention, is looked up by key.
    #[test]
    fn a_reply_finds_its_mention_by_the_readers_hint_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("h.db")).unwrap();
        let config = Config::defaults();
        let mention = |id: &str, author: &str| {
            record(
                &MENTION
                    .replace("\"m1\"", &format!("\"{id}\""))
                    .replace("\"7\"", &format!("\"{author}\"")),
            )
        };
        let reply = |id: &str, to: &str| {
            record(
                &REPLY
                    .replace("\"r1\"", &format!("\"{id}\""))
                    .replace("\"m1\"", &format!("\"{to}\"")),
            )
        };
        let back = |n: u64| ReadAhead {
            answers_back: Some(n),
            ..ReadAhead::default()
        };
        let records = [
            (mention("m1", "7"), ReadAhead::default()),
            (mention("m2", "8"), ReadAhead::default()),
            // Already stored: nothing is added, and nothing remembered.
            (mention("m1", "7"), ReadAhead::default()),
            (reply("r1", "m1"), back(3)),
            // The hint names m1, not the m2 this reply answers.
            (reply("r2", "m2"), back(4)),
            (reply("r3", "m1"), back(3)),
            // Record 6 is a reply; m9 is nowhere.
            (reply("r4", "m9"), back(1)),
        ];
        let mut importer = Importer::begin(&mut conn, &config, Utc::now()).unwrap();
        for (r, ahead) in &records {
            importer.add_prepared(r, ahead.clone()).unwrap();
        }
        assert_eq!(importer.recent.found, 1, "only r1 is found by its hint");
        importer.finish().unwrap();
        let linked: Vec<(String, Option<String>, Option<String>)> = conn
            .prepare(
                "SELECT a.external_id, m.external_id, p.platform_user_id FROM actions a
                 LEFT JOIN mentions m ON m.id = a.mention_id
                 LEFT JOIN people p ON p.id = a.person_id ORDER BY a.id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let to =
            |a: &str, m: &str, p: &str| (a.to_string(), Some(m.to_string()), Some(p.to_string()));
        assert_eq!(
            linked,
            [
                to("r1", "m1", "7"),
                to("r2", "m2", "8"),
                to("r3", "m1", "7"),
                ("r4".to_string(), None, None)
            ]
        );
    }

    #[test]
    fn a_dropped_importer_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let config = Config::defaults();
        let mut importer = Importer::begin(&mut conn, &config, Utc::now()).unwrap();
        importer
            .add(&record(r#"{"platform":"sms","external_id":"s1","kind":"sms","created_at":"2026-11-20T10:00:00Z","body":"hi","author":{"id":"+15550100","handle":"+15550100"}}"#))
            .unwrap();
        drop(importer);
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM people", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        assert_checks_are_on(&conn);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            mode, "wal",
            "the WAL is back after a rolled-back first import"
        );
    }

    /// The CHECK constraints, off during an import, are on again for other writes.
    fn assert_checks_are_on(conn: &Connection) {
        let bogus = conn.execute(
            "INSERT INTO actions (kind, state, created_at) VALUES ('bogus', 'sent', 0)",
            [],
        );
        assert!(bogus.is_err(), "an action of kind 'bogus' was accepted");
    }

    /// The same generated records into an empty file (the bulk path: people numbered
    /// in memory and written at the end, checks off) and into a file that already held
    /// something (row by row) give the same people and authors, with every reference
    /// sound and the foreign-key checks on again afterwards.
    #[test]
    fn an_empty_file_fills_as_a_used_one_does_with_every_reference_sound() {
        let now = Utc::now();
        let config = Config::defaults();
        let records: Vec<Record> =
            crate::gen::Generator::new(crate::gen::Options::busy_fortnight(3000, 5, now)).collect();
        let dir = tempfile::tempdir().unwrap();
        let fill = |name: &str, first: Option<&str>| -> Connection {
            let mut conn = crate::store::open(&dir.path().join(name)).unwrap();
            if let Some(line) = first {
                let mut importer = Importer::begin(&mut conn, &config, now).unwrap();
                importer.add(&record(line)).unwrap();
                importer.finish().unwrap();
            }
            let mut importer = Importer::begin(&mut conn, &config, now).unwrap();
            for r in &records {
                importer.add(r).unwrap();
            }
            importer.finish().unwrap();
            conn
        };
        let bulk = fill("bulk.db", None);
        let used = fill(
            "used.db",
            Some(
                r#"{"platform":"sms","external_id":"before","kind":"sms","created_at":"2026-11-20T10:00:00Z","body":"hi","author":{"id":"before","handle":"+15550100"}}"#,
            ),
        );
        let people = |c: &Connection| -> Vec<String> {
            c.prepare(
                "SELECT json_array(platform, platform_user_id, handle, display_name, followers,
                                   profile_url, is_bot, first_seen, last_seen)
                 FROM people WHERE platform_user_id != 'before' ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let authors = |c: &Connection| -> Vec<(String, String)> {
            c.prepare(
                "SELECT m.external_id, p.platform_user_id FROM mentions m
                 JOIN people p ON p.id = m.author_id WHERE m.external_id != 'before' ORDER BY m.id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let bulk_people = people(&bulk);
        assert!(bulk_people.len() > 100, "{}", bulk_people.len());
        assert_eq!(bulk_people, people(&used));
        assert_eq!(authors(&bulk).len(), 3000);
        assert_eq!(authors(&bulk), authors(&used));
        for conn in [&bulk, &used] {
            let broken: Vec<(String, i64)> = conn
                .prepare("PRAGMA foreign_key_check")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(broken, []);
            assert_foreign_keys_are_on(conn);
        }
    }

    /// The foreign-key checks, off during an import, are on again for other writes.
    fn assert_foreign_keys_are_on(conn: &Connection) {
        let on: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(on, "the foreign-key checks are off");
        let orphan = conn.execute(
            "INSERT INTO actions (kind, mention_id, state, created_at) VALUES ('note', 999999, 'sent', 0)",
            [],
        );
        assert!(
            orphan.is_err(),
            "an action of a missing mention was accepted"
        );
    }

    #[test]
    fn the_checks_are_on_again_after_an_import_that_could_not_start_or_was_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let mut conn = crate::store::open(&path).unwrap();
        let config = Config::defaults();
        drop(Importer::begin(&mut conn, &config, Utc::now()).unwrap());
        assert_foreign_keys_are_on(&conn);
        assert_checks_are_on(&conn);
        // Another writer holds the file: the import cannot start.
        let other = crate::store::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        assert!(Importer::begin(&mut conn, &config, Utc::now()).is_err());
        other.execute_batch("ROLLBACK").unwrap();
        assert_foreign_keys_are_on(&conn);
    }

    #[test]
    fn checks_are_on_again_after_an_import() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let config = Config::defaults();
        let mut importer = Importer::begin(&mut conn, &config, Utc::now()).unwrap();
        importer
            .add(&record(r#"{"platform":"sms","external_id":"s1","kind":"sms","created_at":"2026-11-20T10:00:00Z","body":"hi","author":{"id":"+15550100","handle":"+15550100"}}"#))
            .unwrap();
        importer.finish().unwrap();
        assert_checks_are_on(&conn);
    }

    #[test]
    fn a_tweet_is_addressed_to_the_brand_that_answers_not_the_first_handle() {
        let text = format!(
            "{}\n\
             1,105834,True,Wed Oct 11 06:55:44 +0000 2017,@Delta @AppleSupport it broke,2,\n\
             2,AppleSupport,False,Wed Oct 11 07:05:44 +0000 2017,@105834 sorry,3,1\n\
             3,105834,True,Wed Oct 11 07:15:44 +0000 2017,@Delta @AppleSupport still broken,,2\n\
             4,115712,True,Wed Oct 11 08:15:44 +0000 2017,@105834 @delta hi @applesupport,,\n\
             5,115713,True,Wed Oct 11 08:15:44 +0000 2017,@Delta where are you,,\n",
            crate::ingest::detect::TWCS_HEADER
        );
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("r.db")).unwrap();
        let config = Config::defaults();
        let mut import = Importer::begin(&mut conn, &config, Utc::now()).unwrap();
        for item in
            crate::ingest::twcs::Reader::new(std::io::Cursor::new(text.into_bytes())).unwrap()
        {
            if let Ok(crate::ingest::Parsed::Record(r)) = item.unwrap().parsed {
                import.add(&r).unwrap();
            }
        }
        import.finish().unwrap();
        let accounts: Vec<(String, Option<String>)> = conn
            .prepare("SELECT external_id, account FROM mentions ORDER BY external_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let apple = Some("AppleSupport".to_string());
        assert_eq!(
            accounts,
            [
                ("1".into(), apple.clone()),
                ("3".into(), apple.clone()),
                ("4".into(), apple),
                // Delta never answers in the file: not one of our accounts.
                ("5".into(), None),
            ]
        );
    }
}
