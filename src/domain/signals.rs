//! Signals read from a mention's text once, at import: is it a question, and how does
//! it feel (VADER sentiment, a maintained lexicon tuned for social media).

use super::Signals;
use std::sync::OnceLock;
use vader_sentiment::SentimentIntensityAnalyzer;

fn analyzer() -> &'static SentimentIntensityAnalyzer<'static> {
    static ANALYZER: OnceLock<SentimentIntensityAnalyzer<'static>> = OnceLock::new();
    ANALYZER.get_or_init(SentimentIntensityAnalyzer::new)
}

/// Words that open a question even when the writer left out the question mark.
/// ("what" and "do" are left out: "what a day", "do not buy" are not questions.)
const QUESTION_OPENERS: &[&str] = &[
    "how", "when", "where", "why", "which", "can", "could", "does", "will", "would", "should",
    "anyone",
];

/// Reads the signals of a plain-text body.
pub fn read(body: &str) -> Signals {
    Signals {
        is_question: is_question(body),
        sentiment: sentiment(body),
    }
}

/// VADER compound score in [-1, 1]; 0 for empty text.
pub fn sentiment(body: &str) -> f64 {
    if body.trim().is_empty() {
        return 0.0;
    }
    // VADER's cost grows with length; the opening of a message carries its tone.
    let text = match body.char_indices().nth(2_000) {
        Some((i, _)) => &body[..i],
        None => body,
    };
    let scores = analyzer().polarity_scores(text);
    scores.get("compound").copied().unwrap_or(0.0)
}

/// A question mark outside a link, or a sentence opening with a question word.
pub fn is_question(body: &str) -> bool {
    let has_mark = body
        .split_whitespace()
        .any(|w| !w.starts_with("http") && (w.contains('?') || w.contains('？')));
    if has_mark {
        return true;
    }
    body.split(['.', '!', '\n'])
        .filter_map(|sentence| {
            sentence
                .split_whitespace()
                .find(|w| !w.starts_with('@') && !w.starts_with('#'))
        })
        .any(|first| QUESTION_OPENERS.contains(&first.to_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions() {
        assert!(is_question("@brand where is my order?"));
        assert!(!is_question("see https://x.example/?a=1 for more"));
        assert!(!is_question("love it"));
        assert!(is_question("How do I reset my password"));
        assert!(!is_question("What a great day. Do not change a thing"));
    }

    #[test]
    fn sentiment_has_a_direction() {
        assert!(sentiment("I love this, thank you so much!") > 0.5);
        assert!(sentiment("This is terrible, worst service ever") < -0.5);
        assert_eq!(sentiment(""), 0.0);
    }
}
