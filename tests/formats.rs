//! Every platform's own format, on its documented shape and its awkward cases: the
//! fixtures in tests/fixtures/formats/ are written from the shapes in the platforms'
//! documentation (see ../shared/platforms/NOTES.md), with invented content.

mod common;

use common::{count, dump, rapport, stderr, stdout, write};
use rapport::domain::{MentionKind, NewMention, OurReply, Record};
use rapport::ingest::{self, Format, Parsed};
use std::io::BufReader;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

/// The format detected and every record, in order; any invalid one fails the test.
fn read(name: &str) -> (Format, Vec<Record>, usize) {
    let file = std::fs::File::open(fixture(name)).unwrap();
    let (format, records) = ingest::records(Box::new(BufReader::new(file)), None, &[]).unwrap();
    let mut out = Vec::new();
    let mut ignored = 0;
    for item in records {
        let item = item.unwrap();
        match item.parsed {
            Ok(Parsed::Record(r)) => out.push(r),
            Ok(Parsed::Ignored) => ignored += 1,
            Err(e) => panic!("{name}:{}: {e}", item.at),
        }
    }
    (format, out, ignored)
}

fn mention<'a>(records: &'a [Record], id: &str) -> &'a NewMention {
    records
        .iter()
        .find_map(|r| match r {
            Record::Mention(m) if m.external_id == id => Some(m),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no mention {id}"))
}

fn reply<'a>(records: &'a [Record], id: &str) -> &'a OurReply {
    records
        .iter()
        .find_map(|r| match r {
            Record::OurReply(o) if o.external_id == id => Some(o),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no reply {id}"))
}

fn time(m: &NewMention) -> String {
    m.created_at.to_rfc3339()
}

#[test]
fn mastodon_notifications_go_through_the_live_parser() {
    let (format, records, ignored) = read("mastodon-notifications.json");
    assert_eq!(format, Format::Mastodon);
    // favourite, follow and an unknown new type are not inbox items.
    assert_eq!((records.len(), ignored), (3, 3));
    let ana = mention(&records, "113501");
    assert_eq!(ana.platform, "mastodon");
    assert_eq!(ana.kind, MentionKind::Mention);
    // HTML decoded once: the person typed "&lt;3" and "&".
    assert_eq!(
        ana.body,
        "@northwind is the kettle back in stock? I typed &lt;3 literally & mean it"
    );
    assert_eq!(ana.author.platform_user_id, "ana@fedi.example");
    assert_eq!(ana.author.followers, Some(812));
    assert_eq!(ana.url.as_deref(), Some("https://fedi.example/@ana/9001"));
    assert_eq!(ana.account, None);
    assert_eq!(time(ana), "2026-11-20T09:14:03.120+00:00");
    let samir = mention(&records, "113499");
    assert_eq!(samir.kind, MentionKind::DirectMessage);
    assert!(
        samir.body.contains("مرحبا، طلبي لم يصل بعد 📦😟"),
        "{}",
        samir.body
    );
    // A local account of an unknown server: the host comes from the profile url.
    assert_eq!(samir.author.platform_user_id, "samir@mastodon.example");
    assert_eq!(samir.author.display_name.as_deref(), Some("سمير 🌙"));
    // Suspended: empty name, hidden count; it answers us (the one account every
    // mention names), with its content warning first.
    let gone = mention(&records, "113480");
    assert_eq!(gone.kind, MentionKind::Reply);
    assert_eq!(gone.parent_external_id.as_deref(), Some("113300"));
    assert_eq!(gone.author.display_name, None);
    assert_eq!(gone.author.followers, None);
    assert!(gone.body.starts_with("CW: kettle talk"), "{}", gone.body);
}

#[test]
fn a_mastodon_status_context_is_a_thread_with_our_replies_as_history() {
    let (format, records, ignored) = read("mastodon-context.json");
    assert_eq!(format, Format::Mastodon);
    // Our first status opens the thread: not an inbox item.
    assert_eq!((records.len(), ignored), (3, 1));
    let ana = mention(&records, "113310");
    assert_eq!(ana.kind, MentionKind::Reply);
    assert_eq!(ana.thread_external_id.as_deref(), Some("113300"));
    let ours = reply(&records, "113320");
    assert_eq!(ours.in_reply_to, "113310");
    assert_eq!(ours.body, "@ana yes, 24 cm tall");
    let carl = mention(&records, "113330");
    assert_eq!(carl.kind, MentionKind::Mention);
    assert!(carl.author.is_bot);
    assert_eq!(carl.parent_external_id.as_deref(), Some("113310"));
}

#[test]
fn bluesky_notifications_go_through_the_live_parser() {
    let (format, records, ignored) = read("bluesky-notifications.json");
    assert_eq!(format, Format::Bluesky);
    assert_eq!((records.len(), ignored), (3, 1));
    let ana = mention(
        &records,
        "at://did:plc:ana4u7xq/app.bsky.feed.post/3lbz2mention1",
    );
    // Raw text: "<b>" is what she typed; the link facet gives the whole url.
    assert_eq!(
        ana.body,
        "@northwind.bsky.social <b>is</b> this in stock? see https://bsky.app/profile/northwind.bsky.social"
    );
    assert_eq!(ana.author.display_name.as_deref(), Some("Ana ☕"));
    assert_eq!(ana.author.followers, None);
    let ben = mention(
        &records,
        "at://did:plc:ben77/app.bsky.feed.post/3lbz2reply22",
    );
    assert_eq!(ben.kind, MentionKind::Reply);
    assert!(
        ben.body.starts_with("שלום! Mine arrived 🎉🎉"),
        "{}",
        ben.body
    );
    // A createdAt in the future is bounded by indexedAt.
    assert_eq!(time(ben), "2026-11-20T08:00:00+00:00");
    assert_eq!(
        ben.thread_external_id.as_deref(),
        Some("at://did:plc:northwind/app.bsky.feed.post/3lbroot")
    );
    // A handle that no longer verifies: links name the did.
    let lost = mention(
        &records,
        "at://did:plc:lost99/app.bsky.feed.post/3lbzquote9",
    );
    assert_eq!(lost.author.handle, "handle.invalid");
    assert_eq!(
        lost.url.as_deref(),
        Some("https://bsky.app/profile/did:plc:lost99/post/3lbzquote9")
    );
    assert_eq!(lost.body, "(no text)");
}

#[test]
fn x_api_mentions_join_their_authors() {
    let (format, records, _) = read("x-api-mentions.json");
    assert_eq!(format, Format::XApi);
    assert_eq!(records.len(), 3);
    let dana = mention(&records, "1858402093118746624");
    assert_eq!(dana.platform, "twitter");
    // Entities decoded exactly once: "&amp;lt;" is the "&lt;" the person typed.
    assert_eq!(
        dana.body,
        "@NorthwindKettle kettle leaks again >:( order &lt;4411&gt; & no answer"
    );
    assert_eq!(dana.author.handle, "danareyes");
    assert_eq!(dana.author.display_name.as_deref(), Some("Dana Reyes"));
    assert_eq!(dana.author.followers, Some(15200));
    assert_eq!(
        dana.url.as_deref(),
        Some("https://x.com/danareyes/status/1858402093118746624")
    );
    // Edited: known by its first id; long: the whole note, not the cut text; a
    // follower count written as text.
    let priya = mention(&records, "1858399000000000001");
    assert!(
        priya.body.ends_with("Can someone call me?"),
        "{}",
        priya.body
    );
    assert_eq!(priya.kind, MentionKind::Reply);
    assert_eq!(
        priya.parent_external_id.as_deref(),
        Some("1858300000000000000")
    );
    assert_eq!(priya.author.followers, Some(1200));
    // An author missing from includes (errors[]): kept, known by id.
    let lost = mention(&records, "1858390000000000003");
    assert_eq!(lost.kind, MentionKind::Mention);
    assert_eq!(lost.author.handle, "1700000000000000099");
    assert!(lost.body.contains("مرحبا 👋🏽"), "{}", lost.body);
}

#[test]
fn the_x_archive_brings_our_replies() {
    let (format, records, ignored) = read("tweets.js");
    assert_eq!(format, Format::XArchive);
    assert_eq!((records.len(), ignored), (1, 1));
    let ours = reply(&records, "1858410000000000001");
    assert_eq!(ours.in_reply_to, "1858402093118746624");
    assert_eq!(ours.sent_at.to_rfc3339(), "2026-11-20T09:40:00+00:00");
    assert_eq!(
        ours.body,
        "@danareyes So sorry & thanks for the order number <4411>: a new kettle ships today."
    );
}

#[test]
fn youtube_threads_and_their_replies() {
    let (format, records, _) = read("youtube-comment-threads.json");
    assert_eq!(format, Format::Youtube);
    assert_eq!(records.len(), 4);
    let lena = mention(&records, "UgzQ4kettle1AaABAg");
    assert_eq!(lena.kind, MentionKind::Comment);
    // textOriginal is raw text: taken as typed, never decoded.
    assert_eq!(lena.body, "Does it come in \"sage green\"? <3 &amp; matte?");
    assert_eq!(lena.author.platform_user_id, "UCLena0000000000000000001");
    assert_eq!(lena.author.handle, "lenagreen");
    assert_eq!(
        lena.url.as_deref(),
        Some("https://www.youtube.com/watch?v=dQw4kettle1&lc=UgzQ4kettle1AaABAg")
    );
    let omar = mention(&records, "UgzQ4kettle1AaABAg.9xYzReply01");
    assert_eq!(omar.kind, MentionKind::Reply);
    assert_eq!(
        omar.parent_external_id.as_deref(),
        Some("UgzQ4kettle1AaABAg")
    );
    // textDisplay is HTML: read once.
    assert_eq!(omar.body, "Same question! it's gorgeous\n0:42");
    assert!(!omar.body.contains("<br>") && !omar.body.contains("&#39;"));
    // No channel id: a person of their own, never merged by name.
    let noura = mention(&records, "UgzQ4kettle1AaABAg.9xYzReply02");
    assert_eq!(
        noura.author.platform_user_id,
        "unknown:UgzQ4kettle1AaABAg.9xYzReply02"
    );
    assert!(noura.body.contains("الرياض؟ 🚚"));
    let tom = mention(&records, "UgxQ4kettle2AaABAg");
    assert_eq!(time(tom), "2026-11-19T18:00:00.500+00:00");
}

#[test]
fn reddit_inbox_items() {
    let (format, records, _) = read("reddit-inbox.json");
    assert_eq!(format, Format::Reddit);
    assert_eq!(records.len(), 4);
    let bean = mention(&records, "t1_nq2x7ke");
    assert_eq!(bean.kind, MentionKind::Mention);
    assert_eq!(
        bean.body,
        "u/AcmeCoffee is it fixed in the v2? > the burrs wobble & it's loud &lt;sigh&gt;"
    );
    assert_eq!(bean.author.platform_user_id, "t2_8beanm");
    assert_eq!(bean.thread_external_id.as_deref(), Some("t3_1mt4q9z"));
    assert_eq!(time(bean), "2026-08-17T06:51:52+00:00");
    assert_eq!(bean.account.as_deref(), Some("AcmeCoffee"));
    assert!(bean
        .url
        .as_deref()
        .unwrap()
        .starts_with("https://www.reddit.com/r/espresso/comments/1mt4q9z/"));
    // Two deleted authors: two unknown people, not one.
    let (a, b) = (
        mention(&records, "t1_nq2w001"),
        mention(&records, "t1_nq2v002"),
    );
    assert_eq!((a.kind, b.kind), (MentionKind::Reply, MentionKind::Comment));
    assert_eq!(a.author.handle, "[deleted]");
    assert_ne!(a.author.platform_user_id, b.author.platform_user_id);
    assert_eq!(b.body, "[removed]");
    // created_utc as text, with a fraction.
    assert_eq!(time(a), "2026-08-17T04:13:20.500+00:00");
    let pm = mention(&records, "t4_2kq9zz1");
    assert_eq!(pm.kind, MentionKind::DirectMessage);
    assert_eq!(pm.body, "Hi! ¿Mi pedido llegó? 📦");
}

#[test]
fn a_reddit_thread_with_nested_replies() {
    let (format, records, ignored) = read("reddit-thread.json");
    assert_eq!(format, Format::Reddit);
    // The post and the "more" stub are not comments.
    assert_eq!((records.len(), ignored), (2, 2));
    let top = mention(&records, "t1_nq3a111");
    assert_eq!(top.kind, MentionKind::Comment);
    assert!(top.body.contains("שקט it is not 🙉"));
    let answer = mention(&records, "t1_nq3b222");
    assert_eq!(answer.kind, MentionKind::Reply);
    assert_eq!(answer.parent_external_id.as_deref(), Some("t1_nq3a111"));
    assert_eq!(answer.body, "agreed & the hopper cracks");
}

#[test]
fn facebook_comments_with_replies_hidden_and_unknown_authors() {
    let (format, records, _) = read("facebook-comments.json");
    assert_eq!(format, Format::Facebook);
    assert_eq!(records.len(), 4);
    let maya = mention(&records, "1089347829173921_1203948571029384");
    assert_eq!(maya.kind, MentionKind::Comment);
    // Raw text: the tags are what she typed.
    assert_eq!(
        maya.body,
        "Is the 1.7 l kettle back in stock? <b>asking</b> for my mum 😊"
    );
    assert_eq!(time(maya), "2026-11-20T09:14:03+00:00");
    assert_eq!(maya.author.handle, "Maya Lindqvist");
    let jonas = mention(&records, "1089347829173921_1203948571029999");
    assert_eq!(jonas.kind, MentionKind::Reply);
    assert_eq!(
        jonas.parent_external_id.as_deref(),
        Some("1089347829173921_1203948571029384")
    );
    assert!(jonas.body.starts_with("[hidden] "), "{}", jonas.body);
    let nobody = mention(&records, "1089347829173921_1203948571030001");
    assert_eq!(nobody.author.handle, "(unknown)");
    assert_eq!(
        nobody.author.platform_user_id,
        "unknown:1089347829173921_1203948571030001"
    );
    let sticker = mention(&records, "1089347829173921_1203948571030002");
    assert_eq!(sticker.body, "(attachment)");
}

#[test]
fn instagram_comments_with_replies() {
    let (format, records, _) = read("instagram-comments.json");
    assert_eq!(format, Format::Instagram);
    assert_eq!(records.len(), 3);
    let june = mention(&records, "17870913679156914");
    assert_eq!(june.author.platform_user_id, "17841405309211844");
    assert_eq!(
        june.thread_external_id.as_deref(),
        Some("17895695668004550")
    );
    assert_eq!(time(june), "2017-08-31T19:16:02+00:00");
    let kai = mention(&records, "17873440459141021");
    assert_eq!(kai.kind, MentionKind::Reply);
    assert_eq!(kai.body, "[hidden] same!! 🙌");
    assert_eq!(kai.author.platform_user_id, "kai_rtl");
    let bare = mention(&records, "17873440459141099");
    assert_eq!(bare.author.handle, "(unknown)");
}

const FIXTURES: &[&str] = &[
    "mastodon-notifications.json",
    "mastodon-context.json",
    "bluesky-notifications.json",
    "x-api-mentions.json",
    "tweets.js",
    "youtube-comment-threads.json",
    "reddit-inbox.json",
    "reddit-thread.json",
    "facebook-comments.json",
    "instagram-comments.json",
];

/// The same content saved again (another byte layout, so not the same file by its
/// hash) adds nothing: every format is idempotent on the platform's own ids.
#[test]
fn every_format_imports_once_by_the_platforms_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    for name in FIXTURES {
        let out = rapport(
            dir.path(),
            &db,
            &["import", fixture(name).to_str().unwrap()],
        );
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let before = dump(&db);
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let again = if let Some(rest) = text.strip_prefix("window.YTD.tweets.part0 = ") {
            let value: serde_json::Value =
                serde_json::from_str(rest.trim_end().trim_end_matches(';')).unwrap();
            format!("window.YTD.tweets.part0 = {value}")
        } else {
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            serde_json::to_string(&value).unwrap()
        };
        let copy = write(dir.path(), &format!("again-{name}"), again.as_bytes());
        let out = rapport(dir.path(), &db, &["import", &copy]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("0 mentions added, 0 replies added, 0 people added"),
            "{name}: {}",
            stdout(&out)
        );
        let after = dump(&db);
        // Only the imports log learns of the second file.
        let strip = |d: &str| {
            d.lines()
                .filter(|l| !l.contains("again-"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&before), strip(&after), "{name}");
    }
    // Our reply from the archive answered the X mention it names.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM mentions WHERE external_id = '1858402093118746624' AND first_response_at IS NOT NULL"
        ),
        1
    );
}

