//! Phrase pieces the generator builds messages from: varied and human-sounding, about
//! a coffee roaster called Northwind Coffee.

use fastrand::Rng;

/// The brand the demo inbox belongs to.
pub const BRAND: &str = "Northwind Coffee";
/// Its handle on every platform.
pub const BRAND_HANDLE: &str = "northwindcoffee";

/// What a message is about, which decides its words and how it is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Question,
    Complaint,
    Praise,
    Plain,
    Spam,
}

const PRODUCTS: &[&str] = &[
    "the Harbor Blend",
    "your oat milk latte",
    "the cold brew",
    "the decaf",
    "the espresso beans",
    "the Ethiopia single origin",
    "the subscription box",
    "the pumpkin spice",
    "the grinder",
    "the gift card",
    "the travel mug",
    "the holiday blend",
];

const PLACES: &[&str] = &[
    "the Main Street shop",
    "the airport kiosk",
    "the downtown store",
    "your Riverside cafe",
    "the store on 5th",
    "the drive-through",
];

const OPENERS: &[&str] = &[
    "",
    "",
    "",
    "Hi! ",
    "Hey ",
    "Hello, ",
    "Quick one: ",
    "Um, ",
    "Ok so ",
];

const QUESTIONS: &[&str] = &[
    "do you ship {p} to Canada?",
    "is {p} back in stock yet?",
    "what time does {s} open on Sundays?",
    "can I change the address on my order before it ships?",
    "how do I cancel {p}?",
    "does {p} have any dairy in it?",
    "is there a student discount?",
    "when will {p} be available again?",
    "can I pause {p} while I'm travelling?",
    "where do your beans come from?",
    "how long does delivery usually take?",
    "why was I charged twice for {p}?",
    "any chance you're hiring at {s}?",
    "is {s} wheelchair accessible?",
];

const COMPLAINTS: &[&str] = &[
    "my order still hasn't arrived and it's been two weeks",
    "{p} tasted burnt this morning, really disappointed",
    "waited 25 minutes at {s} for one drink",
    "the app keeps crashing when I try to pay",
    "I was charged twice and nobody answers the phone",
    "{p} arrived with the bag torn open",
    "the staff at {s} were so rude today",
    "this is the third time my subscription skipped a month",
    "worst service I've had in a long time",
    "my refund was promised ten days ago and still nothing",
    "{p} is way too expensive now for what it is",
];

const PRAISE: &[&str] = &[
    "{p} is honestly the best thing about my mornings",
    "shoutout to the barista at {s}, you made my day",
    "just tried {p} and wow",
    "love love love {p}",
    "your team at {s} is always so kind",
    "the packaging is gorgeous, thank you",
    "{p} arrived a day early, great service",
    "best coffee in town, no contest",
    "thanks for fixing my order so quickly!",
];

const PLAIN: &[&str] = &[
    "grabbing {p} before work",
    "Monday mood: {p}",
    "studying at {s} all afternoon",
    "first coffee of the day at {s}",
    "anyone else addicted to {p}",
    "rainy day, {p} and a good book",
    "meeting a friend at {s} later",
];

const SPAM: &[&str] = &[
    "Get 10K real followers today!!! DM us",
    "Earn $500/day from home, link in bio",
    "Congratulations! You won a free iPhone, claim at bit.ly/free-ph0ne",
    "Crypto giveaway: send 0.1 BTC receive 1 BTC",
    "Cheap promo for your page, 100% safe",
];

const CLOSERS: &[&str] = &[
    "",
    "",
    "",
    " Thanks!",
    " Thx",
    " Please help.",
    " Cheers",
    " !!",
    " lol",
];
const EMOJI: &[&str] = &[
    "", "", "", "", " ☕", " 😍", " 😡", " 🙏", " ❤️", " 😂", " 🤔", " ✨",
];

/// A message of `topic`, optionally opening with the brand's handle.
pub fn message(rng: &mut Rng, topic: Topic, tag_brand: bool) -> String {
    let core = match topic {
        Topic::Question => pick(rng, QUESTIONS),
        Topic::Complaint => pick(rng, COMPLAINTS),
        Topic::Praise => pick(rng, PRAISE),
        Topic::Plain => pick(rng, PLAIN),
        Topic::Spam => return pick(rng, SPAM).to_string(),
    };
    let core = core
        .replace("{p}", pick(rng, PRODUCTS))
        .replace("{s}", pick(rng, PLACES));
    let opener = pick(rng, OPENERS);
    let mut text = String::with_capacity(120);
    if tag_brand {
        text.push('@');
        text.push_str(BRAND_HANDLE);
        text.push(' ');
    }
    text.push_str(opener);
    text.push_str(&core);
    if topic == Topic::Praise && rng.bool() {
        text.push('!');
    }
    text.push_str(pick(rng, CLOSERS));
    let emoji = match topic {
        Topic::Complaint => [" 😡", " 😤", "", ""][rng.usize(..4)],
        Topic::Praise => [" 😍", " ❤️", " ☕", ""][rng.usize(..4)],
        _ => pick(rng, EMOJI),
    };
    text.push_str(emoji);
    text
}

const REPLIES: &[(&str, &[&str])] = &[
    (
        "question",
        &[
            "Great question! Yes, we do. Details are on our FAQ page.",
            "Hi there! Send us a DM with your order number and we'll sort it out.",
            "Thanks for asking: it's back next week, we'll ping you.",
            "We open at 8am on Sundays. See you soon!",
        ],
    ),
    (
        "complaint",
        &[
            "We're so sorry about this. Please DM us your order number so we can make it right.",
            "That's not the experience we want for you. Our team is looking into it now.",
            "Really sorry! A refund is on its way; it can take 3-5 days to show.",
        ],
    ),
    (
        "praise",
        &[
            "This made our day, thank you!",
            "Thank you so much! We'll pass it on to the team.",
            "So glad you're enjoying it!",
        ],
    ),
    (
        "plain",
        &["Enjoy! ☕", "Have a lovely day!", "Thanks for stopping by!"],
    ),
];

/// Our reply to a message of `topic`.
pub fn reply(rng: &mut Rng, topic: Topic) -> String {
    let key = match topic {
        Topic::Question => "question",
        Topic::Complaint => "complaint",
        Topic::Praise => "praise",
        _ => "plain",
    };
    let options = REPLIES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&["Thanks!"][..], |(_, o)| *o);
    pick(rng, options).to_string()
}

const FIRST: &[&str] = &[
    "maria", "james", "aisha", "chen", "lucas", "sofia", "omar", "emma", "noah", "priya", "diego",
    "hana", "liam", "fatima", "olivia", "yuki", "mateo", "zoe", "ravi", "ingrid", "kwame", "lena",
    "tom", "ana", "sam", "jo", "mo", "elif", "david", "sara",
];
const LAST: &[&str] = &[
    "garcia", "smith", "khan", "wang", "silva", "rossi", "nguyen", "jones", "patel", "müller",
    "kim", "cohen", "okafor", "larsen", "dubois", "tanaka", "brown", "haddad", "novak", "reyes",
];

/// A first and last name.
pub fn name(rng: &mut Rng) -> (&'static str, &'static str) {
    (pick(rng, FIRST), pick(rng, LAST))
}

/// One of `items` (which is never empty here).
pub fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.usize(..items.len().max(1)))
        .copied()
        .unwrap_or("")
}
