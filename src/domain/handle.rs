//! How a person's handle is shown. A handle is shown with `@` ("@ana"), except a
//! phone number (an SMS sender, "+15550100123"), which never takes an `@`: lists,
//! notices and command output mask it but its last four digits ("•••• 0123"), since
//! numbers are personal data that many eyes pass over; the person's own card, page
//! and the compose pane show it whole.

/// A handle as lists show it: "@ana", "•••• 0123".
pub fn in_list(handle: &str) -> String {
    match phone_digits(handle) {
        Some(digits) => {
            let last: String = digits[digits.len().saturating_sub(4)..].to_string();
            format!("•••• {last}")
        }
        None => format!("@{handle}"),
    }
}

/// A handle as the person's card shows it: "@ana", "+15550100123".
pub fn whole(handle: &str) -> String {
    if is_phone(handle) {
        handle.to_string()
    } else {
        format!("@{handle}")
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
        assert_eq!(in_list("+15550100123"), "•••• 0123");
        assert_eq!(whole("+15550100123"), "+15550100123");
        assert_eq!(in_list("whatsapp:+447700900123"), "•••• 0123");
        assert_eq!(in_list("ana"), "@ana");
        assert_eq!(whole("ana@other.example"), "@ana@other.example");
        // Not numbers: a handle of digits without '+', a '+' with letters.
        assert_eq!(in_list("115712"), "@115712");
        assert_eq!(in_list("+ana"), "@+ana");
    }
}
