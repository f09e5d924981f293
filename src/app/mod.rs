//! The app as a state machine: [`App`] holds what the screen shows, `update` turns a
//! message into new state and effects. No terminal, database or clock in here.

pub mod act;
pub mod action;
pub mod alerts;
pub mod command_line;
pub mod compose;
pub mod layout;
pub mod list;
pub mod marks;
pub mod msg;
pub mod outbox;
pub mod people;
mod popup;
pub mod snooze;
pub mod state;
mod update;
pub mod user_commands;

pub use action::Action;
pub use msg::{Effect, Msg};
pub use state::App;
pub use update::REFRESH_TICKS;
