//! The operator's own commands (`[[commands]]`): the selected mention, or the marked
//! ones still in the list, go to the program as a JSON array on its standard input;
//! the tui runs it on a worker thread with a time limit, and what it printed comes
//! back (sanitized, capped) to a scrollable pane with its exit status.

use super::msg::Effect;
use super::state::{App, Popup};
use crate::config::commands::UserCommand;
use crate::model::inbox::InboxRow;

/// Output kept of a command: the first 64 KiB, at most 2,000 lines.
pub const OUTPUT_BYTES: usize = 64 * 1024;
pub const OUTPUT_LINES: usize = 2000;

/// A command to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub name: String,
    pub program: Vec<String>,
    /// The JSON written to its standard input.
    pub input: String,
    pub timeout_secs: u64,
}

/// What came of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    pub name: String,
    /// "exit 0", "exit 3", "stopped after 10 s", or why it could not start.
    pub status: String,
    pub ok: bool,
    /// Its standard output then standard error, as it printed them (not yet cleaned).
    pub output: String,
}

/// One item as the program sees it.
fn item(row: &InboxRow, body: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "id": row.id,
        "platform": row.platform,
        "kind": row.kind.as_str(),
        "handle": row.handle,
        "author_id": row.author_id,
        "created_at": row.created_at,
        "status": row.status.as_str(),
        "text": body.unwrap_or(&row.preview),
    })
}

impl App {
    /// Runs `command` on the marked items in the list, or on the selected one.
    pub(crate) fn run_user_command(
        &mut self,
        command: &UserCommand,
    ) -> Result<Vec<Effect>, String> {
        if self.marks.all.is_some() {
            return Err(format!(
                ":{} takes the selected item or items marked one by one, not every match",
                command.name
            ));
        }
        let detail = self
            .selected_detail()
            .map(|d| (d.mention.id, d.mention.body.clone()));
        let body_of = |row: &InboxRow| {
            detail
                .as_ref()
                .filter(|(id, _)| *id == row.id)
                .map(|(_, b)| b.clone())
        };
        let items: Vec<serde_json::Value> = if self.marks.ids.is_empty() {
            self.inbox
                .selected()
                .map(|r| item(r, body_of(r).as_deref()))
                .into_iter()
                .collect()
        } else {
            self.inbox
                .rows
                .iter()
                .filter(|r| self.marks.ids.contains(&r.id))
                .map(|r| item(r, body_of(r).as_deref()))
                .collect()
        };
        if items.is_empty() {
            return Err("nothing selected".into());
        }
        let n = items.len();
        self.say(format!(
            "running {} on {}…",
            command.name,
            super::marks::items(Some(n as u64))
        ));
        Ok(vec![Effect::RunCommand(Run {
            name: command.name.clone(),
            program: command.program.clone(),
            input: serde_json::Value::Array(items).to_string(),
            timeout_secs: command.timeout(),
        })])
    }

    /// A command finished: its output in a pane.
    pub(crate) fn on_command_done(&mut self, done: Finished) {
        let clean = crate::domain::sanitize::clean(&done.output);
        let mut lines: Vec<String> = clean.lines().map(str::to_string).collect();
        if lines.len() > OUTPUT_LINES {
            lines.truncate(OUTPUT_LINES);
            lines.push(format!("… (cut at {OUTPUT_LINES} lines)"));
        }
        if lines.is_empty() {
            lines.push("(it printed nothing)".into());
        }
        let title = format!(
            "{} · {}",
            crate::domain::sanitize::one_line(&done.name),
            done.status
        );
        if done.ok {
            self.say(title.clone());
        } else {
            self.warn(title.clone());
        }
        self.popup = Some(Popup::Output {
            title,
            lines,
            scroll: 0,
        });
    }

    /// A key bound to one of the operator's commands, in the inbox.
    pub(crate) fn user_command_for(&self, key: crate::config::keys::Key) -> Option<UserCommand> {
        self.config
            .commands
            .iter()
            .find(|c| {
                c.key
                    .as_deref()
                    .and_then(|k| crate::config::keys::Key::parse(k).ok())
                    == Some(key)
            })
            .cloned()
    }
}
