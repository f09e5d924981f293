//! Handing text and links to the rest of the desktop, for replies posted by hand: the
//! system clipboard (or, where there is none, the terminal's through OSC 52) and the
//! browser.

use base64::Engine;
use std::io::Write;

/// The system clipboard, kept open: on X11 the text lives as long as its owner does.
#[derive(Default)]
pub struct Handoff {
    clipboard: Option<arboard::Clipboard>,
}

impl Handoff {
    /// Puts `text` on the clipboard; says where it went.
    pub fn copy(&mut self, text: &str) -> String {
        if self.clipboard.is_none() {
            self.clipboard = arboard::Clipboard::new().ok();
        }
        if let Some(c) = self.clipboard.as_mut() {
            if c.set_text(text.to_string()).is_ok() {
                return "copied to the clipboard".into();
            }
        }
        // No clipboard reachable (a remote session, no display): ask the terminal.
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        let mut out = std::io::stdout();
        let _ = write!(out, "\x1b]52;c;{encoded}\x07");
        let _ = out.flush();
        "sent to the terminal's clipboard (OSC 52; some terminals need it allowed)".into()
    }
}

/// Opens `url` in the browser without waiting for it; says what happened. Only web
/// addresses are opened: a stored link is text from outside.
pub fn open_url(url: &str) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return format!(
            "not opening {}: not a web address",
            crate::domain::sanitize::shown(url)
        );
    }
    match open::that_detached(url) {
        Ok(()) => "opened in the browser".into(),
        Err(e) => format!("could not open the browser ({e}); the link is in the outbox view"),
    }
}
