//! Writing a reply or a thank-you. A thank-you starts from a template with the name
//! and topic filled in, and cannot be queued until the operator has added words of
//! their own: a template sent untouched is exactly the robot rapport refuses to be.

use crate::domain::ActionKind;
use tui_textarea::TextArea;

/// The compose pane.
#[derive(Debug, Clone)]
pub struct Compose {
    pub mention_id: i64,
    pub kind: ActionKind,
    /// "@handle (Name)", for the title.
    pub to: String,
    /// Where it goes: its length is counted the platform's way.
    pub platform: String,
    pub text: TextArea<'static>,
    /// The filled template it started from, for thank-yous.
    pub template: Option<String>,
    pub error: Option<String>,
    /// Another window is writing a reply to the same item: ask before sending.
    pub contested: bool,
}

impl Compose {
    pub fn new(
        mention_id: i64,
        kind: ActionKind,
        to: String,
        platform: &str,
        start: &str,
        template: Option<String>,
    ) -> Compose {
        let mut text = TextArea::from(start.split('\n').map(str::to_string).collect::<Vec<_>>());
        text.move_cursor(tui_textarea::CursorMove::Bottom);
        text.move_cursor(tui_textarea::CursorMove::End);
        Compose {
            mention_id,
            kind,
            to,
            platform: platform.to_string(),
            text,
            template,
            error: None,
            contested: false,
        }
    }

    /// A key typed into the draft. `ctrl-u` clears the line up to the cursor, as in a
    /// shell (the editor's own `ctrl-u` is undo, which surprises people here).
    pub fn input(&mut self, event: crossterm::event::KeyEvent) {
        use crossterm::event::{KeyCode, KeyModifiers};
        if event.code == KeyCode::Char('u') && event.modifiers == KeyModifiers::CONTROL {
            self.text.delete_line_by_head();
        } else {
            self.text.input(event);
        }
    }

    /// The text as typed.
    pub fn body(&self) -> String {
        self.text.lines().join("\n")
    }

    /// Replaces the text (from $EDITOR).
    pub fn set_body(&mut self, body: &str) {
        let body = body.trim_end_matches('\n');
        let contested = self.contested;
        *self = Compose::new(
            self.mention_id,
            self.kind,
            self.to.clone(),
            &self.platform.clone(),
            body,
            self.template.clone(),
        );
        self.contested = contested;
    }

    /// Whether the operator changed anything.
    pub fn edited(&self) -> bool {
        let body = self.body();
        match &self.template {
            Some(t) => body.trim() != t.trim(),
            None => !body.trim().is_empty(),
        }
    }

    /// Why the text cannot be queued yet, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let body = self.body();
        if body.trim().is_empty() {
            return Some("write something first".into());
        }
        if let Some(template) = &self.template {
            if !personal(template, &body) {
                return Some("make it personal: add words of your own to the template".into());
            }
        }
        match self.measure() {
            Some(m) if m.too_long() => Some(format!(
                "too long for {}: {}; shorten it",
                self.platform,
                m.label()
            )),
            _ => None,
        }
    }

    /// The length as the platform counts it, where it has a limit.
    pub fn measure(&self) -> Option<crate::domain::length::Measure> {
        crate::domain::length::measure(&self.platform, &self.body())
    }
}

/// True when `body` adds at least one word of three letters or more that the
/// template does not have.
pub fn personal(template: &str, body: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect()
    };
    let known = words(template);
    words(body).iter().any(|w| !known.contains(w))
}

/// Fills {name} and {topic} in a template.
pub fn fill(template: &str, name: &str, topic: &str) -> String {
    template.replace("{name}", name).replace("{topic}", topic)
}

/// The first few words of a message, as its topic.
pub fn topic(body: &str) -> String {
    let words: Vec<&str> = body.split_whitespace().take(6).collect();
    let mut t = words.join(" ");
    if body.split_whitespace().count() > 6 {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_needs_personal_words() {
        let t = fill("Thank you {name}! ", "Ana", "");
        assert_eq!(t, "Thank you Ana! ");
        assert!(!personal(&t, "Thank you Ana!"));
        assert!(!personal(&t, "thank you ANA!!! :)"));
        assert!(personal(&t, "Thank you Ana! Enjoy the oat latte."));
        let mut c = Compose::new(
            1,
            ActionKind::Thank,
            "@ana".into(),
            "instagram",
            &t,
            Some(t.clone()),
        );
        assert!(c.problem().unwrap().contains("personal"));
        assert!(!c.edited());
        c.set_body("Thank you Ana! See you Saturday at the roastery.");
        assert!(c.problem().is_none());
        assert!(c.edited());
    }

    #[test]
    fn a_reply_too_long_for_its_platform_waits() {
        let mut c = Compose::new(1, ActionKind::Reply, "@ana".into(), "twitter", "", None);
        c.set_body(&"word ".repeat(57));
        assert!(c
            .problem()
            .unwrap()
            .contains("too long for twitter: 285/280"));
        c.set_body(&"word ".repeat(55));
        assert!(c.problem().is_none());
    }

    #[test]
    fn topic_is_the_first_words() {
        assert_eq!(topic("is the cold brew back?"), "is the cold brew back?");
        assert_eq!(
            topic("one two three four five six seven"),
            "one two three four five six…"
        );
    }
}
