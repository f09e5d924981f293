//! The paths given to `rapport import`: a folder stands for the files directly in
//! it, sorted by name, without hidden files or subfolders (which keeps a folder of
//! saved responses predictable: what is listed is what is imported); and the total
//! printed after several files.

use super::import::Outcome;
use std::path::{Path, PathBuf};

/// The files named on the command line, folders replaced by the files in them.
/// A folder that cannot be read, or holds no files, is reported and counts as a
/// failure.
pub fn files(paths: &[PathBuf], failed: &mut bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path == Path::new("-") || !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        match folder_files(path) {
            Ok(files) if files.is_empty() => {
                // The operator meant some files: saying nothing would hide a typo.
                *failed = true;
                eprintln!(
                    "rapport: {}: no files to import in this folder",
                    path.display()
                );
            }
            Ok(files) => out.extend(files),
            Err(e) => {
                *failed = true;
                eprintln!("rapport: {}: cannot read the folder: {e}", path.display());
            }
        }
    }
    out
}

/// The files directly in `folder`, sorted by name, without hidden ones (`.DS_Store`,
/// an editor's swap file) or subfolders.
pub fn folder_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        // Follows symlinks: a link to a file is a file.
        if !hidden && entry.path().is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// The sums over the files of one command, for its last line.
#[derive(Debug, Default)]
pub struct Total {
    pub files: u64,
    failed: u64,
    already: u64,
    mentions: u64,
    replies: u64,
    people: u64,
}

impl Total {
    /// Counts one file: its outcome, or `None` when it failed.
    pub fn add(&mut self, outcome: Option<&Outcome>) {
        self.files += 1;
        match outcome {
            None => self.failed += 1,
            Some(Outcome::Imported { counts, .. }) => {
                self.mentions += counts.mentions_added;
                self.replies += counts.replies_added;
                self.people += counts.people_added;
            }
            Some(Outcome::AlreadyImported(_)) => self.already += 1,
            Some(Outcome::Empty) => {}
        }
    }

    /// "total: 12 files: ..."
    pub fn line(&self) -> String {
        format!(
            "total: {} files: {} mentions added, {} replies added, {} people added, {} already imported, {} failed",
            self.files, self.mentions, self.replies, self.people, self.already, self.failed
        )
    }
}
