//! What reaches `App::update` (messages) and what it asks for in return (effects).
//! Both are plain data, so `update` can be tested without a terminal, a database or a
//! clock.

use crate::store::command::{Reply, StoreCmd};
use crossterm::event::KeyEvent;

/// An input or a result.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(Mouse),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// The clock, in Unix seconds; also drives refreshes and key timeouts.
    Tick(i64),
    /// What the store thread answered.
    Loaded(Reply),
    /// The text back from $EDITOR, or why it could not run.
    EditorDone(Result<String, String>),
    /// SIGTERM or SIGHUP: leave now, cleanly.
    Terminate,
    /// What the delivery thread did.
    Delivery(crate::model::outbox::News),
    /// What a pull of the live accounts brought: per account, new mentions or why not.
    Pulled(Vec<(String, Result<u64, String>)>),
    /// One of the operator's own commands finished (or could not run).
    CommandDone(crate::app::user_commands::Finished),
}

/// The mouse events the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    ScrollUp,
    ScrollDown,
    Click { column: u16, row: u16 },
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Store(StoreCmd),
    /// Suspend the screen and edit this text in $EDITOR.
    OpenEditor(String),
    /// Tell the delivery thread to look at the outbox now.
    Deliver,
    /// Pull the live accounts now.
    PullNow,
    /// Put this text on the system clipboard (or the terminal's, by OSC 52).
    Clipboard(String),
    /// Open this address in the browser.
    OpenUrl(String),
    /// Ring the terminal bell.
    Bell,
    /// Run the configured alert command with this announcement.
    Alert(String),
    /// Keep the command line's history (the whole of it, capped) for the next run.
    SaveCommandHistory(Vec<String>),
    /// Run one of the operator's own commands on a worker thread.
    RunCommand(crate::app::user_commands::Run),
    Quit,
}
