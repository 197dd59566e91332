//! `geoscout chips` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout chips`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout chips`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'chips' is not implemented yet")
}
