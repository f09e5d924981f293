//! The command line (`:`): every action by its name and a few commands with an
//! argument (`:snooze 2h`, `:tag vip`, `:stage existing_customer`, `:search …`,
//! `:sort newest`, `:account northwind`, `:view refunds`, `:export FILE`), and the
//! operator's own `[[commands]]`. Tab cycles through what fits the word being typed;
//! Up and Down walk the history, which is kept across runs (the tui saves it).

use super::action::Action;
use super::msg::Effect;
use super::state::App;
use crate::config::keys::Key;
use crate::domain::change::{BulkChange, Targets};
use crate::domain::BuyerStage;
use crate::model::inbox::Listing;
use crate::store::command::StoreCmd;
use crossterm::event::{KeyCode, KeyModifiers};

/// Lines of history kept.
pub const HISTORY_LINES: usize = 500;

/// The line being typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandLine {
    pub text: String,
    /// What Tab offers for the word being typed, and which one is shown.
    pub completions: Vec<String>,
    pub chosen: Option<usize>,
    /// Where Up/Down is in the history (None: the line being typed).
    pub back: Option<usize>,
    pub error: Option<String>,
}

/// The commands that take an argument, besides the actions.
const WITH_ARGUMENT: &[&str] = &[
    "search", "sort", "account", "assign", "view", "export", "tag", "stage", "snooze",
];

impl App {
    /// `:`: opens the command line.
    pub(crate) fn open_command_line(&mut self) {
        self.command = Some(CommandLine::default());
    }

