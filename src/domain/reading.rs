//! Reading an incoming message the way a careful community manager would: is it a
//! complaint, a question, praise, a plain mention or spam, and which words say so.
//!
//! Sentiment alone misses complaints written in neutral words ("still waiting",
//! "never arrived", "can't log in"), so the reading rests on word lists of how people
//! describe problems, ask for help, praise and spam. Every list is a `const` slice
//! below with the reason it exists; a trailing `*` marks a stem ("crash*" matches
//! "crashes", "crashed"). The text is first normalized into a reused buffer
//! (lowercase, apostrophes dropped so "can't", "can’t" and "cant" are one word, links
//! and @handles removed, a hashtag's word kept), then one Aho-Corasick automaton finds
//! every listed phrase in a single pass. Two pairings are found on the way: a negator
//! before a service verb ("won't load", "didn't receive") and an owner before a thing
//! ("my order", "your website"). The scoring is a sum of weights per kind (strong
//! problem cues weigh 3, medium 2, weak 1):
//!
//! - spam cues ≥ [`SPAM_AT`] and no complaint → Spam (kept conservative);
//! - problem cues ≥ [`COMPLAINT_AT`], or ≥ [`COMPLAINT_UNPRAISED_AT`] with no positive
//!   word at all → Complaint, even when it also asks something;
//! - a question or a request → Question;
//! - praise cues ≥ [`PRAISE_AT`] and no problem cue at all → Praise;
//! - anything else → Plain.
//!
//! The costly error is a complaint read as praise or plain (it gets a like instead of
//! a reply), so the rules lean towards Complaint: any problem cue, however weak, blocks
//! praise, and two weak ones make a complaint when nothing positive is said.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::cell::RefCell;
use std::fmt;
use std::sync::OnceLock;

/// What an incoming message is, for the operator: it decides the suggested action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Something went wrong for the writer; suggested action: reply.
    Complaint,
    /// The writer asks something or asks for help; suggested action: reply.
    Question,
    /// Clear positive words and no problem; suggested action: thank.
    Praise,
    /// A mention with nothing to answer; suggested action: like.
    Plain,
    /// Follow-for-follow, giveaways, "check my profile"; suggested action: dismiss.
    Spam,
}

impl Class {
    /// Every class, in the order of precedence used when reading.
    pub const ALL: [Class; 5] = [
        Class::Spam,
        Class::Complaint,
        Class::Question,
        Class::Praise,
        Class::Plain,
    ];

    /// The word stored in the database for this class.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Complaint => "complaint",
            Class::Question => "question",
            Class::Praise => "praise",
            Class::Plain => "plain",
            Class::Spam => "spam",
        }
    }

    /// The class stored as `word`, or `None` for an unknown word.
    pub fn parse(word: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == word)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a message reads, as plain data computed once from its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub class: Class,
    /// The words or phrases that decided the class, as written in the text (at most
    /// [`MAX_CUES`], each at most [`MAX_CUE_CHARS`] characters); empty for Plain.
    pub cues: Vec<String>,
    /// Tone from -1 (negative) to 1 (positive), for ranking. A complaint is always at
    /// most -0.3 and praise at least 0.4, the thresholds the rest of rapport uses.
    pub sentiment: f64,
    /// A question mark outside a link, a sentence opening with a question word, or
    /// "wondering"/"anyone know".
    pub is_question: bool,
}

/// At most this many cues are kept on a reading.
pub const MAX_CUES: usize = 3;
/// A cue longer than this is cut, so that a reason fits on one line.
pub const MAX_CUE_CHARS: usize = 30;
/// Problem weight from which a message is a complaint: one strong cue ("refund",
/// "never arrived", "can't log in") or a medium and a weak one ("stuck" + "again").
pub const COMPLAINT_AT: u32 = 3;
/// Problem weight from which a message with no positive word at all is a complaint:
/// one medium cue ("stuck", "missing") or two weak ones ("again" + "my order").
pub const COMPLAINT_UNPRAISED_AT: u32 = 2;
/// Praise weight from which a message is praise: one clear word ("thanks", "love").
pub const PRAISE_AT: u32 = 2;
/// Spam weight from which a message is spam: one unmistakable cue or two likely ones.
pub const SPAM_AT: u32 = 4;

impl Reading {
    /// One line for the operator: `complaint: 'crashes', 'so done'`, `plain mention`.
    pub fn reason(&self) -> String {
        if self.class == Class::Plain || self.cues.is_empty() {
            return match self.class {
                Class::Plain => "plain mention".to_string(),
                other => other.as_str().to_string(),
            };
        }
        let quoted: Vec<String> = self.cues.iter().map(|c| format!("'{c}'")).collect();
        format!("{}: {}", self.class.as_str(), quoted.join(", "))
    }
}

// ---------------------------------------------------------------------------------
// Word lists. Phrases are written lowercase without apostrophes ("cant", "didnt"),
// the way the normalizer writes the text; words are matched whole unless stemmed.
// ---------------------------------------------------------------------------------

/// Something is broken or failing: the heart of most complaints.
const FAULTS: &[&str] = &[
    "broken",
    "crash*",
    "error*",
    "fail*",
    "not working",
    "stopped working",
    "stop working",
    "stops working",
    "not found",
    "outage*",
    "defective",
    "faulty",
    "damaged",
    "malfunction*",
    "unresponsive",
    "not responding",
    "blue screen",
    "black screen",
    "bsod",
    "overheat*",
    "fell apart",
    "falling apart",
    "locked out",
    "hacked",
    "corrupt*",
];

/// Goods and money that went astray: delivery and billing trouble.
const ORDERS_AND_MONEY: &[&str] = &[
    "refund*",
    "never arrived",
    "never received",
    "never came",
    "never showed",
    "never got",
    "charged twice",
    "double charged",
    "double charge",
    "overcharg*",
    "money back",
    "lost my",
    "lost our",
    "lost luggage",
    "stranded",
    "cancelled my",
    "canceled my",
    "wrong order",
    "wrong item",
    "out of stock",
];

/// Nobody answers: the writer has tried to get help and failed.
const NOT_ANSWERED: &[&str] = &[
    "still waiting",
    "been waiting",
    "no response",
    "no reply",
    "no replies",
    "no answer",
    "no one answers",
    "nobody answers",
    "ignor*",
    "hung up",
    "run around",
    "runaround",
    "still havent",
    "still hasnt",
    "still not",
    "still no",
    "still dont",
    "still doesnt",
    "still cant",
    "yet to",
];

