//! Editing a reply in the operator's own editor ($VISUAL, then $EDITOR, then vi).

use std::io::Write;

/// Runs the editor on `text` and returns the edited text.
pub fn edit(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let mut parts = editor.split_whitespace();
    let program = parts.next().ok_or("$EDITOR is empty")?;
    let mut file = tempfile::Builder::new()
        .prefix("rapport-reply-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot run {program:?} (set $EDITOR): {e}"))?;
    if !status.success() {
        return Err(format!(
            "{program} exited with {status}; the reply is unchanged"
        ));
    }
    std::fs::read_to_string(file.path())
        .map_err(|e| format!("cannot read the edited reply back: {e}"))
}
