//! Comment threads as Meta's Graph API returns them (Facebook and Instagram):
//! `{data: [...], paging}` or the bare `data` array of top-level comments, each
//! holding its replies in `<replies key>.data`. The walk is the same for both; the
//! key of the replies, the field naming the post commented on and how one comment
//! reads are each platform's.

use super::json::{self, Bad, Owned};
use super::{Item, Parsed};
use serde_json::Value;

/// The comment a reply answers and its thread: `(parent id, thread id)`.
pub type Parent<'a> = Option<(&'a str, &'a str)>;

/// How one platform nests its comments.
pub struct Threads {
    /// The object whose `data` holds a comment's replies (`comments`, `replies`).
    pub replies: &'static str,
    /// The object whose `id` is the post commented on (`object`, `media`), when the
    /// file was asked for it.
    pub post: &'static str,
    /// One comment as a record, given the comment it answers.
    pub comment: fn(&Owned<'_>, Parent<'_>) -> Result<Parsed, Bad>,
}

impl Threads {
    /// Every comment of the document, each followed by its replies.
    pub fn items(&self, doc: &Value) -> Vec<Item> {
        let root = Owned::root(doc);
        let list = if doc.is_array() {
            root.elements()
        } else {
            root.array("data")
        };
        let mut out = Vec::new();
        match list {
            Ok(list) => list.iter().for_each(|c| self.walk(c, None, &mut out)),
            Err(bad) => out.push(json::item("", Err(bad))),
        }
        out
    }

    /// The thread of comment `id`: its parent's, else the post commented on, else
    /// the comment itself.
    pub fn thread(&self, c: &Owned<'_>, parent: Parent<'_>, id: &str) -> String {
        match parent {
            Some((_, thread)) => thread.to_string(),
            None => self.post_of(c).unwrap_or_else(|| id.to_string()),
        }
    }

    /// A comment, then its replies, answering it.
    fn walk(&self, c: &Owned<'_>, parent: Parent<'_>, out: &mut Vec<Item>) {
        out.push(json::item(&c.path, (self.comment)(c, parent)));
        let Ok(Some(id)) = c.opt_text("id") else {
            return;
        };
        let thread = self.thread(c, parent, &id);
        match c.object(self.replies).map(|r| r.map(|r| r.array("data"))) {
            Ok(Some(Ok(replies))) => replies
                .iter()
                .for_each(|r| self.walk(r, Some((&id, &thread)), out)),
            Ok(None) => {}
            Ok(Some(Err(bad))) | Err(bad) => out.push(json::item("", Err(bad))),
        }
    }

    /// The post commented on, when the file says.
    fn post_of(&self, c: &Owned<'_>) -> Option<String> {
        c.get(self.post)?.opt_text("id").ok().flatten()
    }
}