/// Plain words of judgement and feeling that only appear when something is wrong.
const JUDGEMENT: &[&str] = &[
    "worst",
    "worse",
    "terribl*",
    "horribl*",
    "awful*",
    "useless*",
    "unacceptabl*",
    "ridicul*",
    "pathetic*",
    "disgust*",
    "disgrace*",
    "appalling",
    "shocking",
    "shameful",
    "shame on",
    "scam*",
    "rip off",
    "ripoff",
    "ripped off",
    "fraud*",
    "incompetent",
    "rude",
    "disappoint*",
    "frustrat*",
    "annoy*",
    "angry",
    "furious",
    "livid",
    "outrag*",
    "pissed",
    "fed up",
    "sick of",
    "tired of",
    "so done",
    "had enough",
    "unhappy",
    "not happy",
    "not impressed",
    "not good",
    "not great",
    "not ok",
    "not okay",
    "no good",
    "hate*",
    "sucks",
    "suck",
    "sucked",
    "garbage",
    "rubbish",
    "waste of",
    "wasted",
    "wasting",
    "nightmare",
    "complain*",
    "never again",
    "misleading",
    "liar*",
    "lied",
    "lying",
    "poor service",
    "bad service",
    "how many times",
    "fix this",
    "fix it",
    "please fix",
    "pls fix",
    "sort it out",
    "sort this out",
    "what a joke",
    "is a joke",
    "thanks for nothing",
    "go elsewhere",
    "take my business",
    // Let-down and regret: the writer's expectation was not met.
    "let me down",
    "letting me down",
    "lets me down",
    "let us down",
    "regret*",
    "nasty",
    "upset",
    // Negative un- words; "un*" itself would catch "until", "united", "unique".
    "unimpressed",
    "unprofessional",
    "unhelpful",
    "unreliable",
    "unusable",
    "unsafe",
    "unfair",
    "unauthori*",
    "unavailable",
    "unreachable",
    "unresolved",
    "unanswered",
    "inaccurate",
    "inexcusable",
    "inconvenien*",
];

/// Profanity: people swear at a brand when they are angry, rarely when they are glad.
/// ("fucking" can be an intensifier of praise, so it weighs a little less.)
const PROFANITY_STRONG: &[&str] = &[
    "wtf", "ffs", "bullshit", "fuck", "fucked", "fucks", "screwed",
];
const PROFANITY: &[&str] = &[
    "fucking", "fuckin", "shit*", "damn*", "crap*", "hell", "omfg", "smh", "ugh*", "argh*",
];

/// Medium cues: a problem word that also appears in neutral talk ("an issue of the
/// magazine", "the late show"), so it needs another cue to make a complaint.
const TROUBLE: &[&str] = &[
    "issue",
    "issues",
    "problem*",
    "bug",
    "bugs",
    "buggy",
    "glitch*",
    "stuck",
    "missing",
    "wrong",
    "late",
    "delay*",
    "cancelled",
    "canceled",
    "lost",
    "broke",
    "bad",
    "poor",
    "slow*",
    "lag",
    "laggy",
    "lagging",
    "freez*",
    "froze",
    "frozen",
    "disconnect*",
    "dropped",
    "dead",
    "died",
    "dies",
    "drain*",
    "leak*",
    "crack*",
    "torn",
    "ripped",
    "declined",
    "denied",
    "charged",
    "on hold",
    "waited",
    "waiting",
    "nobody",
    "no one",
    "keeps",
    "kept",
    "supposed to",
    "promised",
    "why is",
    "why are",
    "why does",
    "why do",
    "why did",
    "why would",
    "how come",
    "how is it",
    "how long",
    "what happened",
    "whats going on",
    "what is going on",
    "whats up with",
    "where is my",
    "wheres my",
    "where is our",
    "any update",
    "no update",
    "no longer",
    "anymore",
    "mess",
    "messed",
    "joke",
    "stupid",
    "dumb",
    "idiot*",
    "lame",
    "sad",
    "mad",
    "gross",
    "dirty",
    "filthy",
    "cold",
    "expired",
    "unsubscribe",
    "as usual",
    "typical",
    "seriously",
    "unbelievable",
    "cant believe",
    "not even",
    "speak to someone",
    "talk to someone",
    "real person",
    "a human",
    "timed out",
    "timeout",
    "reboot*",
    "reinstall*",
    "factory reset",
    "compensat*",
    "reimburs*",
    // Something that used to work and stopped, or went away.
    "stopped",
    "stops",
    "was working",
    "used to work",
    "gone off",
    "went off",
    "goes off",
    "cut off",
    "cuts off",
    "cuts out",
    "went out",
    "goes out",
    "is down",
    "are down",
    "was down",
    "went down",
    "goes down",
    "been down",
    // Too much of something: the size, price or wait is wrong.
    "too much",
    "too long",
    "too many",
    "too small",
    "too big",
    "too large",
    "too slow",
    "too expensive",
    "too late",
    "overpriced",
    "price increase",
    "price hike",
    // Struggle and confusion.
    "struggl*",
    "suffer*",
    "confus*",
    "futil*",
    "impossible",
    "for some reason",
    "for whatever reason",
    "noisy",
    "screech*",
    "squeak*",
    // What should have happened, or should happen now.
    "should have",
    "shouldnt have",
    "should be",
    "needs to be",
    "not what",
    "bring back",
    "another chance",
    "last chance",
    // The help or the service is absent.
    "no support",
    "no help",
    "no call",
    "no email",
    "no word",
    "no sign",
    "no service",
    "no signal",
    "no internet",
    "no wifi",
    "no power",
    "no sound",
    "no confirmation",
    // General negative words of worry, difficulty and regret.
    "difficult",
    "concern*",
    "danger*",
    "beware",
    "avoid",
    "fake",
    "flimsy",
    "poorly",
    "badly",
    "barely",
    "lack*",
    "shortage",
    "shame",
    "unfortunately",
    "sadly",
    "losing",
    "worried",
];

/// Weak cues: words that lean towards a complaint but are common in other talk.
/// Each only tips a message that already has a medium cue.
const HINTS: &[&str] = &[
    "again",
    "still",
    "why",
    "hours",
    "days",
    "weeks",
    "months",
    "an hour",
    "all day",
    "every time",
    "everytime",
    "each time",
    "second time",
    "third time",
    "2nd time",
    "3rd time",
    "4th time",
    "last time",
    "as always",
    "of course",
    "customer service",
    "customer support",
    "customer care",
    "ticket",
    "case number",
    "paid",
    "fee",
    "fees",
    "password",
    "tried",
    "trying to",
    "attempted",
    "expensive",
    "finally",
    "already",
    "since",
    "used to",
    "doubt",
    "expected",
    "noise",
    "sick",
    "sorry",
    "really",
    "even",
    "without",
    "instead",
    "only",
    "but",
    "after",
    // The writer recounts a transaction: the opening of most complaint stories.
    "bought",
    "ordered",
    "purchased",
    "booked",
    "received",
    "called",
    "emailed",
    "minutes",
    "mins",
    "hrs",
    // Mild negative words, common elsewhere too.
    "hard",
    "weird",
    "strange",
    "odd",
    "worry",
    "afraid",
    "scared",
    "hurt",
    "pain",
    "lose",
    "risk",
    "warning",
    "cheap",
    "hardly",
    "nothing",
    "nowhere",
    "none",
    "apparently",
    "supposedly",
    "clearly",
    "obviously",
];

