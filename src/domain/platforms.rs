//! What each platform lets the operator do with a message, in one table: the
//! suggestion and the keys both ask here, so rapport never suggests (or writes) a
//! like that the platform cannot take.

use super::MentionKind;

/// What can be done with a message on its platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Can {
    pub reply: bool,
    pub like: bool,
}

/// Replies and likes both work: the platforms with a like (or favourite) in their API,
/// and any platform rapport does not know.
const BOTH: Can = Can {
    reply: true,
    like: true,
};
/// Only a reply: texts, reviews, and comments whose API has no like.
const REPLY_ONLY: Can = Can {
    reply: true,
    like: false,
};

/// Each known platform: what it supports and what one of its messages is called.
const PLATFORMS: &[(&str, Can, &str)] = &[
    ("sms", REPLY_ONLY, "an SMS"),
    ("twilio", REPLY_ONLY, "an SMS"),
    ("google", REPLY_ONLY, "a Google review"),
    // The YouTube Data API and the Instagram Graph API have no like for comments.
    ("youtube", REPLY_ONLY, "a YouTube comment"),
    ("instagram", REPLY_ONLY, "an Instagram comment"),
    ("twitter", BOTH, "a tweet"),
    ("x", BOTH, "a post on X"),
    ("mastodon", BOTH, "a Mastodon post"),
    ("bluesky", BOTH, "a Bluesky post"),
    ("facebook", BOTH, "a Facebook comment"),
    ("reddit", BOTH, "a Reddit comment"),
];

fn known(platform: &str) -> Option<&'static (&'static str, Can, &'static str)> {
    PLATFORMS
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(platform))
}

/// What can be done with a message of `kind` on `platform`. A text message or a
/// review cannot be liked wherever it arrives; an unknown platform can do both.
pub fn can(platform: &str, kind: MentionKind) -> Can {
    let can = known(platform).map_or(BOTH, |(_, can, _)| *can);
    match kind {
        MentionKind::Sms | MentionKind::Review => Can { like: false, ..can },
        _ => can,
    }
}

/// Why a like is refused, for the status bar ("an SMS cannot be liked; reply
/// instead"); `None` when the platform takes likes.
pub fn why_no_like(platform: &str, kind: MentionKind) -> Option<String> {
    if can(platform, kind).like {
        return None;
    }
    let what = match (kind, known(platform)) {
        (MentionKind::Sms, _) => "an SMS",
        (_, Some((_, _, what))) => what,
        (MentionKind::Review, None) => "a review",
        (_, None) => "this message",
    };
    Some(format!("{what} cannot be liked; reply instead"))
}

/// The @handles a message names, in order, without the `@` and trailing punctuation
/// ("@Delta!" names "Delta").
pub fn handles(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter_map(|w| w.strip_prefix('@'))
        .map(|h| h.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_'))
        .filter(|h| !h.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_in_a_message() {
        let named: Vec<&str> = handles("@115712 hi @Delta! (cc @AA_Help), @ alone").collect();
        assert_eq!(named, ["115712", "Delta", "AA_Help"]);
    }

    #[test]
    fn likes_only_where_the_platform_takes_them() {
        assert_eq!(can("sms", MentionKind::Sms), REPLY_ONLY);
        assert_eq!(can("twilio", MentionKind::Sms), REPLY_ONLY);
        assert_eq!(can("google", MentionKind::Review), REPLY_ONLY);
        assert!(!can("youtube", MentionKind::Comment).like);
        assert!(!can("Instagram", MentionKind::Comment).like);
        for p in ["twitter", "x", "mastodon", "bluesky", "facebook", "reddit"] {
            assert_eq!(can(p, MentionKind::Mention), BOTH, "{p}");
        }
        assert_eq!(can("somewhere-new", MentionKind::Comment), BOTH);
        // A text is a text on any platform.
        assert!(!can("somewhere-new", MentionKind::Sms).like);
    }

    #[test]
    fn a_refused_like_says_why() {
        assert_eq!(
            why_no_like("sms", MentionKind::Sms).as_deref(),
            Some("an SMS cannot be liked; reply instead")
        );
        assert_eq!(
            why_no_like("youtube", MentionKind::Comment).as_deref(),
            Some("a YouTube comment cannot be liked; reply instead")
        );
        assert_eq!(why_no_like("twitter", MentionKind::Mention), None);
    }
}
