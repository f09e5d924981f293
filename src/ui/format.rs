//! Text for the screen: times in the operator's zone, widths that respect wide and
//! zero-width characters, and untrusted text made safe to draw.

use crate::config::Config;
use crate::domain::{human, sanitize};
use ratatui::text::{Line, Span};
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
    fit_measured(text, width).0
}

/// `fit`, and the columns the result takes. One pass over the clusters, stopping at
/// the first that does not fit: a list row's preview holds up to 300 characters and
/// shows a few dozen, on every row of every frame.
fn fit_measured(text: &str, width: usize) -> (String, usize) {
    let clean = sanitize::one_line(text);
    let mut used = 0;
    // Where the text stops, and its columns, if it must be cut (room left for "…").
    let mut cut = None;
    for (at, g) in clean.grapheme_indices(true) {
        let w = g.width();
        if cut.is_none() && used + w + 1 > width {
            cut = Some((at, used));
        }
        if used + w > width {
            let (at, cols) = cut.unwrap_or((at, used));
            let mut out = clean[..at].to_string();
            if width == 0 {
                return (out, cols);
            }
            out.push('…');
            return (out, cols + 1);
        }
        used += w;
    }
    (clean, used)
}

/// One line of untrusted text cut to `width` columns at a word, with "…" when cut:
/// for sentences (help, notices), where half a word reads as another word. A first
/// word longer than half the width is cut inside it, still with "…".
pub fn fit_words(text: &str, width: usize) -> String {
    let clean = sanitize::one_line(text);
    if columns(&clean) <= width {
        return clean;
    }
    let cut = fit(&clean, width);
    let kept = cut.trim_end_matches('…');
    if clean[kept.len()..].starts_with(' ') {
        return format!("{}…", kept.trim_end());
    }
    // Only whole words: drop the word the cut went into, unless it is the only one.
    match kept.rfind(' ') {
        Some(space) if columns(&kept[..space]) * 2 >= width => {
            format!(
                "{}…",
                kept[..space].trim_end_matches([' ', ',', ';', ':', '·'])
            )
        }
        _ => cut,
    }
}

/// Whole fields of a line, in priority order, as many as fit in `width` columns with
/// `sep` between them: a field that does not fit is dropped with everything after it,
/// never cut (a cut "1 snooze" or "done 5" would say something else).
pub fn fit_fields<'a>(fields: Vec<Vec<Span<'a>>>, sep: Span<'a>, width: usize) -> Line<'a> {
    let span_columns = |spans: &[Span]| spans.iter().map(|s| columns(&s.content)).sum::<usize>();
    let sep_w = columns(&sep.content);
    let mut used = 0;
    let mut out: Vec<Span> = Vec::new();
    for field in fields {
        let w = span_columns(&field) + if out.is_empty() { 0 } else { sep_w };
        if used + w > width {
            break;
        }
        if !out.is_empty() {
            out.push(sep.clone());
        }
        used += w;
        out.extend(field);
    }
    Line::from(out)
}

/// Where one line of text breaks into rows of at most `width` columns, as the char
/// index each row starts at: after the last space that fits (a space may hang past
/// the edge, it shows nothing), or inside a word longer than a row. Widths are
/// measured per grapheme cluster, as the renderer does ([`columns`]): a heart with
/// its emoji selector takes two columns, not one, so a row is never a cell too long
/// (the renderer would wrap that cell onto a row of its own, without the indent).
pub fn row_starts(line: &str, width: usize) -> Vec<usize> {
    // (char index, columns, is a space) of each grapheme cluster.
    let mut clusters = Vec::new();
    let mut at = 0;
    for g in line.graphemes(true) {
        clusters.push((at, g.width(), g == " "));
        at += g.chars().count();
    }
    let width = width.max(1);
    let mut starts = vec![0];
    // Indexes into `clusters`.
    let (mut start, mut used, mut after_space) = (0, 0, None);
    let mut i = 0;
    while i < clusters.len() {
        let (_, w, space) = clusters[i];
        if space {
            used += w;
            i += 1;
            after_space = Some(i);
            continue;
        }
        if used + w > width && i > start {
            let cut = after_space.filter(|&s| s > start).unwrap_or(i);
            starts.push(clusters[cut].0);
            start = cut;
            after_space = None;
            used = clusters[start..i].iter().map(|c| c.1).sum();
            continue;
        }
        used += w;
        i += 1;
    }
    starts
}

