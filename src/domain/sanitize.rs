//! Text from the internet is untrusted. The policy, in one place:
//!
//! - **At import** every field from outside (bodies, names, handles, urls, and ids too)
//!   passes through [`clean`] (or [`one_line`]), so what is stored holds no control
//!   characters, no terminal escape sequences, no bidirectional controls and no
//!   invisible characters.
//! - **On every output** (the screen, stdout and stderr, export files, logs) text from
//!   the database or from a file passes through the same functions again, so rows
//!   written by other tools are harmless too: the screen and exports use [`clean`],
//!   one-line fields use [`one_line`].
//! - **In error messages** offending input is shown with [`shown`]: cleaned, quoted and
//!   cut to [`QUOTE_CHARS`] characters, so a hostile or huge value cannot flood or
//!   steer the terminal; whole messages built from outside text go through [`message`].
//!
//! Emoji sequences stay whole: a zero-width joiner is kept between two emoji (family
//! and profession emoji), and tag characters after a black flag (subdivision flags).

use std::str::Chars;

/// Removes terminal escape sequences (CSI, OSC, DCS, single ESC), C0/C1 control
/// characters other than newline and tab, and bidi embedding/override/isolate marks.
/// Carriage returns become newlines; tabs become spaces.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    loop {
        // Printable ASCII, most of any text, needs no look: copied a run at a time
        // (a quarter of an import's reading went to this function, char by char).
        let rest = chars.as_str();
        let plain = rest
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b))
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        chars = rest[plain..].chars();
        let Some(c) = chars.next() else {
            return out;
        };
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // 8-bit CSI / OSC / DCS introducers behave like ESC [ / ESC ] / ESC P.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' => {
                if peek(&chars) != Some('\n') {
                    out.push('\n');
                }
            }
            '\t' => out.push(' '),
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\u{200d}' if joins_emoji(&out, peek(&chars)) => out.push(c),
            '\u{e0020}'..='\u{e007f}' if in_flag_tag(&out) => out.push(c),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
}

/// The next character, left in place.
fn peek(chars: &Chars<'_>) -> Option<char> {
    chars.clone().next()
}

/// Untrusted text quoted in a message: one clean line of at most `QUOTE_CHARS`
/// characters, with "…" when cut, so a huge or hostile value cannot flood the output.
pub fn quote(text: &str) -> String {
    let cut: String = text.chars().take(QUOTE_CHARS + 1).collect();
    let mut line = one_line(&cut);
    if line.chars().count() > QUOTE_CHARS {
        line = line.chars().take(QUOTE_CHARS).collect();
        line.push('…');
    }
    line
}

/// How much of an offending input an error message shows.
pub const QUOTE_CHARS: usize = 80;

/// An offending value for an error message: [`quote`]d, in double quotes.
pub fn shown(text: &str) -> String {
    format!("{:?}", quote(text))
}

/// A whole message that carries outside text (a parser's error, a program's stderr):
/// one clean line of at most `MESSAGE_CHARS` characters.
pub fn message(text: &str) -> String {
    let cut: String = text.chars().take(MESSAGE_CHARS + 1).collect();
    let mut line = one_line(&cut);
    if line.chars().count() > MESSAGE_CHARS {
        line = line.chars().take(MESSAGE_CHARS).collect();
        line.push('…');
    }
    line
}

/// Names from outside (a file's header, say) listed in a message: each [`quote`]d,
/// and only as many as fit in `MESSAGE_CHARS`.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if out.chars().count() > MESSAGE_CHARS {
            out.push_str(", …");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&quote(item));
    }
    out
}

/// How long a message built from outside text may be.
pub const MESSAGE_CHARS: usize = 300;

/// One line for a list row: `clean`, then every run of whitespace becomes one space.
pub fn one_line(text: &str) -> String {
    // Printable ASCII with single inner spaces (a handle, a URL, most names) is
    // already one clean line.
    let bytes = text.as_bytes();
    let plain = bytes.iter().all(|b| (b' '..=b'~').contains(b))
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !bytes.windows(2).any(|w| w == b"  ");
    if plain {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for word in clean(text).split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether a zero-width joiner between the text so far and `next` joins two emoji.
fn joins_emoji(before: &str, next: Option<char>) -> bool {
    before.chars().next_back().is_some_and(is_emoji) && next.is_some_and(is_emoji)
}

/// Whether the text so far ends in a black flag and its tag characters: a
/// subdivision flag (England, Scotland, Wales) is spelled with them.
fn in_flag_tag(before: &str) -> bool {
    before
        .chars()
        .rev()
        .find(|c| !('\u{e0020}'..='\u{e007f}').contains(c))
        == Some('\u{1f3f4}')
}

/// Pictographs that take part in emoji sequences (a close approximation of Unicode's
/// Extended_Pictographic, plus the skin-tone modifiers and the male/female signs).
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1f000}'..='\u{1faff}'
        | '\u{2600}'..='\u{27bf}'
        | '\u{2300}'..='\u{23ff}'
        | '\u{2b00}'..='\u{2bff}'
        | '\u{2190}'..='\u{21ff}'
        | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}' | '\u{a9}' | '\u{ae}'
    )
}

