//! The `geoscout` command line: one subcommand per job, each in its own module under `cmd/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Scans satellite and drone rasters for open coal gangue piles, discharge outlets and dust
/// sources, and exports the findings as map-ready leads.
#[derive(Debug, Parser)]
#[command(name = "geoscout", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report what GDAL knows about rasters: size, bands, CRS, resolution, footprint.
    Info(cmd::info::Args),
    /// Show how a raster is cut into tiles (cores plus halo), skipping nodata.
    Tiles(cmd::tiles::Args),
    /// Write synthetic georeferenced scenes with ground truth.
    Synth(cmd::synth::Args),
    /// Turn labelled rasters into training chips.
    Chips(cmd::chips::Args),
    /// Write a per-class probability GeoTIFF for a raster.
    Predict(cmd::predict::Args),
    /// Scan rasters and write leads (GeoJSON, FlatGeobuf, GeoPackage, chips, run record).
    Scan(cmd::scan::Args),
    /// Score leads against ground truth.
    Eval(cmd::eval::Args),
    /// Build supervision grid layers.
    Grid(cmd::grid::Args),
    /// Assign leads to grid cells (and rivers) and write the roll-ups.
    Assign(cmd::assign::Args),
    /// Match the leads of two campaigns: new, persisting, resolved.
    Diff(cmd::diff::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info(args) => cmd::info::run(args),
        Command::Tiles(args) => cmd::tiles::run(args),
        Command::Synth(args) => cmd::synth::run(args),
        Command::Chips(args) => cmd::chips::run(args),
        Command::Predict(args) => cmd::predict::run(args),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Grid(args) => cmd::grid::run(args),
        Command::Assign(args) => cmd::assign::run(args),
        Command::Diff(args) => cmd::diff::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("geoscout: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A closed pipe (`geoscout info ... | head`) is not an error worth reporting.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
