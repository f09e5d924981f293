//! Key bindings: "ctrl-e", "G", "pagedown", "g g" parsed into key sequences, one table
//! per mode plus `global`, built from `[keys]` (the user's file merged over the
//! defaults). A bad key, an unknown action or two spellings of one key in a table are
//! named errors.

use super::load::Problem;
use crate::app::action::{Action, Mode, MODES};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// One key press, normalized: characters carry no SHIFT (the character is shifted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        match code {
            KeyCode::Char(c) => Key {
                code: KeyCode::Char(c),
                mods: mods - KeyModifiers::SHIFT,
            },
            KeyCode::BackTab => Key {
                code: KeyCode::BackTab,
                mods: mods - KeyModifiers::SHIFT,
            },
            _ => Key { code, mods },
        }
    }

    pub fn from_event(e: &KeyEvent) -> Key {
        Key::new(e.code, e.modifiers)
    }

    /// A plain character key, for tests.
    pub fn char(c: char) -> Key {
        Key::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    /// Parses one key such as "r", "G", "ctrl-e", "shift-tab", "f5".
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, m) = if lower.starts_with("ctrl-") && rest.len() > 5 {
                (5, KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                (4, KeyModifiers::ALT)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (6, KeyModifiers::SHIFT)
            } else {
                break;
            };
            mods |= m;
            rest = &rest[prefix..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => {
                if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() {
                    mods -= KeyModifiers::SHIFT;
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if mods.contains(KeyModifiers::SHIFT) => {
                    mods -= KeyModifiers::SHIFT;
                    KeyCode::BackTab
                }
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("{s:?} is not a key")),
                },
                _ => {
                    return Err(format!(
                        "{s:?} is not a key; use a character, a name such as \"enter\" or \"pagedown\", \
                         with optional ctrl-/alt-/shift-"
                    ))
                }
            },
        };
        Ok(Key::new(code, mods))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A sequence of one or more keys ("g g").
pub type Chord = Vec<Key>;

fn chord_text(chord: &[Key]) -> String {
    chord
        .iter()
        .map(Key::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a key press means in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Action(Action),
    /// The keys so far start a longer binding: wait for the next one.
    Pending,
    Unbound,
}

/// The bindings of every mode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keymap {
    modes: BTreeMap<Mode, Vec<(Chord, Action)>>,
}

impl Keymap {
    /// Builds the keymap from the `[keys]` tables. Errors carry the dotted key.
    pub fn build(tables: &BTreeMap<String, BTreeMap<String, String>>) -> Result<Keymap, Problem> {
        let mut modes = BTreeMap::new();
        for (mode, table) in tables {
            let Some(mode_key) = Mode::parse(mode) else {
                return Err(Problem::new(
                    format!("keys.{mode}"),
                    format!("is not a mode; modes are {}", MODES.join(", ")),
                ));
            };
            let mut bindings: Vec<(Chord, Action, &str)> = Vec::new();
            for (keys, action) in table {
                let at = format!("keys.{mode}.\"{keys}\"");
                let chord = keys
                    .split_whitespace()
                    .map(Key::parse)
                    .collect::<Result<Chord, String>>()
                    .map_err(|e| Problem::new(at.clone(), e))?;
                if chord.is_empty() || chord.len() > 3 {
                    return Err(Problem::new(at, "bind one to three keys"));
                }
                if action == "none" {
                    continue;
                }
                let action = action
                    .parse::<Action>()
                    .map_err(|e| Problem::new(at.clone(), e))?;
                if let Some((_, _, other)) = bindings.iter().find(|(c, _, _)| *c == chord) {
                    return Err(Problem::new(
                        at,
                        format!("{keys:?} and {other:?} are the same key; keep one"),
                    ));
                }
                bindings.push((chord, action, keys));
            }
            let list = bindings.into_iter().map(|(c, a, _)| (c, a)).collect();
            modes.insert(mode_key, list);
        }
        let map = Keymap { modes };
        map.check_reachable()?;
        Ok(map)
    }