/// One folder holding a file of every format, plus a broken one and hidden files:
/// one command imports each on its own, says so per file and in total, and the
/// broken file names itself and its JSON path and changes nothing.
#[test]
fn a_mixed_folder_imports_with_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let folder = dir.path().join("saved");
    std::fs::create_dir(&folder).unwrap();
    for name in FIXTURES {
        std::fs::copy(fixture(name), folder.join(name)).unwrap();
    }
    let ndjson = common::mention("n1", "sam", "hello from ndjson");
    write(&folder, "zz-own.ndjson", format!("{ndjson}\n").as_bytes());
    write(&folder, ".hidden.json", b"not json at all");
    std::fs::create_dir(folder.join("sub")).unwrap();
    write(
        &folder.join("sub"),
        "deeper.ndjson",
        format!("{ndjson}\n").as_bytes(),
    );
    let broken = std::fs::read_to_string(fixture("x-api-mentions.json"))
        .unwrap()
        .replace(
            "\"author_id\": \"1700000000000000099\", \"created_at\"",
            "\"author_id\": {\"id\": 1}, \"created_at\"",
        );
    write(&folder, "broken-x.json", broken.as_bytes());
    let out = rapport(dir.path(), &db, &["import", folder.to_str().unwrap()]);
    assert!(!out.status.success(), "a broken file fails the command");
    let err = stderr(&out);
    assert!(
        err.contains("broken-x.json:data[2].author_id: expected text, found an object"),
        "{err}"
    );
    let text = stdout(&out);
    for name in FIXTURES.iter().chain(&["zz-own.ndjson"]) {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&folder.join(name).display().to_string())),
            "{name}: {text}"
        );
    }
    assert!(
        text.contains("(mastodon)") && text.contains("(x-archive)") && text.contains("(ndjson)")
    );
    assert!(
        text.contains("total: 12 files: ") && text.contains("1 failed"),
        "{text}"
    );
    assert!(!text.contains("hidden") && !text.contains("deeper"));
    // Nothing of the broken file: its first post would be new.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM mentions WHERE platform = 'twitter' AND external_id != 'n1'"
        ),
        3,
        "the good X file's three, the broken copy's none"
    );
    let per_platform = count(&db, "SELECT COUNT(DISTINCT platform) FROM mentions");
    assert_eq!(
        per_platform, 7,
        "mastodon bluesky twitter youtube reddit facebook instagram"
    );
}

