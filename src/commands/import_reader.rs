//! The reader thread of an import: parses, reads each mention's signals (the reading is the
//! costly part), and pairs mentions with our replies that follow them closely, so the
//! writer stores an answered mention once, already answered, instead of inserting it
//! and rewriting it when the reply is linked.

use crate::domain::{signals, Record};
use crate::ingest::{self, Fatal, Item, Parsed};
use crate::store::import::{Answered, ReadAhead};
use std::collections::{HashMap, VecDeque};

/// One record for the writer.
pub struct Prepared {
    pub item: Item,
    /// A mention's signals and our earliest reply to it among the records soon after
    /// it; for a reply, how far back its mention came, if close.
    pub ahead: ReadAhead,
}

/// Records, a batch at a time, or what stopped the file.
pub type Batch = Result<Vec<Prepared>, Fatal>;

/// Where the writer sends the batches it has written: freeing a batch's strings is a
/// few per cent of the writer's time, and the writer is the import's bottleneck, so
/// another thread frees them. Dropping the sender ends that thread.
pub fn spawn_freer() -> crossbeam_channel::Sender<Vec<Prepared>> {
    let (tx, rx) = crossbeam_channel::bounded::<Vec<Prepared>>(4);
    std::thread::spawn(move || rx.iter().for_each(drop));
    tx
}

/// How many records a mention waits for its reply. Exports put replies close to what
/// they answer; those further away are linked at the end of the import instead.
const WINDOW: usize = 1024;
const BATCH: usize = 512;

/// Parses on another thread. Dropping the receiver stops it at its next send.
pub fn spawn(
    records: ingest::Records,
) -> (
    crossbeam_channel::Receiver<Batch>,
    std::thread::JoinHandle<()>,
) {
    let (tx, rx) = crossbeam_channel::bounded::<Batch>(16);
    let handle = std::thread::spawn(move || {
        let mut window = Window::default();
        let mut batch = Vec::with_capacity(BATCH);
        for item in records {
            let item = match item {
                Ok(item) => item,
                Err(fatal) => {
                    let _ = tx.send(Err(fatal));
                    return;
                }
            };
            if let Some(out) = window.push(item) {
                batch.push(out);
            }
            if batch.len() >= BATCH
                && tx
                    .send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))
                    .is_err()
            {
                return;
            }
        }
        batch.extend(window.drain());
        if !batch.is_empty() {
            let _ = tx.send(Ok(batch));
        }
    });
    (rx, handle)
}

/// The last `WINDOW` items, with their mentions findable by (platform, external id).
#[derive(Default)]
struct Window {
    held: VecDeque<Prepared>,
    /// Items that left the window so far: `held[0]` is item number `passed`.
    passed: usize,
    /// Records (items that parsed to one) taken in so far, as the writer counts them.
    records: u64,
    /// (item number, record number) of each mention held.
    mentions: HashMap<(String, String), (usize, u64)>,
}

impl Window {
    /// Takes a record in; returns the one that leaves the window, if any.
    fn push(&mut self, item: Item) -> Option<Prepared> {
        let mut ahead = ReadAhead::default();
        if let Ok(Parsed::Record(_)) = &item.parsed {
            self.records += 1;
        }
        match &item.parsed {
            Ok(Parsed::Record(Record::Mention(m))) => {
                ahead.signals = Some(signals::read(&m.body));
                let number = self.passed + self.held.len();
                self.mentions.insert(
                    (m.platform.clone(), m.external_id.clone()),
                    (number, self.records),
                );
            }
            Ok(Parsed::Record(Record::OurReply(r))) => {
                let key = (r.platform.clone(), r.in_reply_to.clone());
                if let Some(&(number, record)) = self.mentions.get(&key) {
                    if let Some(target) = self.held.get_mut(number - self.passed) {
                        ahead.answers_back = Some(self.records - record);
                        let answered = &mut target.ahead.answered;
                        if answered.as_ref().is_none_or(|a| r.sent_at < a.at) {
                            *answered = Some(Answered {
                                at: r.sent_at,
                                account: r.account.clone(),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
        self.held.push_back(Prepared { item, ahead });
        if self.held.len() > WINDOW {
            return self.pop();
        }
        None
    }

    fn pop(&mut self) -> Option<Prepared> {
        let out = self.held.pop_front()?;
        if let Ok(Parsed::Record(Record::Mention(m))) = &out.item.parsed {
            let key = (m.platform.clone(), m.external_id.clone());
            if self
                .mentions
                .get(&key)
                .is_some_and(|&(n, _)| n == self.passed)
            {
                self.mentions.remove(&key);
            }
        }
        self.passed += 1;
        Some(out)
    }

    fn drain(&mut self) -> Vec<Prepared> {
        std::iter::from_fn(|| self.pop()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ndjson::parse_line;

    fn item(line: u64, json: &str) -> Item {
        let record = parse_line(json).unwrap().unwrap();
        Item {
            at: crate::ingest::Place::Line(line),
            parsed: Ok(Parsed::Record(record)),
        }
    }

    #[test]
    fn the_earliest_close_reply_answers_its_mention_and_order_is_kept() {
        let mention = r#"{"platform":"twitter","external_id":"m1","kind":"mention","created_at":"2026-11-20T10:00:00Z","body":"help?","author":{"id":"7","handle":"sam"}}"#;
        let reply = |id: &str, to: &str, at: &str| {
            format!(
                r#"{{"type":"our_reply","platform":"twitter","external_id":"{id}","in_reply_to":"{to}","body":"ok","sent_at":"{at}","account":"acme"}}"#
            )
        };
        let mut window = Window::default();
        assert!(window.push(item(1, mention)).is_none());
        window.push(item(2, &reply("r2", "m1", "2026-11-20T11:00:00Z")));
        window.push(item(3, &reply("r1", "m1", "2026-11-20T10:30:00Z")));
        window.push(item(4, &reply("r3", "other", "2026-11-20T10:10:00Z")));
        let out = window.drain();
        assert_eq!(
            out.iter()
                .map(|p| p.item.at.to_string())
                .collect::<Vec<_>>(),
            vec!["1", "2", "3", "4"]
        );
        let answered = out[0].ahead.answered.as_ref().unwrap();
        assert_eq!(answered.at.to_rfc3339(), "2026-11-20T10:30:00+00:00");
        assert_eq!(answered.account.as_deref(), Some("acme"));
        assert!(out[0].ahead.signals.is_some_and(|s| s.is_question));
        assert!(out[1..].iter().all(|p| p.ahead.answered.is_none()));
        let back: Vec<_> = out.iter().map(|p| p.ahead.answers_back).collect();
        assert_eq!(back, [None, Some(1), Some(2), None]);
    }
}