/// Sarcasm: a positive word that, in these phrases, says the opposite. They cost the
/// message its praise and count as a medium problem cue.
const SARCASM: &[&str] = &[
    "great another",
    "oh great",
    "just great",
    "just perfect",
    "oh perfect",
    "yeah right",
    "so much for",
    "love how",
    "love that i have to",
    "love it when",
    "love when",
    "love being",
    "gotta love",
    "got to love",
    "dont you just love",
    "nice going",
    "thanks a lot for",
    "thanks again for nothing",
    "real nice",
    "wow thanks",
];

/// The writer's own order, account or device: customers name them to a brand mostly
/// when something is wrong with them ("my order", "our new car"), so an owner followed
/// by a thing is a weak cue. The brand's own things ("your website") too.
const OWNERS: &[&str] = &["my", "our", "your"];
/// (Things that are also service verbs, "order" or "update", are left to that list.)
const THINGS: &[&str] = &[
    "orders",
    "package",
    "parcel",
    "delivery",
    "shipment",
    "account",
    "card",
    "bill",
    "payment",
    "money",
    "subscription",
    "flight",
    "bag",
    "luggage",
    "booking",
    "reservation",
    "room",
    "car",
    "phone",
    "laptop",
    "tv",
    "internet",
    "connection",
    "router",
    "modem",
    "app",
    "device",
    "computer",
    "printer",
    "screen",
    "battery",
    "item",
    "items",
    "food",
    "meal",
    "claim",
    "points",
    "membership",
    "email",
    "data",
    "website",
    "site",
    "service",
    "staff",
    "store",
    "system",
    "employees",
    "support",
    "product",
    "software",
];
/// Weight of an owner and a thing ("my order").
const OWNED_THING: u32 = 1;
/// A thing this many words after an owner still belongs to it ("my new phone").
const OWNER_REACH: usize = 1;

/// Words that negate a service verb below: "won't load", "didn't receive".
const NEGATORS: &[&str] = &[
    "not", "dont", "didnt", "doesnt", "isnt", "arent", "wasnt", "werent", "hasnt", "havent",
    "hadnt", "couldnt", "wouldnt",
];

/// Negators that lean towards a problem even alone ("I can't", "never again").
const NEGATORS_WEAK: &[&str] = &["cant", "cannot", "wont", "never"];

/// Negators that say an attempt failed ("unable to", "refused to"): a medium cue alone.
const NEGATORS_FAILED: &[&str] = &[
    "unable to",
    "failed to",
    "fails to",
    "failing to",
    "refuse to",
    "refuses to",
    "refused to",
];

/// What a customer expects a product or a brand to do. Negated ("can't log in",
/// "hasn't shipped", "won't turn on") they are a strong problem cue; alone, nothing.
const SERVICE_VERBS: &[&str] = &[
    "work*",
    "load*",
    "open*",
    "start*",
    "boot*",
    "turn on",
    "charg*",
    "connect*",
    "sync*",
    "updat*",
    "upgrad*",
    "download*",
    "install*",
    "log in",
    "log into",
    "login*",
    "logging in",
    "sign in",
    "signin",
    "sign up",
    "access*",
    "play*",
    "stream*",
    "watch",
    "show*",
    "display*",
    "print*",
    "scan*",
    "send*",
    "sent",
    "receiv*",
    "got",
    "get",
    "arriv*",
    "came",
    "come",
    "ship*",
    "deliver*",
    "track*",
    "respond*",
    "answer*",
    "reply*",
    "replied",
    "help*",
    "hear*",
    "reach*",
    "contact*",
    "call*",
    "order*",
    "buy",
    "purchas*",
    "pay",
    "process*",
    "accept*",
    "cancel*",
    "chang*",
    "reset*",
    "recover*",
    "verify*",
    "verif*",
    "activat*",
    "register*",
    "redeem*",
    "apply",
    "applied",
    "fix*",
    "resolv*",
    "solv*",
    "return*",
    "exchang*",
    "book*",
    "check in",
    "board*",
    "submit*",
    "save*",
    "upload*",
    "post*",
    "subscrib*",
    "remove*",
    "delete*",
    "let me",
    "allow*",
    "recogni*",
    "detect*",
    "fit",
    "fits",
    "last",
    "lasted",
    "find",
    "see",
    "use",
    "go through",
    "went through",
    "pick up",
    "picked up",
    "honor*",
    "honour*",
    "take",
    "read",
    "seen",
    "remember*",
];

/// Phrases that look like problems or negations but are not, so that they are matched
/// (the longest phrase wins) and then weigh nothing.
const NOT_PROBLEMS: &[&str] = &[
    "dont get me wrong",
    "no problem",
    "no problems",
    "no issue",
    "no issues",
    "no worries",
    "not bad",
    "not too bad",
    "not disappointed",
    "never fails",
    "cant complain",
    "cant thank",
    "cant go wrong",
    "problem solved",
    "issue resolved",
    "all sorted",
    "all good",
    "no complaints",
    "lost weight",
    "dead serious",
    "damn good",
    "hell yeah",
    "hell yes",
    "sorry for the",
    "so sorry",
    "cant help but",
    "never heard of",
];

/// Clear praise and thanks. Needs no problem cue to make the message praise.
const PRAISE_STRONG: &[&str] = &[
    "love*",
    "awesome",
    "amazing",
    "excellent",
    "fantastic",
    "brilliant",
    "wonderful",
    "superb",
    "outstanding",
    "kudos",
    "shoutout",
    "shout out",
    "well done",
    "congrat*",
    "thank you so much",
    "thanks so much",
    "many thanks",
    "best service",
    "the best",
    "couldnt be happier",
    "never disappoint*",
    "highly recommend",
];

const PRAISE: &[&str] = &[
    "thank*",
    "thx",
    "great",
    "perfect",
    "appreciat*",
    "impressed",
    "glad",
    "enjoy*",
    "helpful",
    "beautiful",
    "incredible",
    "yay",
    "woohoo",
    "delicious",
    "favorite",
    "favourite",
    "works great",
    "works perfectly",
    "works now",
    "working now",
    "cant wait",
    "best",
    "cool",
    "nice",
    "good",
    "happy",
    "cheers",
    "proud",
    "excited",
];

