//! Bodies exported as HTML (help desks, review sites) become plain text.

use std::borrow::Cow;

/// Tags whose presence marks a body as HTML. Checking for real tag names keeps "I <3
/// you" and "a<b" as they are.
const TAGS: &[&str] = &[
    "<p>", "<p ", "</p>", "<br", "<div", "</div>", "<span", "<a href", "</a>", "<b>", "</b>",
    "<i>", "</i>", "<em>", "<strong>", "<ul>", "<li>", "<img ", "<html", "<body", "<table",
];

/// Whether `body` looks like HTML.
pub fn looks_like_html(body: &str) -> bool {
    if !body.contains('<') {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    TAGS.iter().any(|t| lower.contains(t))
}

/// The plain text of an HTML body; other bodies unchanged. If the HTML cannot be
/// read, the body is kept as written (the sanitizer still cleans it).
pub fn to_plain(body: &str) -> Cow<'_, str> {
    if !looks_like_html(body) {
        return Cow::Borrowed(body);
    }
    html_to_plain(body)
}

/// The plain text of a body known to be HTML. If it cannot be read, the body is
/// kept as written (the sanitizer still cleans it).
pub fn html_to_plain(body: &str) -> Cow<'_, str> {
    // A wide width: rows wrap in the UI, not here.
    match html2text::from_read(body.as_bytes(), 10_000) {
        Ok(text) => Cow::Owned(text.trim_end().to_string()),
        Err(_) => Cow::Borrowed(body),
    }
}

/// HTML without its `<a>` tags (their text stays): mentions, hashtags, links and
/// video timestamps read as written (`@ana`, `#shoes`, the visible url, `0:42`)
/// instead of footnotes. Mastodon's content and YouTube's `textDisplay` go through it.
pub fn without_anchors(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let lower: String = tag.chars().take(4).collect::<String>().to_ascii_lowercase();
        let is_anchor =
            lower.starts_with("<a ") || lower.starts_with("<a>") || lower.starts_with("</a>");
        match (is_anchor, tag.find('>')) {
            (true, Some(end)) => rest = &tag[end + 1..],
            _ => {
                out.push('<');
                rest = &tag[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_and_text_stays() {
        let plain = to_plain("<p>Where is my <b>order</b>?</p><p>Thanks &amp; bye</p>");
        assert!(plain.contains("Where is my"), "{plain}");
        assert!(plain.contains("Thanks & bye"), "{plain}");
        assert!(!plain.contains("<p>"), "{plain}");
        assert_eq!(to_plain("I <3 you, a<b"), "I <3 you, a<b");
        assert_eq!(html_to_plain("it&#39;s &amp;lt;3"), "it's &lt;3");
    }
}
