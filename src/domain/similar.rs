//! How alike two replies are, for the duplicate guard: the same words once case,
//! punctuation and the recipient's name are set aside.

/// Lowercase words without punctuation, single-spaced, without the words of the
/// recipient's name: "Thanks, Ana!!" to Ana -> "thanks". A text copied to many people
/// with only the name changed is the same text.
pub fn normalize(text: &str, names: &[&str]) -> String {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let skip: Vec<String> = names.iter().flat_map(|n| words(n)).collect();
    words(text)
        .into_iter()
        .filter(|w| !skip.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How alike two normalized texts are, from 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        1.0
    } else {
        strsim::sorensen_dice(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_copies_are_alike() {
        let ana = ["ana_b", "Ana Bell"];
        let a = normalize("Thank you so much, Ana! Enjoy the cold brew :)", &ana);
        let b = normalize("thank you so much ana enjoy the cold brew", &ana);
        assert_eq!(a, b);
        assert_eq!(a, "thank you so much enjoy the cold brew");
        let c = normalize("Thank you so much, Ben! Enjoy the cold brew :)", &["ben"]);
        assert_eq!(similarity(&a, &c), 1.0);
        let typo = normalize("Thank you so much, Ben! Enjoy the cold brew!!", &[]);
        assert!(similarity(&a, &typo) > 0.85, "{}", similarity(&a, &typo));
        let d = normalize("Sorry about the late delivery, we are on it.", &[]);
        assert!(similarity(&a, &d) < 0.5);
    }
}