/// Asking something or asking for help: answered with a reply, like a question.
const ASKS: &[&str] = &[
    "please",
    "pls",
    "plz",
    "can you",
    "could you",
    "would you",
    "will you",
    "can i",
    "can we",
    "could i",
    "how do i",
    "how do you",
    "how can i",
    "how to",
    "is there",
    "are there",
    "is it possible",
    "any way to",
    "anyway to",
    "anyone know",
    "does anyone",
    "wondering",
    "let me know",
    "tell me",
    "help me",
    "need help",
    "need to know",
    "need to speak",
    "need to contact",
    "need to talk",
    "i need",
    "i want to know",
    "advice",
    "any idea",
    "any ideas",
    "dm",
    "dmd",
    "direct message",
    "when will",
    "when is",
    "where can",
    "what is the",
    "whats the",
    "who do i",
    "who can",
    "info on",
    "information",
    "do you have",
    "do you sell",
    "do you ship",
    // Demands: the writer wants something done.
    "need",
    "want",
    "would like",
    "give me",
    "send me",
    "contact me",
    "call me",
    "email me",
    "get back to me",
    "look into",
    "explain",
    "someone",
    "somebody",
    "anyone",
];

/// Unmistakable spam: follow-for-follow, profile plugs, money schemes.
const SPAM_STRONG: &[&str] = &[
    "follow for follow",
    "follow4follow",
    "followforfollow",
    "f4f",
    "check my profile",
    "check out my profile",
    "check my bio",
    "link in my bio",
    "dm me to earn",
    "dm to earn",
    "earn money",
    "passive income",
    "free money",
    "free bitcoin",
    "free crypto",
    "crypto giveaway",
    "airdrop",
    "forex",
    "onlyfans",
    "buy followers",
    "cheap followers",
    "hot singles",
];

/// Likely spam: it takes two of these (or many links or hashtags) to dismiss.
const SPAM_LIKELY: &[&str] = &[
    "follow back",
    "followback",
    "follow me",
    "link in bio",
    "dm me for",
    "make money",
    "giveaway",
    "crypto",
    "bitcoin",
    "click here",
    "click the link",
    "work from home",
    "per day",
    "limited offer",
    "act now",
    "100 free",
    "investment",
    "whatsapp",
    "telegram",
];

/// What a listed phrase tells about the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Problem,
    Praise,
    Ask,
    Spam,
    /// Negates a following service verb.
    Negator,
    /// A service verb: a problem only after a negator.
    Service,
    /// Matched so that it hides a shorter phrase, then weighs nothing.
    Neutral,
    /// "my", "your": a problem cue when a thing follows.
    Owner,
    /// An order, an account, a device: a problem cue after an owner.
    Thing,
}

/// Every list with what it means and how much it weighs.
const GROUPS: &[(Kind, u32, &[&str])] = &[
    // Neutral first: on a tie of length, the earlier phrase wins.
    (Kind::Neutral, 0, NOT_PROBLEMS),
    (Kind::Spam, 4, SPAM_STRONG),
    (Kind::Spam, 2, SPAM_LIKELY),
    (Kind::Problem, 3, FAULTS),
    (Kind::Problem, 3, ORDERS_AND_MONEY),
    (Kind::Problem, 3, NOT_ANSWERED),
    (Kind::Problem, 3, JUDGEMENT),
    (Kind::Problem, 3, PROFANITY_STRONG),
    (Kind::Problem, 2, PROFANITY),
    (Kind::Problem, 2, SARCASM),
    (Kind::Problem, 2, TROUBLE),
    (Kind::Problem, 1, HINTS),
    (Kind::Praise, 3, PRAISE_STRONG),
    (Kind::Praise, 2, PRAISE),
    (Kind::Ask, 1, ASKS),
    (Kind::Negator, 1, NEGATORS),
    (Kind::Negator, 1, NEGATORS_WEAK),
    (Kind::Negator, 2, NEGATORS_FAILED),
    (Kind::Service, 0, SERVICE_VERBS),
    (Kind::Owner, 0, OWNERS),
    (Kind::Thing, 0, THINGS),
];

/// Weight of a negated service verb ("can't log in"): a strong problem cue.
const NEGATED_SERVICE: u32 = 3;
/// Service verb this many words after a negator still counts ("didn't even get").
const NEGATION_REACH: usize = 2;

/// Placeholder words the normalizer writes for emoticons and emoji; they cannot occur
/// in normalized text otherwise, since `_` is not kept.
const SAD_FACE: &str = "_neg_";
const HAPPY_FACE: &str = "_pos_";

/// Faces and emoji: angry or sad ones are a problem cue, warm ones a praise cue.
const FACES: &[(Kind, u32, &[&str])] = &[
    (Kind::Problem, 2, &[SAD_FACE]),
    (Kind::Praise, 2, &[HAPPY_FACE]),
];

/// Emoticons written in ASCII, negative ones first; `&gt;` is how `>` arrives when a
/// platform escaped the text.
const SAD_EMOTICONS: &[&str] = &[
    "&gt;:(", ">:(", ":-(", ":'(", ":(", ":-/", ":/", ":@", "-_-",
];
const HAPPY_EMOTICONS: &[&str] = &["&lt;3", "<3", ":-)", ":)", ":D", ";)", "=)"];

/// Emoji that carry a clear tone. Laughing and praying faces are left out: they are as
/// often sarcastic or pleading as they are glad.
const SAD_EMOJI: &[char] = &[
    '😡', '😠', '🤬', '😤', '😒', '😞', '😟', '😢', '😭', '😩', '😫', '🙄', '👎', '💩', '😣', '😖',
    '🤦', '😑', '🤢', '🤮', '💔', '☹', '🙁', '😕',
];
const HAPPY_EMOJI: &[char] = &[
    '😍', '🥰', '😘', '😊', '😀', '😃', '😄', '😁', '☺', '🙂', '😎', '❤', '💕', '💖', '💗', '💙',
    '💜', '💚', '💛', '🧡', '👍', '👏', '🙌', '🎉', '💯', '⭐', '🌟', '😻', '🤗',
];

/// Sentence openers that make a question even without a question mark. ("what" and
/// "do" are left out: "what a day", "do not buy" are not questions.)
const QUESTION_OPENERS: &[&str] = &[
    "how", "when", "where", "why", "which", "can", "could", "does", "will", "would", "should",
    "anyone", "is", "are", "did", "whats", "wheres", "hows",
];

/// A phrase of the lists, as the automaton knows it.
struct Pattern {
    kind: Kind,
    weight: u32,
    /// Matches the start of a longer word too ("crash" in "crashes").
    stem: bool,
}

