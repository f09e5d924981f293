//! The search language: words (each also the start of a longer word: `refun` finds
//! "refund"), "exact phrases", -word to leave out, from:handle (a handle or its start),
//! platform:x, account:ours, kind:sms, is:question|complaint|power|over|bot,
//! status:open|snoozed|done. Parsed here into plain values; the store turns them into
//! SQL.

use super::{MentionKind, Status};

/// A parsed search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Words and phrases, all of which must appear (full-text).
    pub terms: Vec<String>,
    /// Which of `terms` were quoted: those match exactly, the others as word starts.
    pub quoted: Vec<bool>,
    /// Words or phrases none of which may appear (`-word`, `-"a phrase"`).
    pub excluded: Vec<String>,
    /// The start of the author's handle (`from:hana` finds hana, hana_k, hanako).
    pub from: Option<String>,
    pub platform: Option<String>,
    /// One of our accounts (the one a mention was addressed to).
    pub account: Option<String>,
    pub kind: Option<MentionKind>,
    pub status: Option<Status>,
    pub question: bool,
    pub complaint: bool,
    pub power: bool,
    pub over: bool,
    pub bot: bool,
}

impl Query {
    /// Parses the text typed after `/`. Errors say which word is wrong.
    pub fn parse(text: &str) -> Result<Query, String> {
        let mut q = Query::default();
        for token in tokens(text) {
            let Token {
                text: t,
                quoted,
                negated,
            } = token;
            if negated {
                if !t.trim().is_empty() {
                    q.excluded.push(t);
                }
                continue;
            }
            if quoted {
                if !t.trim().is_empty() {
                    q.terms.push(t);
                    q.quoted.push(true);
                }
                continue;
            }
            let Some((field, value)) = t.split_once(':').filter(|(f, v)| {
                !v.is_empty() && ["from", "platform", "account", "kind", "is", "status"].contains(f)
            }) else {
                q.terms.push(t);
                q.quoted.push(false);
                continue;
            };
            let value = value.to_lowercase();
            match field {
                "from" => q.from = Some(value.trim_start_matches('@').to_string()),
                "platform" => q.platform = Some(value),
                "account" => q.account = Some(value.trim_start_matches('@').to_string()),
                "kind" => {
                    q.kind = Some(value.parse().map_err(|_| {
                        format!(
                            "kind:{value} is not a kind; use {}",
                            MentionKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    })?)
                }
                "status" => {
                    q.status = Some(value.parse().map_err(|_| {
                        format!("status:{value} is not a status; use open, snoozed or done")
                    })?)
                }
                _ => match value.as_str() {
                    "question" => q.question = true,
                    "complaint" => q.complaint = true,
                    "power" => q.power = true,
                    "over" => q.over = true,
                    "bot" => q.bot = true,
                    _ => {
                        return Err(format!(
                            "is:{value} is not known; use is:question, is:complaint, is:power, is:over or is:bot"
                        ))
                    }
                },
            }
        }
        Ok(q)
    }

    /// The FTS5 MATCH expression for the terms: each one a quoted string (so no word
    /// is read as an FTS operator), a bare word also as a prefix (`"refun"*`), all
    /// required, and `NOT` each excluded one. None when no word is required (leaving
    /// out words alone is [`Query::fts_excluded`]).
    pub fn fts_match(&self) -> Option<String> {
        self.fts_match_with(|_| None)
    }

    /// [`Query::fts_match`], with each bare word that `words` can list as the words it
    /// starts asked as those words (`("the" OR "there")`) instead of as a prefix: the
    /// same matches, which the full-text index can read lazily. `words` answers None
    /// to keep the prefix; an empty list matches nothing.
    pub fn fts_match_with(
        &self,
        mut words: impl FnMut(&str) -> Option<Vec<String>>,
    ) -> Option<String> {
        let parts: Vec<String> = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let exact = self.quoted.get(i).copied().unwrap_or(true);
                if exact {
                    return fts_string(t);
                }
                match words(t) {
                    // Quoted, so no word is read as an operator; one the index does
                    // not hold matches nothing, as the prefix would.
                    Some(list) if list.is_empty() => fts_string(t),
                    Some(list) => {
                        let list: Vec<String> = list.iter().map(|w| fts_string(w)).collect();
                        format!("({})", list.join(" OR "))
                    }
                    None => format!("{}*", fts_string(t)),
                }
            })
            .collect();
        if parts.is_empty() {
            return None;
        }
        let mut expr = parts.join(" ");
        if let Some(out) = self.fts_excluded() {
            expr = format!("({expr}) NOT ({out})");
        }
        Some(expr)
    }

    /// The FTS5 expression matching any excluded word or phrase, exactly; None when
    /// nothing is excluded.
    pub fn fts_excluded(&self) -> Option<String> {
        let parts: Vec<String> = self.excluded.iter().map(|t| fts_string(t)).collect();
        (!parts.is_empty()).then(|| parts.join(" OR "))
    }
}

