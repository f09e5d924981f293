//! Mastodon ids belong to the server that gave them: status 1234 and account 77 on
//! mastodon.social are not status 1234 and account 77 on fosstodon.org. So every id
//! rapport stores for a Mastodon message carries the server it came from,
//! `1234@mastodon.social` (mentions, parents, our replies, sent replies and likes),
//! and only the account's own server is ever asked about it, with the bare id.
//! People are keyed by their global handle (`ana@other.example`, see
//! `parse::global_acct`), never by the per-server account id.
//!
//! Rows pulled before ids carried their server hold bare ids; they are given their
//! account's server once, at its next pull (`store::cursors::adopt_id_host`), and
//! until then a bare id is taken as one of the account's own server.

/// The stored id of status `local` on `host`. A saved file does not say which server
/// answered it (`host` empty): its ids stay bare, as rows from before ids carried
/// their server do, and are taken as the server's of the account that answers them.
pub fn stored(local: &str, host: &str) -> String {
    if host.is_empty() {
        return local.to_string();
    }
    format!("{local}@{}", host.to_ascii_lowercase())
}

/// The id to send to `host`'s API for a stored id, or why it cannot be: an id of
/// another server must never be used here (it names another status, or none).
pub fn local<'a>(stored: &'a str, host: &str) -> Result<&'a str, String> {
    match stored.rsplit_once('@') {
        None => Ok(stored),
        Some((id, from)) if from.eq_ignore_ascii_case(host) && !id.is_empty() => Ok(id),
        Some((_, from)) => {
            let from = crate::domain::sanitize::one_line(from);
            Err(format!(
                "the status was pulled from {from}, not from this account's server {host}: answer it from an account on {from}"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_server() {
        let id = stored("1234", "Mastodon.Social");
        assert_eq!(id, "1234@mastodon.social");
        assert_eq!(local(&id, "mastodon.social"), Ok("1234"));
        assert_eq!(local("1234", "mastodon.social"), Ok("1234"), "from before");
        assert_eq!(stored("1234", ""), "1234", "from a saved file");
        let other = local(&stored("1234", "127.0.0.1:8080"), "127.0.0.1:9090").unwrap_err();
        assert!(other.contains("pulled from 127.0.0.1:8080"), "{other}");
    }
}