/// Characters that must never reach a terminal, reorder what surrounds them, or hide.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{ad}'                  // soft hyphen: invisible unless a line breaks there
            | '\u{34f}'               // combining grapheme joiner
            | '\u{61c}'               // Arabic letter mark (bidi)
            | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers: blank "letters"
            | '\u{17b4}' | '\u{17b5}' // Khmer inherent vowels: invisible
            | '\u{180b}'..='\u{180f}' // Mongolian variation selectors and vowel separator
            | '\u{200b}'..='\u{200f}' // zero-width space/joiners, LRM/RLM
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{206f}' // bidi isolates, deprecated format controls
            | '\u{fe00}'..='\u{fe0d}' // variation selectors
            | '\u{feff}'              // BOM / zero-width no-break space
            | '\u{fff9}'..='\u{fffb}' // interlinear annotations
            | '\u{1d173}'..='\u{1d17a}' // musical formatting controls
            | '\u{e0000}'..='\u{e007f}' // tag characters (kept inside a flag, above)
            | '\u{e0100}'..='\u{e01ef}' // variation selectors supplement
            // Emoji/text presentation selectors: terminals disagree on the width they
            // give "❤️" (one column or two), which shifts everything after it.
            | '\u{fe0e}' | '\u{fe0f}'
        )
}

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // Two-character sequences (ESC c, ESC 7, ...) and charset selection (ESC ( B).
        Some('(') | Some(')') | Some('*') | Some('+') | Some('#') | Some('%') => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI parameters and intermediates run until a final byte in @..~.
fn skip_until_final(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/APC/PM strings end with BEL, ESC \ or ST (U+9C).
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if peek(chars) == Some('\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_safe(s: &str) {
        assert!(
            !s.chars().any(|c| c != '\n' && is_unsafe(c)),
            "unsafe output: {s:?}"
        );
    }

    #[test]
    fn strips_csi_osc_bel_and_bidi() {
        let hostile = "hi \u{1b}[2J\u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{7}title \
                       \u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\ \u{7}bell \
                       \u{202e}evil\u{202c} \u{9b}31m c1 \u{1b}P1$r\u{1b}\\ dcs";
        let out = clean(hostile);
        assert_safe(&out);
        assert_eq!(out, "hi red title link bell evil  c1  dcs");
    }

    #[test]
    fn keeps_text_emoji_cjk_and_rtl_letters() {
        let s = "Ça marche 😡 日本語 שלום\nsecond line";
        assert_eq!(clean(s), s);
    }

    #[test]
    fn emoji_presentation_selectors_go() {
        // "❤️" is two code points; terminals give it one column or two.
        assert_eq!(clean("love \u{2764}\u{fe0f} it"), "love \u{2764} it");
    }

    #[test]
    fn crlf_and_tabs() {
        assert_eq!(clean("a\r\nb\rc\td"), "a\nb\nc d");
        assert_eq!(one_line("a\n\n b\t c"), "a b c");
    }

    #[test]
    fn one_line_trims_and_joins_plain_text_too() {
        for (text, line) in [
            ("", ""),
            ("@sam_k", "@sam_k"),
            ("Sam K", "Sam K"),
            (" Sam K", "Sam K"),
            ("Sam K ", "Sam K"),
            ("Sam  K", "Sam K"),
            ("   ", ""),
            ("Sam\u{a0}K", "Sam K"),
            ("Sam\u{7f}K", "SamK"),
            ("\u{1b}[31mSam\u{1b}[0m K", "Sam K"),
        ] {
            assert_eq!(one_line(text), line, "{text:?}");
        }
    }

    #[test]
    fn sequences_at_either_end_of_plain_runs_go() {
        assert_eq!(clean("\u{1b}[1mbold\u{1b}[0m"), "bold");
        assert_eq!(clean("a\u{1b}]0;t\u{1b}\\b\u{1b}]0;u\u{7}c"), "abc");
        assert_eq!(clean("\r\r\n"), "\n\n");
        assert_eq!(clean("x\u{9b}2Jy\u{202e}"), "xy");
    }

    #[test]
    fn unterminated_sequences_end_the_text_safely() {
        assert_eq!(clean("ok \u{1b}]0;never ends"), "ok ");
        assert_eq!(clean("ok \u{1b}["), "ok ");
        assert_eq!(clean("ok \u{1b}"), "ok ");
    }

    #[test]
    fn invisible_and_format_characters_go() {
        let hostile = "a\u{2028}b\u{2029}c \u{61c}d\u{e0041}\u{e0042}e\u{34f}f\u{ad}g\u{3164}h";
        let out = clean(hostile);
        assert_safe(&out);
        assert_eq!(out, "a\nb\nc defgh");
    }

    #[test]
    fn emoji_sequences_stay_whole() {
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert_eq!(clean(family), family);
        // A health worker: man, joiner, staff of Aesculapius (its selector goes).
        assert_eq!(
            clean("\u{1f468}\u{200d}\u{2695}\u{fe0f}"),
            "\u{1f468}\u{200d}\u{2695}"
        );
        // Scotland: black flag, tag letters g b s c t, cancel tag.
        let scotland = "\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}";
        assert_eq!(clean(scotland), scotland);
        // A joiner between letters hides nothing useful: it goes.
        assert_eq!(clean("ab\u{200d}cd"), "abcd");
        assert_eq!(clean("\u{200d}\u{1f468}"), "\u{1f468}");
    }

    #[test]
    fn quoted_input_is_short_and_safe() {
        let huge = format!(
            "\u{1b}]52;c;{}\u{7}{}",
            "A".repeat(1000),
            "x".repeat(100_000)
        );
        let q = shown(&huge);
        assert!(q.chars().count() <= QUOTE_CHARS + 3, "{}", q.len());
        assert!(!q.contains('\u{1b}'));
        assert!(message(&"y".repeat(10_000)).chars().count() <= MESSAGE_CHARS + 1);
    }
}
