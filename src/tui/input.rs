//! The threads that turn the outside world into messages: terminal events and
//! termination signals.

use crate::app::msg::{Mouse, Msg};
use crossbeam_channel::Sender;
use crossterm::event::{self, Event, MouseEventKind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Reads terminal events until the app is gone. While `paused` (an editor owns the
/// terminal) it does not read, so the editor gets every key.
pub fn spawn_events(tx: Sender<Msg>, paused: Arc<AtomicBool>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || loop {
            if paused.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            match event::poll(Duration::from_millis(50)) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => return,
            }
            let msg = match event::read() {
                Ok(Event::Key(k)) => Msg::Key(k),
                Ok(Event::Paste(text)) => Msg::Paste(text),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(Event::Mouse(m)) => match m.kind {
                    MouseEventKind::ScrollDown => Msg::Mouse(Mouse::ScrollDown),
                    MouseEventKind::ScrollUp => Msg::Mouse(Mouse::ScrollUp),
                    MouseEventKind::Down(_) => Msg::Mouse(Mouse::Click {
                        column: m.column,
                        row: m.row,
                    }),
                    _ => continue,
                },
                Ok(_) => continue,
                Err(_) => return,
            };
            if tx.send(msg).is_err() {
                return;
            }
        })?;
    Ok(())
}

/// Turns SIGTERM and SIGHUP into [`Msg::Terminate`], so the terminal is restored and
/// queued writes finish before the process ends.
pub fn spawn_signals(tx: Sender<Msg>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                let _ = tx.send(Msg::Terminate);
            }
        })?;
    Ok(())
}
