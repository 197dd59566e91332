//! `geoscout synth` (placeholder until its issue lands).

use std::process::ExitCode;

/// Flags of `geoscout synth`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `geoscout synth`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'synth' is not implemented yet")
}
