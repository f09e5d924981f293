//! The "Customer Support on Twitter" (TWCS) layout: `tweet_id, author_id, inbound,
//! created_at, text, response_tweet_id, in_response_to_tweet_id`, times like
//! `Wed Oct 11 06:55:44 +0000 2017`.
//!
//! Inbound rows (customers) are mentions on "twitter": a `reply` when they answer a
//! tweet, else a `mention`; the author id is both id and handle (the data set is
//! anonymized). Outbound rows (the brand) are replies we sent, answering
//! `in_response_to_tweet_id`; a brand tweet answering nothing is not a reply and is
//! ignored. Texts are written with HTML entities (`&amp;`, `&gt;:(`), decoded once.
//!
//! The account a customer wrote to is not taken from the text here: a tweet names
//! other customers and brands too (`@AppleSupport @Delta`). The import fills it in
//! from the conversation (store::import): the brand that answers it, else the brand
//! it answers, else the first @handle of a brand that answers somewhere. References to tweets outside the
//! file are normal: the data set is a slice.

use super::ndjson::{self, AuthorLine, Line, MentionLine, ReplyLine};
use super::rows::Rows;
use super::{utf8, Fatal, Item, Parsed};
use crate::domain::MentionKind;
use chrono::DateTime;
use std::io::BufRead;

const COLUMNS: usize = 7;

/// The records of a TWCS stream.
pub struct Reader<R> {
    rows: Rows<R>,
}

impl<R: BufRead> Reader<R> {
    /// Reads and checks the header.
    pub fn new(inner: R) -> Result<Self, Fatal> {
        let mut rows = Rows::new(inner);
        let ok = rows.next_row().transpose()?.is_some();
        let names: Vec<String> = rows
            .record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        if ok && names.join(",") != super::detect::TWCS_HEADER {
            return Err(Fatal {
                line: 1,
                message: format!(
                    "not the TWCS header; expected {} (use --format csv for other CSV files)",
                    super::detect::TWCS_HEADER
                ),
            });
        }
        Ok(Reader { rows })
    }
}

impl<R: std::io::Read> Reader<R> {
    fn field(&self, i: usize) -> Result<&str, String> {
        utf8(self.rows.record.get(i).unwrap_or(b"")).map(str::trim)
    }

    fn row(&self) -> Result<Parsed, String> {
        if self.rows.record.len() != COLUMNS {
            return Err(format!(
                "{} fields, but TWCS rows have {COLUMNS}; quote fields that contain commas",
                self.rows.record.len()
            ));
        }
        let id = self.field(0)?;
        let author = self.field(1)?;
        let text = self.field(4)?;
        let in_response_to = Some(self.field(6)?).filter(|s| !s.is_empty());
        let time = parse_time(self.field(3)?)?;
        let line = match self.field(2)?.to_ascii_lowercase().as_str() {
            "true" => Line::Mention(MentionLine {
                platform: "twitter".into(),
                external_id: id.into(),
                kind: if in_response_to.is_some() {
                    MentionKind::Reply
                } else {
                    MentionKind::Mention
                },
                created_at: time,
                body: text.into(),
                author: AuthorLine {
                    id: author.into(),
                    handle: author.into(),
                    name: None,
                    followers: None,
                    profile_url: None,
                    is_bot: false,
                },
                url: None,
                parent_id: in_response_to.map(str::to_string),
                thread_id: None,
                account: None,
            }),
            "false" => match in_response_to {
                None => return Ok(Parsed::Ignored),
                Some(target) => Line::OurReply(ReplyLine {
                    platform: "twitter".into(),
                    external_id: id.into(),
                    in_reply_to: target.into(),
                    body: text.into(),
                    sent_at: time,
                    account: Some(author.into()),
                }),
            },
            other => {
                return Err(format!(
                    "inbound {} should be True or False",
                    crate::domain::sanitize::shown(other)
                ))
            }
        };
        ndjson::to_record_of(line, ndjson::Text::Entities).map(Parsed::Record)
    }
}

/// `Wed Oct 11 06:55:44 +0000 2017` as RFC 3339.
fn parse_time(raw: &str) -> Result<String, String> {
    DateTime::parse_from_str(raw, "%a %b %d %H:%M:%S %z %Y")
        .map(|t| t.to_rfc3339())
        .map_err(|_| {
            format!(
                "created_at {} is not a time like Wed Oct 11 06:55:44 +0000 2017",
                crate::domain::sanitize::shown(raw)
            )
        })
}

impl<R: std::io::Read> Iterator for Reader<R> {
    type Item = Result<Item, Fatal>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.rows.next_row()?.map(|line| Item {
            at: super::Place::Line(line),
            parsed: self.row(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Record;

    #[test]
    fn customers_brands_and_lone_brand_tweets() {
        let text = format!(
            "{}\n1,105834,True,Wed Oct 11 06:55:44 +0000 2017,@AppleSupport @115712 it broke,2,\n\
             2,AppleSupport,False,Wed Oct 11 07:05:44 +0000 2017,@105834 sorry,,1\n\
             3,AppleSupport,False,Wed Oct 11 07:05:44 +0000 2017,hello all,,\n",
            super::super::detect::TWCS_HEADER
        );
        let items: Vec<Item> = Reader::new(std::io::Cursor::new(text.into_bytes()))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let Ok(Parsed::Record(Record::Mention(m))) = &items[0].parsed else {
            panic!("{:?}", items[0])
        };
        assert_eq!((m.kind, m.account.as_deref()), (MentionKind::Mention, None));
        assert_eq!(m.created_at.to_rfc3339(), "2017-10-11T06:55:44+00:00");
        let Ok(Parsed::Record(Record::OurReply(r))) = &items[1].parsed else {
            panic!("{:?}", items[1])
        };
        assert_eq!(r.in_reply_to, "1");
        assert_eq!(items[2].parsed, Ok(Parsed::Ignored));
    }

    #[test]
    fn entities_are_decoded_once_and_never_read_as_html() {
        let text = format!(
            "{}
1,105834,True,Wed Oct 11 06:55:44 +0000 2017,\"@Delta late again &gt;:( &amp; rude, &amp;amp; &lt;p&gt;\",,\n",
            super::super::detect::TWCS_HEADER
        );
        let items: Vec<Item> = Reader::new(std::io::Cursor::new(text.into_bytes()))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let Ok(Parsed::Record(Record::Mention(m))) = &items[0].parsed else {
            panic!("{:?}", items[0])
        };
        assert_eq!(m.body, "@Delta late again >:( & rude, &amp; <p>");
    }
}
