//! Server-Sent Events (html.spec.whatwg.org/multipage/server-sent-events.html), read
//! line by line from a stream: `event:` names an event, `data:` lines carry it, a
//! blank line ends it, and a line starting with `:` is a comment (Mastodon's
//! `:thump` heartbeat). Lines and events are capped, so a server cannot make us
//! hold an endless line in memory.

use std::io::{BufRead, Read};

/// The longest line read; longer is an error (a Mastodon notification is ~5 KB).
const MAX_LINE: u64 = 1024 * 1024;
/// The most data one event may carry.
const MAX_EVENT: usize = 4 * 1024 * 1024;

/// One event of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `message` when the server named none.
    pub name: String,
    /// The `data:` lines, joined with '\n'.
    pub data: String,
}

/// What the next read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A comment line: the server is alive (a heartbeat).
    Comment,
    Event(Event),
}

/// Reads items from an event stream.
pub struct Reader<R> {
    inner: R,
}

impl<R: BufRead> Reader<R> {
    pub fn new(inner: R) -> Reader<R> {
        Reader { inner }
    }

    /// The next comment or event; `None` when the server closed the stream (an
    /// event cut off by the close is dropped, as the spec says).
    pub fn next_item(&mut self) -> std::io::Result<Option<Item>> {
        let mut name = String::new();
        let mut data = String::new();
        let mut started = false;
        let mut data_lines = 0;
        loop {
            let mut raw = Vec::new();
            let n = (&mut self.inner)
                .take(MAX_LINE)
                .read_until(b'\n', &mut raw)?;
            if n == 0 {
                return Ok(None);
            }
            if !raw.ends_with(b"\n") && n as u64 >= MAX_LINE {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "a line of the event stream is longer than 1 MB",
                ));
            }
            while raw.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                raw.pop();
            }
            let line = String::from_utf8_lossy(&raw);
            if line.is_empty() {
                if started {
                    let name = if name.is_empty() {
                        "message".to_string()
                    } else {
                        name
                    };
                    return Ok(Some(Item::Event(Event { name, data })));
                }
                continue;
            }
            if line.starts_with(':') {
                if !started {
                    return Ok(Some(Item::Comment));
                }
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line.as_ref(), ""),
            };
            match field {
                "event" => name = value.to_string(),
                "data" => {
                    if data_lines > 0 {
                        data.push('\n');
                    }
                    data_lines += 1;
                    data.push_str(value);
                    if data.len() > MAX_EVENT {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "an event of the stream is larger than 4 MB",
                        ));
                    }
                }
                // `id:` and `retry:` change nothing for us: every (re)connection is
                // followed by a pull from the stored cursor anyway.
                _ => {}
            }
            started = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<Item> {
        let mut r = Reader::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some(i) = r.next_item().unwrap() {
            out.push(i);
        }
        out
    }

    #[test]
    fn reads_heartbeats_events_and_multi_line_data() {
        let got = items(
            ":connected\n\n:thump\nevent: notification\ndata: {\"a\":1}\n\nevent: delete\r\ndata: 12\r\n\r\ndata:x\ndata: y\n\nevent: cut",
        );
        assert_eq!(
            got,
            vec![
                Item::Comment,
                Item::Comment,
                Item::Event(Event {
                    name: "notification".into(),
                    data: "{\"a\":1}".into()
                }),
                Item::Event(Event {
                    name: "delete".into(),
                    data: "12".into()
                }),
                Item::Event(Event {
                    name: "message".into(),
                    data: "x\ny".into()
                }),
            ]
        );
    }

    #[test]
    fn an_endless_line_is_an_error_not_a_memory_sink() {
        let long = "data: ".to_string() + &"x".repeat(MAX_LINE as usize + 10);
        let mut r = Reader::new(long.as_bytes());
        assert_eq!(
            r.next_item().unwrap_err().kind(),
            std::io::ErrorKind::InvalidData
        );
    }
}
