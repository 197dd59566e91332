//! `geoscout scan`: rasters in, leads out.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use geoscout_core::Class;
use geoscout_model::Device;
use geoscout_scan::{ScanOptions, expand_inputs, scan};

use crate::cmd::assign::SupervisionFlags;
use crate::cmd::common::{Epsg, default_threads, parse_threshold};

/// Flags of `geoscout scan`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    geoscout scan sample-tiles --out out/demo\n  \
    geoscout scan campaign.txt --out out/2026-11 --model satellite --crs EPSG:4547\n  \
    geoscout scan drone/ --out out/river --model uav --rivers rivers.geojson\n  \
    geoscout scan scenes/ --out out/monthly --grid datong-grid.gpkg --threshold dust_source=0.6")]
pub struct Args {
    /// Raster files, folders (searched for .tif/.tiff/.vrt/.img/.jp2/.ntf) or text files that
    /// list one path per line.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder (created if needed; earlier outputs of the same names are replaced only
    /// when the run completes).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Model name (in the models folder) or path to a card.json; by default each raster gets
    /// the shipped model whose card fits it.
    #[arg(long, value_name = "NAME|PATH")]
    pub model: Option<String>,
    /// Where the model runs: cpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    pub device: Device,
    /// Tiles per forward pass [default: 1 on cpu (as fast, a third of the memory), 4 on cuda].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub batch: Option<u16>,
    /// Threads for reading and for the model [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Tile (core) size in pixels [default: the model card's].
    #[arg(long, value_name = "N")]
    pub tile_size: Option<usize>,
    /// Probability threshold for a class, replacing the card's (repeatable), e.g.
    /// --threshold dust_source=0.6.
    #[arg(long, value_name = "CLASS=X", value_parser = parse_threshold)]
    pub threshold: Vec<(Class, f32)>,
    /// Keep only leads whose highest probability reaches X, replacing the card's (repeatable),
    /// e.g. --peak-threshold coal_gangue_pile=0.9: outlines follow --threshold, confidence the
    /// peak.
    #[arg(long, value_name = "CLASS=X", value_parser = parse_threshold)]
    pub peak_threshold: Vec<(Class, f32)>,
    /// Keep only leads whose score (the mean probability of their pixels) reaches X, replacing
    /// the card's (repeatable), e.g. --min-score coal_gangue_pile=0.92.
    #[arg(long, value_name = "CLASS=X", value_parser = parse_threshold)]
    pub min_score: Vec<(Class, f32)>,
    /// Smallest polygon lead kept, in square metres [default: the card's, per class].
    #[arg(long, value_name = "M2")]
    pub min_area: Option<f64>,
    /// CRS of leads.gpkg, e.g. EPSG:4547 [default: the rasters' projected CRS].
    #[arg(long, value_name = "EPSG:N")]
    pub crs: Option<Epsg>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub supervision: SupervisionFlags,
}

/// Runs `geoscout scan`. Exits 1 when some inputs failed (the others' leads are written).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(min_area) = args.min_area {
        anyhow::ensure!(
            min_area.is_finite() && min_area >= 0.0,
            "--min-area must be a number of square metres, not {min_area}"
        );
    }
    // Grid and rivers are opened first, so that a bad layer stops the run before the scan.
    let supervision = args.supervision.open()?;
    let inputs = expand_inputs(&args.inputs)?;
    anyhow::ensure!(
        !inputs.is_empty(),
        "no rasters found in {}",
        args.inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let threads = args.threads.map_or_else(default_threads, usize::from);
    // Tiles are read on rayon's global pool; the model's threads are set from the same flag.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let options = ScanOptions {
        model: args.model,
        device: args.device,
        batch: args
            .batch
            .map_or_else(|| args.device.default_batch(), usize::from),
        threads,
        tile_size: args.tile_size,
        thresholds: args.threshold.into_iter().collect::<BTreeMap<_, _>>(),
        peak_thresholds: args.peak_threshold.into_iter().collect::<BTreeMap<_, _>>(),
        min_scores: args.min_score.into_iter().collect::<BTreeMap<_, _>>(),
        min_area_m2: args.min_area,
        quiet: args.quiet,
        command_line: std::env::args().collect(),
    };
    let mut run = scan(&inputs, &args.out, &options)
        .with_context(|| format!("scan into {}", args.out.display()))?;
    supervision.apply(&mut run.leads)?;
    supervision.write_reports(run.staging_dir(), &run.leads)?;
    let failed = run.has_failures();
    let record = run.publish(args.crs.map(|c| c.0))?;
    if !args.quiet {
        let counts: Vec<String> = record
            .counts
            .iter()
            .map(|(class, n)| format!("{n} {class}"))
            .collect();
        eprintln!(
            "geoscout: {} raster(s), {} failed; {} lead(s){}; outputs in {}",
            record.inputs.len(),
            record.failures.len(),
            record.counts.values().sum::<usize>(),
            if counts.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts.join(", "))
            },
            args.out.display()
        );
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
