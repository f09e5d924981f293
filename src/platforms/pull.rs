//! Pulling an account into the database, page by page. Each page is one import
//! transaction holding its records, their global keys and the cursor after them:
//! killed at any point, the next pull starts from the last committed page, and
//! every message is in the database once.

use super::{Platform, Pulled};
use crate::config::accounts::Account;
use crate::config::Config;
use crate::domain::Record;
use crate::store::{cursors, import::Importer, to_secs};
use anyhow::Result;
use chrono::Utc;
use rusqlite::Connection;
use std::collections::BTreeSet;

/// What a pull of one account did (so far, when reported as progress).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullSummary {
    pub account: String,
    /// Mentions added (new to the database), thread context included.
    pub added: u64,
    /// Pages read from the server.
    pub pages: u64,
    /// Items the server sent that could not be read.
    pub skipped: u64,
}

impl PullSummary {
    /// "northwind: 4 new (12 pages)".
    pub fn line(&self) -> String {
        let mut line = format!(
            "{}: {} new ({} page{})",
            self.account,
            self.added,
            self.pages,
            if self.pages == 1 { "" } else { "s" }
        );
        if self.skipped > 0 {
            line.push_str(&format!(
                ", {} unreadable skipped (see the log)",
                self.skipped
            ));
        }
        line
    }
}

/// Progress of a pull: the summary after each committed page.
pub type PullProgress = PullSummary;

/// Pulls `account` through `platform` until it is caught up, calling `progress`
/// after each committed page. Network errors stop it; what was committed stays.
pub fn pull_account(
    conn: &mut Connection,
    config: &Config,
    account: &Account,
    platform: &mut dyn Platform,
    progress: &mut dyn FnMut(&PullProgress),
) -> Result<PullSummary> {
    let name = account.platform.as_str();
    let mut summary = PullSummary {
        account: account.name.clone(),
        ..PullSummary::default()
    };
    // Ids only unique on their server carry it; rows from before are given it now.
    let id_host = platform.id_host();
    if let Some(host) = &id_host {
        let given = cursors::adopt_id_host(conn, name, &account.name, host)?;
        if given > 0 {
            tracing::info!(account = %account.name, "{given} earlier mentions now carry their server {host}");
        }
    }
    let mut cursor = cursors::get(conn, &account.name)?;
    let mut began_in_this_run = false;
    loop {
        let page = platform.pull_page(cursor.as_deref())?;
        began_in_this_run |= page.from_the_top;
        summary.pages += 1;
        summary.skipped += page.skipped as u64;
        // The messages the pulled ones answer, when the database lacks them: fetched
        // before the write lock is taken, so no network wait holds it.
        let in_page: BTreeSet<&str> = page.items.iter().map(external_id).collect();
        let mut wanted = BTreeSet::new();
        for p in &page.items {
            if let Record::Mention(m) = &p.record {
                if let Some(parent) = &m.parent_external_id {
                    if !in_page.contains(parent.as_str())
                        && !cursors::has_message(conn, name, parent)?
                    {
                        wanted.insert(parent.clone());
                    }
                }
            }
        }
        let parents = if wanted.is_empty() {
            Vec::new()
        } else {
            let ids: Vec<String> = wanted.into_iter().collect();
            platform.fetch(&ids)?
        };
        let now = Utc::now();
        let mut import = Importer::begin(conn, config, now)?;
        for p in parents.iter().chain(&page.items) {
            if let Some(key) = &p.key {
                if cursors::known_key(import.connection()?, name, key)? {
                    continue;
                }
            }
            import.add(&p.record)?;
            if let Some(key) = &p.key {
                cursors::remember_key(import.connection()?, name, key, external_id(p))?;
            }
        }
        cursors::set(
            import.connection()?,
            &account.name,
            &page.cursor,
            id_host.as_deref(),
            to_secs(now),
        )?;
        let counts = import.finish()?;
        summary.added += counts.mentions_added;
        progress(&summary);
        // A pass resumed from a stopped run is caught up only to where it began, maybe
        // long ago: one more pass, from the top, brings what arrived since. (What
        // arrives during a pass begun in this run waits for the next pull, as always.)
        if page.done && began_in_this_run {
            return Ok(summary);
        }
        cursor = Some(page.cursor);
    }
}

fn external_id(p: &Pulled) -> &str {
    match &p.record {
        Record::Mention(m) => &m.external_id,
        Record::OurReply(r) => &r.external_id,
        Record::OurPost(p) => &p.external_id,
    }
}
