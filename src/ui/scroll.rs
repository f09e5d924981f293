//! Scrolling text that stops at its end: the pane shows its last screenful at most,
//! and notes how far it can go so `update` keeps the scroll within it.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;
use std::cell::Cell;

/// Draws `text` in `block` over `area`, scrolled by `scroll` but never past the last
/// line, and notes the furthest useful scroll in `limit`.
pub fn draw(
    frame: &mut Frame,
    text: Paragraph,
    block: Block,
    area: Rect,
    scroll: u16,
    limit: &Cell<Option<u16>>,
) {
    let inner = block.inner(area);
    let total = u16::try_from(text.line_count(inner.width)).unwrap_or(u16::MAX);
    let max = total.saturating_sub(inner.height);
    limit.set(Some(max));
    frame.render_widget(text.block(block).scroll((scroll.min(max), 0)), area);
}
