//! `geoscout grid`: supervision grid layers.

use std::path::PathBuf;
use std::process::ExitCode;

use geoscout_grid::{BoundaryFields, GridSpec, MetricCrs, build_grid, write_grid};

use crate::cmd::common::Epsg;

/// Flags of `geoscout grid`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: GridCommand,
}

#[derive(Debug, clap::Subcommand)]
enum GridCommand {
    /// Build a level-3 grid: square cells clipped to county polygons, each with a code (county
    /// code + cell number), its county and city, and its area.
    Build(BuildArgs),
}

/// Flags of `geoscout grid build`.
#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// County (district) polygons: any vector file GDAL reads, any CRS.
    #[arg(long, value_name = "FILE")]
    boundaries: PathBuf,
    /// The side of a cell in metres.
    #[arg(long, value_name = "METRES")]
    cell_size: f64,
    /// The grid file to write: .gpkg (in the metric CRS, with its spatial index), .geojson
    /// (RFC 7946, WGS 84) or .fgb.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The projected CRS of the cells [default: the CGCS2000 3-degree Gauss-Kruger zone of the
    /// boundaries' centre (EPSG:4547 for Datong), or the UTM zone outside China].
    #[arg(long, value_name = "EPSG:N")]
    crs: Option<Epsg>,
    /// The field with the county code (the first part of each cell code).
    #[arg(long, value_name = "NAME", default_value = "adcode")]
    code_field: String,
    /// The field with the county or district name.
    #[arg(long, value_name = "NAME", default_value = "district")]
    county_field: String,
    /// The field with the city name.
    #[arg(long, value_name = "NAME", default_value = "city")]
    city_field: String,
}

/// Runs `geoscout grid`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        GridCommand::Build(args) => build(args),
    }
}

fn build(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let spec = GridSpec {
        cell_size_m: args.cell_size,
        metric: args.crs.map(|Epsg(code)| MetricCrs::from_epsg(code)),
        fields: BoundaryFields {
            code: args.code_field,
            county: args.county_field,
            city: args.city_field,
        },
    };
    let grid = build_grid(&args.boundaries, &spec)?;
    write_grid(&args.out, &grid)?;
    let mut counties: Vec<&str> = grid
        .cells()
        .iter()
        .filter_map(|c| c.parent.as_deref())
        .collect();
    counties.sort_unstable();
    counties.dedup();
    println!(
        "{} cells of {} m in {} counties ({}) -> {}",
        grid.cells().len(),
        args.cell_size,
        counties.len(),
        grid.metric_crs(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