/// An empty folder is an error, and leaves no database behind.
#[test]
fn an_empty_folder_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    write(&empty, ".DS_Store", b"\0\0");
    let out = rapport(dir.path(), &db, &["import", empty.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no files to import in this folder"),
        "{}",
        stderr(&out)
    );
    assert!(!db.exists());
}

/// Errors name the file and the JSON path (or line), and never write anything.
#[test]
fn malformed_documents_name_the_path_or_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let first = write(
        dir.path(),
        "first.ndjson",
        format!("{}\n", common::mention("x1", "ann", "before")).as_bytes(),
    );
    assert!(rapport(dir.path(), &db, &["import", &first])
        .status
        .success());
    let before = dump(&db);
    let yt = std::fs::read_to_string(fixture("youtube-comment-threads.json")).unwrap();
    let fb = std::fs::read_to_string(fixture("facebook-comments.json")).unwrap();
    let masto = std::fs::read_to_string(fixture("mastodon-notifications.json")).unwrap();
    let bsky = std::fs::read_to_string(fixture("bluesky-notifications.json")).unwrap();
    let acct = "\"acct\": \"samir\", \"display_name\"";
    let ben = "\"uri\": \"at://did:plc:ben77/app.bsky.feed.post/3lbz2reply22\",";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "acct.json",
            masto.replace(acct, "\"acct\": 5, \"display_name\""),
            "acct.json:[3].status.account.acct: invalid type: integer `5`, expected a string",
        ),
        (
            "uri.json",
            bsky.replace(ben, ""),
            "uri.json:notifications[1].uri: missing field `uri`",
        ),
        (
            "cut.json",
            "[\n  {\"id\": \"1\", \"type\": \"mention\",\n   \"status\": {\"id\": \n".into(),
            "cut.json:4: not valid JSON",
        ),
        (
            "time.json",
            yt.replace("\"2026-11-20T09:30:00Z\"", "\"half past nine\""),
            "time.json:items[0].replies.comments[1]: created_at \"half past nine\"",
        ),
        (
            "nested.json",
            fb.replace(
                "\"Jonas Berg\", \"id\": \"7734019283746599\"",
                "\"Jonas Berg\"",
            ),
            "nested.json:data[0].comments.data[0].from.id: missing",
        ),
        (
            "shape.json",
            "{\"kettles\": [1, 2]}".into(),
            "shape.json:1: a JSON document rapport does not recognise (an object with \"kett",
        ),
        (
            "mastodon.json",
            "[{\"id\": \"1\", \"type\": \"mention\", \"account\": {}}]".into(),
            "mastodon.json:[0]: a mention without its status",
        ),
    ];
    for (name, text, expected) in cases {
        let file = write(dir.path(), name, text.as_bytes());
        let out = rapport(dir.path(), &db, &["import", &file]);
        assert!(!out.status.success(), "{name}");
        assert!(stderr(&out).contains(expected), "{name}: {}", stderr(&out));
        assert_eq!(dump(&db), before, "{name} changed the database");
    }
    // --skip-invalid imports the rest and names each skipped record.
    let file = write(
        dir.path(),
        "skip.json",
        fb.replace(
            "\"Jonas Berg\", \"id\": \"7734019283746599\"",
            "\"Jonas Berg\"",
        )
        .as_bytes(),
    );
    let out = rapport(dir.path(), &db, &["import", "--skip-invalid", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("skip.json:data[0].comments.data[0].from.id: skipped: missing"));
    assert!(
        stdout(&out).contains("3 mentions added"),
        "{}",
        stdout(&out)
    );
}

