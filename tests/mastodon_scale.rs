//! How long pulling 10,000 notifications from a local server takes (125 pages of
//! 80). Ignored by default; run it with
//! `cargo test --release --test mastodon_scale -- --ignored --nocapture`.

mod mastodon_support;

use mastodon_support::{Mock, TOKEN};
use std::time::Instant;

#[test]
#[ignore]
fn pull_ten_thousand_notifications() {
    let mock = Mock::start();
    mock.add_mentions(10_000);
    let text = format!(
        "[[accounts]]\nname = \"northwind\"\nplatform = \"mastodon\"\nserver = \"{}\"\ntoken_command = [\"echo\", \"{TOKEN}\"]\n",
        mock.url
    );
    let config = rapport::config::load_str(&text, "scale.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rapport::store::open(&dir.path().join("r.db")).unwrap();
    let account = &config.accounts[0];
    let mut platform = rapport::platforms::connect(account).unwrap();
    let mut pages = Vec::new();
    let mut last = Instant::now();
    let started = last;
    let summary = rapport::platforms::pull_account(
        &mut conn,
        &config,
        account,
        platform.as_mut(),
        &mut |_| {
            pages.push(last.elapsed());
            last = Instant::now();
        },
    )
    .unwrap();
    let total = started.elapsed();
    assert_eq!(summary.added, 10_000);
    pages.sort();
    let median = pages[pages.len() / 2];
    let p90 = pages[pages.len() * 9 / 10];
    println!(
        "10,000 notifications: {:.2} s in {} pages; per page median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        total.as_secs_f64(),
        summary.pages,
        median.as_secs_f64() * 1000.0,
        p90.as_secs_f64() * 1000.0,
        pages[pages.len() - 1].as_secs_f64() * 1000.0
    );
}
