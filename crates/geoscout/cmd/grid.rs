//! `geoscout grid` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout grid`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout grid`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'grid' is not implemented yet")
}
