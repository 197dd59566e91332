//! `geoscout eval` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout eval`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout eval`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'eval' is not implemented yet")
}
