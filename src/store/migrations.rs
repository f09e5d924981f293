//! The schema, as ordered migrations keyed by `PRAGMA user_version`. Each migration
//! runs in its own transaction with the version bump, so a killed process leaves the
//! file at the previous version, never between two. Append; never edit a shipped one.

use rusqlite::{Connection, TransactionBehavior};

/// What a mention counts in the days' rollups from v18 on, added by the insert and
/// update triggers (the group numbered first if new)...
macro_rules! v18_days_add {
    () => {
        r#"
        INSERT INTO rollup_groups (platform, kind) SELECT new.platform, new.kind
            WHERE NOT EXISTS (SELECT 1 FROM rollup_groups WHERE platform = new.platform AND kind = new.kind);
        INSERT INTO response_days (day, grp, bucket, mentions, within)
            SELECT d.day, (SELECT id FROM rollup_groups WHERE platform = new.platform AND kind = new.kind),
                   CASE WHEN new.first_response_at IS NULL THEN -1
                 WHEN MAX(new.first_response_at - new.created_at, 0) < 60 THEN MAX(new.first_response_at - new.created_at, 0)
                 WHEN new.first_response_at - new.created_at < 36000 THEN 59 + (new.first_response_at - new.created_at) / 60
                 WHEN new.first_response_at - new.created_at < 172800 THEN 649 + (new.first_response_at - new.created_at) / 3600
                 ELSE 695 + MIN(new.first_response_at - new.created_at, 4294967295) / 86400 END,
                   1, COALESCE(new.first_response_at <= new.due_at, 0)
            FROM (SELECT day FROM local_days WHERE start <= new.created_at ORDER BY start DESC LIMIT 1) AS d
            WHERE d.day IS NOT NULL
            ON CONFLICT (day, grp, bucket) DO UPDATE SET mentions = mentions + 1, within = within + excluded.within;
        INSERT INTO closed_days (day, closed_day, answered)
            SELECT a.day, b.day, 1
            FROM (SELECT day FROM local_days WHERE start <= new.created_at ORDER BY start DESC LIMIT 1) AS a,
                 (SELECT day FROM local_days WHERE start <= MAX(new.first_response_at, new.created_at) ORDER BY start DESC LIMIT 1) AS b
            WHERE new.first_response_at IS NOT NULL AND a.day IS NOT NULL AND b.day IS NOT NULL
            ON CONFLICT (day, closed_day) DO UPDATE SET answered = answered + 1;
    "#
    };
}

/// ...and taken back by the delete and update triggers.
macro_rules! v18_days_remove {
    () => {
        r#"
        UPDATE response_days SET mentions = mentions - 1, within = within - COALESCE(old.first_response_at <= old.due_at, 0)
            WHERE day = (SELECT day FROM local_days WHERE start <= old.created_at ORDER BY start DESC LIMIT 1)
              AND grp = (SELECT id FROM rollup_groups WHERE platform = old.platform AND kind = old.kind)
              AND bucket = CASE WHEN old.first_response_at IS NULL THEN -1
                 WHEN MAX(old.first_response_at - old.created_at, 0) < 60 THEN MAX(old.first_response_at - old.created_at, 0)
                 WHEN old.first_response_at - old.created_at < 36000 THEN 59 + (old.first_response_at - old.created_at) / 60
                 WHEN old.first_response_at - old.created_at < 172800 THEN 649 + (old.first_response_at - old.created_at) / 3600
                 ELSE 695 + MIN(old.first_response_at - old.created_at, 4294967295) / 86400 END;
        UPDATE closed_days SET answered = answered - 1
            WHERE old.first_response_at IS NOT NULL AND day = (SELECT day FROM local_days WHERE start <= old.created_at ORDER BY start DESC LIMIT 1)
              AND closed_day = (SELECT day FROM local_days WHERE start <= MAX(old.first_response_at, old.created_at) ORDER BY start DESC LIMIT 1);
    "#
    };
}

