//! `geoscout predict` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout predict`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout predict`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'predict' is not implemented yet")
}
