//! `geoscout info` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout info`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout info`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'info' is not implemented yet")
}