/// A format can be forced, and a Mastodon array is no longer taken for CSV.
#[test]
fn forcing_a_format_and_the_old_csv_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let file = fixture("mastodon-notifications.json");
    let out = rapport(
        dir.path(),
        &db,
        &["import", "--format", "reddit", file.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(!stderr(&out).contains("header"), "{}", stderr(&out));
    let out = rapport(dir.path(), &db, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("(mastodon): 3 mentions added"),
        "{}",
        stdout(&out)
    );
}

/// The records of `bytes` as detected, or the first error.
fn read_bytes(bytes: Vec<u8>) -> (Format, Vec<Record>) {
    let reader = Box::new(BufReader::new(std::io::Cursor::new(bytes)));
    let (format, records) = ingest::records(reader, None, &[]).unwrap();
    let records = records
        .filter_map(|item| match item.unwrap().parsed {
            Ok(Parsed::Record(r)) => Some(r),
            Ok(Parsed::Ignored) => None,
            Err(e) => panic!("{e}"),
        })
        .collect();
    (format, records)
}

/// A page wrapper and the bare array inside it read the same.
#[test]
fn a_bare_array_reads_like_its_page() {
    for (name, key) in [
        ("bluesky-notifications.json", "notifications"),
        ("youtube-comment-threads.json", "items"),
        ("facebook-comments.json", "data"),
        ("instagram-comments.json", "data"),
    ] {
        let (format, records, _) = read(name);
        let page: serde_json::Value =
            serde_json::from_slice(&std::fs::read(fixture(name)).unwrap()).unwrap();
        let bare = serde_json::to_vec_pretty(&page[key]).unwrap();
        assert_eq!(read_bytes(bare), (format, records), "{name}");
    }
}
