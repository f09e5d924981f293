//! Text for the screen: times in the operator's zone, widths that respect wide and
//! zero-width characters, and untrusted text made safe to draw.

use crate::config::Config;
use crate::domain::{human, sanitize};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// A time in the working-hours zone, with the year when it is not `now`'s (see
/// [`human::local_time`]).
pub fn local_time(config: &Config, at: i64, now: i64) -> String {
    human::local_time(config.working_hours.time_zone.0, at, now)
}

/// The columns `text` takes on screen, measured per grapheme cluster as the
/// renderer does (a family emoji joined with zero-width joiners is one glyph, two
/// columns, not three glyphs).
pub fn columns(text: &str) -> usize {
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// One line of untrusted text cut to `width` columns, with "…" when cut.
pub fn fit(text: &str, width: usize) -> String {
    let clean = sanitize::one_line(text);
    if columns(&clean) <= width {
        return clean;
    }
    let mut out = String::new();
    let mut used = 0;
    for g in clean.graphemes(true) {
        let w = g.width();
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push_str(g);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` padded with spaces to `width` columns (after [`fit`]).
pub fn pad(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let used = columns(&fitted);
    format!("{fitted}{}", " ".repeat(width.saturating_sub(used)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_columns_not_bytes() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("日本語テキスト", 7), "日本語…");
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(fit("a\u{1b}[31mred\u{7}", 10), "ared");
        assert_eq!(fit("x", 0), "");
    }
}