/// Times are INTEGER seconds since the Unix epoch, UTC, everywhere.
const MIGRATIONS: &[&str] = &[
    // 1: people, tags, mentions, actions, imports, meta, full-text index.
    r#"
    CREATE TABLE people (
        id               INTEGER PRIMARY KEY,
        platform         TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        handle           TEXT NOT NULL,
        display_name     TEXT,
        followers        INTEGER,
        profile_url      TEXT,
        is_bot           INTEGER NOT NULL DEFAULT 0,
        first_seen       INTEGER NOT NULL,
        last_seen        INTEGER NOT NULL,
        buyer_stage      TEXT NOT NULL DEFAULT 'unknown' CHECK (buyer_stage IN
                         ('unknown','light_buyer','potential_buyer','existing_customer','former_customer')),
        engagement       TEXT NOT NULL DEFAULT 'unknown' CHECK (engagement IN
                         ('unknown','information','conversation','discounts')),
        notes            TEXT NOT NULL DEFAULT '',
        UNIQUE (platform, platform_user_id)
    );
    CREATE INDEX people_handle ON people (handle COLLATE NOCASE);

    -- 'power_user' and 'vip' are the tags the app knows; any other word is a segment.
    CREATE TABLE tags (
        person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        tag        TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (person_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX tags_tag ON tags (tag);

    CREATE TABLE mentions (
        id                 INTEGER PRIMARY KEY,
        platform           TEXT NOT NULL,
        external_id        TEXT NOT NULL,
        kind               TEXT NOT NULL CHECK (kind IN
                           ('mention','comment','reply','direct_message','sms','review')),
        author_id          INTEGER NOT NULL REFERENCES people (id),
        account            TEXT,
        body               TEXT NOT NULL,
        url                TEXT,
        parent_external_id TEXT,
        thread_external_id TEXT,
        created_at         INTEGER NOT NULL,
        imported_at        INTEGER NOT NULL,
        status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','snoozed','done')),
        snoozed_until      INTEGER,
        first_response_at  INTEGER,
        is_question        INTEGER NOT NULL DEFAULT 0,
        sentiment          REAL NOT NULL DEFAULT 0,
        -- When the item should be answered by (its response target), how many
        -- seconds earlier its signals make it (domain::priority, without the power-user
        -- weight), and the queue position: due_at - boost - power-user weight. The
        -- triage queue is ORDER BY rank, id.
        due_at             INTEGER NOT NULL,
        boost              INTEGER NOT NULL DEFAULT 0,
        rank               INTEGER NOT NULL,
        UNIQUE (platform, external_id)
    );
    CREATE INDEX mentions_queue ON mentions (status, rank, id);
    CREATE INDEX mentions_author ON mentions (author_id, created_at);
    CREATE INDEX mentions_created ON mentions (created_at);
    CREATE INDEX mentions_responded ON mentions (first_response_at) WHERE first_response_at IS NOT NULL;
    CREATE INDEX mentions_parent ON mentions (platform, parent_external_id) WHERE parent_external_id IS NOT NULL;

    -- The log and outbox of everything the operator does. Imported history (replies
    -- we sent before rapport) arrives here too, with external_id set.
    CREATE TABLE actions (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN
                      ('reply','thank','like','tag','segment','dismiss','snooze','note')),
        mention_id    INTEGER REFERENCES mentions (id),
        person_id     INTEGER REFERENCES people (id),
        platform      TEXT,
        external_id   TEXT,
        in_reply_to   TEXT,
        account       TEXT,
        body          TEXT NOT NULL DEFAULT '',
        -- JSON: what the action changed and what it was before, for undo.
        detail        TEXT NOT NULL DEFAULT '{}',
        state         TEXT NOT NULL CHECK (state IN ('draft','queued','sent','failed','cancelled')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        created_at    INTEGER NOT NULL,
        sent_at       INTEGER,
        undone_at     INTEGER
    );
    CREATE INDEX actions_mention ON actions (mention_id);
    CREATE INDEX actions_person ON actions (person_id, created_at);
    CREATE INDEX actions_created ON actions (created_at);
    CREATE UNIQUE INDEX actions_external ON actions (platform, external_id) WHERE external_id IS NOT NULL;
    CREATE INDEX actions_in_reply_to ON actions (platform, in_reply_to) WHERE in_reply_to IS NOT NULL;

    CREATE TABLE imports (
        id             INTEGER PRIMARY KEY,
        source         TEXT NOT NULL,
        content_hash   TEXT NOT NULL UNIQUE,
        format         TEXT NOT NULL,
        records        INTEGER NOT NULL,
        mentions_added INTEGER NOT NULL,
        replies_added  INTEGER NOT NULL,
        people_added   INTEGER NOT NULL,
        skipped        INTEGER NOT NULL,
        started_at     INTEGER NOT NULL,
        finished_at    INTEGER NOT NULL
    );

    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

    -- Contentless: it holds only the index; rowid = mentions.id. Filled in bulk after
    -- each import (far faster than a per-row trigger).
    CREATE VIRTUAL TABLE mentions_fts USING fts5 (
        body, handle, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    "#,
    // v2: indexes for the response figures and the people view. The status bar counts open items over
    // target and finds the oldest one on every refresh (partial indexes of open items);
    // the stats read one covering index in a single pass instead of the whole table;
    // today's reply times and the reply pace read only their own indexes.
    r#"
    CREATE INDEX mentions_open_due ON mentions (due_at) WHERE status = 'open';
    CREATE INDEX mentions_open_created ON mentions (created_at) WHERE status = 'open';
    CREATE INDEX mentions_stats ON mentions
        (created_at, platform, kind, first_response_at, due_at, author_id, status);
    DROP INDEX mentions_responded;
    CREATE INDEX mentions_responded ON mentions (first_response_at, created_at, due_at)
        WHERE first_response_at IS NOT NULL;
    CREATE INDEX actions_answers ON actions (created_at, kind, state, undone_at, mention_id);
    -- The people view pages most recently seen first, all or by buyer stage.
    CREATE INDEX people_seen ON people (last_seen, id);
    CREATE INDEX people_stage ON people (buyer_stage, last_seen, id);
    "#,
    // v3: the outbox. Delivery needs two more states ('sending': handed to a sender
    // under a lease; 'unknown': the hand-over may or may not have gone out) and SQLite
    // cannot alter a CHECK, so the table is rebuilt with its indexes. New columns:
    // the idempotency key (the same on every attempt), when the next attempt may start
    // (NULL: once the undo window after created_at has passed), the claim (who holds
    // it, until when), when the last attempt started (the per-minute limit) and the
    // platform's id and url (not external_id: that one marks imported history). A
    // trigger gives each new queued row its key, so the code that queues stays as it is.
    r#"
    CREATE TABLE actions_v3 (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL CHECK (kind IN
                        ('reply','thank','like','tag','segment','dismiss','snooze','note')),
        mention_id      INTEGER REFERENCES mentions (id),
        person_id       INTEGER REFERENCES people (id),
        platform        TEXT,
        external_id     TEXT,
        in_reply_to     TEXT,
        account         TEXT,
        body            TEXT NOT NULL DEFAULT '',
        detail          TEXT NOT NULL DEFAULT '{}',
        state           TEXT NOT NULL CHECK (state IN
                        ('draft','queued','sending','sent','failed','unknown','cancelled')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        sent_at         INTEGER,
        undone_at       INTEGER,
        idempotency_key TEXT,
        next_attempt_at INTEGER,
        claimed_by      TEXT,
        lease_until     INTEGER,
        last_attempt_at INTEGER,
        remote_id       TEXT,
        remote_url      TEXT
    );
    INSERT INTO actions_v3 (id, kind, mention_id, person_id, platform, external_id, in_reply_to,
                            account, body, detail, state, attempts, last_error, created_at,
                            sent_at, undone_at)
        SELECT id, kind, mention_id, person_id, platform, external_id, in_reply_to,
               account, body, detail, state, attempts, last_error, created_at,
               sent_at, undone_at
        FROM actions;
    DROP TABLE actions;
    ALTER TABLE actions_v3 RENAME TO actions;
    CREATE INDEX actions_mention ON actions (mention_id);
    CREATE INDEX actions_person ON actions (person_id, created_at);
    CREATE INDEX actions_created ON actions (created_at);
    CREATE UNIQUE INDEX actions_external ON actions (platform, external_id) WHERE external_id IS NOT NULL;
    CREATE INDEX actions_in_reply_to ON actions (platform, in_reply_to) WHERE in_reply_to IS NOT NULL;
    CREATE INDEX actions_answers ON actions (created_at, kind, state, undone_at, mention_id);
    -- What waits to go out, and what is being handed over (small: sent rows leave it).
    CREATE INDEX actions_outbox ON actions (platform, state, next_attempt_at, created_at)
        WHERE state IN ('queued', 'sending');
    -- Attempts started in the last minute, per platform (the per-minute limit).
    CREATE INDEX actions_attempted ON actions (platform, last_attempt_at)
        WHERE last_attempt_at IS NOT NULL;
    CREATE UNIQUE INDEX actions_idempotency ON actions (idempotency_key)
        WHERE idempotency_key IS NOT NULL;
    UPDATE actions SET idempotency_key = 'rapport-' || lower(hex(randomblob(16)))
        WHERE state = 'queued' AND kind IN ('reply', 'thank', 'like');
    CREATE TRIGGER actions_outbox_key AFTER INSERT ON actions
        WHEN NEW.state = 'queued' AND NEW.idempotency_key IS NULL
                 AND NEW.kind IN ('reply', 'thank', 'like')
    BEGIN
        UPDATE actions SET idempotency_key = 'rapport-' || lower(hex(randomblob(16)))
            WHERE id = NEW.id;
    END;
    "#,
    // v4: the outbox's failed and unknown actions, counted on every status refresh
    // without reading the whole log.
    r#"
    CREATE INDEX actions_trouble ON actions (state)
        WHERE state IN ('failed', 'unknown') AND undone_at IS NULL;
    "#,
    // v5: who is answering what. A window writing a reply holds a short, renewed
    // claim on the item, so another window sees it is being answered.
    r#"
    CREATE TABLE claims (
        mention_id INTEGER PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
        holder     TEXT NOT NULL,
        until      INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // v6: live platforms: where each account's pull stopped (saved with the page's records,
    // so a pull resumes where it stopped), and the global key of each pulled message
    // (a Mastodon status uri) so one message is imported once by either key.
    r#"
    CREATE TABLE cursors (
        account    TEXT PRIMARY KEY,
        cursor     TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE pulled_keys (
        platform    TEXT NOT NULL,
        key         TEXT NOT NULL,
        external_id TEXT NOT NULL,
        PRIMARY KEY (platform, key)
    ) WITHOUT ROWID;
    "#,
    // v7: the reading's class of each mention (domain::reading), which decides the
    // suggestion and the complaint weight. Rows from before are re-read in Rust once
    // the screen opens the file (store::reread), since SQL cannot read text.
    r#"
    ALTER TABLE mentions ADD COLUMN class TEXT NOT NULL DEFAULT 'plain'
        CHECK (class IN ('complaint','question','praise','plain','spam'));
    -- A new file has nothing to re-read (store::reread::READING_RULES).
    INSERT INTO meta (key, value) SELECT 'reading_rules', '1'
        WHERE NOT EXISTS (SELECT 1 FROM mentions);
    "#,
    // v8: the open items not yet in the stale band of the queue (domain::priority:
    // rank below STALE_FROM), by due time: each refresh moves those that turned
    // stale since the last one with a range scan of this small index, however long
    // the backlog. The constant must match inbox::MOVE_STALE word for word, or
    // SQLite will not use the index.
    r#"
    CREATE INDEX mentions_fresh_due ON mentions (due_at)
        WHERE status = 'open' AND rank < 500000000000;
    "#,
    // v9: conversations. A person's messages in one thread are one conversation,
    // keyed by the external id of the thread's first message (store::conversation);
    // replying to the newest closes the earlier ones. Rows from before get the key
    // from what they point at: their thread, the message our reply answered, their
    // parent, or themselves.
    r#"
    ALTER TABLE mentions ADD COLUMN conversation TEXT;
    UPDATE mentions SET conversation = COALESCE(
        thread_external_id,
        (SELECT a.in_reply_to FROM actions a
         WHERE a.platform = mentions.platform AND a.external_id = mentions.parent_external_id),
        parent_external_id,
        external_id);
    CREATE INDEX mentions_conversation ON mentions (author_id, conversation, created_at);
    "#,
    // v10: Mastodon ids carry their server (`1234@mastodon.social`,
    // platforms::mastodon::ids), since two servers can both have a status 1234. Each
    // account's row says which server its stored ids were given; NULL for accounts
    // pulled before, whose rows hold bare ids until the account's next pull gives
    // them its server (cursors::adopt_id_host): only the config knows the server.
    r#"
    ALTER TABLE cursors ADD COLUMN id_host TEXT;
    "#,
    // v11: our own posts that answer nothing (an announcement people reply to). A
    // pull fetches the post a reply answers so the thread shows it; ours is neither
    // an inbox item (mentions) nor a reply (actions), so it has a table of its own.
    r#"
    CREATE TABLE our_posts (
        platform    TEXT NOT NULL,
        external_id TEXT NOT NULL,
        account     TEXT,
        body        TEXT NOT NULL,
        posted_at   INTEGER NOT NULL,
        PRIMARY KEY (platform, external_id)
    ) WITHOUT ROWID;
    "#,
    // v12: bulk changes. The actions of one change made to many marked items share a
    // batch (the id of its first action), so one undo step reverts them all.
    r#"
    ALTER TABLE actions ADD COLUMN batch INTEGER;
    CREATE INDEX actions_batch ON actions (batch) WHERE batch IS NOT NULL;
    "#,
    // v13: the status bar's counts at any size. Open items per hour of their due time,
    // and replies per hour by kind, kept by triggers (the one home: every write path
    // goes through them): a count is a sum over a few hundred hours plus an index
    // range for the part of an hour at each end (store::counters).
    r#"
    CREATE TABLE open_due_hours (
        hour INTEGER PRIMARY KEY,
        open INTEGER NOT NULL
    );
    INSERT INTO open_due_hours (hour, open)
        SELECT due_at / 3600, COUNT(*) FROM mentions WHERE status = 'open' GROUP BY due_at / 3600;
    CREATE TRIGGER open_due_insert AFTER INSERT ON mentions WHEN new.status = 'open'
    BEGIN
        INSERT INTO open_due_hours (hour, open) VALUES (new.due_at / 3600, 1)
            ON CONFLICT (hour) DO UPDATE SET open = open + 1;
    END;
    CREATE TRIGGER open_due_delete AFTER DELETE ON mentions WHEN old.status = 'open'
    BEGIN
        UPDATE open_due_hours SET open = open - 1 WHERE hour = old.due_at / 3600;
    END;
    CREATE TRIGGER open_due_update AFTER UPDATE OF status, due_at ON mentions
        WHEN old.status = 'open' OR new.status = 'open'
    BEGIN
        UPDATE open_due_hours SET open = open - 1
            WHERE old.status = 'open' AND hour = old.due_at / 3600;
        INSERT INTO open_due_hours (hour, open) SELECT new.due_at / 3600, 1 WHERE new.status = 'open'
            ON CONFLICT (hour) DO UPDATE SET open = open + 1;
    END;

    CREATE TABLE reply_hours (
        hour INTEGER NOT NULL,
        kind TEXT NOT NULL,
        replies INTEGER NOT NULL,
        PRIMARY KEY (hour, kind)
    ) WITHOUT ROWID;
    INSERT INTO reply_hours (hour, kind, replies)
        SELECT created_at / 3600, kind, COUNT(*) FROM actions
        WHERE undone_at IS NULL AND state IN ('queued', 'sent') GROUP BY created_at / 3600, kind;
    CREATE TRIGGER reply_hours_insert AFTER INSERT ON actions
        WHEN new.undone_at IS NULL AND new.state IN ('queued', 'sent')
    BEGIN
        INSERT INTO reply_hours (hour, kind, replies) VALUES (new.created_at / 3600, new.kind, 1)
            ON CONFLICT (hour, kind) DO UPDATE SET replies = replies + 1;
    END;
    CREATE TRIGGER reply_hours_delete AFTER DELETE ON actions
        WHEN old.undone_at IS NULL AND old.state IN ('queued', 'sent')
    BEGIN
        UPDATE reply_hours SET replies = replies - 1
            WHERE hour = old.created_at / 3600 AND kind = old.kind;
    END;
    CREATE TRIGGER reply_hours_update AFTER UPDATE OF undone_at, state, kind, created_at ON actions
        WHEN (old.undone_at IS NULL AND old.state IN ('queued', 'sent'))
          OR (new.undone_at IS NULL AND new.state IN ('queued', 'sent'))
    BEGIN
        UPDATE reply_hours SET replies = replies - 1
            WHERE old.undone_at IS NULL AND old.state IN ('queued', 'sent')
              AND hour = old.created_at / 3600 AND kind = old.kind;
        INSERT INTO reply_hours (hour, kind, replies)
            SELECT new.created_at / 3600, new.kind, 1
            WHERE new.undone_at IS NULL AND new.state IN ('queued', 'sent')
            ON CONFLICT (hour, kind) DO UPDATE SET replies = replies + 1;
    END;
    -- Items closed without an answer today (done today): the day's likes and
    -- dismissals, not every action of the day.
    CREATE INDEX actions_closed ON actions (created_at, mention_id)
        WHERE kind IN ('like', 'dismiss') AND undone_at IS NULL;
    "#,
    // v14: the full-text index keyed by time (store::fulltext): a row's rowid sorts as
    // the list does, by (created_at, id), so a word's newest matches come first
    // without sorting them all. The index is contentless, so it is built again from
    // the mentions (about two minutes at 1,000,000 mentions). The key is
    // fulltext::KEY_OF_M written out.
    r#"
    DROP TABLE mentions_fts;
    CREATE VIRTUAL TABLE mentions_fts USING fts5 (
        body, handle, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO mentions_fts (rowid, body, handle)
        SELECT (max(min(m.created_at, 8589934590), -8589934590) * 1073741824 + m.id), m.body, p.handle
        FROM mentions m JOIN people p ON p.id = m.author_id ORDER BY 1;
    "#,
    // v15: the stats view at any size (store::rollups). Mentions per hour written,
    // platform, kind and first-response bucket (-1: not answered; buckets as fine as the
    // view shows a time: seconds, minutes, then hours, then days), with how many were
    // answered within target; answered items per hour written and hour closed (the
    // backlog); mentions per author (the top people). Kept by triggers, like v13; the
    // bucket expression is store::rollups::BUCKET_SQL's (a test holds them
    // together; store::rollups::rebuild recomputes them in bulk). Items closed without an
    // answer are few and read from their own index; so are the exact times a median
    // between two buckets needs.
    r#"
    CREATE TABLE response_hours (
        hour     INTEGER NOT NULL,
        platform TEXT NOT NULL,
        kind     TEXT NOT NULL,
        bucket   INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        within   INTEGER NOT NULL,
        PRIMARY KEY (hour, platform, kind, bucket)
    ) WITHOUT ROWID;
    CREATE TABLE closed_hours (
        hour        INTEGER NOT NULL,
        closed_hour INTEGER NOT NULL,
        answered    INTEGER NOT NULL,
        PRIMARY KEY (hour, closed_hour)
    ) WITHOUT ROWID;
    CREATE TABLE author_mentions (
        person_id INTEGER PRIMARY KEY,
        mentions  INTEGER NOT NULL
    );
    CREATE INDEX author_mentions_most ON author_mentions (mentions);
    CREATE INDEX mentions_closed_quietly ON mentions (created_at)
        WHERE status = 'done' AND first_response_at IS NULL;
    -- A median whose two middle values fall in different buckets looks both up here.
    CREATE INDEX mentions_response_time ON mentions
        (first_response_at - created_at, created_at, platform, kind)
        WHERE first_response_at IS NOT NULL;
    INSERT INTO response_hours (hour, platform, kind, bucket, mentions, within)
        SELECT created_at / 3600, platform, kind,
               CASE WHEN first_response_at IS NULL THEN -1
                 WHEN MAX(first_response_at - created_at, 0) < 60 THEN MAX(first_response_at - created_at, 0)
                 WHEN first_response_at - created_at < 36000 THEN 59 + (first_response_at - created_at) / 60
                 WHEN first_response_at - created_at < 172800 THEN 649 + (first_response_at - created_at) / 3600
                 ELSE 695 + MIN(first_response_at - created_at, 4294967295) / 86400 END,
               COUNT(*), SUM(COALESCE(first_response_at <= due_at, 0))
        FROM mentions GROUP BY 1, 2, 3, 4;
    INSERT INTO closed_hours (hour, closed_hour, answered)
        SELECT created_at / 3600, MAX(first_response_at, created_at) / 3600, COUNT(*)
        FROM mentions WHERE first_response_at IS NOT NULL GROUP BY 1, 2;
    INSERT INTO author_mentions (person_id, mentions)
        SELECT author_id, COUNT(*) FROM mentions GROUP BY author_id;
    CREATE TRIGGER rollups_insert AFTER INSERT ON mentions
    BEGIN
        INSERT INTO response_hours (hour, platform, kind, bucket, mentions, within)
            VALUES (new.created_at / 3600, new.platform, new.kind,
                    CASE WHEN new.first_response_at IS NULL THEN -1
                 WHEN MAX(new.first_response_at - new.created_at, 0) < 60 THEN MAX(new.first_response_at - new.created_at, 0)
                 WHEN new.first_response_at - new.created_at < 36000 THEN 59 + (new.first_response_at - new.created_at) / 60
                 WHEN new.first_response_at - new.created_at < 172800 THEN 649 + (new.first_response_at - new.created_at) / 3600
                 ELSE 695 + MIN(new.first_response_at - new.created_at, 4294967295) / 86400 END,
                    1, COALESCE(new.first_response_at <= new.due_at, 0))
            ON CONFLICT (hour, platform, kind, bucket) DO UPDATE SET mentions = mentions + 1, within = within + excluded.within;
        INSERT INTO closed_hours (hour, closed_hour, answered)
            SELECT new.created_at / 3600, MAX(new.first_response_at, new.created_at) / 3600, 1
            WHERE new.first_response_at IS NOT NULL
            ON CONFLICT (hour, closed_hour) DO UPDATE SET answered = answered + 1;
        INSERT INTO author_mentions (person_id, mentions) VALUES (new.author_id, 1)
            ON CONFLICT (person_id) DO UPDATE SET mentions = mentions + 1;
    END;
    CREATE TRIGGER rollups_delete AFTER DELETE ON mentions
    BEGIN
        UPDATE response_hours SET mentions = mentions - 1, within = within - COALESCE(old.first_response_at <= old.due_at, 0)
            WHERE hour = old.created_at / 3600 AND platform = old.platform AND kind = old.kind
              AND bucket = CASE WHEN old.first_response_at IS NULL THEN -1
                 WHEN MAX(old.first_response_at - old.created_at, 0) < 60 THEN MAX(old.first_response_at - old.created_at, 0)
                 WHEN old.first_response_at - old.created_at < 36000 THEN 59 + (old.first_response_at - old.created_at) / 60
                 WHEN old.first_response_at - old.created_at < 172800 THEN 649 + (old.first_response_at - old.created_at) / 3600
                 ELSE 695 + MIN(old.first_response_at - old.created_at, 4294967295) / 86400 END;
        UPDATE closed_hours SET answered = answered - 1
            WHERE old.first_response_at IS NOT NULL AND hour = old.created_at / 3600
              AND closed_hour = MAX(old.first_response_at, old.created_at) / 3600;
        UPDATE author_mentions SET mentions = mentions - 1 WHERE person_id = old.author_id;
    END;
    CREATE TRIGGER rollups_update AFTER UPDATE OF first_response_at, due_at, created_at, platform, kind
        ON mentions
        WHEN old.first_response_at IS NOT new.first_response_at OR old.created_at != new.created_at
          OR old.platform != new.platform OR old.kind != new.kind
          OR (new.first_response_at IS NOT NULL AND old.due_at != new.due_at)
    BEGIN
        UPDATE response_hours SET mentions = mentions - 1, within = within - COALESCE(old.first_response_at <= old.due_at, 0)
            WHERE hour = old.created_at / 3600 AND platform = old.platform AND kind = old.kind
              AND bucket = CASE WHEN old.first_response_at IS NULL THEN -1
                 WHEN MAX(old.first_response_at - old.created_at, 0) < 60 THEN MAX(old.first_response_at - old.created_at, 0)
                 WHEN old.first_response_at - old.created_at < 36000 THEN 59 + (old.first_response_at - old.created_at) / 60
                 WHEN old.first_response_at - old.created_at < 172800 THEN 649 + (old.first_response_at - old.created_at) / 3600
                 ELSE 695 + MIN(old.first_response_at - old.created_at, 4294967295) / 86400 END;
        UPDATE closed_hours SET answered = answered - 1
            WHERE old.first_response_at IS NOT NULL AND hour = old.created_at / 3600
              AND closed_hour = MAX(old.first_response_at, old.created_at) / 3600;
        INSERT INTO response_hours (hour, platform, kind, bucket, mentions, within)
            VALUES (new.created_at / 3600, new.platform, new.kind,
                    CASE WHEN new.first_response_at IS NULL THEN -1
                 WHEN MAX(new.first_response_at - new.created_at, 0) < 60 THEN MAX(new.first_response_at - new.created_at, 0)
                 WHEN new.first_response_at - new.created_at < 36000 THEN 59 + (new.first_response_at - new.created_at) / 60
                 WHEN new.first_response_at - new.created_at < 172800 THEN 649 + (new.first_response_at - new.created_at) / 3600
                 ELSE 695 + MIN(new.first_response_at - new.created_at, 4294967295) / 86400 END,
                    1, COALESCE(new.first_response_at <= new.due_at, 0))
            ON CONFLICT (hour, platform, kind, bucket) DO UPDATE SET mentions = mentions + 1, within = within + excluded.within;
        INSERT INTO closed_hours (hour, closed_hour, answered)
            SELECT new.created_at / 3600, MAX(new.first_response_at, new.created_at) / 3600, 1
            WHERE new.first_response_at IS NOT NULL
            ON CONFLICT (hour, closed_hour) DO UPDATE SET answered = answered + 1;
    END;
    CREATE TRIGGER rollups_author AFTER UPDATE OF author_id ON mentions
        WHEN old.author_id != new.author_id
    BEGIN
        UPDATE author_mentions SET mentions = mentions - 1 WHERE person_id = old.author_id;
        INSERT INTO author_mentions (person_id, mentions) VALUES (new.author_id, 1)
            ON CONFLICT (person_id) DO UPDATE SET mentions = mentions + 1;
    END;
    "#,
    // v16: the stats view's days (store::day_rollups). The same rollups as v15 per local
    // day instead of per hour: a day holds several times fewer rows than its hours. A
    // local day depends on the time zone, so `local_days` lists when each day of the
    // configured zone starts (its last row, with no day, ends the list) and
    // `rollup_zone` names the zone they were built for; they are filled, with the days'
    // rollups, by store::day_rollups::ensure, not here: the zone lives in the config.
    r#"
    CREATE TABLE local_days (
        start INTEGER PRIMARY KEY,
        day   INTEGER
    );
    CREATE TABLE rollup_zone (zone TEXT NOT NULL);
    CREATE TABLE response_days (
        day      INTEGER NOT NULL,
        platform TEXT NOT NULL,
        kind     TEXT NOT NULL,
        bucket   INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        within   INTEGER NOT NULL,
        PRIMARY KEY (day, platform, kind, bucket)
    ) WITHOUT ROWID;
    CREATE TABLE closed_days (
        day        INTEGER NOT NULL,
        closed_day INTEGER NOT NULL,
        answered   INTEGER NOT NULL,
        PRIMARY KEY (day, closed_day)
    ) WITHOUT ROWID;
    CREATE TRIGGER rollups_days_insert AFTER INSERT ON mentions
    BEGIN
        INSERT INTO response_days (day, platform, kind, bucket, mentions, within)
            SELECT d.day, new.platform, new.kind,
                   CASE WHEN new.first_response_at IS NULL THEN -1
                 WHEN MAX(new.first_response_at - new.created_at, 0) < 60 THEN MAX(new.first_response_at - new.created_at, 0)
                 WHEN new.first_response_at - new.created_at < 36000 THEN 59 + (new.first_response_at - new.created_at) / 60
                 WHEN new.first_response_at - new.created_at < 172800 THEN 649 + (new.first_response_at - new.created_at) / 3600
                 ELSE 695 + MIN(new.first_response_at - new.created_at, 4294967295) / 86400 END,
                   1, COALESCE(new.first_response_at <= new.due_at, 0)
            FROM (SELECT day FROM local_days WHERE start <= new.created_at ORDER BY start DESC LIMIT 1) AS d
            WHERE d.day IS NOT NULL
            ON CONFLICT (day, platform, kind, bucket) DO UPDATE SET mentions = mentions + 1, within = within + excluded.within;
        INSERT INTO closed_days (day, closed_day, answered)
            SELECT a.day, b.day, 1
            FROM (SELECT day FROM local_days WHERE start <= new.created_at ORDER BY start DESC LIMIT 1) AS a,
                 (SELECT day FROM local_days WHERE start <= MAX(new.first_response_at, new.created_at) ORDER BY start DESC LIMIT 1) AS b
            WHERE new.first_response_at IS NOT NULL AND a.day IS NOT NULL AND b.day IS NOT NULL
            ON CONFLICT (day, closed_day) DO UPDATE SET answered = answered + 1;
    END;
    CREATE TRIGGER rollups_days_delete AFTER DELETE ON mentions
    BEGIN
        UPDATE response_days SET mentions = mentions - 1, within = within - COALESCE(old.first_response_at <= old.due_at, 0)
            WHERE day = (SELECT day FROM local_days WHERE start <= old.created_at ORDER BY start DESC LIMIT 1)
              AND platform = old.platform AND kind = old.kind
              AND bucket = CASE WHEN old.first_response_at IS NULL THEN -1
                 WHEN MAX(old.first_response_at - old.created_at, 0) < 60 THEN MAX(old.first_response_at - old.created_at, 0)
                 WHEN old.first_response_at - old.created_at < 36000 THEN 59 + (old.first_response_at - old.created_at) / 60
                 WHEN old.first_response_at - old.created_at < 172800 THEN 649 + (old.first_response_at - old.created_at) / 3600
                 ELSE 695 + MIN(old.first_response_at - old.created_at, 4294967295) / 86400 END;
        UPDATE closed_days SET answered = answered - 1
            WHERE old.first_response_at IS NOT NULL AND day = (SELECT day FROM local_days WHERE start <= old.created_at ORDER BY start DESC LIMIT 1)
              AND closed_day = (SELECT day FROM local_days WHERE start <= MAX(old.first_response_at, old.created_at) ORDER BY start DESC LIMIT 1);
    END;
    CREATE TRIGGER rollups_days_update AFTER UPDATE OF first_response_at, due_at, created_at, platform, kind
        ON mentions
        WHEN old.first_response_at IS NOT new.first_response_at OR old.created_at != new.created_at
          OR old.platform != new.platform OR old.kind != new.kind
          OR (new.first_response_at IS NOT NULL AND old.due_at != new.due_at)
    BEGIN
        UPDATE response_days SET mentions = mentions - 1, within = within - COALESCE(old.first_response_at <= old.due_at, 0)
            WHERE day = (SELECT day FROM local_days WHERE start <= old.created_at ORDER BY start DESC LIMIT 1)
              AND platform = old.platform AND kind = old.kind
              AND bucket = CASE WHEN old.first_response_at IS NULL THEN -1
                 WHEN MAX(old.first_response_at - old.created_at, 0) < 60 THEN MAX(old.first_response_at - old.created_at, 0)
                 WHEN old.first_response_at - old.created_at < 36000 THEN 59 + (old.first_response_at - old.created_at) / 60
                 WHEN old.first_response_at - old.created_at < 172800 THEN 649 + (old.first_response_at - old.created_at) / 3600
                 ELSE 695 + MIN(old.first_response_at - old.created_at, 4294967295) / 86400 END;
        UPDATE closed_days SET answered = answered - 1
            WHERE old.first_response_at IS NOT NULL AND day = (SELECT day FROM local_days WHERE start <= old.created_at ORDER BY start DESC LIMIT 1)
              AND closed_day = (SELECT day FROM local_days WHERE start <= MAX(old.first_response_at, old.created_at) ORDER BY start DESC LIMIT 1);
        INSERT INTO response_days (day, platform, kind, bucket, mentions, within)
            SELECT d.day, new.platform, new.kind,
                   CASE WHEN new.first_response_at IS NULL THEN -1
                 WHEN MAX(new.first_response_at - new.created_at, 0) < 60 THEN MAX(new.first_response_at - new.created_at, 0)
                 WHEN new.first_response_at - new.created_at < 36000 THEN 59 + (new.first_response_at - new.created_at) / 60
                 WHEN new.first_response_at - new.created_at < 172800 THEN 649 + (new.first_response_at - new.created_at) / 3600
                 ELSE 695 + MIN(new.first_response_at - new.created_at, 4294967295) / 86400 END,
                   1, COALESCE(new.first_response_at <= new.due_at, 0)
            FROM (SELECT day FROM local_days WHERE start <= new.created_at ORDER BY start DESC LIMIT 1) AS d
            WHERE d.day IS NOT NULL
            ON CONFLICT (day, platform, kind, bucket) DO UPDATE SET mentions = mentions + 1, within = within + excluded.within;
        INSERT INTO closed_days (day, closed_day, answered)
            SELECT a.day, b.day, 1
            FROM (SELECT day FROM local_days WHERE start <= new.created_at ORDER BY start DESC LIMIT 1) AS a,
                 (SELECT day FROM local_days WHERE start <= MAX(new.first_response_at, new.created_at) ORDER BY start DESC LIMIT 1) AS b
            WHERE new.first_response_at IS NOT NULL AND a.day IS NOT NULL AND b.day IS NOT NULL
            ON CONFLICT (day, closed_day) DO UPDATE SET answered = answered + 1;
    END;
    "#,
    // v17: the stats view's top people (store::report) read each mention of the period
    // for its author: from this narrow index, half the pages of mentions_stats.
    r#"
    CREATE INDEX mentions_created_author ON mentions (created_at, author_id);
    "#,
    // v18: the days' response rollups keyed by a small number for each platform and
    // kind (`rollup_groups`) instead of their names: a month of them is read row by row
    // for the stats view, and two texts per row were half the reading.
    concat!(
        r#"
    DROP TRIGGER rollups_days_insert;
    DROP TRIGGER rollups_days_delete;
    DROP TRIGGER rollups_days_update;
    CREATE TABLE rollup_groups (
        id       INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        kind     TEXT NOT NULL,
        UNIQUE (platform, kind)
    );
    INSERT INTO rollup_groups (platform, kind)
        SELECT DISTINCT platform, kind FROM response_days ORDER BY platform, kind;
    CREATE TABLE response_days_by_group (
        day      INTEGER NOT NULL,
        grp      INTEGER NOT NULL,
        bucket   INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        within   INTEGER NOT NULL,
        PRIMARY KEY (day, grp, bucket)
    ) WITHOUT ROWID;
    INSERT INTO response_days_by_group (day, grp, bucket, mentions, within)
        SELECT r.day, g.id, r.bucket, r.mentions, r.within
        FROM response_days r JOIN rollup_groups g ON g.platform = r.platform AND g.kind = r.kind;
    DROP TABLE response_days;
    ALTER TABLE response_days_by_group RENAME TO response_days;
    CREATE TRIGGER rollups_days_insert AFTER INSERT ON mentions
    BEGIN"#,
        v18_days_add!(),
        r#"END;
    CREATE TRIGGER rollups_days_delete AFTER DELETE ON mentions
    BEGIN"#,
        v18_days_remove!(),
        r#"END;
    CREATE TRIGGER rollups_days_update AFTER UPDATE OF first_response_at, due_at, created_at, platform, kind
        ON mentions
        WHEN old.first_response_at IS NOT new.first_response_at OR old.created_at != new.created_at
          OR old.platform != new.platform OR old.kind != new.kind
          OR (new.first_response_at IS NOT NULL AND old.due_at != new.due_at)
    BEGIN"#,
        v18_days_remove!(),
        v18_days_add!(),
        "END;"
    ),
    // v19: the search's filters checked inside mentions_stats (store::inbox::filters): a
    // filter that keeps few mentions walks every one by time, and through this index
    // that is about 60 ms at 1,000,000 instead of 2 s looking each up in the table.
    // The account, the question mark and the reading's class join the columns the
    // stats already read; the index is 6 % slower to build.
    r#"
    DROP INDEX mentions_stats;
    CREATE INDEX mentions_stats ON mentions
        (created_at, platform, kind, first_response_at, due_at, author_id, status,
         account, is_question, class);
    "#,
    // v20: three indexes no query needs, which every import rebuilt (0.2, 0.4 and
    // 0.3 s of the one core the finish of a first import uses, at 1,000,000
    // mentions): mentions_parent, which no query reads (a thread is walked up, by the
    // external id), mentions_created and actions_created, whose one column leads
    // mentions_created_author and actions_answers (which serve the same ranges).
    // The imports log keeps each file's size, so an import hashes a file ahead (to
    // say at once that it was imported before) only when one of that size was
    // (commands::import).
    r#"
    DROP INDEX mentions_parent;
    DROP INDEX mentions_created;
    DROP INDEX actions_created;
    ALTER TABLE imports ADD COLUMN bytes INTEGER;
    "#,
    // v21: the bots, for the search's `is:bot` (store::inbox::filters): a list of their
    // ids read from this index in about a millisecond, which each mention walked is
    // checked against. Joining each mention walked to its author read the people
    // table once per mention: 190 ms for `is:bot platform:sms` at 1,000,000 mentions,
    // 74 ms this way.
    r#"
    CREATE INDEX people_bots ON people (id) WHERE is_bot = 1;
    "#,
];

/// The version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Errors of migrating, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(
        "this database was written by a newer rapport (schema version {found}, this build knows up to {LATEST}); \
         upgrade rapport, or open another file with --db"
    )]
    TooNew { found: i64 },
    #[error("migrating the database to schema version {version}: {source}")]
    Step {
        version: i64,
        source: rusqlite::Error,
    },
    #[error("reading the schema version: {0}")]
    Read(#[from] rusqlite::Error),
}

/// The schema version of an open database.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the database up to `LATEST`; refuses files from a newer build.
pub fn migrate(conn: &mut Connection) -> Result<(), MigrationError> {
    migrate_to(conn, LATEST)
}

/// Brings the database up to `target` (tests use it to build earlier versions).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), MigrationError> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(MigrationError::TooNew { found });
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found as usize)
    {
        let version = index as i64 + 1;
        let step = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Another process may have migrated while we waited for the lock.
            if version_in(&tx)? >= version {
                return Ok(());
            }
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()
        };
        step(conn).map_err(|source| MigrationError::Step { version, source })?;
    }
    Ok(())
}

fn version_in(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row("PRAGMA user_version", [], |r| r.get(0))
}
