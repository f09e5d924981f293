//! How a person is named on screen: the one home for the `@` and for phone numbers.
//! A handle takes `@` ("@ana") where the platform's authors have handles and this one
//! looks like one (no spaces); otherwise the name is shown as it is ("Lena N."). A
//! phone number (an SMS sender, "+15550100123") never takes an `@`: lists, notices and
//! command output mask it but its last four digits ("•••• 0123"), since numbers are
//! personal data that many eyes pass over; the person's own card, page and the
//! compose pane show it whole.

use super::platforms::has_handles;

/// A person as lists show them: "@ana", "Lena N.", "•••• 0123". `platform` may be
/// empty when it is not at hand: the handle's own shape decides then.
pub fn in_list(platform: &str, handle: &str) -> String {
    match phone_digits(handle) {
        Some(digits) => {
            let last: String = digits[digits.len().saturating_sub(4)..].to_string();
            format!("•••• {last}")
        }
        None => named(platform, handle),
    }
}

/// A person as their card shows them: "@ana", "Lena N.", "+15550100123".
pub fn whole(platform: &str, handle: &str) -> String {
    if is_phone(handle) {
        handle.to_string()
    } else {
        named(platform, handle)
    }
}

fn named(platform: &str, handle: &str) -> String {
    let looks_like_a_handle = !handle.is_empty()
        && !handle.chars().any(char::is_whitespace)
        && !handle.starts_with('+')
        && !handle.starts_with('@');
    if has_handles(platform) && looks_like_a_handle {
        format!("@{handle}")
    } else {
        handle.to_string()
    }
}

/// Whether a handle is a phone number: '+' and 5 to 15 digits (E.164), possibly
/// behind a channel prefix ("whatsapp:+15550100123").
pub fn is_phone(handle: &str) -> bool {
    phone_digits(handle).is_some()
}

fn phone_digits(handle: &str) -> Option<&str> {
    let number = handle.rsplit(':').next().unwrap_or(handle);
    let digits = number.strip_prefix('+')?;
    ((5..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()))
        .then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked_in_lists_and_whole_on_the_card() {
        assert_eq!(in_list("twilio", "+15550100123"), "•••• 0123");
        assert_eq!(whole("twilio", "+15550100123"), "+15550100123");
        assert_eq!(in_list("", "whatsapp:+447700900123"), "•••• 0123");
        assert_eq!(in_list("mastodon", "ana"), "@ana");
        assert_eq!(whole("", "ana@other.example"), "@ana@other.example");
        // Not numbers: a handle of digits without '+', a '+' with letters.
        assert_eq!(in_list("", "115712"), "@115712");
        assert_eq!(in_list("", "+ana"), "+ana");
    }

    #[test]
    fn at_only_before_real_handles() {
        assert_eq!(whole("instagram", "ana.pa37"), "@ana.pa37");
        assert_eq!(whole("google", "Lena N."), "Lena N.");
        assert_eq!(whole("google", "lena"), "lena");
        assert_eq!(whole("sms", "+15550100"), "+15550100");
        // A phone number or a display name is not a handle on any platform.
        assert_eq!(whole("somewhere", "+15550100"), "+15550100");
        assert_eq!(whole("twitter", "Jane Doe"), "Jane Doe");
        assert_eq!(whole("somewhere", "jane"), "@jane");
    }

    #[test]
    fn names_that_are_not_handles_take_no_at() {
        assert_eq!(in_list("google", "lena_n"), "lena_n");
        assert_eq!(in_list("instagram", "Lena N."), "Lena N.");
        assert_eq!(whole("twitter", "@already"), "@already");
        assert_eq!(in_list("twitter", ""), "");
    }
}
