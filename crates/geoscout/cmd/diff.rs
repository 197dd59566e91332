//! `geoscout diff` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout diff`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout diff`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'diff' is not implemented yet")
}
