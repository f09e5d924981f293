//! Where rapport keeps its files, following the platform's conventions (XDG on Linux).

use directories::ProjectDirs;
use std::path::PathBuf;

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "rapport")
}

/// The default database: `$XDG_DATA_HOME/rapport/rapport.db`.
pub fn default_db() -> PathBuf {
    dirs()
        .map(|d| d.data_dir().join("rapport.db"))
        .unwrap_or_else(|| PathBuf::from("rapport.db"))
}

/// The demo database, kept apart from the real one.
pub fn demo_db() -> PathBuf {
    dirs()
        .map(|d| d.data_dir().join("demo.db"))
        .unwrap_or_else(|| PathBuf::from("rapport-demo.db"))
}

/// The default config file: `$XDG_CONFIG_HOME/rapport/config.toml`.
pub fn default_config() -> PathBuf {
    dirs()
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("rapport.toml"))
}

/// The log folder: `$XDG_STATE_HOME/rapport` (or the data folder where there is none).
pub fn log_dir() -> PathBuf {
    dirs()
        .map(|d| d.state_dir().unwrap_or(d.data_dir()).to_path_buf())
        .unwrap_or_else(std::env::temp_dir)
}

/// The command line's history: `$XDG_STATE_HOME/rapport/command_history`.
pub fn command_history() -> PathBuf {
    log_dir().join("command_history")
}