    /// A key while the command line is open.
    pub(crate) fn command_key(&mut self, key: Key) -> Vec<Effect> {
        let Some(mut line) = self.command.take() else {
            return Vec::new();
        };
        let ctrl = key.mods.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Char('c') if ctrl => return Vec::new(),
            KeyCode::Enter => return self.run_line(line.text.trim()),
            KeyCode::Tab | KeyCode::BackTab => {
                let forward = key.code == KeyCode::Tab;
                self.complete(&mut line, forward);
            }
            KeyCode::Up | KeyCode::Down => {
                let n = self.command_history.len();
                let back = match (key.code, line.back) {
                    (KeyCode::Up, None) if n > 0 => Some(n - 1),
                    (KeyCode::Up, Some(i)) => Some(i.saturating_sub(1)),
                    (KeyCode::Down, Some(i)) if i + 1 < n => Some(i + 1),
                    _ => None,
                };
                line.text = back
                    .and_then(|i| self.command_history.get(i).cloned())
                    .unwrap_or_default();
                line.back = back;
                line.completions.clear();
                line.chosen = None;
            }
            KeyCode::Backspace => {
                if line.text.is_empty() {
                    // Backspace on an empty line closes it, as in vim.
                    return Vec::new();
                }
                line.text.pop();
                line.completions.clear();
                line.chosen = None;
            }
            KeyCode::Char('u') if ctrl => {
                line.text.clear();
                line.completions.clear();
                line.chosen = None;
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                line.text.push(c);
                line.completions.clear();
                line.chosen = None;
                line.error = None;
            }
            _ => {}
        }
        self.command = Some(line);
        Vec::new()
    }

    /// Every command name the line knows: actions, built-ins and the user's.
    pub fn command_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Action::ALL
            .iter()
            // The compose pane's own keys mean nothing on the line.
            .filter(|a| {
                !matches!(
                    a,
                    Action::CommandLine | Action::Send | Action::OpenEditor | Action::Cancel
                )
            })
            .map(|a| a.name().to_string())
            .collect();
        names.extend(WITH_ARGUMENT.iter().map(|s| s.to_string()));
        names.extend(self.config.commands.iter().map(|c| c.name.clone()));
        names.sort();
        names.dedup();
        names
    }

    /// What may follow `command`.
    fn arguments(&self, command: &str) -> Vec<String> {
        match command {
            "stage" => BuyerStage::ALL.iter().map(|s| s.as_str().into()).collect(),
            "account" | "assign" => self
                .config
                .accounts
                .iter()
                .map(|a| a.name.clone())
                .collect(),
            "view" => self.config.views.iter().map(|v| v.name.clone()).collect(),
            "tag" => {
                let mut tags = self.tags.clone();
                if !tags.iter().any(|t| t == "power_user") {
                    tags.push("power_user".into());
                }
                tags
            }
            "sort" => vec!["priority".into(), "newest".into(), "oldest".into()],
            "snooze" => vec!["1h".into(), "2h".into(), "tomorrow".into()],
            _ => Vec::new(),
        }
    }

    /// Tab: the next (or previous) word that fits what is typed.
    fn complete(&self, line: &mut CommandLine, forward: bool) {
        if line.completions.is_empty() {
            let (head, word) = match line.text.rsplit_once(' ') {
                Some((head, word)) => (Some(head.trim().to_string()), word.to_string()),
                None => (None, line.text.clone()),
            };
            let candidates = match &head {
                None => self.command_names(),
                Some(h) => self.arguments(h.split_whitespace().next().unwrap_or("")),
            };
            line.completions = candidates
                .into_iter()
                .filter(|c| c.starts_with(&word))
                .collect();
            line.chosen = None;
        }
        let n = line.completions.len();
        if n == 0 {
            line.error = Some("nothing fits".into());
            return;
        }
        let next = match (line.chosen, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        line.chosen = Some(next);
        let head = line
            .text
            .rsplit_once(' ')
            .map(|(h, _)| format!("{h} "))
            .unwrap_or_default();
        line.text = format!("{head}{}", line.completions[next]);
    }

    /// Enter: keeps the line in the history and runs it.
    fn run_line(&mut self, text: &str) -> Vec<Effect> {
        if text.is_empty() {
            return Vec::new();
        }
        let mut effects = Vec::new();
        if self.command_history.last().map(String::as_str) != Some(text) {
            self.command_history.push(text.to_string());
            let over = self.command_history.len().saturating_sub(HISTORY_LINES);
            self.command_history.drain(..over);
            effects.push(Effect::SaveCommandHistory(self.command_history.clone()));
        }
        match self.run_command(text) {
            Ok(more) => effects.extend(more),
            Err(e) => {
                // The line stays open with what is wrong, to be corrected.
                self.command = Some(CommandLine {
                    text: text.to_string(),
                    error: Some(e.clone()),
                    ..CommandLine::default()
                });
                self.warn(e);
            }
        }
        effects
    }

    /// Runs one command line.
    pub fn run_command(&mut self, text: &str) -> Result<Vec<Effect>, String> {
        let (name, arg) = match text.split_once(char::is_whitespace) {
            Some((n, a)) => (n, a.trim()),
            None => (text, ""),
        };
        let need = |what: &str| -> Result<(), String> {
            if arg.is_empty() {
                Err(format!(":{name} needs {what}"))
            } else {
                Ok(())
            }
        };
        match name {
            "search" => {
                let effects = self.search(arg)?;
                self.say(format!("search: {arg}  (Esc returns to the queue)"));
                Ok(effects)
            }
            "sort" => {
                let listing = match arg {
                    "priority" | "" => Listing::Queue,
                    "newest" => Listing::ByTime { newest_first: true },
                    "oldest" => Listing::ByTime {
                        newest_first: false,
                    },
                    other => {
                        return Err(format!("sort by {other:?}? use priority, newest or oldest"))
                    }
                };
                self.view = super::state::View::Inbox;
                self.say(format!(
                    "open items by {}",
                    if arg.is_empty() { "priority" } else { arg }
                ));
                Ok(vec![Effect::Store(StoreCmd::Page(
                    self.inbox.show(listing),
                ))])
            }
            "account" => {
                need("an account name")?;
                let effects = self.search(&format!("account:{arg} status:open"))?;
                self.say(format!("open items to {arg}  (Esc returns to the queue)"));
                Ok(effects)
            }
            "view" => {
                need("a view name (Tab lists them)")?;
                let Some(view) = self.config.views.iter().find(|v| v.name == arg).cloned() else {
                    return Err(unknown(
                        "view",
                        arg,
                        self.config.views.iter().map(|v| v.name.clone()),
                    ));
                };
                let effects = self.search(&view.search)?;
                self.say(format!(
                    "{}: {}  (Esc returns to the queue)",
                    view.name, view.search
                ));
                Ok(effects)
            }
            "tag" => {
                need("a tag (Tab lists those in use)")?;
                let tag = arg.trim_start_matches('#').to_lowercase();
                if tag.contains(char::is_whitespace) {
                    return Err("a tag is one word".into());
                }
                Ok(self.change_from_line(BulkChange::Tag(tag)))
            }
            "stage" => {
                need("a buyer stage (Tab lists them)")?;
                let stage = arg.replace(' ', "_").parse::<BuyerStage>().map_err(|_| {
                    unknown(
                        "stage",
                        arg,
                        BuyerStage::ALL.iter().map(|s| s.as_str().to_string()),
                    )
                })?;
                Ok(self.change_from_line(BulkChange::Stage(stage)))
            }
            "assign" => {
                need("one of your account names")?;
                Ok(self.change_from_line(BulkChange::Account(arg.to_string())))
            }
            "snooze" if !arg.is_empty() => {
                let until = super::snooze::parse_until(arg, &self.config.working_hours, self.now)?;
                Ok(self.change_from_line(BulkChange::Snooze { until }))
            }
            "export" => {
                need("a file to write (NDJSON), e.g. :export marked.ndjson")?;
                let targets = match self.bulk_targets(None) {
                    Some((t, _)) => t,
                    None => Targets::Matching(self.listing_query()),
                };
                self.say(format!("exporting to {arg}…"));
                Ok(vec![Effect::Store(StoreCmd::Export {
                    targets,
                    path: arg.into(),
                })])
            }
            _ => {
                if let Ok(action) = name.parse::<Action>() {
                    return Ok(self.act(action));
                }
                if let Some(c) = self
                    .config
                    .commands
                    .iter()
                    .find(|c| c.name == name)
                    .cloned()
                {
                    return self.run_user_command(&c);
                }
                Err(unknown("command", name, self.command_names().into_iter()))
            }
        }
    }

    /// A change typed on the command line: on the marked items after the question,
    /// or on the selected one at once.
    fn change_from_line(&mut self, change: BulkChange) -> Vec<Effect> {
        if self.read_only {
            self.warn(super::act::READ_ONLY);
            return Vec::new();
        }
        if let Some((targets, n)) = self.bulk_targets(None) {
            self.ask_bulk(change, targets, n);
            return Vec::new();
        }
        let Some(row) = self.inbox.selected().cloned() else {
            self.say("nothing selected");
            return Vec::new();
        };
        self.last_change = Some(change.clone());
        self.inbox.keep_id = Some(row.id);
        vec![Effect::Store(StoreCmd::Bulk {
            targets: Targets::Ids(vec![row.id]),
            change,
        })]
    }

    /// The search the list shows (the queue: every open item).
    pub(crate) fn listing_query(&self) -> crate::domain::query::Query {
        match &self.inbox.listing {
            Listing::Search(q) => q.clone(),
            _ => crate::domain::query::Query {
                status: Some(crate::domain::Status::Open),
                ..Default::default()
            },
        }
    }
}

/// "no stage \"existng\"; did you mean existing_customer?"
fn unknown(what: &str, typed: &str, known: impl Iterator<Item = String>) -> String {
    let best = known
        .map(|k| (strsim::levenshtein(typed, &k), k))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, k)) if d <= typed.chars().count().max(3) => {
            format!("no {what} {typed:?}; did you mean {k}?")
        }
        _ => format!("no {what} {typed:?}; Tab lists them"),
    }
}
