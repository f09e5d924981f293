//! The command line (completion, history, commands by name), saved views and the
//! operator's own commands, through `App::update`; the commands themselves run for
//! real (a small script that echoes its input).

mod common;

use common::fixtures::{self, code, key, page_request, NOW};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rapport::app::state::Popup;
use rapport::app::{App, Effect, Msg};
use rapport::config::Config;
use rapport::domain::change::{BulkChange, Targets};
use rapport::domain::BuyerStage;
use rapport::model::inbox::Listing;
use rapport::store::command::{Reply, StoreCmd};

fn app_with(toml: &str) -> App {
    let config = rapport::config::load_str(toml, "test.toml").unwrap();
    let keymap = config.keymap.clone();
    let mut app = App::new(config, keymap, NOW, (120, 40));
    let request = page_request(&app.start()).unwrap();
    let rows = fixtures::rows();
    let first = fixtures::detail(&rows[0]);
    app.update(Msg::Loaded(Reply::Page { request, rows }));
    app.update(Msg::Loaded(Reply::Detail {
        id: 1,
        detail: Some(Box::new(first)),
    }));
    app
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(app.update(key(c)));
    }
    effects
}

fn line(app: &App) -> String {
    app.command
        .as_ref()
        .expect("the command line is open")
        .text
        .clone()
}

fn bulk(effects: &[Effect]) -> Option<(Targets, BulkChange)> {
    effects.iter().find_map(|e| match e {
        Effect::Store(StoreCmd::Bulk { targets, change }) => {
            Some((targets.clone(), change.clone()))
        }
        _ => None,
    })
}

#[test]
fn tab_cycles_through_names_and_arguments() {
    let mut app = fixtures::app((120, 40));
    app.update(Msg::Loaded(Reply::Tags(vec![
        "vip".into(),
        "wholesale".into(),
    ])));
    app.update(key(':'));
    typed(&mut app, "st");
    app.update(code(KeyCode::Tab));
    assert_eq!(line(&app), "stage");
    assert_eq!(
        app.command.as_ref().unwrap().completions,
        ["stage", "stats"]
    );
    app.update(code(KeyCode::Tab));
    assert_eq!(line(&app), "stats");
    app.update(code(KeyCode::Tab));
    assert_eq!(line(&app), "stage");
    typed(&mut app, " ex");
    app.update(code(KeyCode::Tab));
    assert_eq!(line(&app), "stage existing_customer");
    let effects = app.update(code(KeyCode::Enter));
    assert!(app.command.is_none());
    assert_eq!(
        bulk(&effects),
        Some((
            Targets::Ids(vec![1]),
            BulkChange::Stage(BuyerStage::ExistingCustomer)
        )),
        "one item: at once, no question"
    );
    // Tags complete from those in use.
    app.update(key(':'));
    typed(&mut app, "tag w");
    app.update(code(KeyCode::Tab));
    assert_eq!(line(&app), "tag wholesale");
}

#[test]
fn history_walks_back_and_is_saved() {
    let mut app = fixtures::app((120, 40));
    app.update(key(':'));
    typed(&mut app, "sort newest");
    let effects = app.update(code(KeyCode::Enter));
    assert_eq!(
        page_request(&effects).unwrap().listing,
        Listing::ByTime { newest_first: true }
    );
    assert!(effects.contains(&Effect::SaveCommandHistory(vec!["sort newest".into()])));
    app.update(key(':'));
    typed(&mut app, "search refund");
    let effects = app.update(code(KeyCode::Enter));
    assert!(
        matches!(page_request(&effects).unwrap().listing, Listing::Search(q) if q.terms == ["refund"])
    );
    app.update(key(':'));
    app.update(code(KeyCode::Up));
    assert_eq!(line(&app), "search refund");
    app.update(code(KeyCode::Up));
    assert_eq!(line(&app), "sort newest");
    app.update(code(KeyCode::Down));
    assert_eq!(line(&app), "search refund");
    app.update(code(KeyCode::Down));
    assert_eq!(line(&app), "");
    app.update(code(KeyCode::Esc));
    assert!(app.command.is_none());
}

