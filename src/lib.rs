//! rapport: a keyboard-first terminal inbox for tending a brand's relationships on
//! social media. The binary is a thin shell over these modules (see STYLE in the README).

// Nothing a user, a file or the network can influence may panic the app; tests may.
#![deny(clippy::unwrap_used, clippy::panic)]

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod gen;
pub mod ingest;
pub mod model;
pub mod platforms;
pub mod store;
pub mod tui;
pub mod ui;
