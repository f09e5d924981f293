//! The command line as a user meets it: help, config printing, completions, errors.

mod common;

use std::process::Output;

fn rapport(args: &[&str], home: &std::path::Path) -> Output {
    common::run(home, args)
}

#[test]
fn help_says_where_the_files_are() {
    let home = tempfile::tempdir().unwrap();
    let out = rapport(&["--help"], home.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for piece in ["import", "demo", "stats", "rapport.db", "config.toml"] {
        assert!(text.contains(piece), "{piece:?} missing from help:\n{text}");
    }
    assert!(
        text.contains(
            &home
                .path()
                .join("data/rapport/rapport.db")
                .display()
                .to_string()
        ),
        "{text}"
    );
}

#[test]
fn the_printed_defaults_are_a_valid_config() {
    let home = tempfile::tempdir().unwrap();
    let out = rapport(&["config", "--default"], home.path());
    assert!(out.status.success());
    let path = home.path().join("copy.toml");
    std::fs::write(&path, &out.stdout).unwrap();
    let config = rapport::config::load(Some(&path)).unwrap();
    assert_eq!(config, rapport::config::Config::defaults());
}

#[test]
fn a_bad_config_fails_with_its_name_and_no_panic() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("bad.toml");
    std::fs::write(&path, "[colors]\naccent = 3\n").unwrap();
    let out = rapport(&["--config", path.to_str().unwrap(), "config"], home.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bad.toml") && err.contains("line 2") && err.contains("colors.accent"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn completions_are_printed() {
    let home = tempfile::tempdir().unwrap();
    let out = rapport(&["completions", "bash"], home.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("rapport"));
}

/// Only import, demo and pull create a database: the screen on a missing file says
/// how to fill one instead of opening an empty inbox.
#[test]
fn a_mistyped_db_is_not_created() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("typo.db");
    let out = rapport(&["--db", db.to_str().unwrap()], home.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no database at") && err.contains("rapport import"),
        "{err}"
    );
    assert!(!db.exists());
}
