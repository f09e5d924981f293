//! `rapport export`: mentions, people or actions as CSV or NDJSON, streamed.

use super::Ctx;
use crate::cli::{ExportArgs, ExportFormat, ExportWhat};
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
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::new(out);
    match args.format {
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            let cell = |v: &serde_json::Value| match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
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
                    let object: serde_json::Map<String, serde_json::Value> =
                        names.iter().cloned().zip(values.iter().cloned()).collect();
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
