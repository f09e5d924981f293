//! Authors during an import. Each person is read or inserted once per import and then
//! kept in memory; later mentions by the same person merge into the cached row, and
//! the changed rows are written once at the end. (One upsert per mention, with its
//! RETURNING, was the import's largest cost.) Into a file with no people yet, new
//! people are numbered here and written at the end too, in one pass in id order:
//! written as they came, each one's insert into the (platform, user id) index missed
//! a page cache busy with the mentions' (about 4 s of the 19 s the rows took on
//! 1,000,000 generated mentions).

use crate::domain::NewPerson;
use anyhow::{Context, Result};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, ToSql};
use std::collections::HashMap;

/// Past this many cached people the cache is written out and emptied, so memory
/// stays bounded on imports with millions of authors.
const MAX_CACHED: usize = 500_000;

#[derive(Debug, Clone)]
struct Cached {
    id: i64,
    handle: String,
    display_name: Option<String>,
    followers: Option<i64>,
    profile_url: Option<String>,
    is_bot: bool,
    first_seen: i64,
    last_seen: i64,
    dirty: bool,
    /// Numbered here and not written yet (see `PeopleCache::holding_all`).
    unwritten: bool,
}

impl Cached {
    /// The stored values, in the order the statements below name them: handle,
    /// display name, followers, profile url, bot, first seen, last seen.
    fn fields(&self) -> [&dyn ToSql; 7] {
        [
            &self.handle,
            &self.display_name,
            &self.followers,
            &self.profile_url,
            &self.is_bot,
            &self.first_seen,
            &self.last_seen,
        ]
    }

    fn new(id: i64, p: &NewPerson, seen: i64, unwritten: bool) -> Self {
        Cached {
            id,
            handle: p.handle.clone(),
            display_name: p.display_name.clone(),
            followers: p.followers,
            profile_url: p.profile_url.clone(),
            is_bot: p.is_bot,
            first_seen: seen,
            last_seen: seen,
            dirty: false,
            unwritten,
        }
    }

    /// The same rules as an upsert: the newest handle wins, known values are kept
    /// when the new record lacks them, a bot stays a bot.
    fn merge(&mut self, p: &NewPerson, seen: i64) {
        let before = (
            self.handle.len(),
            self.display_name.is_some(),
            self.followers,
            self.is_bot,
            self.first_seen,
            self.last_seen,
        );
        let mut changed = false;
        if seen >= self.last_seen && self.handle != p.handle {
            self.handle.clone_from(&p.handle);
            changed = true;
        }
        if p.display_name.is_some() && self.display_name != p.display_name {
            self.display_name.clone_from(&p.display_name);
            changed = true;
        }
        if p.profile_url.is_some() && self.profile_url != p.profile_url {
            self.profile_url.clone_from(&p.profile_url);
            changed = true;
        }
        self.followers = p.followers.or(self.followers);
        self.is_bot |= p.is_bot;
        self.first_seen = self.first_seen.min(seen);
        self.last_seen = self.last_seen.max(seen);
        let after = (
            self.handle.len(),
            self.display_name.is_some(),
            self.followers,
            self.is_bot,
            self.first_seen,
            self.last_seen,
        );
        self.dirty |= changed || before != after;
    }
}

/// The people one import has touched.
#[derive(Debug)]
pub struct PeopleCache {
    /// By platform and user id, in one string (see `key_of`).
    known: HashMap<String, Cached, foldhash::fast::RandomState>,
    /// The key looked up last, its buffer kept: most mentions are by someone already
    /// cached, and finding them allocates nothing.
    key: String,
    /// Every person of the file is in `known`: the import started with no people and
    /// the cache was never emptied, so one it does not hold is new (no lookup).
    holds_all: bool,
    /// While `holds_all`: the id the next new person gets (they are written at `flush`).
    next_id: i64,
    /// How many people are kept before the cache is written out and emptied.
    limit: usize,
}

impl Default for PeopleCache {
    fn default() -> Self {
        PeopleCache {
            known: HashMap::default(),
            key: String::new(),
            holds_all: false,
            next_id: 1,
            limit: MAX_CACHED,
        }
    }
}

