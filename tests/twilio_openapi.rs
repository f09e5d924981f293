//! Our Twilio requests checked against Twilio's own OpenAPI description
//! (twilio-oai `twilio_api_v2010.yaml`) by a validating mock server (Prism, from the
//! npm registry), which answers 422 to a request the description does not allow.
//! Started by `scripts/twilio-openapi-check.sh`, which sets RAPPORT_TWILIO_OPENAPI_URL;
//! without it this test says so and passes (nothing to check against).

use rapport::delivery::{Delivery, Outgoing};
use rapport::platforms;

const SID: &str = "AC0123456789abcdef0123456789abcdef";

#[test]
fn our_requests_follow_twilios_openapi_description() {
    let Ok(url) = std::env::var("RAPPORT_TWILIO_OPENAPI_URL") else {
        eprintln!(
            "skipped: RAPPORT_TWILIO_OPENAPI_URL is not set (scripts/twilio-openapi-check.sh starts the mock)"
        );
        return;
    };
    let text = format!(
        r#"
[[accounts]]
name = "shop-sms"
platform = "twilio"
server = "{url}"
account_sid = "{SID}"
number = "+15550100123"
token_command = ["echo", "not-a-real-token"]
timeout_secs = 20
"#
    );
    let config = rapport::config::load_str(&text, "openapi.toml").unwrap();
    let account = &config.accounts[0];
    let mut twilio = platforms::connect(account).unwrap();
    // The first page of a pull, and a page with a stored cursor.
    let page = twilio.pull_page(None).expect("the list request is valid");
    eprintln!("pull: {} texts, done: {}", page.items.len(), page.done);
    let page = twilio
        .pull_page(Some(r#"{"day":"2026-11-01"}"#))
        .expect("the list request from a cursor is valid");
    eprintln!("pull from a cursor: {} texts", page.items.len());
    let check = twilio.check().expect("the account request is valid");
    eprintln!("accounts: {}", check.who);
    let reply = Outgoing {
        action_id: 1,
        idempotency_key: "rapport-openapi".into(),
        kind: "reply".into(),
        platform: "twilio".into(),
        account: Some("shop-sms".into()),
        in_reply_to: Some("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into()),
        mention_url: None,
        author: Some("+447700900123".into()),
        body: "Yes, open till 6 \u{1f600} & more".into(),
        attempts: 1,
        created_at: chrono::Utc::now().timestamp(),
    };
    let sent = twilio.deliver(&reply);
    assert!(matches!(sent, Delivery::Sent { .. }), "the send: {sent:?}");
    // A retry looks first (the lookup request), then posts or finds.
    let again = twilio.deliver(&Outgoing {
        attempts: 2,
        ..reply
    });
    assert!(
        matches!(again, Delivery::Sent { .. }),
        "the lookup and send: {again:?}"
    );
}
