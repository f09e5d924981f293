//! rapport: a keyboard-first terminal inbox for tending a brand's relationships on
//! social media. The binary is a thin shell over these modules (see STYLE in the README).

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod gen;
pub mod ingest;
pub mod store;
pub mod tui;
pub mod ui;
