//! Marked rows (in colour and with NO_COLOR) and the command line with its
//! completions, drawn at 80x24 and 200x50 (snapshots in tests/snapshots/).

mod common;

use common::fixtures::{self, code, key};
use crossterm::event::KeyCode;
use rapport::app::App;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    terminal
        .draw(|f| rapport::ui::draw(f, app, &rapport::ui::theme::Theme::of(app)))
        .unwrap();
    terminal.backend().to_string()
}

fn check(name: &str, build: impl Fn((u16, u16)) -> App) {
    for size in SIZES {
        let app = build(size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), render(&app));
    }
}

/// Rows 1, 2 and 4 marked: each starts with *, and the status bar counts them.
fn marked(size: (u16, u16), no_color: bool) -> App {
    let mut app = fixtures::app(size);
    app.no_color = no_color;
    app.update(key(' '));
    app.update(key(' '));
    app.update(key('j'));
    app.update(key(' '));
    app.notice = None;
    app
}

#[test]
fn marked_rows() {
    check("marked", |size| {
        let app = marked(size, false);
        let screen = render(&app);
        assert!(screen.contains("3 marked"), "{screen}");
        assert_eq!(screen.matches("│*").count(), 3, "{screen}");
        app
    });
}

#[test]
fn marked_rows_without_colour() {
    check("marked_no_color", |size| {
        let app = marked(size, true);
        assert_eq!(render(&app).matches("│*").count(), 3);
        app
    });
}

#[test]
fn the_command_line_with_completions() {
    check("command_line", |size| {
        let mut app = fixtures::app(size);
        app.update(key(':'));
        for c in "s".chars() {
            app.update(key(c));
        }
        app.update(code(KeyCode::Tab));
        app.update(code(KeyCode::Tab));
        let screen = render(&app);
        assert!(screen.contains(":snooze"), "{screen}");
        assert!(screen.contains("stage"), "{screen}");
        app
    });
}

#[test]
fn a_count_being_typed_shows_in_the_status_bar() {
    let mut app = fixtures::app((80, 24));
    app.notice = None;
    app.update(key('1'));
    app.update(key('2'));
    let screen = render(&app);
    assert!(screen.contains("12×"), "{screen}");
    app.update(key('j'));
    assert!(!render(&app).contains("12×"));
}

#[test]
fn the_confirmation_says_enter_is_a_no() {
    let mut app = marked((80, 24), false);
    app.update(key('d'));
    let screen = render(&app);
    assert!(screen.contains("dismiss 3 items?"), "{screen}");
    assert!(screen.contains("y: yes    n / Esc / Enter: no"), "{screen}");
}