/// One line of untrusted text wrapped at words to `width` columns, every row after
/// `indent` (the first one too), so a wrapped paragraph keeps its left edge.
pub fn wrap_indented(text: &str, width: usize, indent: usize) -> Vec<String> {
    let clean = sanitize::one_line(text);
    let chars: Vec<char> = clean.chars().collect();
    let starts = row_starts(&clean, width.saturating_sub(indent));
    let pad = " ".repeat(indent);
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(chars.len());
            let row: String = chars[start..end].iter().collect();
            format!("{pad}{}", row.trim_end())
        })
        .collect()
}

/// `text` padded with spaces to `width` columns (after [`fit`]).
pub fn pad(text: &str, width: usize) -> String {
    let (mut fitted, used) = fit_measured(text, width);
    fitted.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    fitted
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

    #[test]
    fn fit_in_one_pass_cuts_where_a_count_of_every_column_would() {
        // The plain rule: whole if it fits, else the clusters that leave room for "…".
        fn by_counting(text: &str, width: usize) -> String {
            let clean = sanitize::one_line(text);
            if columns(&clean) <= width {
                return clean;
            }
            let mut out = String::new();
            for g in clean.graphemes(true) {
                if columns(&out) + g.width() + 1 > width {
                    break;
                }
                out.push_str(g);
            }
            if width > 0 {
                out.push('…');
            }
            out
        }
        let texts = [
            "",
            "hello world",
            "日本語テキスト",
            "e\u{301}e\u{301} ok",
            "\u{301}\u{301}",
            "a\u{2764}\u{fe0f}b\u{1f468}\u{200d}\u{1f469}",
            "\u{200b}日",
        ];
        for text in texts {
            for width in 0..12 {
                let fitted = fit(text, width);
                assert_eq!(fitted, by_counting(text, width), "{text:?} in {width}");
                assert_eq!(columns(&pad(text, width)), width.max(columns(&fitted)));
            }
        }
    }

    #[test]
    fn fit_words_cuts_between_words() {
        assert_eq!(fit_words("queue a reply now", 17), "queue a reply now");
        assert_eq!(fit_words("queue a reply now", 14), "queue a reply…");
        assert_eq!(fit_words("queue a reply now", 12), "queue a…");
        // One long word: cut inside it, marked.
        assert_eq!(fit_words("unbelievably", 6), "unbel…");
        assert_eq!(fit_words("a, b, c", 5), "a, b…");
    }

    #[test]
    fn rows_measure_what_the_screen_draws() {
        // A heart with its emoji selector is two columns: "ab ❤️" is five, not four.
        let heart = "ab \u{2764}\u{fe0f} cd";
        assert_eq!(columns("\u{2764}\u{fe0f}"), 2);
        assert_eq!(row_starts(heart, 4), [0, 3, 6]);
        for row in wrap_indented(heart, 6, 2) {
            assert!(columns(&row) <= 6, "{row:?}");
        }
        // A family joined with zero-width joiners is one glyph of two columns.
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} ok";
        assert_eq!(row_starts(family, 5), [0]);
        // Combining marks take no column; wide characters two.
        assert_eq!(row_starts("e\u{301}e\u{301}e\u{301} 日本語", 4), [0, 7, 9]);
    }

    #[test]
    fn rows_break_after_spaces() {
        assert_eq!(row_starts("", 5), [0]);
        assert_eq!(row_starts("hello", 5), [0]);
        assert_eq!(row_starts("hello world", 8), [0, 6]);
        // A space at the edge hangs; the next word starts the row.
        assert_eq!(row_starts("hello world", 5), [0, 6]);
        assert_eq!(row_starts("abcdefghij", 4), [0, 4, 8]);
        assert_eq!(row_starts("a bb ccc dddd", 6), [0, 5, 9]);
        assert_eq!(row_starts("日本語", 4), [0, 2]);
    }

    #[test]
    fn wrapped_rows_keep_their_indent() {
        assert_eq!(
            wrap_indented("studying all afternoon please help", 16, 4),
            ["    studying all", "    afternoon", "    please help"]
        );
    }

    #[test]
    fn fit_fields_drops_whole_fields() {
        let fields = vec![
            vec![Span::raw("531 open")],
            vec![Span::raw("done 57")],
            vec![Span::raw("1 snoozed")],
        ];
        let text = |l: Line| {
            l.spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert_eq!(
            text(fit_fields(fields.clone(), Span::raw(" · "), 40)),
            "531 open · done 57 · 1 snoozed"
        );
        assert_eq!(
            text(fit_fields(fields.clone(), Span::raw(" · "), 25)),
            "531 open · done 57"
        );
        assert_eq!(text(fit_fields(fields, Span::raw(" · "), 12)), "531 open");
    }
}