impl PeopleCache {
    /// For an import into a database with no people: new people are numbered from 1,
    /// as SQLite numbers the rows of an empty table, and written at `flush`. The
    /// import's foreign-key checks are off (store::bulk), so mentions can name an
    /// author written later in the same transaction.
    pub fn holding_all() -> Self {
        PeopleCache {
            holds_all: true,
            ..PeopleCache::default()
        }
    }

    /// The person's id and (merged) follower count, inserting them when new (holding
    /// all, numbering them for `flush`).
    pub fn upsert(
        &mut self,
        conn: &Connection,
        p: &NewPerson,
        seen: i64,
    ) -> Result<(i64, Option<i64>)> {
        key_of(&mut self.key, p);
        if let Some(c) = self.known.get_mut(&self.key) {
            c.merge(p, seen);
            return Ok((c.id, c.followers));
        }
        if self.known.len() >= self.limit {
            self.flush(conn)?;
            self.known.clear();
            self.holds_all = false;
        }
        let found = if self.holds_all {
            None
        } else {
            self.find(conn, p)?
        };
        let cached = match found {
            Some(mut c) => {
                c.merge(p, seen);
                c
            }
            None if self.holds_all => {
                self.next_id += 1;
                Cached::new(self.next_id - 1, p, seen, true)
            }
            None => {
                let mut c = Cached::new(0, p, seen, false);
                c.id = insert(conn, &self.key, &c, None)?;
                c
            }
        };
        let answer = (cached.id, cached.followers);
        self.known.insert(self.key.clone(), cached);
        Ok(answer)
    }

    /// The stored person `p`, if any.
    fn find(&self, conn: &Connection, p: &NewPerson) -> Result<Option<Cached>> {
        conn.prepare_cached(
            "SELECT id, handle, display_name, followers, profile_url, is_bot, first_seen, last_seen
                 FROM people WHERE platform = ?1 AND platform_user_id = ?2",
        )?
        .query_row(params![p.platform, p.platform_user_id], |r| {
            Ok(Cached {
                id: r.get(0)?,
                handle: r.get(1)?,
                display_name: r.get(2)?,
                followers: r.get(3)?,
                profile_url: r.get(4)?,
                is_bot: r.get(5)?,
                first_seen: r.get(6)?,
                last_seen: r.get(7)?,
                dirty: false,
                unwritten: false,
            })
        })
        .optional()
        .context("reading the author")
    }

    /// Every person's handle by id, when the cache holds every person of the file.
    pub fn handles_by_id(&self) -> Option<Vec<Option<String>>> {
        if !self.holds_all {
            return None;
        }
        let mut handles = vec![None; self.next_id.max(1) as usize];
        for c in self.known.values() {
            *handles.get_mut(usize::try_from(c.id).ok()?)? = Some(c.handle.clone());
        }
        Some(handles)
    }

    /// Writes the new people (in id order), then the people changed since they were
    /// read or inserted.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        let mut new: Vec<_> = self.known.iter_mut().filter(|(_, c)| c.unwritten).collect();
        new.sort_unstable_by_key(|(_, c)| c.id);
        if !new.is_empty() {
            with_cache_for_people(conn, || {
                for (key, c) in new {
                    insert(conn, key, c, Some(c.id))?;
                    c.unwritten = false;
                    c.dirty = false;
                }
                Ok(())
            })?;
        }
        let mut update = conn.prepare_cached(
            "UPDATE people SET handle = ?2, display_name = ?3, followers = ?4, profile_url = ?5,
                               is_bot = ?6, first_seen = ?7, last_seen = ?8
             WHERE id = ?1",
        )?;
        for c in self.known.values_mut().filter(|c| c.dirty) {
            let id: &dyn ToSql = &c.id;
            update
                .execute(params_from_iter(std::iter::once(id).chain(c.fields())))
                .context("saving the author")?;
            c.dirty = false;
        }
        Ok(())
    }
}

/// The page cache (KiB) while new people are written. They go in by id, so their
/// (platform, user id) index takes them in no order: 8.2 MB at 312,209 people, over
/// SQLite's default 2 MB cache, which then spilled and reread its pages for every
/// person. Writing them took 0.97-0.98 s with this cache, against 1.19-1.77 s. A cache
/// holds only the pages read; the connection's own size is put back after.
const PEOPLE_CACHE_KIB: i64 = 16_384;

