//! Config values that are parsed when the file is read, once: a time zone and the
//! opening hours of a day. Each is written back as the text the user wrote, so
//! `rapport config` prints a file that loads again.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An IANA time zone, checked when the config is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(pub chrono_tz::Tz);

impl Default for Zone {
    fn default() -> Zone {
        Zone(chrono_tz::Tz::UTC)
    }
}

impl std::str::FromStr for Zone {
    type Err = String;
    fn from_str(s: &str) -> Result<Zone, String> {
        s.parse::<chrono_tz::Tz>().map(Zone).map_err(|_| {
            format!(
                "{:?} is not an IANA time zone name such as \"Europe/Paris\" or \"UTC\"",
                super::quote(s)
            )
        })
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Zone, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A day's opening hours, "HH:MM-HH:MM", or "" for a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hours(pub Option<(u32, u32)>);

impl Hours {
    /// The opening and closing minute of the local day, if it is a working day.
    pub fn span(&self) -> Option<(u32, u32)> {
        self.0
    }
}

impl std::str::FromStr for Hours {
    type Err = String;
    fn from_str(span: &str) -> Result<Hours, String> {
        let span = span.trim();
        if span.is_empty() {
            return Ok(Hours(None));
        }
        let shown = super::quote(span);
        let bad = || format!("{shown:?} is not \"HH:MM-HH:MM\" (or \"\" for a day off)");
        let (a, b) = span.split_once('-').ok_or_else(bad)?;
        let minutes = |s: &str| -> Option<u32> {
            let (h, m) = s.trim().split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
        };
        let (start, end) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
        if start >= end {
            return Err(format!("{shown:?} ends before it starts"));
        }
        Ok(Hours(Some((start, end))))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => Ok(()),
            Some((a, b)) => write!(f, "{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60),
        }
    }
}

impl Serialize for Hours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Hours, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_and_write_back() {
        assert_eq!("09:00-17:30".parse::<Hours>(), Ok(Hours(Some((540, 1050)))));
        assert_eq!("".parse::<Hours>(), Ok(Hours(None)));
        assert!("18:00-09:00".parse::<Hours>().is_err());
        assert!("9-5".parse::<Hours>().is_err());
        assert_eq!(Hours(Some((540, 1050))).to_string(), "09:00-17:30");
    }

    #[test]
    fn zones_are_checked() {
        assert_eq!(
            "Europe/Paris".parse::<Zone>().map(|z| z.to_string()),
            Ok("Europe/Paris".into())
        );
        let err = "Mars/Olympus".parse::<Zone>().unwrap_err();
        assert!(err.contains("IANA"), "{err}");
    }
}
