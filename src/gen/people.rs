//! The generator's people: each one derived from its index alone (so a million
//! mentions need no table of authors in memory), with heavy-tailed follower counts.

use super::text;
use crate::domain::NewPerson;
use fastrand::Rng;

/// The platforms generated, with their share of people (percent).
pub const PLATFORMS: &[(&str, u32)] = &[
    ("twitter", 35),
    ("instagram", 25),
    ("facebook", 15),
    ("sms", 10),
    ("google", 15),
];

/// The first people are the talkative ones: they write many mentions each.
pub const TALKATIVE: u64 = 8;
/// Right after them come a few accounts with a huge audience.
const HUGE: std::ops::Range<u64> = 8..13;

/// One generated person.
#[derive(Debug, Clone)]
pub struct Persona {
    pub person: NewPerson,
    /// Bots write spam.
    pub bot: bool,
}

/// Person number `idx` of the generator seeded with `seed`.
pub fn persona(seed: u64, idx: u64) -> Persona {
    let mut rng = Rng::with_seed(seed ^ idx.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let roll = rng.u32(..100);
    let mut acc = 0;
    let platform = PLATFORMS
        .iter()
        .find(|(_, share)| {
            acc += share;
            roll < acc
        })
        .map_or("twitter", |(p, _)| *p);
    let bot = idx >= HUGE.end && platform != "sms" && platform != "google" && rng.u32(..100) < 4;
    let (first, last) = text::name(&mut rng);
    let n = rng.u32(..100);
    let handle = match platform {
        "sms" => format!("+1555{:07}", idx % 10_000_000),
        "google" => format!(
            "{} {}.",
            capital(first),
            capital(last).chars().next().unwrap_or('X')
        ),
        "facebook" => format!("{first}.{last}.{n}"),
        _ if bot => format!("promo_{first}{n}{}", rng.u32(1000..9999)),
        _ => match rng.u8(..3) {
            0 => format!("{first}_{last}"),
            1 => format!("{first}{last}{n}"),
            _ => format!(
                "{first}.{}{n}",
                &last[..last.char_indices().nth(2).map_or(last.len(), |(i, _)| i)]
            ),
        },
    };
    let followers = match platform {
        "sms" | "google" => None,
        _ if HUGE.contains(&idx) => Some(rng.i64(50_000..2_500_000)),
        _ if bot => Some(rng.i64(0..300)),
        // Pareto-like: most have tens or hundreds, a few have tens of thousands.
        _ => Some(((30.0 / (1.0 - rng.f64()).max(1e-6).powf(0.9)) as i64).min(3_000_000)),
    };
    let profile_url = match platform {
        "twitter" => Some(format!("https://twitter.com/{handle}")),
        "instagram" => Some(format!("https://instagram.com/{handle}")),
        "facebook" => Some(format!("https://facebook.com/{handle}")),
        _ => None,
    };
    let display_name = (platform != "sms" && rng.u8(..10) > 1)
        .then(|| format!("{} {}", capital(first), capital(last)));
    Persona {
        person: NewPerson {
            platform: platform.to_string(),
            platform_user_id: format!("{}", 100_000 + idx * 7 + u64::from(n % 7)),
            handle,
            display_name,
            followers,
            profile_url,
            is_bot: bot,
        },
        bot,
    }
}

fn capital(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_stable_and_varied() {
        assert_eq!(persona(7, 42).person, persona(7, 42).person);
        let people: Vec<_> = (0..2000).map(|i| persona(7, i)).collect();
        for (p, _) in PLATFORMS {
            assert!(people.iter().any(|x| x.person.platform == *p), "{p}");
        }
        assert!(people.iter().any(|x| x.bot));
        let big = people
            .iter()
            .filter(|x| x.person.followers.unwrap_or(0) >= 10_000)
            .count();
        assert!((5..200).contains(&big), "{big} big accounts");
    }
}
