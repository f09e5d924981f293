//! Reading a config file: check the user's text on its own (so errors point at its
//! lines), merge it over the embedded defaults, then `validate()` the result.

use super::{Config, DEFAULT_TOML};
use std::path::Path;

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
    let config: Config = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| invalid(e.message().to_string()))?;
    config.validate().map_err(|(key, problem)| {
        let at = line_of(text, &key)
            .map(|l| format!("line {l}: "))
            .unwrap_or_default();
        invalid(format!("{at}key `{key}`: {problem}"))
    })?;
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

impl Config {
    /// Checks what types cannot: ranges, time zones, schedules, colors and templates.
    /// Returns the dotted key and the problem.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let t = &self.response_targets;
        let positive = |key: &str, v: i64| {
            if v > 0 {
                Ok(())
            } else {
                Err((
                    key.to_string(),
                    format!("must be a positive number of minutes, not {v}"),
                ))
            }
        };
        positive("response_targets.default_minutes", t.default_minutes)?;
        for (kind, v) in &t.by_kind {
            positive(&format!("response_targets.by_kind.{kind}"), *v)?;
        }
        for (platform, kinds) in &t.by_platform {
            for (kind, v) in kinds {
                positive(
                    &format!("response_targets.by_platform.{platform}.{kind}"),
                    *v,
                )?;
            }
        }
        let wh = &self.working_hours;
        if wh.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err((
                "working_hours.time_zone".into(),
                format!(
                    "{:?} is not an IANA time zone name such as \"Europe/Paris\" or \"UTC\"",
                    wh.time_zone
                ),
            ));
        }
        for (day, span) in wh.days() {
            if let Err(problem) = parse_span(span) {
                return Err((format!("working_hours.{day}"), problem));
            }
        }
        if t.working_hours_only && wh.days().iter().all(|(_, s)| s.trim().is_empty()) {
            return Err((
                "response_targets.working_hours_only".into(),
                "is true but [working_hours] has no working day".into(),
            ));
        }
        if !(0.0..1.0).contains(&self.pace.drop_share) {
            return Err((
                "pace.drop_share".into(),
                "must be a share from 0.0 to below 1.0".into(),
            ));
        }
        if self.pace.due_soon_minutes < 0 {
            return Err((
                "pace.due_soon_minutes".into(),
                "must not be negative".into(),
            ));
        }
        if !(0.0..=1.0).contains(&self.duplicates.similarity) || self.duplicates.similarity == 0.0 {
            return Err((
                "duplicates.similarity".into(),
                "must be above 0.0 and at most 1.0".into(),
            ));
        }
        if self.duplicates.window_days < 0 {
            return Err((
                "duplicates.window_days".into(),
                "must not be negative".into(),
            ));
        }
        if self.people.stale_after_days <= 0 {
            return Err((
                "people.stale_after_days".into(),
                "must be a positive number of days".into(),
            ));
        }
        if self.power_users.min_followers < 0 || self.power_users.min_conversations_30d < 0 {
            return Err((
                "power_users".into(),
                "thresholds must not be negative".into(),
            ));
        }
        for kind in &self.response.counts {
            if !matches!(
                kind,
                crate::domain::ActionKind::Reply
                    | crate::domain::ActionKind::Thank
                    | crate::domain::ActionKind::Like
            ) {
                return Err((
                    "response.counts".into(),
                    format!("{kind} cannot answer a mention; use reply, thank or like"),
                ));
            }
        }
        for (i, template) in self.templates.iter().enumerate() {
            if template.name.trim().is_empty() || template.text.trim().is_empty() {
                return Err((format!("templates[{i}]"), "needs a name and a text".into()));
            }
        }
        super::delivery::validate(&self.delivery, &self.senders)?;
        super::keys::Keymap::build(&self.keys)?;
        for (key, color) in self.colors.entries() {
            if parse_color(color).is_none() {
                return Err((
                    format!("colors.{key}"),
                    format!("{color:?} is not a color name or \"#rrggbb\""),
                ));
            }
        }
        Ok(())
    }
}

/// A working-hours span: "" (day off) or "HH:MM-HH:MM" with start before end.
/// Returns minutes from midnight.
pub fn parse_span(span: &str) -> Result<Option<(u32, u32)>, String> {
    let span = span.trim();
    if span.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{span:?} is not \"HH:MM-HH:MM\" (or \"\" for a day off)");
    let (a, b) = span.split_once('-').ok_or_else(bad)?;
    let minutes = |s: &str| -> Option<u32> {
        let (h, m) = s.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
    };
    let (start, end) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
    if start >= end {
        return Err(format!("{span:?} ends before it starts"));
    }
    Ok(Some((start, end)))
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
        assert_eq!(c.working_hours.monday, "09:00-18:00");
    }

    #[test]
    fn spans() {
        assert_eq!(parse_span("09:00-17:30").unwrap(), Some((540, 1050)));
        assert_eq!(parse_span("").unwrap(), None);
        assert!(parse_span("18:00-09:00").is_err());
        assert!(parse_span("9-5").is_err());
    }
}