struct Lexicon {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
}

/// Builds the lexicon's automaton now (a few milliseconds of CPU), so the first
/// reading (the first item's detail on start) does not wait for it.
pub fn prepare() {
    lexicon();
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(build_lexicon)
}

fn build_lexicon() -> Lexicon {
    let mut phrases = Vec::new();
    let mut patterns = Vec::new();
    for (kind, weight, words) in GROUPS.iter().chain(FACES) {
        for word in *words {
            let (phrase, stem) = match word.strip_suffix('*') {
                Some(p) => (p, true),
                None => (*word, false),
            };
            phrases.push(phrase);
            patterns.push(Pattern {
                kind: *kind,
                weight: *weight,
                stem,
            });
        }
    }
    // The lists are constants, so a failure here is a programming error caught by the
    // unit tests, not something input can cause.
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&phrases)
        .expect("the word lists build an automaton");
    Lexicon {
        automaton,
        patterns,
    }
}

// ---------------------------------------------------------------------------------
// Normalizing.
// ---------------------------------------------------------------------------------

/// Buffers reused from one call to the next, so that reading allocates only the cues.
#[derive(Default)]
struct Scratch {
    /// Normalized text: lowercase words separated by single spaces.
    norm: Vec<u8>,
    /// For each byte of `norm`, where its source starts and ends in the original text.
    map: Vec<[u32; 2]>,
    hits: Vec<Hit>,
}

/// A cue found in the text, with its place in the original text.
#[derive(Debug, Clone, Copy)]
struct Hit {
    kind: Kind,
    weight: u32,
    start: usize,
    end: usize,
}

/// What the normalizer notices besides the words.
#[derive(Debug, Default)]
struct Surface {
    /// Original byte offset of the first question mark outside a link.
    question_mark: Option<usize>,
    /// A sentence opened with a question word.
    opener: bool,
    /// Original range of the first run of `!!`, `?!`, `??`.
    shout_marks: Option<(usize, usize)>,
    words: usize,
    caps_words: usize,
    caps_run: usize,
    longest_caps_run: usize,
    first_caps: Option<(usize, usize)>,
    links: usize,
    hashtags: usize,
    /// Original range of the first word masked with stars.
    masked: Option<(usize, usize)>,
}

impl Scratch {
    fn clear(&mut self) {
        self.norm.clear();
        self.map.clear();
        self.hits.clear();
    }

    fn push(&mut self, byte: u8, from: usize, to: usize) {
        self.norm.push(byte);
        // Offsets fit: texts are cut to READ_LIMIT bytes before reading.
        self.map.push([from as u32, to as u32]);
    }

    fn space(&mut self, at: usize) {
        if self.norm.last().is_some_and(|&b| b != b' ') {
            self.push(b' ', at, at);
        }
    }

    /// Writes a placeholder word standing for the original range `from..to`.
    fn word(&mut self, word: &str, from: usize, to: usize) {
        self.space(from);
        for &b in word.as_bytes() {
            self.push(b, from, to);
        }
        self.push(b' ', to, to);
    }
}

fn is_link(rest: &str) -> bool {
    let head = rest.as_bytes();
    let starts = |p: &[u8]| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p);
    starts(b"http://") || starts(b"https://") || starts(b"www.")
}

/// The face `rest` opens with, if any: its length and the placeholder word for it.
fn emoticon(rest: &str) -> Option<(usize, &'static str)> {
    if !rest.starts_with([':', ';', '=', '<', '>', '&', '-']) {
        return None;
    }
    for (faces, word) in [(SAD_EMOTICONS, SAD_FACE), (HAPPY_EMOTICONS, HAPPY_FACE)] {
        if let Some(face) = faces.iter().find(|f| rest.starts_with(**f)) {
            // ":Do" or ":/path" is not a face.
            let next = rest[face.len()..].chars().next();
            if next.is_none_or(|n| !n.is_alphanumeric() && n != '/') {
                return Some((face.len(), word));
            }
        }
    }
    None
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´')
}

/// Writes `text` into `sc` as lowercase words separated by single spaces, and notes
/// question marks, shouting, links and hashtags on the way.
fn normalize(text: &str, sc: &mut Scratch) -> Surface {
    let mut s = Surface::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether the previous character was white space (or the start): links, handles
    // and faces are only recognized at the start of a token.
    let mut token_start = true;
    let mut sentence_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        // Fast paths for the common bytes: a space, a word that is not a link.
        if b == b' ' {
            token_start = true;
            sc.space(i);
            i += 1;
            continue;
        }
        let maybe_link = token_start && matches!(b, b'h' | b'H' | b'w' | b'W');
        if b.is_ascii_alphanumeric() && !(maybe_link && is_link(&text[i..])) {
            i = read_word(text, i, sc, &mut s, &mut sentence_start);
            token_start = false;
            continue;
        }
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        let len = c.len_utf8();
        if maybe_link && is_link(rest) {
            let skip = rest.find(char::is_whitespace).unwrap_or(rest.len());
            s.links += 1;
            sc.space(i);
            i += skip;
            continue;
        }
        if c == '@' {
            // A handle names someone; it is not a word of the message.
            let skip = 1 + rest[1..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len() - 1);
            sc.space(i);
            i += skip;
            token_start = false;
            continue;
        }
        if c.is_whitespace() {
            token_start = true;
            if c == '\n' {
                sentence_start = true;
            }
            sc.space(i);
            i += len;
            continue;
        }
        if let Some((flen, word)) = emoticon(rest) {
            sc.word(word, i, i + flen);
            i += flen;
            token_start = false;
            continue;
        }
        if c.is_alphanumeric() {
            i = read_word(text, i, sc, &mut s, &mut sentence_start);
            token_start = false;
            continue;
        }
        token_start = c.is_whitespace();
        match c {
            '#' => s.hashtags += 1,
            '?' | '？' | '!' => {
                let run = rest
                    .find(|ch: char| !matches!(ch, '?' | '？' | '!'))
                    .unwrap_or(rest.len());
                if c != '!' || rest[..run].contains(['?', '？']) {
                    s.question_mark.get_or_insert(i);
                }
                if run > 1 && s.shout_marks.is_none() {
                    s.shout_marks = Some((i, i + run));
                }
                sentence_start = true;
                sc.space(i);
                i += run;
                continue;
            }
            '.' | ';' | '…' => sentence_start = true,
            _ if !c.is_ascii() && SAD_EMOJI.contains(&c) => {
                sc.word(SAD_FACE, i, i + len);
                i += len;
                continue;
            }
            _ if !c.is_ascii() && HAPPY_EMOJI.contains(&c) => {
                sc.word(HAPPY_FACE, i, i + len);
                i += len;
                continue;
            }
            _ => {}
        }
        if c == '&' {
            // An escaped entity stands for one character; skip its name.
            if let Some(end) = rest[1..].find(';').filter(|&e| e <= 6) {
                if rest[1..1 + end]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'#')
                {
                    sc.space(i);
                    i += end + 2;
                    continue;
                }
            }
        }
        sc.space(i);
        i += len;
    }
    s
}

