//! What the operator reads, in one place: durations and counts the way people say them
//! ("45s", "12m", "3h", "3h20m", "2d", "12.3k"), and what a change did.

use super::change::{Done, Undone};
use super::warnings::PaceWarning;
use super::{ActionKind, ActionState};
use chrono::{Datelike, TimeZone, Utc};

/// The status-bar line for a written change.
pub fn done(d: &Done) -> String {
    use super::handle::in_list as who;
    // Without the platform at hand, the handle's own shape decides the `@`.
    let person = |handle: &str| who("", handle);
    match d {
        Done::Queued {
            kind,
            handle,
            platform,
            ..
        } => format!("{kind} to {} queued", who(platform, handle)),
        Done::Liked {
            handle, platform, ..
        } => format!("like of {} queued", who(platform, handle)),
        Done::Dismissed { handle } => format!("dismissed {}", person(handle)),
        Done::Snoozed { handle, .. } => format!("snoozed {}", person(handle)),
        Done::PowerUser {
            handle,
            tagged: true,
        } => format!("{} tagged as power user", person(handle)),
        Done::PowerUser {
            handle,
            tagged: false,
        } => format!("{} is no longer a power user", person(handle)),
        Done::Relationship {
            handle,
            stage,
            engagement,
        } => format!(
            "{}: {}, prefers {}",
            person(handle),
            stage.as_str().replace('_', " "),
            engagement.as_str().replace('_', " "),
        ),
        Done::NoteAdded { handle } => format!("note added to {}", person(handle)),
    }
}

/// The review before a reply is queued (`[delivery] review`): exactly what goes where.
pub fn review(kind: ActionKind, to: &str, platform: &str, body: &str, undo_secs: u64) -> String {
    let body = super::sanitize::clean(body);
    format!(
        "This {kind} will be posted on {platform}, to {to}:\n\n{body}\n\nIt leaves {} after you queue it. y queues it; n, Esc or Enter goes back to the text.",
        if undo_secs == 0 {
            "at once".to_string()
        } else {
            format!("{undo_secs} s")
        }
    )
}

/// The first `n` words of a message, cleaned, with "…" when there is more.
pub fn first_words(text: &str, n: usize) -> String {
    let clean = super::sanitize::one_line(text);
    let mut words = clean.split(' ');
    let mut out: Vec<&str> = words.by_ref().take(n).collect();
    if words.next().is_some() {
        out.push("…");
    }
    out.join(" ")
}

/// Which moment the response figures time: said beside them.
pub fn counted_when(count_queued: bool) -> &'static str {
    if count_queued {
        "first response timed when queued"
    } else {
        "first response timed when sent"
    }
}

/// The status-bar line for an undo step.
pub fn undone(u: &Undone) -> String {
    format!(
        "undid {} ({})",
        u.kind,
        super::handle::in_list("", &u.handle)
    )
}

/// Why a reply, thank or like could not be undone: a sender has it.
pub fn left_the_outbox(kind: ActionKind, handle: &str, state: ActionState) -> String {
    let handle = super::handle::in_list("", handle);
    let what = match state {
        ActionState::Sending => "is being sent right now",
        ActionState::Sent => "was sent already",
        ActionState::Unknown => "may have been sent (its delivery was cut off)",
        ActionState::Failed => "failed to send: see the outbox",
        _ => "has left the outbox",
    };
    format!("the {kind} to {handle} {what}; it cannot be taken back here")
}

/// One line of the history list.
pub fn history_line(
    kind: ActionKind,
    handle: &str,
    when: &str,
    state: ActionState,
    body: &str,
) -> String {
    let body = super::sanitize::one_line(body);
    let handle = super::handle::in_list("", handle);
    let state = if kind.goes_out() {
        format!(" [{state}]")
    } else {
        String::new()
    };
    if body.is_empty() {
        format!("{when}  {kind} {handle}{state}")
    } else {
        format!("{when}  {kind} {handle}{state}: {body}")
    }
}

