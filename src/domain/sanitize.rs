//! Text from the internet is untrusted. Every body, handle and name passes through
//! `clean` at import, so what is stored (and later drawn) holds no control characters,
//! no terminal escape sequences and no bidirectional overrides. The UI cleans again
//! with `clean` before drawing, so rows written by other tools are safe too.

/// Removes terminal escape sequences (CSI, OSC, DCS, single ESC), C0/C1 control
/// characters other than newline and tab, and bidi embedding/override/isolate marks.
/// Carriage returns become newlines; tabs become spaces.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // 8-bit CSI / OSC / DCS introducers behave like ESC [ / ESC ] / ESC P.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' => out.push(' '),
            '\n' => out.push('\n'),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// One line for a list row: `clean`, then every run of whitespace becomes one space.
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

pub fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that must never reach a terminal or reorder what surrounds them.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'   // zero-width space/joiners, LRM/RLM
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{feff}'              // BOM / zero-width no-break space
            | '\u{fff9}'..='\u{fffb}' // interlinear annotations
            // Emoji/text presentation selectors: terminals disagree on the width they
            // give "❤️" (one column or two), which shifts everything after it.
            | '\u{fe0e}' | '\u{fe0f}'
        )
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
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
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/APC/PM strings end with BEL, ESC \ or ST (U+9C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
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
            !s.chars()
                .any(|c| (c.is_control() && c != '\n') || is_unsafe(c)),
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
    fn unterminated_sequences_end_the_text_safely() {
        assert_eq!(clean("ok \u{1b}]0;never ends"), "ok ");
        assert_eq!(clean("ok \u{1b}["), "ok ");
        assert_eq!(clean("ok \u{1b}"), "ok ");
    }
}
