//! Marks, changes to many, `.` and counts, driven through `App::update` alone.

mod common;

use common::fixtures::{self, code, key, page_request};
use crossterm::event::KeyCode;
use rapport::app::state::Popup;
use rapport::app::{Effect, Msg};
use rapport::domain::change::{BulkChange, BulkDone, Targets, UndoResult, Write};
use rapport::domain::ActionKind;
use rapport::model::inbox::Listing;
use rapport::store::command::{Reply, StoreCmd};

fn bulk(effects: &[Effect]) -> Option<(Targets, BulkChange)> {
    effects.iter().find_map(|e| match e {
        Effect::Store(StoreCmd::Bulk { targets, change }) => {
            Some((targets.clone(), change.clone()))
        }
        _ => None,
    })
}

fn writes(effects: &[Effect]) -> Vec<Write> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(StoreCmd::Write(w)) => Some(w.clone()),
            _ => None,
        })
        .collect()
}

fn question(app: &rapport::app::App) -> String {
    match &app.popup {
        Some(Popup::Confirm { text, .. }) => text.clone(),
        other => panic!("no question: {other:?}"),
    }
}

#[test]
fn marks_a_confirmation_with_the_count_and_one_undo_step() {
    let mut app = fixtures::app((120, 40));
    // space marks and moves on; space again on a marked row unmarks it.
    app.update(key(' '));
    app.update(key(' '));
    assert_eq!(app.inbox.selected().unwrap().id, 3);
    assert_eq!(app.marks.count(), Some(2));
    app.update(key('k'));
    app.update(key(' '));
    assert_eq!(app.marks.count(), Some(1));
    app.update(key('k'));
    app.update(key(' '));
    assert_eq!(app.marks.count(), Some(2));
    // d asks once, naming the count; Enter is not a yes.
    assert!(bulk(&app.update(key('d'))).is_none());
    assert_eq!(question(&app), "dismiss 2 items? y/n");
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    assert!(app.popup.is_none());
    assert_eq!(app.marks.count(), Some(2), "a no keeps the marks");
    app.update(key('d'));
    assert!(
        bulk(&app.update(key('x'))).is_none(),
        "any other key is a no"
    );
    assert!(app.popup.is_none());
    app.update(key('d'));
    let (targets, change) = bulk(&app.update(key('y'))).expect("y sends the change");
    assert_eq!(targets, Targets::Ids(vec![1, 2]));
    assert_eq!(change, BulkChange::Dismiss);
    assert!(app.marks.is_empty());
    // The store answers; u undoes the whole change as one step.
    let effects = app.update(Msg::Loaded(Reply::Bulk(BulkDone {
        change: BulkChange::Dismiss,
        changed: 2,
        skipped: Vec::new(),
        action_id: Some(41),
        queued: false,
    })));
    assert!(page_request(&effects).is_some(), "the list reloads");
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .starts_with("dismissed 2 items"));
    assert_eq!(app.done_this_session, 2);
    assert_eq!(app.update(key('u')), [Effect::Store(StoreCmd::Undo(41))]);
    app.update(Msg::Loaded(Reply::Undone(UndoResult::UndoneBatch {
        kind: ActionKind::Dismiss,
        count: 2,
        left: 0,
    })));
    assert_eq!(
        app.notice.as_ref().unwrap().text,
        "undid dismiss of 2 items"
    );
    assert_eq!(app.done_this_session, 0);
}

#[test]
fn esc_clears_marks_before_anything_else() {
    let mut app = fixtures::app((120, 40));
    app.update(key(' '));
    let effects = app.update(code(KeyCode::Esc));
    assert!(app.marks.is_empty());
    assert!(page_request(&effects).is_none(), "the list stays");
}

#[test]
fn a_range_marks_every_row_between() {
    let mut app = fixtures::app((120, 40));
    app.update(key('j'));
    app.update(key('v'));
    app.update(key('j'));
    app.update(key('j'));
    app.update(key('v'));
    assert_eq!(
        app.marks.targets(),
        Targets::Ids(vec![2, 3, 4]),
        "{:?}",
        app.marks
    );
    app.update(key('p'));
    assert_eq!(
        question(&app),
        "tag the authors of 3 items as power user? y/n"
    );
}

#[test]
fn star_marks_the_whole_search_as_a_query() {
    let mut app = fixtures::app((120, 40));
    app.update(key('/'));
    for c in "refund".chars() {
        app.update(key(c));
    }
    let req = page_request(&app.update(code(KeyCode::Enter))).unwrap();
    let Listing::Search(q) = req.listing.clone() else {
        panic!("{req:?}")
    };
    app.update(Msg::Loaded(Reply::Page {
        request: req,
        rows: vec![fixtures::row(9, "zed", "refund?", 10, 60)],
    }));
    let effects = app.update(key('*'));
    assert_eq!(effects, [Effect::Store(StoreCmd::Count(q.clone()))]);
    assert_eq!(app.marks.count(), None, "counting");
    app.update(Msg::Loaded(Reply::Counted {
        query: q.clone(),
        open: 38_000,
    }));
    assert_eq!(app.marks.count(), Some(38_000));
    app.update(key('d'));
    assert_eq!(question(&app), "dismiss 38000 items? y/n");
    let (targets, _) = bulk(&app.update(key('y'))).unwrap();
    assert_eq!(targets, Targets::Matching(q));
}

#[test]
fn a_count_repeats_a_move_or_asks_for_that_many() {
    let mut app = fixtures::app((120, 40));
    app.update(key('3'));
    app.update(key('j'));
    assert_eq!(app.inbox.selected().unwrap().id, 4);
    app.update(key('k'));
    app.update(key('k'));
    app.update(key('k'));
    assert_eq!(app.inbox.selected().unwrap().id, 1);
    app.update(key('3'));
    app.update(key('d'));
    assert_eq!(question(&app), "dismiss 3 items? y/n");
    let (targets, _) = bulk(&app.update(key('y'))).unwrap();
    assert_eq!(targets, Targets::Ids(vec![1, 2, 3]));
}

#[test]
fn dot_repeats_the_last_change_on_the_selected_item() {
    let mut app = fixtures::app((120, 40));
    assert!(writes(&app.update(key('.'))).is_empty());
    assert_eq!(app.notice.as_ref().unwrap().text, "nothing to repeat yet");
    assert_eq!(
        writes(&app.update(key('d'))),
        [Write::Dismiss { mention_id: 1 }]
    );
    assert_eq!(app.inbox.selected().unwrap().id, 2);
    assert_eq!(
        writes(&app.update(key('.'))),
        [Write::Dismiss { mention_id: 2 }]
    );
    // With a count: the confirmation, for that many.
    app.update(key('2'));
    app.update(key('.'));
    assert_eq!(question(&app), "dismiss 2 items? y/n");
}

#[test]
fn a_read_only_database_refuses_a_change_to_many() {
    let mut app = fixtures::app((120, 40));
    app.read_only = true;
    app.update(key(' '));
    app.update(key('d'));
    assert!(app.popup.is_none());
    assert!(app.notice.as_ref().unwrap().text.contains("read-only"));
}