/// Reads one word starting at `start`, writes it lowercase without apostrophes, and
/// returns where it ends.
fn read_word(
    text: &str,
    start: usize,
    sc: &mut Scratch,
    s: &mut Surface,
    sentence_start: &mut bool,
) -> usize {
    let bytes = text.as_bytes();
    let norm_start = sc.norm.len();
    let (mut upper, mut lower, mut digits) = (0usize, 0usize, 0usize);
    let mut masked = false;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        // ASCII letters and digits first: they are nearly all of the text.
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            if b.is_ascii_digit() {
                digits += 1;
            } else {
                lower += 1;
            }
            sc.push(b, i, i + 1);
            i += 1;
            continue;
        }
        if b.is_ascii_uppercase() {
            upper += 1;
            sc.push(b.to_ascii_lowercase(), i, i + 1);
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        let next = text[i + len..].chars().next();
        if c == '*' && upper + lower > 0 && next.is_some_and(|n| n == '*' || n.is_alphabetic()) {
            // Swearing masked with stars ("f***ing", "sh*t") is still swearing.
            masked = true;
        } else if is_apostrophe(c) && next.is_some_and(char::is_alphabetic) {
            // Dropped, so that "can't", "can’t" and "cant" read alike.
        } else if !c.is_ascii() && c.is_alphanumeric() {
            if c.is_uppercase() {
                upper += 1;
            } else {
                lower += 1;
            }
            let mut buf = [0u8; 4];
            for lc in c.to_lowercase() {
                for &b in lc.encode_utf8(&mut buf).as_bytes() {
                    sc.push(b, i, i + len);
                }
            }
        } else {
            break;
        }
        i += len;
    }
    let mut end = i;
    if end == start {
        end = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    if masked {
        s.masked.get_or_insert((start, end));
    }
    // Capitals: one-letter words ("I", "A") say nothing either way; a word with digits
    // is a model name ("GTX580"), not shouting.
    if upper + lower >= 2 {
        s.words += 1;
        if upper >= 2 && lower == 0 && digits == 0 {
            s.caps_words += 1;
            s.caps_run += 1;
            s.longest_caps_run = s.longest_caps_run.max(s.caps_run);
            s.first_caps.get_or_insert((start, end));
        } else {
            s.caps_run = 0;
        }
    }
    if *sentence_start {
        let word = &sc.norm[norm_start..];
        if QUESTION_OPENERS.iter().any(|q| q.as_bytes() == word) {
            s.opener = true;
        }
        *sentence_start = false;
    }
    end
}

// ---------------------------------------------------------------------------------
// Reading.
// ---------------------------------------------------------------------------------

/// Texts are read up to this many bytes: the opening of a message carries its point,
/// and reading stays fast on a pasted essay.
const READ_LIMIT: usize = 4_000;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Reads how a message comes across: its class, the cues that decided it and its tone.
pub fn read(text: &str) -> Reading {
    read_as(text, true)
}

/// [`read`] without picking the cues (left empty): what an import stores needs the
/// class, the question and the tone only, and the cues are a good part of the cost.
pub fn read_without_cues(text: &str) -> Reading {
    read_as(text, false)
}

fn read_as(text: &str, cues: bool) -> Reading {
    let text = cut(text, READ_LIMIT);
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut sc) => read_with(text, &mut sc, cues),
        // Only reachable if reading re-entered itself; a fresh buffer is still correct.
        Err(_) => read_with(text, &mut Scratch::default(), cues),
    })
}

/// `text` cut to at most `limit` bytes, on a character boundary.
fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Sums of weights per kind of cue.
#[derive(Debug, Default)]
struct Tally {
    problem: u32,
    praise: u32,
    ask: u32,
    spam: u32,
}

impl Tally {
    fn of(hits: &[Hit], surface: &Surface) -> Tally {
        let mut tally = Tally::default();
        for hit in hits {
            match hit.kind {
                Kind::Problem => tally.problem += hit.weight,
                Kind::Praise => tally.praise += hit.weight,
                Kind::Ask => tally.ask += hit.weight,
                Kind::Spam => tally.spam += hit.weight,
                Kind::Negator | Kind::Service | Kind::Neutral | Kind::Owner | Kind::Thing => {}
            }
        }
        // Many links or hashtags are how promotions look; each alone is not enough.
        if surface.links >= 3 {
            tally.spam += 2;
        }
        if surface.hashtags >= 6 {
            tally.spam += 2;
        }
        tally
    }
}

fn read_with(text: &str, sc: &mut Scratch, with_cues: bool) -> Reading {
    sc.clear();
    // Normalized text is never longer than the text plus a few placeholder words.
    sc.norm.reserve(text.len() + 16);
    sc.map.reserve(text.len() + 16);
    let surface = normalize(text, sc);
    find_cues(sc);
    add_surface_cues(&surface, sc);

    let tally = Tally::of(&sc.hits, &surface);

    let is_question = surface.question_mark.is_some() || surface.opener;
    let asks = is_question || tally.ask > 0;
    let class = if tally.spam >= SPAM_AT && tally.problem < COMPLAINT_AT {
        Class::Spam
    } else if tally.problem >= COMPLAINT_AT
        // Without any positive word, weaker evidence is enough: on customer-care text
        // a question with a problem word is more often a complaint than not.
        || (tally.problem >= COMPLAINT_UNPRAISED_AT && tally.praise == 0)
    {
        Class::Complaint
    } else if asks {
        Class::Question
    } else if tally.praise >= PRAISE_AT && tally.problem == 0 {
        Class::Praise
    } else {
        Class::Plain
    };

    let cues = if with_cues {
        pick_cues(text, class, &surface, &sc.hits)
    } else {
        Vec::new()
    };
    Reading {
        class,
        cues,
        sentiment: tone(&tally, class),
        is_question,
    }
}

