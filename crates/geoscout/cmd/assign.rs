//! `geoscout assign` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout assign`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout assign`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'assign' is not implemented yet")
}
