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

/// GDAL's block cache in MB unless `GDAL_CACHEMAX` is set. GDAL's default, 5 % of the
/// machine's memory, is kept full by a scan of a large raster with blocks it never reads again:
/// `cargo bench --bench scan` measured a peak of 8.0 GB on 20000 x 20000 px with it and 2.2 GB
/// with this, which still holds the blocks that neighbouring tiles' halos share.
const GDAL_BLOCK_CACHE_MB: &str = "64";

fn main() -> ExitCode {
    let cli = Cli::parse();
    if std::env::var_os("GDAL_CACHEMAX").is_none() {
        // Only fails for a key GDAL rejects, which this one is not.
        let _ = gdal::config::set_config_option("GDAL_CACHEMAX", GDAL_BLOCK_CACHE_MB);
    }
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
