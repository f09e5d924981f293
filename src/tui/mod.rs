//! The event loop: messages in (keys, store results, ticks, signals), `update`, effects
//! out, and a redraw only when something changed. Nothing here waits on the database:
//! the store thread answers with messages.

pub mod commands;
mod delivery;
pub mod editor;
mod handoff;
pub mod input;
pub mod pull;
pub mod terminal;

use crate::app::{App, Effect, Msg};
use crate::config::Config;
use crate::store::command::StoreCmd;
use anyhow::{bail, Context, Result};
use crossbeam_channel::{unbounded, RecvTimeoutError};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the clock ticks (waiting times, refreshes, unfinished key sequences).
const TICK: Duration = Duration::from_millis(500);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Opens the database for the screen, waiting while another rapport holds the whole
/// file (an import into an empty inbox, until it ends): the operator opened the app to
/// see the inbox, and it opens the moment the file is free. Each attempt waits the
/// busy timeout; the terminal is not set up yet, so Ctrl-C stops it.
fn open_waiting(db: &Path) -> Result<(crate::store::Connection, bool)> {
    let mut said = false;
    loop {
        match crate::store::open_for_screen(db) {
            Err(e) if crate::store::is_held_elsewhere(&e) => {
                if !said {
                    eprintln!(
                        "rapport: {}; waiting for it (Ctrl-C to stop)",
                        crate::store::held_by_another(db)
                    );
                    said = true;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            opened => return opened,
        }
    }
}

/// Runs the app on the database at `db` until the operator quits.
pub fn run(db: &Path, config: &Config) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("the inbox screen needs a terminal; in scripts use `rapport stats`, `rapport check` or `rapport export`");
    }
    // The first detail reads its message: have the reader ready by then.
    let _ = std::thread::Builder::new()
        .name("prepare".into())
        .spawn(crate::domain::reading::prepare);
    let keymap = config.keymap.clone();
    let (conn, read_only) = open_waiting(db)?;
    let (msg_tx, msg_rx) = unbounded::<Msg>();
    let (cmd_tx, cmd_rx) = unbounded::<StoreCmd>();
    let replies = msg_tx.clone();
    // The figures on a second connection, opened by the store thread once the first
    // rows are in; without one they queue with the rest.
    let figures_db = db.to_path_buf();
    let open_figures: crate::store::actor::OpenFigures = Box::new(move || {
        crate::store::open_again(&figures_db, read_only)
            .map_err(|e| tracing::warn!("figures share the screen's connection: {e:#}"))
            .ok()
    });
    let store = crate::store::actor::spawn_with_figures(
        conn,
        Some(open_figures),
        config.clone(),
        cmd_rx,
        move |reply| replies.send(Msg::Loaded(reply)).is_ok(),
        now,
    )
    .context("starting the store thread")?;
    let size = crossterm::terminal::size().context("reading the terminal size")?;
    let mut app = App::new(config.clone(), keymap, now(), size);
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    app.read_only = read_only;
    // The first page is read while the terminal is set up: its commands go to the
    // store thread now, and the loop below runs whatever else `start` asked for.
    let mut effects = Vec::new();
    for effect in app.start() {
        match effect {
            Effect::Store(cmd) => {
                cmd_tx
                    .send(cmd)
                    .map_err(|_| anyhow::anyhow!("the store thread stopped at start-up"))?;
            }
            other => effects.push(other),
        }
    }
    // Before the read-only notice, which matters more and so is said last.
    let history_file = crate::config::paths::command_history();
    match commands::load_history(&history_file) {
        Ok(lines) => app.command_history = lines,
        Err(e) => {
            tracing::warn!("{e}");
            app.update(Msg::Loaded(crate::store::command::Reply::Notice(e)));
        }
    }
    if read_only {
        app.update(Msg::Loaded(crate::store::command::Reply::Notice(
            crate::app::act::READ_ONLY.into(),
        )));
    }
    let theme = crate::ui::theme::Theme::of(&app);

    let mut guard = terminal::Guard::new().context("setting up the terminal")?;
    let paused = Arc::new(AtomicBool::new(false));
    input::spawn_events(msg_tx.clone(), paused.clone()).context("starting the input thread")?;
    input::spawn_signals(msg_tx.clone()).context("listening for signals")?;

    // Delivery and live pulls run on their own threads and connections, never on a
    // read-only file. They start once the first rows are on screen (when the app asks
    // for its first figures): on two cores, opening them would slow the first page.
    let mut delivery: Option<crate::delivery::WorkerHandle> = None;
    let mut puller: Option<pull::Puller> = None;
    let mut workers_started = read_only;
    let mut handoff = handoff::Handoff::default();
    let mut next_tick = Instant::now() + TICK;
    'outer: loop {
        for effect in effects.drain(..) {
            match effect {
                Effect::Store(cmd) => {
                    if cmd_tx.send(cmd).is_err() {
                        break 'outer;
                    }
                }
                Effect::Quit => break 'outer,
                Effect::PullNow => {
                    if let Some(p) = &puller {
                        p.pull_now();
                    }
                }
                Effect::Deliver => {
                    if let Some(d) = &delivery {
                        d.wake();
                    }
                }
                Effect::Clipboard(text) => {
                    let said = handoff.copy(&text);
                    let _ = msg_tx.send(Msg::Loaded(crate::store::command::Reply::Notice(said)));
                }
                Effect::OpenUrl(url) => {
                    let said = handoff::open_url(&url);
                    tracing::info!("{said}");
                }
                Effect::Bell => {
                    let _ = std::io::stdout().write_all(b"\x07");
                }
                Effect::Alert(text) => alert(&config.alerts.command, &text),
                Effect::SaveCommandHistory(lines) => {
                    if let Err(e) = commands::save_history(&history_file, &lines) {
                        tracing::warn!("{e}");
                    }
                }
                Effect::RunCommand(run) => commands::spawn(run, msg_tx.clone()),
                Effect::OpenEditor(text) => {
                    paused.store(true, Ordering::SeqCst);
                    // Let the input thread finish its current poll before the editor reads.
                    std::thread::sleep(Duration::from_millis(80));
                    guard.suspend();
                    let result = editor::edit(&text);
                    guard
                        .resume()
                        .context("taking the terminal back from the editor")?;
                    paused.store(false, Ordering::SeqCst);
                    let _ = msg_tx.send(Msg::EditorDone(result));
                }
            }
        }
        if app.needs_redraw() {
            guard
                .terminal
                .draw(|f| crate::ui::draw(f, &app, &theme))
                .context("drawing")?;
        }
        if !workers_started && app.last_refresh.is_some() {
            workers_started = true;
            delivery = delivery::start(db, config, &msg_tx);
            puller = pull::start(db, config, &msg_tx);
            // A reply queued before they started goes out now.
            if let Some(d) = &delivery {
                d.wake();
            }
        }
        let wait = next_tick.saturating_duration_since(Instant::now());
        let msg = match msg_rx.recv_timeout(wait) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => {
                next_tick = Instant::now() + TICK;
                Msg::Tick(now())
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        effects = app.update(msg);
        // Take everything already waiting before drawing once.
        while let Ok(msg) = msg_rx.try_recv() {
            effects.extend(app.update(msg));
        }
    }
    if let Some(d) = delivery {
        delivery::stop(d);
    }
    // Let the store finish queued writes before the process ends.
    drop(cmd_tx);
    drop(guard);
    store
        .join()
        .map_err(|_| anyhow::anyhow!("the store thread stopped abnormally"))?;
    Ok(())
}

/// Runs the configured alert command with the announcement, without waiting for it.
fn alert(command: &[String], text: &str) {
    let Some((program, args)) = command.split_first() else {
        return;
    };
    if let Err(e) = std::process::Command::new(program)
        .args(args)
        .arg(text)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        tracing::warn!("alert command {program:?} failed: {e}");
    }
}
