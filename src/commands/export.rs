//! `rapport export`: mentions, people or actions as CSV or NDJSON, streamed.

use super::Ctx;
use crate::cli::{ExportArgs, ExportFormat, ExportWhat};
use crate::domain::sanitize;
use crate::store::export::{export, Filter, Row, Table};
use anyhow::{Context, Result};
use std::io::Write;
use std::process::ExitCode;

/// Writes the export to `--out` or standard output.
pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<ExitCode> {
    if let Some(status) = &args.status {
        status
            .parse::<crate::domain::Status>()
            .map_err(|e| anyhow::anyhow!("--status: {e}"))?;
    }
    let filter = Filter {
        platform: args.platform.as_ref().map(|p| p.to_ascii_lowercase()),
        status: args.status.as_ref().map(|s| s.to_ascii_lowercase()),
        since: args
            .since
            .as_deref()
            .map(super::stats::parse_since)
            .transpose()?,
    };
    let table = match args.what {
        ExportWhat::Mentions => Table::Mentions,
        ExportWhat::People => Table::People,
        ExportWhat::Actions => Table::Actions,
    };
    let conn = crate::store::open_existing(&ctx.db)?;
    let out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(private_file(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::new(out);
    match args.format {
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            let cell = |v: &serde_json::Value| match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => sanitize::clean(s),
                other => other.to_string(),
            };
            export(&conn, table, &filter, &mut |row| match row {
                Row::Header(names) => Ok(csv.write_record(names)?),
                Row::Values(_, values) => Ok(csv.write_record(values.iter().map(cell))?),
            })?;
            csv.flush().context("writing the export")?;
        }
        ExportFormat::Ndjson => {
            let mut out = out;
            export(&conn, table, &filter, &mut |row| {
                if let Row::Values(names, values) = row {
                    let object: serde_json::Map<String, serde_json::Value> = names
                        .iter()
                        .cloned()
                        .zip(values.iter().map(clean_value))
                        .collect();
                    serde_json::to_writer(&mut out, &object)?;
                    out.write_all(b"\n")?;
                }
                Ok(())
            })?;
            out.flush().context("writing the export")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A string from the database, cleaned again on its way out: rows written by other
/// tools reach a terminal or a file as harmless as imported ones.
fn clean_value(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) => serde_json::Value::String(sanitize::clean(s)),
        other => other.clone(),
    }
}

/// Creates (or truncates) `path` readable by its owner only: it holds customers' words.
fn private_file(path: &std::path::Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))
}
