//! The signals stored with each mention, from its reading ([`super::reading`]): the
//! class, the tone and whether it asks something. Read once at import (on the reader
//! thread) and again only when the reading rules change (see store::reread).

use super::reading::{self, Reading};
use super::Signals;

/// Reads the signals of a plain-text body.
pub fn read(body: &str) -> Signals {
    of(&reading::read_without_cues(body))
}

/// The stored part of a reading.
pub fn of(r: &Reading) -> Signals {
    Signals {
        class: r.class,
        is_question: r.is_question,
        sentiment: r.sentiment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reading::Class;

    #[test]
    fn signals_follow_the_reading() {
        let s = read("@brand my app crashes every time, so done");
        assert_eq!(s.class, Class::Complaint);
        assert!(s.is_complaint() && s.sentiment <= -0.3);
        assert!(read("@brand where is the nearest store?").is_question);
        assert!(read("I love this, thank you so much!").is_praise());
        assert_eq!(read("").class, Class::Plain);
    }

    #[test]
    fn signals_without_cues_are_those_of_the_full_reading() {
        for text in [
            "@brand my app crashes every time, so done",
            "where is the nearest store?",
            "I love this, thank you so much!",
            "BUY FOLLOWERS NOW cheap click here http://a.b http://c.d http://e.f",
            "not bad at all, but the order never came :(",
            "",
        ] {
            let full = reading::read(text);
            assert_eq!(read(text), of(&full), "{text}");
            assert!(reading::read_without_cues(text).cues.is_empty());
        }
    }
}