#[test]
fn the_history_file_is_capped_and_an_unreadable_one_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/command_history");
    let lines: Vec<String> = (0..600).map(|i| format!("search n{i}")).collect();
    rapport::tui::commands::save_history(&path, &lines).unwrap();
    let back = rapport::tui::commands::load_history(&path).unwrap();
    assert_eq!(back.len(), 500);
    assert_eq!(back.last().unwrap(), "search n599");
    // A folder where the file should be cannot be read: said, and the history is empty.
    let e = rapport::tui::commands::load_history(dir.path()).unwrap_err();
    assert!(e.contains("could not be read"), "{e}");
    assert!(
        rapport::tui::commands::load_history(&dir.path().join("none"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_unknown_command_names_the_closest() {
    let mut app = fixtures::app((120, 40));
    app.update(key(':'));
    typed(&mut app, "dismis");
    assert!(app
        .update(code(KeyCode::Enter))
        .iter()
        .all(|e| !matches!(e, Effect::Store(_))));
    let error = app.command.as_ref().unwrap().error.clone().unwrap();
    assert_eq!(error, "no command \"dismis\"; did you mean dismiss?");
    // Actions by name do what their key does.
    app.update(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL).into_msg());
    typed(&mut app, "dismiss");
    let effects = app.update(code(KeyCode::Enter));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Store(StoreCmd::Write(rapport::domain::change::Write::Dismiss {
            mention_id: 1
        }))
    )));
}

#[test]
fn a_snooze_typed_for_marked_items_asks_with_the_count() {
    let mut app = fixtures::app((120, 40));
    app.update(key(' '));
    app.update(key(' '));
    app.update(key(':'));
    typed(&mut app, "snooze 2h");
    app.update(code(KeyCode::Enter));
    let Some(Popup::Confirm { text, .. }) = &app.popup else {
        panic!("{:?}", app.popup)
    };
    assert!(text.starts_with("snooze 2 items until"), "{text}");
    let (targets, change) = bulk(&app.update(key('y'))).unwrap();
    assert_eq!(targets, Targets::Ids(vec![1, 2]));
    assert_eq!(change, BulkChange::Snooze { until: NOW + 7200 });
}

const VIEWS: &str = r#"
[[views]]
name = "refunds"
search = "refund status:open"
"#;

#[test]
fn saved_views_open_from_f_and_from_the_line() {
    let mut app = app_with(VIEWS);
    app.update(key(':'));
    typed(&mut app, "view ref");
    app.update(code(KeyCode::Tab));
    let effects = app.update(code(KeyCode::Enter));
    let Listing::Search(q) = page_request(&effects).unwrap().listing else {
        panic!()
    };
    assert_eq!(q.terms, ["refund"]);
    app.update(code(KeyCode::Esc));
    app.update(key('f'));
    let Some(Popup::Pick { items, .. }) = &app.popup else {
        panic!("{:?}", app.popup)
    };
    assert_eq!(items.last().unwrap(), "refunds  (refund status:open)");
    let n = items.len();
    for _ in 1..n {
        app.update(code(KeyCode::Down));
    }
    let effects = app.update(code(KeyCode::Enter));
    assert!(
        matches!(page_request(&effects).unwrap().listing, Listing::Search(q) if q.terms == ["refund"])
    );
}

#[cfg(unix)]
fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