/// A word or phrase as an FTS5 string: quoted, so nothing in it is an operator.
fn fts_string(t: &str) -> String {
    format!("\"{}\"", t.replace('"', "\"\""))
}

struct Token {
    text: String,
    quoted: bool,
    /// Written with a leading `-`: leave it out.
    negated: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    // A '-' starting a word (or a quote) leaves that word out; inside a word it is text.
    let mut negated = false;
    let flush = |cur: &mut String, quoted: bool, negated: &mut bool, out: &mut Vec<Token>| {
        if !cur.is_empty() || quoted {
            out.push(Token {
                text: std::mem::take(cur),
                quoted,
                negated: std::mem::take(negated),
            });
        } else if *negated {
            // A lone "-" is a word of its own.
            *negated = false;
            out.push(Token {
                text: "-".into(),
                quoted: false,
                negated: false,
            });
        }
    };
    for c in text.chars() {
        match c {
            '"' if in_quotes => {
                flush(&mut cur, true, &mut negated, &mut out);
                in_quotes = false;
            }
            '"' => {
                if !cur.is_empty() {
                    flush(&mut cur, false, &mut negated, &mut out);
                }
                in_quotes = true;
            }
            '-' if !in_quotes && cur.is_empty() && !negated => negated = true,
            c if c.is_whitespace() && !in_quotes => flush(&mut cur, false, &mut negated, &mut out),
            c => cur.push(c),
        }
    }
    flush(&mut cur, in_quotes, &mut negated, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_filter() {
        let q = Query::parse(
            r#"refund "cold brew" from:@Ana platform:X is:question is:over status:done kind:sms"#,
        )
        .unwrap();
        assert_eq!(q.terms, vec!["refund", "cold brew"]);
        assert_eq!(q.from.as_deref(), Some("ana"));
        assert_eq!(q.platform.as_deref(), Some("x"));
        assert!(q.question && q.over && !q.power);
        assert_eq!(q.status, Some(Status::Done));
        assert_eq!(q.kind, Some(MentionKind::Sms));
        assert_eq!(q.fts_match().unwrap(), r#""refund"* "cold brew""#);
    }

    #[test]
    fn minus_leaves_words_out() {
        let q = Query::parse(r#"refund -late -"cold brew" well-known"#).unwrap();
        assert_eq!(q.terms, ["refund", "well-known"]);
        assert_eq!(q.excluded, ["late", "cold brew"]);
        assert_eq!(
            q.fts_match().unwrap(),
            r#"("refund"* "well-known"*) NOT ("late" OR "cold brew")"#
        );
        let q = Query::parse("-late").unwrap();
        assert_eq!(q.fts_match(), None);
        assert_eq!(q.fts_excluded().unwrap(), r#""late""#);
        // A lone "-" is a word, not an exclusion.
        assert_eq!(Query::parse("a - b").unwrap().terms, ["a", "-", "b"]);
    }

    #[test]
    fn a_listed_word_is_asked_as_the_words_it_starts() {
        let q = Query::parse(r#"the "cold brew" zz -late"#).unwrap();
        let expr = q.fts_match_with(|t| match t {
            "the" => Some(vec!["the".into(), "there".into()]),
            "zz" => Some(vec![]),
            _ => None,
        });
        assert_eq!(
            expr.unwrap(),
            r#"(("the" OR "there") "cold brew" "zz") NOT ("late")"#
        );
    }

    #[test]
    fn words_cannot_inject_fts_syntax() {
        let q = Query::parse(r#"NOT a"b OR* "#).unwrap();
        assert_eq!(q.fts_match().unwrap(), r#""NOT"* "a"* "b OR* ""#);
        let q = Query::parse("time: 10:30").unwrap();
        assert_eq!(q.terms, vec!["time:", "10:30"]);
    }

    #[test]
    fn unknown_filters_are_explained() {
        assert!(Query::parse("is:happy").unwrap_err().contains("is:happy"));
        assert!(Query::parse("status:gone")
            .unwrap_err()
            .contains("status:gone"));
        assert_eq!(Query::parse("").unwrap(), Query::default());
    }
}
