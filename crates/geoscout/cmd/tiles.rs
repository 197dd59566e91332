//! `geoscout tiles` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout tiles`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout tiles`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'tiles' is not implemented yet")
}