/// The question before reverting an action from the history: what will change.
pub fn revert(kind: ActionKind, handle: &str, when: &str, body: &str) -> String {
    let handle = super::handle::in_list("", handle);
    let body = super::sanitize::quote(body);
    let change = match kind {
        ActionKind::Reply | ActionKind::Thank => format!(
            "Cancel the {kind} to {handle} ({when}) before it is sent:\n\n\"{body}\"\n\nThe item goes back to the queue."
        ),
        ActionKind::Like => format!("Cancel the like of {handle} ({when}) before it is sent? The item goes back to the queue."),
        ActionKind::Dismiss => format!("Bring back the item from {handle} dismissed {when}?"),
        ActionKind::Snooze => format!("Wake the item from {handle} snoozed {when}?"),
        ActionKind::Tag => format!("Undo the power-user change on {handle} ({when})?"),
        ActionKind::Segment => format!("Put back {handle}'s buyer stage and engagement as they were before {when}?"),
        ActionKind::Note => format!("Remove the note on {handle} added {when}:\n\n\"{body}\"?"),
    };
    format!("{change}\n\ny reverts it; n, Esc or Enter keeps it.")
}

/// A compact duration: seconds under a minute, minutes under an hour, hours (with
/// minutes under 10 h) under two days, then days.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=35_999 if s % 3600 >= 60 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        3600..=172_799 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// [`duration`] of a measured figure (seconds, rounded), or "-" when there is none.
pub fn figure(secs: Option<f64>) -> String {
    secs.map(|s| duration(s.round() as i64))
        .unwrap_or_else(|| "-".into())
}

/// A rate such as replies per day: a tenth while it is small, then as `count` (4.3,
/// 250, 60k), so a busy inbox's figures stay short and without false precision.
pub fn rate(v: f64) -> String {
    match v.abs() < 100.0 {
        true => format!("{v:.1}"),
        false => count(v.round() as i64),
    }
}

/// A count with k/M for thousands and millions.
pub fn count(n: i64) -> String {
    match n.abs() {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// A time in the operator's zone, e.g. "Tue 24 Nov 14:05"; a time in another year
/// than `now`'s shows the year instead of the hour, "Wed 09 May 2018".
pub fn local_time(zone: chrono_tz::Tz, at: i64, now: i64) -> String {
    let (Some(t), Some(n)) = (
        Utc.timestamp_opt(at, 0).single(),
        Utc.timestamp_opt(now, 0).single(),
    ) else {
        return "?".into();
    };
    let (t, n) = (t.with_timezone(&zone), n.with_timezone(&zone));
    if t.year() == n.year() {
        t.format("%a %d %b %H:%M").to_string()
    } else {
        t.format("%a %d %b %Y").to_string()
    }
}

/// The reply-pace warning in words.
pub fn pace(p: &PaceWarning) -> String {
    match p {
        PaceWarning::Dropped {
            last_7_per_day,
            prior_28_per_day,
            drop,
        } => format!(
            "reply pace down {:.0}%: {}/day this week vs {}/day before",
            drop * 100.0,
            rate(*last_7_per_day),
            rate(*prior_28_per_day)
        ),
        PaceWarning::SilentWorkingDay { day } => {
            format!("no reply went out on {}", day.format("%a %d %b"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_speech() {
        assert_eq!(duration(-5), "0s");
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(60 * 12), "12m");
        assert_eq!(duration(3 * 3600), "3h");
        assert_eq!(duration(3 * 3600 + 20 * 60), "3h20m");
        assert_eq!(duration(30 * 3600 + 20 * 60), "30h");
        assert_eq!(duration(3 * 86_400), "3d");
        assert_eq!(count(9_999), "9999");
        assert_eq!(count(25_400), "25k");
        assert_eq!(count(2_500_000), "2.5M");
        assert_eq!(rate(4.25), "4.2");
        assert_eq!(rate(99.94), "99.9");
        assert_eq!(rate(250.4), "250");
        assert_eq!(rate(60_140.3), "60k");
    }

    #[test]
    fn a_date_of_another_year_shows_the_year() {
        let zone = chrono_tz::Europe::London;
        let now = Utc
            .with_ymd_and_hms(2026, 11, 24, 15, 0, 0)
            .unwrap()
            .timestamp();
        let today = Utc
            .with_ymd_and_hms(2026, 11, 24, 14, 5, 0)
            .unwrap()
            .timestamp();
        assert_eq!(local_time(zone, today, now), "Tue 24 Nov 14:05");
        let old = Utc
            .with_ymd_and_hms(2018, 5, 9, 10, 0, 0)
            .unwrap()
            .timestamp();
        assert_eq!(local_time(zone, old, now), "Wed 09 May 2018");
    }
}
