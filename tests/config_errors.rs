//! Every file in tests/invalid_configs/ must be refused with a message that names the
//! file, the line and the key, and says what is wrong.

use rapport::config;
use std::path::PathBuf;

fn error_for(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invalid_configs")
        .join(name);
    match config::load(Some(&path)) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e.to_string(),
    }
}

/// (file, the pieces its message must contain)
const CASES: &[(&str, &[&str])] = &[
    (
        "unknown_key.toml",
        &[
            "unknown_key.toml",
            "line 3",
            "unknown field `snooze_minutes`",
        ],
    ),
    (
        "wrong_type.toml",
        &[
            "wrong_type.toml",
            "line 2",
            "pace.drop_share",
            "invalid type",
        ],
    ),
    (
        "bad_time_zone.toml",
        &[
            "bad_time_zone.toml",
            "line 2",
            "working_hours.time_zone",
            "IANA",
        ],
    ),
    (
        "backwards_hours.toml",
        &["line 2", "working_hours.monday", "ends before it starts"],
    ),
    (
        "zero_target.toml",
        &[
            "line 2",
            "response_targets.by_kind.sms",
            "from 1 to 525600 minutes, not 0",
        ],
    ),
    (
        "huge_target.toml",
        &[
            "line 2",
            "response_targets.by_kind.comment",
            "from 1 to 525600 minutes, not 999999999999",
        ],
    ),
    (
        "global_key_shadowed.toml",
        &[
            "line 2",
            "keys.global.\"j\"",
            "never runs in the inbox screen",
            "\"j\" is bound there to down",
        ],
    ),
    (
        "global_chord_behind_a_screen_key.toml",
        &[
            "line 3",
            "keys.global.\"d d\"",
            "\"d\" is bound there to dismiss",
        ],
    ),
    ("bad_color.toml", &["line 2", "colors.accent", "\"bluish\""]),
    ("broken_syntax.toml", &["broken_syntax.toml", "line 1"]),
    (
        "unknown_kind.toml",
        &["unknown_kind.toml", "line 2", "tweet"],
    ),
    (
        "unknown_action.toml",
        &[
            "line 3",
            "keys.inbox.\"r\"",
            "\"reply_all\" is not an action",
        ],
    ),
    (
        "bad_key.toml",
        &["line 2", "keys.inbox.\"ctrl-\"", "is not a key"],
    ),
    (
        "same_key_twice.toml",
        &["line 3", "keys.inbox.\"shift-g\"", "same key"],
    ),
    (
        "bad_response_kind.toml",
        &["line 2", "response.counts", "dismiss"],
    ),
    (
        "account_plain_http.toml",
        &[
            "line 4",
            "accounts[0].server",
            "http:// for mastodon.social",
            "use https://",
        ],
    ),
    (
        "account_token_pasted.toml",
        &[
            "line 5",
            "accounts[0].token_env",
            "NAME of an environment variable",
        ],
    ),
    (
        "account_no_secret.toml",
        &["accounts[0].token_env", "is missing", "token_command"],
    ),
    (
        "account_two_secrets.toml",
        &["line 6", "accounts[0].token_command", "not both"],
    ),
    (
        "account_bluesky_no_handle.toml",
        &["accounts[0].handle", "is missing"],
    ),
    (
        "account_duplicate_name.toml",
        &["accounts[1].name", "names two accounts"],
    ),
    (
        "account_unknown_platform.toml",
        &["line 3", "unknown variant `myspace`", "mastodon", "bluesky"],
    ),
    (
        "account_password_on_mastodon.toml",
        &["line 5", "accounts[0].password_env", "not used by mastodon"],
    ),
    (
        "account_twilio_bad_sid.toml",
        &[
            "line 4",
            "accounts[0].account_sid",
            "AC followed by 32 hexadecimal digits",
        ],
    ),
    (
        "account_twilio_no_sid.toml",
        &["accounts[0].account_sid", "is missing", "API keys & tokens"],
    ),
    (
        "account_twilio_bad_number.toml",
        &[
            "line 5",
            "accounts[0].number",
            "\"555-0100\" is not a phone number in E.164",
        ],
    ),
    (
        "account_twilio_no_token.toml",
        &[
            "accounts[0].token_env",
            "is missing",
            "RAPPORT_TWILIO_TOKEN",
        ],
    ),
    (
        "account_twilio_plain_http.toml",
        &["line 4", "accounts[0].server", "http:// for api.twilio.com"],
    ),
    (
        "account_number_on_mastodon.toml",
        &["line 5", "accounts[0].number", "not used by mastodon"],
    ),
];

#[test]
fn invalid_configs_are_named_errors() {
    let mut failures = Vec::new();
    for (file, pieces) in CASES {
        let message = error_for(file);
        for piece in *pieces {
            if !message.contains(piece) {
                failures.push(format!("{file}: {piece:?} missing from:\n  {message}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_invalid_config_has_a_case() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_configs");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            CASES.iter().any(|(f, _)| *f == name),
            "{name} has no expected message"
        );
    }
}

#[test]
fn a_missing_explicit_file_is_an_error_but_a_missing_default_is_not() {
    let err = config::load(Some(std::path::Path::new("/nonexistent/rapport.toml"))).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/rapport.toml"),
        "{err}"
    );
}

#[test]
fn a_token_pasted_where_its_variable_name_goes_is_never_echoed() {
    let message = error_for("account_token_pasted.toml");
    assert!(!message.contains("zX9-secret-token-value"), "{message}");
    let message = error_for("account_twilio_bad_sid.toml");
    assert!(!message.contains("SK0123456789abcdef"), "{message}");
}