fn with_cache_for_people(conn: &Connection, write: impl FnOnce() -> Result<()>) -> Result<()> {
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -PEOPLE_CACHE_KIB)?;
    let written = write();
    conn.pragma_update(None, "cache_size", before)?;
    written
}

/// Sets `key` to the cache's key of `p`: its platform's length in bytes, ':', its
/// platform and its user id, which `parts` splits again whatever they hold.
fn key_of(key: &mut String, p: &NewPerson) {
    use std::fmt::Write;
    key.clear();
    let _ = write!(
        key,
        "{}:{}{}",
        p.platform.len(),
        p.platform,
        p.platform_user_id
    );
}

/// The (platform, user id) of a key made by `key_of`.
fn parts(key: &str) -> (&str, &str) {
    let (len, rest) = key.split_once(':').unwrap_or(("0", key));
    rest.split_at_checked(len.parse().unwrap_or(0))
        .unwrap_or(("", rest))
}

/// Writes a new person, as `id` or (`None`) under the next free id; returns the id.
fn insert(conn: &Connection, key: &str, c: &Cached, id: Option<i64>) -> Result<i64> {
    let (platform, user_id) = parts(key);
    let key: [&dyn ToSql; 3] = [&id, &platform, &user_id];
    conn.prepare_cached(
        "INSERT INTO people (id, platform, platform_user_id, handle, display_name, followers,
                             profile_url, is_bot, first_seen, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params_from_iter(key.into_iter().chain(c.fields())))
    .context("saving the author")?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(user: &str, handle: &str, followers: Option<i64>) -> NewPerson {
        NewPerson {
            platform: "twitter".into(),
            platform_user_id: user.into(),
            handle: handle.into(),
            display_name: None,
            followers,
            profile_url: None,
            is_bot: false,
        }
    }

    #[test]
    fn a_key_gives_back_its_platform_and_user_whatever_they_hold() {
        let mut key = String::new();
        for (platform, user) in [("twitter", "42"), ("a:1", "2:b"), ("", "x"), ("sms", "")] {
            let mut p = person(user, "h", None);
            p.platform = platform.into();
            key_of(&mut key, &p);
            assert_eq!(parts(&key), (platform, user));
        }
        let (mut a, mut b) = (String::new(), String::new());
        let mut p = person("1b", "h", None);
        p.platform = "a".into();
        key_of(&mut a, &p);
        p.platform = "a1".into();
        p.platform_user_id = "b".into();
        key_of(&mut b, &p);
        assert_ne!(a, b, "a + 1b is not a1 + b");
    }

    /// New people numbered in memory, written out when the cache is full and at the
    /// end, come out as if each had been written as it came: ids in order of first
    /// appearance, later records merged in, a person written out found again.
    #[test]
    fn people_numbered_in_memory_are_written_as_they_came() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("p.db")).unwrap();
        let tx = conn.transaction().unwrap();
        let mut cache = PeopleCache::holding_all();
        cache.limit = 3;
        let seen = [
            (person("a", "ann", None), 10),
            (person("b", "bob", Some(5)), 11),
            (person("a", "ann_new", Some(7)), 12),
            (person("c", "cy", None), 13),
            // The cache is full: a, b and c are written out, d comes after them.
            (person("d", "dee", None), 14),
            (person("b", "bobby", None), 9),
            (person("e", "eve", None), 15),
        ];
        let ids: Vec<i64> = seen
            .iter()
            .map(|(p, at)| cache.upsert(&tx, p, *at).unwrap().0)
            .collect();
        assert_eq!(ids, [1, 2, 1, 3, 4, 2, 5]);
        cache.flush(&tx).unwrap();
        let rows: Vec<(i64, String, String, Option<i64>, i64, i64)> = tx
            .prepare(
                "SELECT id, platform_user_id, handle, followers, first_seen, last_seen
                 FROM people ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let row = |id, user: &str, handle: &str, followers, first, last| {
            (
                id,
                user.to_string(),
                handle.to_string(),
                followers,
                first,
                last,
            )
        };
        assert_eq!(
            rows,
            [
                row(1, "a", "ann_new", Some(7), 10, 12),
                // An older record keeps the newer handle and the known followers.
                row(2, "b", "bob", Some(5), 9, 11),
                row(3, "c", "cy", None, 13, 13),
                row(4, "d", "dee", None, 14, 14),
                row(5, "e", "eve", None, 15, 15),
            ]
        );
    }
}
