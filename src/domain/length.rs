//! How long a reply may be on each platform, counted the way the platform counts:
//! X weighs characters (most scripts and emoji count two) and links as 23; Mastodon
//! counts characters with links as 23; Bluesky counts graphemes; an SMS is split into
//! segments of 160 GSM-7 or 70 UCS-2 characters (153 and 67 when there are several).

use unicode_segmentation::UnicodeSegmentation;

/// What the compose pane shows and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    /// Used of at most `limit`, in the platform's own unit.
    Counted { used: usize, limit: usize },
    /// An SMS: `segments` messages of `per_segment` characters each (the whole text is
    /// `chars` long), `unicode` when it needs UCS-2.
    Sms {
        chars: usize,
        segments: usize,
        per_segment: usize,
        unicode: bool,
    },
}

impl Measure {
    /// Over the platform's limit (an SMS longer than `MAX_SMS_SEGMENTS`).
    pub fn too_long(&self) -> bool {
        match self {
            Measure::Counted { used, limit } => used > limit,
            Measure::Sms { segments, .. } => *segments > MAX_SMS_SEGMENTS,
        }
    }

    /// "123/280", "2 SMS · 95 chars".
    pub fn label(&self) -> String {
        match self {
            Measure::Counted { used, limit } => format!("{used}/{limit}"),
            Measure::Sms {
                chars,
                segments,
                unicode,
                ..
            } => format!(
                "{segments} SMS · {chars} chars{}",
                if *unicode {
                    " (unicode: 70 a message)"
                } else {
                    ""
                }
            ),
        }
    }
}

/// Twilio sends at most this many segments of one message.
pub const MAX_SMS_SEGMENTS: usize = 10;

/// A link counts this much on X and Mastodon, whatever its length.
const LINK_WEIGHT: usize = 23;

/// How `body` measures on `platform`; None where no limit is known.
pub fn measure(platform: &str, body: &str) -> Option<Measure> {
    let counted = |used, limit| Some(Measure::Counted { used, limit });
    match platform {
        "twitter" | "x" => counted(x_weight(body), 280),
        "mastodon" => counted(with_links(body, |w| w.chars().count()), 500),
        "bluesky" => counted(body.graphemes(true).count(), 300),
        "instagram" => counted(body.chars().count(), 2200),
        "facebook" => counted(body.chars().count(), 8000),
        "youtube" => counted(body.chars().count(), 10_000),
        "reddit" => counted(body.chars().count(), 10_000),
        "sms" | "twilio" => Some(sms(body)),
        _ => None,
    }
}

/// The X weight: links 23, code points of Latin and common punctuation 1, the rest
/// (CJK, emoji, most other scripts) 2 — twitter-text's default configuration.
fn x_weight(body: &str) -> usize {
    with_links(body, |word| {
        word.chars()
            .map(|c| match c as u32 {
                0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
                _ => 2,
            })
            .sum()
    })
}

/// Sums `weigh` over the text, with each link counted as `LINK_WEIGHT`.
fn with_links(body: &str, weigh: impl Fn(&str) -> usize) -> usize {
    // Split keeping the spaces, so they count too.
    let mut total = 0;
    for piece in body.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        let space = &piece[word.len()..];
        total += if word.starts_with("http://") || word.starts_with("https://") {
            LINK_WEIGHT
        } else {
            weigh(word)
        };
        total += weigh(space);
    }
    total
}

/// The GSM 03.38 basic set (one unit each) and its extension (two units: escape + char).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{c}";

fn sms(body: &str) -> Measure {
    let gsm_units: Option<usize> = body
        .chars()
        .map(|c| {
            if GSM_BASIC.contains(c) {
                Some(1)
            } else if GSM_EXTENDED.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (units, single, multi, unicode) = match gsm_units {
        Some(u) => (u, 160, 153, false),
        // UCS-2: characters outside the basic plane take two units.
        None => (body.encode_utf16().count(), 70, 67, true),
    };
    let segments = if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    Measure::Sms {
        chars: units,
        segments,
        per_segment: if segments == 1 { single } else { multi },
        unicode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_counts_links_as_23_and_cjk_and_emoji_as_2() {
        let m = |b: &str| measure("twitter", b).unwrap();
        assert_eq!(
            m("hello"),
            Measure::Counted {
                used: 5,
                limit: 280
            }
        );
        assert_eq!(
            m("see https://example.com/a/very/long/path/indeed/yes ok"),
            Measure::Counted {
                used: 4 + 23 + 3,
                limit: 280
            }
        );
        assert_eq!(
            m("日本"),
            Measure::Counted {
                used: 4,
                limit: 280
            }
        );
        assert_eq!(
            m("😀"),
            Measure::Counted {
                used: 2,
                limit: 280
            }
        );
        assert!(m(&"a".repeat(281)).too_long());
        assert!(!m(&"a".repeat(280)).too_long());
    }

    #[test]
    fn bluesky_counts_graphemes_and_mastodon_characters() {
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert_eq!(
            measure("bluesky", family),
            Some(Measure::Counted {
                used: 1,
                limit: 300
            })
        );
        assert_eq!(
            measure("mastodon", &"é".repeat(500)),
            Some(Measure::Counted {
                used: 500,
                limit: 500
            })
        );
        assert_eq!(measure("somewhere", "x"), None);
    }

    #[test]
    fn sms_segments_follow_the_alphabet() {
        let seg = |b: &str| match sms(b) {
            Measure::Sms {
                segments, unicode, ..
            } => (segments, unicode),
            other => panic!("{other:?}"),
        };
        assert_eq!(seg(&"a".repeat(160)), (1, false));
        assert_eq!(seg(&"a".repeat(161)), (2, false));
        assert_eq!(seg(&"a".repeat(306)), (2, false));
        assert_eq!(seg(&"a".repeat(307)), (3, false));
        // One emoji makes the whole message UCS-2: 70 a segment.
        assert_eq!(seg(&format!("{}😀", "a".repeat(68))), (1, true));
        assert_eq!(seg(&format!("{}😀", "a".repeat(69))), (2, true));
        // The euro sign is in GSM-7's extension: two units.
        assert_eq!(seg(&"€".repeat(80)), (1, false));
        assert_eq!(seg(&"€".repeat(81)), (2, false));
        assert!(measure("sms", &"a".repeat(153 * 11)).unwrap().too_long());
        // A text through Twilio counts the same.
        assert_eq!(measure("twilio", "hi"), measure("sms", "hi"));
    }
}
