//! `geoscout tiles`: how a raster is cut into tiles.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use geoscout_core::fs::write_bytes_atomically;
use geoscout_raster::{Raster, TilePlan, TileSpec, tile_layer};
use serde::Serialize;

/// Flags of `geoscout tiles`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The raster to cut.
    #[arg(value_name = "RASTER")]
    raster: PathBuf,
    /// Side of a tile's core in pixels.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    tile_size: u32,
    /// Pixels of context read around each core.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(0..=65_536))]
    halo: u32,
    /// Print the plan as JSON: `tiles` (each with `id`, `core` and `window` as
    /// `[x, y, width, height]`) and `skipped_nodata`.
    #[arg(long, conflicts_with = "geojson")]
    json: bool,
    /// Write the tile cores as an RFC 7946 GeoJSON layer (WGS 84) to FILE.
    #[arg(long, value_name = "FILE")]
    geojson: Option<PathBuf>,
}

/// The plan as `--json` prints it.
#[derive(Serialize)]
struct PlanReport<'a> {
    path: &'a Path,
    #[serde(flatten)]
    plan: &'a TilePlan,
}

/// Runs `geoscout tiles`: plans the tiles (skipping those whose window holds no valid pixel) and
/// prints a summary, the plan as JSON, or writes the tile cores as a GeoJSON layer.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let raster = Raster::open(&args.raster)?;
    let spec = TileSpec {
        tile_size: args.tile_size as usize,
        halo: args.halo as usize,
    };
    let plan = raster.plan_tiles(spec)?;
    let mut out = io::stdout().lock();
    if args.json {
        let report = PlanReport {
            path: raster.path(),
            plan: &plan,
        };
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(file) = &args.geojson {
        let georef = raster.georef().context("cannot place the tiles on a map")?;
        let layer = serde_json::to_string(&tile_layer(&plan, &georef))?;
        write_bytes_atomically(file, layer.as_bytes()).context("cannot write the tile layer")?;
        writeln!(out, "{}", summary(raster.path(), &plan))?;
        writeln!(
            out,
            "wrote {} tile cores to {}",
            plan.tiles.len(),
            file.display()
        )?;
    } else {
        writeln!(out, "{}", summary(raster.path(), &plan))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(path: &Path, plan: &TilePlan) -> String {
    format!(
        "{}: {} x {} pixels; cores of {} px with a halo of {} px on a {} x {} grid: {} of {} tiles kept, {} skipped (no valid pixel)",
        path.display(),
        plan.width,
        plan.height,
        plan.spec.tile_size,
        plan.spec.halo,
        plan.columns,
        plan.rows,
        plan.tiles.len(),
        plan.columns * plan.rows,
        plan.skipped_nodata
    )
}
