//! `geoscout scan` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout scan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout scan`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'scan' is not implemented yet")
}