/// Runs the automaton over the normalized text and records each whole-word cue.
fn find_cues(sc: &mut Scratch) {
    let lex = lexicon();
    let norm = &sc.norm;
    // The last negator seen: index in `hits` and where it ends in `norm`.
    let mut negator: Option<(usize, usize)> = None;
    // The last owner seen: where it starts in the text and ends in `norm`.
    let mut owner: Option<(usize, usize)> = None;
    for m in lex.automaton.find_iter(norm.as_slice()) {
        let Some(p) = lex.patterns.get(m.pattern().as_usize()) else {
            continue;
        };
        let (s, e) = (m.start(), m.end());
        let left_ok = s == 0 || norm[s - 1] == b' ';
        let right_ok = p.stem || e == norm.len() || norm[e] == b' ';
        if !left_ok || !right_ok {
            continue;
        }
        // A stem ends where its word ends, so the cue shows the whole word.
        let word_end = if p.stem {
            norm[e..]
                .iter()
                .position(|&b| b == b' ')
                .map_or(norm.len(), |n| e + n)
        } else {
            e
        };
        let hit = Hit {
            kind: p.kind,
            weight: p.weight,
            start: sc.map[s][0] as usize,
            end: sc.map[word_end - 1][1] as usize,
        };
        match p.kind {
            Kind::Negator => {
                // Alone it weighs what its list says; a service verb after it makes
                // the pair a strong cue.
                negator = Some((sc.hits.len(), e));
                sc.hits.push(Hit {
                    kind: Kind::Problem,
                    ..hit
                });
            }
            Kind::Service
                if owner.is_some_and(|(_, end)| words_between(norm, end, s) <= OWNER_REACH) =>
            {
                // A verb that is also a thing ("my order", "your update").
                if let Some((start, _)) = owner.take() {
                    sc.hits.push(Hit {
                        kind: Kind::Problem,
                        weight: OWNED_THING,
                        start,
                        end: hit.end,
                    });
                }
            }
            Kind::Service => {
                if let Some((at, neg_end)) = negator {
                    if words_between(norm, neg_end, s) <= NEGATION_REACH {
                        if let Some(n) = sc.hits.get_mut(at) {
                            n.weight = NEGATED_SERVICE;
                            n.end = hit.end;
                        }
                        negator = None;
                    }
                }
            }
            Kind::Owner => owner = Some((hit.start, e)),
            Kind::Thing => {
                if let Some((start, owner_end)) = owner.take() {
                    if words_between(norm, owner_end, s) <= OWNER_REACH {
                        sc.hits.push(Hit {
                            kind: Kind::Problem,
                            weight: OWNED_THING,
                            start,
                            end: hit.end,
                        });
                    }
                }
            }
            _ => sc.hits.push(hit),
        }
    }
}

/// How many words lie between the end of one match and the start of the next.
fn words_between(norm: &[u8], end: usize, start: usize) -> usize {
    let spaces = norm
        .get(end..start)
        .map_or(0, |gap| gap.iter().filter(|&&b| b == b' ').count());
    spaces.saturating_sub(1)
}

/// Cues that are not words: `!!`, shouting in capitals.
fn add_surface_cues(s: &Surface, sc: &mut Scratch) {
    if let Some((start, end)) = s.shout_marks {
        sc.hits.push(Hit {
            kind: Kind::Problem,
            weight: 1,
            start,
            end,
        });
    }
    if let Some((start, end)) = s.masked {
        sc.hits.push(Hit {
            kind: Kind::Problem,
            weight: 2,
            start,
            end,
        });
    }
    let shouting = s.longest_caps_run >= 3 || (s.caps_words >= 3 && s.caps_words * 2 >= s.words);
    if let Some((start, end)) = s.first_caps.filter(|_| shouting) {
        sc.hits.push(Hit {
            kind: Kind::Problem,
            weight: 2,
            start,
            end,
        });
    }
}

/// The cues that decided `class`, strongest first, each once.
fn pick_cues(text: &str, class: Class, s: &Surface, hits: &[Hit]) -> Vec<String> {
    let kind = match class {
        Class::Complaint => Kind::Problem,
        Class::Praise => Kind::Praise,
        Class::Spam => Kind::Spam,
        Class::Question => Kind::Ask,
        Class::Plain => return Vec::new(),
    };
    let mut cues: Vec<String> = Vec::new();
    // Strongest weight first; among equals, the earliest in the text.
    for weight in (1..=4).rev() {
        for hit in hits.iter().filter(|h| h.kind == kind && h.weight == weight) {
            if cues.len() == MAX_CUES {
                return cues;
            }
            let cue = shorten(text.get(hit.start..hit.end).unwrap_or_default());
            if !cue.is_empty() && !cues.iter().any(|c| c.eq_ignore_ascii_case(&cue)) {
                cues.push(cue);
            }
        }
    }
    if class == Class::Question && cues.len() < MAX_CUES {
        if let Some(q) = s.question_mark {
            let cue = lead_up_to(text, q);
            if !cue.is_empty() && !cues.contains(&cue) {
                cues.push(cue);
            }
        }
    }
    cues
}

/// A cue cut to [`MAX_CUE_CHARS`] characters.
fn shorten(cue: &str) -> String {
    match cue.char_indices().nth(MAX_CUE_CHARS) {
        Some((i, _)) => cue[..i].trim_end().to_string(),
        None => cue.to_string(),
    }
}

/// The last few words before the question mark at `q`, with the mark.
fn lead_up_to(text: &str, q: usize) -> String {
    let before = &text[..q];
    let mut start = q;
    for (i, c) in before.char_indices().rev() {
        if q - i > MAX_CUE_CHARS - 1 || matches!(c, '.' | '!' | '\n' | '?') {
            break;
        }
        if c.is_whitespace() {
            start = i + 1;
        }
    }
    let lead = before[start..].trim();
    let mark = text[q..].chars().next().map_or(String::new(), String::from);
    shorten(&format!("{lead}{mark}"))
}