#[cfg(unix)]
#[test]
fn a_users_command_gets_the_item_as_json_and_its_output_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    // It echoes its input, says something on stderr with a terminal escape, fails.
    let echo = script(
        dir.path(),
        "crm-note",
        "cat\nprintf '\\n\\033[2Jnoted\\n' >&2\nexit 3",
    );
    let mut app = app_with(&format!(
        "[[commands]]\nname = \"crm\"\nkey = \"C\"\nprogram = [{echo:?}, \"--json\"]\n"
    ));
    let effects = app.update(key('C'));
    let Some(Effect::RunCommand(run)) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    assert_eq!(run.program, [echo.clone(), "--json".into()]);
    let items: serde_json::Value = serde_json::from_str(&run.input).unwrap();
    assert_eq!(items[0]["id"], 1);
    assert_eq!(items[0]["handle"], "ana_bell");
    let done = rapport::tui::commands::execute(run);
    assert_eq!(done.status, "exit 3");
    app.update(Msg::CommandDone(done));
    let Some(Popup::Output { title, lines, .. }) = &app.popup else {
        panic!("{:?}", app.popup)
    };
    assert_eq!(title, "crm · exit 3");
    assert!(lines[0].contains("\"handle\":\"ana_bell\""), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("noted")));
    assert!(
        lines.iter().all(|l| !l.contains('\u{1b}')),
        "sanitized: {lines:?}"
    );
    // Marked items go together, from the line too.
    app.update(code(KeyCode::Esc));
    app.update(key(' '));
    app.update(key(' '));
    app.update(key(':'));
    typed(&mut app, "crm");
    let effects = app.update(code(KeyCode::Enter));
    let Some(Effect::RunCommand(run)) = effects
        .iter()
        .find(|e| matches!(e, Effect::RunCommand(_)))
        .cloned()
    else {
        panic!("{effects:?}")
    };
    let items: serde_json::Value = serde_json::from_str(&run.input).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 2);
}

#[cfg(unix)]
#[test]
fn a_command_that_hangs_is_stopped_at_its_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let slow = script(dir.path(), "slow", "echo started\nexec sleep 30");
    let done = rapport::tui::commands::execute(rapport::app::user_commands::Run {
        name: "slow".into(),
        program: vec![slow],
        input: "[]".into(),
        timeout_secs: 1,
    });
    assert_eq!(done.status, "stopped after 1 s");
    assert!(!done.ok);
    let missing = rapport::tui::commands::execute(rapport::app::user_commands::Run {
        name: "gone".into(),
        program: vec![dir.path().join("nope").to_string_lossy().into_owned()],
        input: "[]".into(),
        timeout_secs: 1,
    });
    assert!(
        missing.status.contains("could not start"),
        "{}",
        missing.status
    );
}

#[test]
fn bad_commands_and_views_are_named_errors() {
    let cases: &[(&str, &[&str])] = &[
        (
            "[[commands]]\nname = \"crm\"\nprogram = []\n",
            &["commands[0].program", "is missing"],
        ),
        (
            "[[commands]]\nname = \"crm\"\nkey = \"d\"\nprogram = [\"x\"]\n",
            &[
                "line 3",
                "commands[0].key",
                "\"d\" is already dismiss in [keys.inbox]",
            ],
        ),
        (
            "[[commands]]\nname = \"dismiss\"\nprogram = [\"x\"]\n",
            &["commands[0].name", "built-in"],
        ),
        (
            "[[views]]\nname = \"odd\"\nsearch = \"is:happy\"\n",
            &["line 3", "views[0].search", "is:happy"],
        ),
    ];
    for (toml, wanted) in cases {
        let e = rapport::config::load_str(toml, "mine.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("mine.toml"), "{e}");
        for w in *wanted {
            assert!(e.contains(w), "{toml}: {e} lacks {w}");
        }
    }
    // A key freed with "none" can be taken.
    let ok = "[keys.inbox]\n\"d\" = \"none\"\n[[commands]]\nname = \"crm\"\nkey = \"d\"\nprogram = [\"x\"]\n";
    let c: Config = rapport::config::load_str(ok, "mine.toml").unwrap();
    assert_eq!(c.commands[0].key.as_deref(), Some("d"));
}

trait IntoMsg {
    fn into_msg(self) -> Msg;
}

impl IntoMsg for KeyEvent {
    fn into_msg(self) -> Msg {
        Msg::Key(self)
    }
}

#[test]
fn a_paste_goes_into_the_line_on_one_line() {
    let mut app = fixtures::app((120, 40));
    app.update(key(':'));
    app.update(Msg::Paste("search cold\nbrew\u{1b}[2J".into()));
    let text = line(&app);
    assert!(text.starts_with("search cold"), "{text:?}");
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text:?}");
}