    /// A global binding that a screen's own table answers first (the same key, or a
    /// key that starts it) would silently never run there: refuse it by name.
    fn check_reachable(&self) -> Result<(), Problem> {
        let Some(global) = self.modes.get(&Mode::Global) else {
            return Ok(());
        };
        for (chord, _) in global {
            for mode in [
                Mode::Inbox,
                Mode::People,
                Mode::Person,
                Mode::Stats,
                Mode::Outbox,
            ] {
                let own = self.modes.get(&mode).into_iter().flatten();
                if let Some((c, a)) = own
                    .into_iter()
                    .find(|(c, _)| !c.is_empty() && chord.starts_with(c))
                {
                    let (key, theirs) = (chord_text(chord), chord_text(c));
                    return Err(Problem::new(
                        format!("keys.global.\"{key}\""),
                        format!(
                            "never runs in the {mode} screen: {theirs:?} is bound there to {a}, and a screen's own keys are read first; bind another key here, or set {theirs:?} = \"none\" in [keys.{mode}]",
                            mode = mode.as_str(),
                            a = a.name(),
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// What `keys` (pending keys plus the new one) mean in `mode`, then globally.
    pub fn resolve(&self, mode: Mode, keys: &[Key]) -> Resolved {
        let mut pending = false;
        for table in mode.tables() {
            let Some(list) = self.modes.get(table) else {
                continue;
            };
            if let Some((_, a)) = list.iter().find(|(c, _)| c.as_slice() == keys) {
                // A longer binding in this table wins over the short one: wait.
                if !list
                    .iter()
                    .any(|(c, _)| c.len() > keys.len() && c.starts_with(keys))
                {
                    return Resolved::Action(*a);
                }
                pending = true;
            }
            if list
                .iter()
                .any(|(c, _)| c.len() > keys.len() && c.starts_with(keys))
            {
                pending = true;
            }
            if pending {
                return Resolved::Pending;
            }
        }
        Resolved::Unbound
    }

    /// The action of exactly `keys`, ignoring longer bindings (for a pending key that
    /// timed out or was followed by something else).
    pub fn exact(&self, mode: Mode, keys: &[Key]) -> Option<Action> {
        mode.tables().iter().find_map(|t| {
            self.modes
                .get(t)?
                .iter()
                .find(|(c, _)| c.as_slice() == keys)
                .map(|(_, a)| *a)
        })
    }

    /// The bindings of a mode as ("key", action), for the help and the key hints.
    pub fn bindings(&self, mode: Mode) -> Vec<(String, Action)> {
        self.modes
            .get(&mode)
            .map(|l| l.iter().map(|(c, a)| (chord_text(c), *a)).collect())
            .unwrap_or_default()
    }

    /// The keys bound to `action` in `mode` or globally, in table order.
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for table in mode.tables() {
            for (c, a) in self.modes.get(table).into_iter().flatten() {
                if *a == action {
                    keys.push(chord_text(c));
                }
            }
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn map() -> Keymap {
        Keymap::build(&Config::defaults().keys).unwrap()
    }

    #[test]
    fn parses_names_modifiers_and_shifted_letters() {
        assert_eq!(Key::parse("G").unwrap(), Key::char('G'));
        assert_eq!(Key::parse("shift-g").unwrap(), Key::char('G'));
        assert_eq!(
            Key::parse("ctrl-e").unwrap(),
            Key::new(KeyCode::Char('e'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            Key::parse("shift-tab").unwrap(),
            Key::new(KeyCode::BackTab, KeyModifiers::NONE)
        );
        // What a terminal sends for "G": the shifted char with SHIFT set.
        assert_eq!(
            Key::new(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Key::char('G')
        );
        assert!(Key::parse("ctrl-").unwrap_err().contains("not a key"));
        assert!(Key::parse("f13").is_err());
    }

    #[test]
    fn g_waits_for_a_second_g() {
        let m = map();
        let g = Key::char('g');
        assert_eq!(m.resolve(Mode::Inbox, &[g]), Resolved::Pending);
        assert_eq!(
            m.resolve(Mode::Inbox, &[g, g]),
            Resolved::Action(Action::Top)
        );
        assert_eq!(m.exact(Mode::Inbox, &[g]), None);
        // The buyer stage answers at once in every screen: its key starts no sequence.
        for mode in [Mode::Inbox, Mode::People, Mode::Person] {
            assert_eq!(
                m.resolve(mode, &[Key::char('b')]),
                Resolved::Action(Action::EditRelationship)
            );
        }
        assert_eq!(
            m.resolve(Mode::Inbox, &[Key::char('r')]),
            Resolved::Action(Action::Reply)
        );
        assert_eq!(
            m.resolve(Mode::Inbox, &[Key::char('q')]),
            Resolved::Action(Action::Quit)
        );
        assert_eq!(m.resolve(Mode::Inbox, &[Key::char('z')]), Resolved::Unbound);
    }

    #[test]
    fn bad_bindings_are_named() {
        let mut keys = Config::defaults().keys;
        keys.get_mut("inbox")
            .unwrap()
            .insert("x".into(), "explode".into());
        let Problem {
            key: at,
            problem: why,
        } = Keymap::build(&keys).unwrap_err();
        assert_eq!(at, "keys.inbox.\"x\"");
        assert!(why.contains("not an action"));

        let mut keys = Config::defaults().keys;
        keys.get_mut("inbox")
            .unwrap()
            .insert("shift-g".into(), "top".into());
        let Problem {
            key: at,
            problem: why,
        } = Keymap::build(&keys).unwrap_err();
        assert!(at.starts_with("keys.inbox"), "{at}");
        assert!(why.contains("same key"), "{why}");

        let mut keys = Config::defaults().keys;
        keys.insert("inbx".into(), BTreeMap::new());
        assert_eq!(Keymap::build(&keys).unwrap_err().key, "keys.inbx");
    }

    #[test]
    fn none_removes_a_binding() {
        let mut keys = Config::defaults().keys;
        keys.get_mut("inbox")
            .unwrap()
            .insert("g".into(), "none".into());
        let m = Keymap::build(&keys).unwrap();
        // With the single g gone, "g g" still works and g alone only waits.
        assert_eq!(m.exact(Mode::Inbox, &[Key::char('g')]), None);
        assert_eq!(
            m.resolve(Mode::Inbox, &[Key::char('g'), Key::char('g')]),
            Resolved::Action(Action::Top)
        );
    }
}