/// Tone in [-1, 1]: praise minus problem weight, squashed the way VADER squashes its
/// sum, then held on the side of the class so that rankings agree with it.
fn tone(t: &Tally, class: Class) -> f64 {
    let raw = f64::from(t.praise) - f64::from(t.problem);
    let score = raw / (raw * raw + 15.0).sqrt();
    match class {
        Class::Complaint => score.min(-0.3),
        Class::Praise => score.max(0.4),
        _ => score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> Class {
        read(text).class
    }

    #[test]
    fn complaints_in_neutral_words() {
        let r = read("adobe crashes on import all the fucking time and im so done");
        assert_eq!(r.class, Class::Complaint, "{r:?}");
        assert!(r.cues.iter().any(|c| c == "crashes"), "{:?}", r.cues);
        assert_eq!(
            class("I forget my password and I am unable to recover my account"),
            Class::Complaint
        );
        assert_eq!(
            class("BOOT device not found after the update. Tell me the solutions"),
            Class::Complaint
        );
        assert_eq!(
            class("my order never arrived and nobody answers!!"),
            Class::Complaint
        );
        assert_eq!(
            class("still waiting on my package, 3 weeks now"),
            Class::Complaint
        );
        assert_eq!(
            class("I was charged twice for one ticket"),
            Class::Complaint
        );
        assert_eq!(
            class("the app won't load since yesterday"),
            Class::Complaint
        );
        assert_eq!(
            class("I didn't receive my confirmation email"),
            Class::Complaint
        );
    }

    #[test]
    fn apostrophes_straight_curly_or_none() {
        for text in [
            "I can't log in",
            "I can’t log in",
            "I cant log in",
            "I CAN'T LOG IN",
        ] {
            let r = read(text);
            assert_eq!(r.class, Class::Complaint, "{text}: {r:?}");
        }
        let r = read("I can’t log in");
        assert_eq!(r.cues, vec!["can’t log in".to_string()]);
    }

    #[test]
    fn a_complaint_that_asks_is_a_complaint() {
        let r = read("why is my order still not here? it's been 2 weeks");
        assert_eq!(r.class, Class::Complaint, "{r:?}");
        assert!(r.is_question);
    }

    #[test]
    fn sarcasm_and_mixed_praise_are_complaints() {
        for text in [
            "love the app but it keeps crashing",
            "thanks for nothing",
            "great, another outage",
            "Thanks for nothing @brand, the refund never came",
            "I love how my order is late again",
        ] {
            let r = read(text);
            assert_eq!(r.class, Class::Complaint, "{text}: {r:?}");
            assert!(r.sentiment <= -0.3, "{text}: {r:?}");
        }
    }

    #[test]
    fn praise() {
        for text in [
            "love the new update, thank you!",
            "@brand amazing service today, kudos to the team",
            "Thanks so much for the quick help 😍",
            "Don't get me wrong, this is brilliant",
        ] {
            let r = read(text);
            assert_eq!(r.class, Class::Praise, "{text}: {r:?}");
            assert!(r.sentiment >= 0.4, "{text}: {r:?}");
        }
        assert_eq!(read("love it").reason(), "praise: 'love'");
    }

    #[test]
    fn questions() {
        let r = read("@brand how do I change my address");
        assert_eq!(r.class, Class::Question, "{r:?}");
        assert_eq!(r.reason(), "question: 'how do I'");
        let r = read("Do you ship to Canada?");
        assert_eq!(r.class, Class::Question);
        assert!(r.is_question);
        assert!(!read("see https://x.example/?a=1 for more").is_question);
    }

    #[test]
    fn plain_mentions() {
        for text in [
            "just saw the new ad on tv",
            "@brand at the store with my mum",
            "",
        ] {
            let r = read(text);
            assert_eq!(r.class, Class::Plain, "{text}: {r:?}");
            assert!(r.cues.is_empty());
            assert_eq!(r.reason(), "plain mention");
        }
    }

    #[test]
    fn spam_needs_clear_cues() {
        for text in [
            "follow for follow! check my profile",
            "DM me to earn $500 per day from home",
            "huge crypto giveaway click here http://a.example http://b.example http://c.example",
        ] {
            assert_eq!(class(text), Class::Spam, "{text}");
        }
        // One likely cue is not enough, and a customer asking for a DM is not spam.
        assert_ne!(class("we are running a giveaway this weekend"), Class::Spam);
        assert_eq!(class("please dm me about my order"), Class::Question);
    }

    #[test]
    fn links_handles_and_hashtags() {
        // A handle or a link is no word; a hashtag's word counts.
        assert_eq!(
            class("@brokenwings_co hello https://x.example/crash"),
            Class::Plain
        );
        assert_eq!(class("sitting here #fail"), Class::Complaint);
    }

    #[test]
    fn faces_and_emoji() {
        assert_eq!(class("my parcel is late &gt;:("), Class::Complaint);
        assert_eq!(class("my parcel is late 😡"), Class::Complaint);
        assert_eq!(class("new phone day 😍🎉"), Class::Praise);
        let r = read("🙂🙂🙂 ✨✨ 🧡");
        assert_eq!(r.class, Class::Praise);
    }

    #[test]
    fn shouting_is_a_cue() {
        let r = read("WHERE IS MY ORDER I PAID FOR IT");
        assert_eq!(r.class, Class::Complaint, "{r:?}");
        // Acronyms are not shouting.
        assert_eq!(
            class("connected the GTX580 to my TV over HDMI"),
            Class::Plain
        );
    }

    #[test]
    fn cues_are_short_and_few() {
        let r = read("worst service, terrible app, useless support, broken checkout, refund now!!");
        assert_eq!(r.class, Class::Complaint);
        assert_eq!(r.cues.len(), MAX_CUES);
        assert!(r.cues.iter().all(|c| c.chars().count() <= MAX_CUE_CHARS));
        assert!(
            r.reason().starts_with("complaint: 'worst', "),
            "{}",
            r.reason()
        );
    }

    #[test]
    fn owned_things_and_masked_swearing() {
        // Two weak cues and no positive word: a report about the writer's order.
        let r = read("my order from last week, again");
        assert_eq!(r.class, Class::Complaint, "{r:?}");
        assert!(r.cues.iter().any(|c| c == "my order"), "{:?}", r.cues);
        assert_eq!(class("this f***ing thing"), Class::Complaint);
        // An owner alone is nothing.
        assert_eq!(class("my weekend at the lake"), Class::Plain);
    }

    #[test]
    fn long_text_is_fast_and_safe() {
        let long = "my order never arrived ü ".repeat(4_000);
        assert!(long.len() > 100_000);
        let r = read(&long);
        assert_eq!(r.class, Class::Complaint);
        // Only the opening is read, so the cost does not grow with the text.
        assert_eq!(r, read(cut(&long, READ_LIMIT)));
        // Cutting lands on a character boundary whatever the text.
        let odd = "é".repeat(READ_LIMIT);
        assert_eq!(read(&odd).class, Class::Plain);
    }

    #[test]
    fn class_round_trips_as_text() {
        for c in Class::ALL {
            assert_eq!(Class::parse(c.as_str()), Some(c));
        }
        assert_eq!(Class::parse("angry"), None);
    }

    #[test]
    fn lists_are_clean() {
        // A phrase in two lists would silently take the first list's meaning.
        let mut seen = std::collections::HashSet::new();
        for (_, _, words) in GROUPS {
            for w in *words {
                assert!(seen.insert(w.trim_end_matches('*')), "listed twice: {w}");
                assert_eq!(w.to_lowercase(), *w, "lists are lowercase: {w}");
                assert!(!w.contains('\''), "lists drop apostrophes: {w}");
            }
        }
        assert!(lexicon().patterns.len() > 300);
    }
}
