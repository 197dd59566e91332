//! `geoscout diff`: the lead ledger across two campaigns (new, persisting, resolved).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, ensure};
use geoscout_grid::{Campaign, MatchOptions, diff, rebase_chip_paths, write_ledger};

use crate::cmd::assign::{SupervisionFlags, write_leads_folder};

/// Flags of `geoscout diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier campaign: a scan (or diff) output folder, or a leads GeoJSON file.
    #[arg(long, value_name = "PATH")]
    previous: PathBuf,
    /// The later campaign: a scan output folder, or a leads GeoJSON file.
    #[arg(long, value_name = "PATH")]
    current: PathBuf,
    /// Output folder: leads.geojson (current leads, then resolved ones, with status,
    /// first_seen and last_seen), ledger.csv, leads.gpkg and leads.qml, and with --grid or
    /// --rivers the roll-ups with counts per status.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Polygons of the same class are the same problem at this intersection over union or more.
    #[arg(long, value_name = "X", default_value_t = MatchOptions::default().min_iou)]
    min_iou: f64,
    /// ... or when their intersection covers this fraction of the smaller one.
    #[arg(long, value_name = "X", default_value_t = MatchOptions::default().min_overlap)]
    min_overlap: f64,
    /// Points of the same class are the same problem this close or closer, in metres.
    #[arg(long, value_name = "METRES", default_value_t = MatchOptions::default().max_distance_m)]
    max_distance: f64,
    #[command(flatten)]
    supervision: SupervisionFlags,
}

/// Runs `geoscout diff`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let fraction = 0.0..=1.0;
    ensure!(
        fraction.contains(&args.min_iou) && fraction.contains(&args.min_overlap),
        "--min-iou and --min-overlap must be between 0 and 1"
    );
    ensure!(
        args.max_distance >= 0.0,
        "--max-distance must not be negative"
    );
    let options = MatchOptions {
        min_iou: args.min_iou,
        min_overlap: args.min_overlap,
        max_distance_m: args.max_distance,
    };
    let mut previous = Campaign::open(&args.previous)?;
    let current = Campaign::open(&args.current)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    // Resolved leads come from the earlier folder: relate their chips to the later one, where
    // the current leads' chips are, before both are related to the output folder.
    let previous_folder = previous.folder().to_path_buf();
    rebase_chip_paths(&mut previous.leads, &previous_folder, current.folder())
        .with_context(|| format!("relating chip paths to {}", args.out.display()))?;
    let (mut ledger, summary) = diff(&previous, &current, &options)?;
    let supervision = args.supervision.open()?;
    supervision.apply(&mut ledger)?;
    write_leads_folder(&args.out, &current.path, &mut ledger, &supervision)?;
    write_ledger(&args.out.join("ledger.csv"), &ledger, supervision.csv)?;
    println!(
        "{} new, {} persisting, {} resolved ({} resolved earlier, carried) -> {}",
        summary.new,
        summary.persisting,
        summary.resolved,
        summary.carried,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
