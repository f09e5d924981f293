//! The words of an announcement: items that just passed their response target.

use crate::domain::sanitize::one_line;
use crate::model::inbox::Crossed;

/// "@ana (x, mention) is now over target" or "3 items are now over target: @a, @b, @c".
pub fn announcement(crossed: &[Crossed]) -> String {
    match crossed {
        [one] => format!(
            "{} ({}, {}) is now over target",
            one_line(&crate::domain::handle::in_list(&one.platform, &one.handle)),
            one_line(&one.platform),
            one.kind.as_str().replace('_', " ")
        ),
        many => {
            let names: Vec<String> = many
                .iter()
                .take(3)
                .map(|c| one_line(&crate::domain::handle::in_list(&c.platform, &c.handle)))
                .collect();
            let more = if many.len() > 3 { ", …" } else { "" };
            format!(
                "{} items are now over target: {}{more}",
                many.len(),
                names.join(", ")
            )
        }
    }
}
