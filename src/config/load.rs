//! Reading a config file: check the user's text on its own (so errors point at its
//! lines), merge it over the embedded defaults, then `validate()` the result.

use super::{Config, DEFAULT_TOML};
use std::path::Path;

/// One thing wrong in a config: the dotted key, and what is wrong with its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("key `{key}`: {problem}")]
pub struct Problem {
    pub key: String,
    pub problem: String,
}

impl Problem {
    pub fn new(key: impl Into<String>, problem: impl Into<String>) -> Problem {
        Problem {
            key: key.into(),
            problem: problem.into(),
        }
    }
}

/// A config problem, with where it is and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// Loads `path` merged over the defaults. With no path, the default location is used
/// when a file exists there; otherwise the defaults alone.
pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (super::paths::default_config(), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => load_str(&text, &path.display().to_string()),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            load_str("", "<built-in defaults>")
        }
        Err(source) => Err(ConfigError::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// Parses `text` (named `file` in errors) merged over the defaults.
pub fn load_str(text: &str, file: &str) -> Result<Config, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        file: file.to_string(),
        message,
    };
    // Pass 1: the user's text alone, strictly, so unknown keys and wrong types are
    // reported with the line and column in *their* file.
    toml::from_str::<Config>(text).map_err(|e| invalid(describe_toml_error(text, &e)))?;
    let user: toml::Table =
        toml::from_str(text).map_err(|e| invalid(describe_toml_error(text, &e)))?;
    let mut merged: toml::Table =
        toml::from_str(DEFAULT_TOML).map_err(|e| invalid(format!("built-in defaults: {e}")))?;
    merge(&mut merged, user);
    let mut config: Config = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| invalid(e.message().to_string()))?;
    let located = |p: Problem| {
        let at = line_of(text, &p.key)
            .map(|l| format!("line {l}: "))
            .unwrap_or_default();
        invalid(format!("{at}{p}"))
    };
    config.validate().map_err(located)?;
    // Built here, once: the app uses this keymap as it is.
    config.keymap = super::keys::Keymap::build(&config.keys).map_err(located)?;
    Ok(config)
}

/// "line 3, column 14: key `pace.drop_share`: invalid type ..." from a toml error.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    // toml's Display carries a snippet of the file; keep its position and message.
    let shown = e.to_string();
    let position = shown
        .lines()
        .next()
        .unwrap_or("")
        .replace("TOML parse error at ", "");
    let message = e.message().trim();
    match e.span().and_then(|span| key_at(text, span.start)) {
        // "unknown field `x`" already names the key.
        Some(key) if !message.starts_with("unknown field") => {
            format!("{position}: key `{key}`: {message}")
        }
        _ => format!("{position}: {message}"),
    }
}

/// The dotted key assigned on the line holding byte `offset`: the last [table] header
/// above it, then the name left of '='.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = text[line_start..].lines().next()?;
    let (name, _) = line.split_once('=')?;
    let name = name.trim().trim_matches('"');
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{name}"),
        _ => name.to_string(),
    })
}

/// Deep merge: tables merge key by key, anything else in `over` replaces `base`.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The 1-based line where the last segment of a dotted key is assigned, if it is.
fn line_of(text: &str, dotted_key: &str) -> Option<usize> {
    let leaf = dotted_key.rsplit('.').next()?.trim_matches('"');
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let key = line
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            line.contains('=') && key == leaf
        })
        .map(|i| i + 1)
}

/// A year, the longest span any minutes setting may cover.
const MINUTES_IN_A_YEAR: i64 = 365 * 24 * 60;

/// `value` of `key` must lie in `min..=max` (of `unit`).
fn within(key: &str, value: i64, min: i64, max: i64, unit: &str) -> Result<(), Problem> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(Problem::new(
            key,
            format!("must be from {min} to {max} {unit}, not {value}"),
        ))
    }
}

