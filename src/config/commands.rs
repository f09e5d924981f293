//! The operator's own commands (`[[commands]]`: a program that gets the selected
//! mention, or the marked ones, as JSON on its standard input) and saved searches
//! (`[[views]]`), both reachable from the command line (`:NAME`, `:view NAME`).

use super::keys::Key;
use super::load::Problem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One `[[commands]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserCommand {
    /// Its name on the command line (`:crm`).
    pub name: String,
    /// A key in the inbox that runs it, if any (one that no built-in key uses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The program and its arguments, run as they are: no shell, and nothing from the
    /// message ever becomes an argument.
    pub program: Vec<String>,
    /// Seconds it may run before it is stopped (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

impl UserCommand {
    /// Its time limit, in seconds.
    pub fn timeout(&self) -> u64 {
        self.timeout_secs.unwrap_or(10)
    }
}

/// One `[[views]]` entry: a named search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SavedView {
    pub name: String,
    /// What `/` would be given: words, from:, is:, status:...
    pub search: String,
}

/// The command line's own words: a user's command may not take one of them.
pub const BUILT_IN: &[&str] = &[
    "search", "sort", "account", "assign", "view", "export", "tag", "stage", "snooze",
];

fn short_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
}

/// Checks names, programs, keys (against the built-in `keys` tables) and searches.
pub fn validate(
    commands: &[UserCommand],
    views: &[SavedView],
    keys: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<(), Problem> {
    let taken: Vec<(Key, String)> = ["inbox", "global"]
        .iter()
        .flat_map(|mode| {
            keys.get(*mode)
                .into_iter()
                .flatten()
                .filter(|(_, action)| action.as_str() != "none")
                .filter_map(move |(k, action)| {
                    let first = k.split_whitespace().next()?;
                    Some((
                        Key::parse(first).ok()?,
                        format!("{action} in [keys.{mode}]"),
                    ))
                })
        })
        .collect();
    for (i, c) in commands.iter().enumerate() {
        let at = |leaf: &str| format!("commands[{i}].{leaf}");
        let name = c.name.trim();
        if !short_name(name) {
            return Err(Problem::new(
                at("name"),
                "must be a short name of letters, digits, '-' or '_' (e.g. \"crm\")",
            ));
        }
        let action = name.parse::<crate::app::Action>().is_ok();
        if action || BUILT_IN.contains(&name) {
            return Err(Problem::new(
                at("name"),
                format!("{name:?} is a built-in command; give yours another name"),
            ));
        }
        if commands[..i].iter().any(|o| o.name.trim() == name) {
            return Err(Problem::new(
                at("name"),
                format!("{name:?} names two commands; give each its own name"),
            ));
        }
        match c.program.first() {
            Some(p) if !p.trim().is_empty() => {}
            _ => {
                return Err(Problem::new(
                    at("program"),
                    "is missing: the program and its arguments, e.g. [\"crm-note\", \"--json\"]",
                ))
            }
        }
        if let Some(t) = c.timeout_secs {
            if !(1..=3600).contains(&t) {
                return Err(Problem::new(
                    at("timeout_secs"),
                    format!("must be from 1 to 3600 seconds, not {t}"),
                ));
            }
        }
        if let Some(k) = &c.key {
            let key = Key::parse(k).map_err(|e| Problem::new(at("key"), e))?;
            if let Some((_, what)) = taken.iter().find(|(t, _)| *t == key) {
                return Err(Problem::new(
                    at("key"),
                    format!(
                        "{k:?} is already {what}; choose another key, or free it with \"none\""
                    ),
                ));
            }
            let before = commands[..i]
                .iter()
                .find(|o| o.key.as_deref().and_then(|k| Key::parse(k).ok()) == Some(key));
            if let Some(o) = before {
                return Err(Problem::new(
                    at("key"),
                    format!("{k:?} already runs the command {:?}", o.name),
                ));
            }
        }
    }
    for (i, v) in views.iter().enumerate() {
        let at = |leaf: &str| format!("views[{i}].{leaf}");
        let name = v.name.trim();
        if !short_name(name) {
            return Err(Problem::new(
                at("name"),
                "must be a short name of letters, digits, '-' or '_' (e.g. \"refunds\")",
            ));
        }
        if views[..i].iter().any(|o| o.name.trim() == name) {
            return Err(Problem::new(
                at("name"),
                format!("{name:?} names two views; give each its own name"),
            ));
        }
        crate::domain::query::Query::parse(&v.search).map_err(|e| Problem::new(at("search"), e))?;
        if v.search.trim().is_empty() {
            return Err(Problem::new(at("search"), "is empty: what to search for"));
        }
    }
    Ok(())
}