impl Config {
    /// Checks what types cannot: ranges, schedules, colors, templates and keys.
    pub fn validate(&self) -> Result<(), Problem> {
        let t = &self.response_targets;
        // Targets from a minute to a year: beyond that, times stop being meaningful.
        let target = |key: &str, v: i64| within(key, v, 1, MINUTES_IN_A_YEAR, "minutes");
        target("response_targets.default_minutes", t.default_minutes)?;
        for (kind, v) in &t.by_kind {
            target(&format!("response_targets.by_kind.{kind}"), *v)?;
        }
        for (platform, kinds) in &t.by_platform {
            for (kind, v) in kinds {
                target(
                    &format!("response_targets.by_platform.{platform}.{kind}"),
                    *v,
                )?;
            }
        }
        let wh = &self.working_hours;
        if t.working_hours_only && wh.days().iter().all(|(_, h)| h.span().is_none()) {
            return Err(Problem::new(
                "response_targets.working_hours_only",
                "is true but [working_hours] has no working day",
            ));
        }
        let p = &self.priority;
        for (key, v) in [
            ("priority.power_user_minutes", p.power_user_minutes),
            ("priority.question_minutes", p.question_minutes),
            ("priority.complaint_minutes", p.complaint_minutes),
            (
                "priority.negative_sentiment_minutes",
                p.negative_sentiment_minutes,
            ),
            ("priority.bot_minutes", p.bot_minutes),
        ] {
            within(key, v, -MINUTES_IN_A_YEAR, MINUTES_IN_A_YEAR, "minutes")?;
        }
        within(
            "priority.stale_after_hours",
            p.stale_after_hours,
            1,
            10 * 365 * 24,
            "hours",
        )?;
        if !(0.0..1.0).contains(&self.pace.drop_share) {
            return Err(Problem::new(
                "pace.drop_share",
                "must be a share from 0.0 to below 1.0",
            ));
        }
        within(
            "pace.due_soon_minutes",
            self.pace.due_soon_minutes,
            0,
            7 * 24 * 60,
            "minutes",
        )?;
        if !(0.0..=1.0).contains(&self.duplicates.similarity) || self.duplicates.similarity == 0.0 {
            return Err(Problem::new(
                "duplicates.similarity",
                "must be above 0.0 and at most 1.0",
            ));
        }
        within(
            "duplicates.window_days",
            self.duplicates.window_days,
            0,
            3650,
            "days",
        )?;
        within(
            "people.stale_after_days",
            self.people.stale_after_days,
            1,
            3650,
            "days",
        )?;
        within(
            "pull.every_secs",
            i64::try_from(self.pull.every_secs).unwrap_or(i64::MAX),
            10,
            86_400,
            "seconds",
        )?;
        within(
            "power_users.min_followers",
            self.power_users.min_followers,
            0,
            1_000_000_000_000,
            "followers",
        )?;
        within(
            "power_users.min_conversations_30d",
            self.power_users.min_conversations_30d,
            0,
            100_000,
            "conversations",
        )?;
        for kind in &self.response.counts {
            if !matches!(
                kind,
                crate::domain::ActionKind::Reply
                    | crate::domain::ActionKind::Thank
                    | crate::domain::ActionKind::Like
            ) {
                return Err(Problem::new(
                    "response.counts",
                    format!("{kind} cannot answer a mention; use reply, thank or like"),
                ));
            }
        }
        for (i, template) in self.templates.iter().enumerate() {
            if template.name.trim().is_empty() || template.text.trim().is_empty() {
                return Err(Problem::new(
                    format!("templates[{i}]"),
                    "needs a name and a text",
                ));
            }
        }
        super::delivery::validate(&self.delivery, &self.senders)?;
        super::accounts::validate(&self.accounts)?;
        super::commands::validate(&self.commands, &self.views, &self.keys)?;
        for (key, color) in self.colors.entries() {
            if parse_color(color).is_none() {
                return Err(Problem::new(
                    format!("colors.{key}"),
                    format!("{color:?} is not a color name or \"#rrggbb\""),
                ));
            }
        }
        Ok(())
    }
}

/// A color as (r, g, b) or a named color index; None when not understood.
pub fn parse_color(s: &str) -> Option<ratatui::style::Color> {
    use ratatui::style::Color;
    let s = s.trim().to_ascii_lowercase();
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        return None;
    }
    Some(match s.as_str() {
        "default" | "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_validate() {
        let c = load_str("", "x").unwrap();
        assert_eq!(
            c.response_targets
                .minutes_for("sms", crate::domain::MentionKind::Sms),
            15
        );
        assert!(!c.templates.is_empty());
        assert!(c.keys.contains_key("inbox"));
    }

    #[test]
    fn user_values_override_defaults() {
        let c = load_str(
            "[response_targets.by_platform.linkedin]\ncomment = 480\n",
            "x",
        )
        .unwrap();
        assert_eq!(
            c.response_targets
                .minutes_for("linkedin", crate::domain::MentionKind::Comment),
            480
        );
        assert_eq!(
            c.response_targets
                .minutes_for("twitter", crate::domain::MentionKind::Comment),
            240
        );
        assert_eq!(c.working_hours.monday.to_string(), "09:00-18:00");
    }

    #[test]
    fn spans() {}
}
