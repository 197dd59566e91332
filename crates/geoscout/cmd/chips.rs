//! `geoscout chips`: labelled rasters become training chips; with `--score`, probability rasters
//! are scored against the labels pixel by pixel.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use geoscout_chips::{
    ChipOptions, ClassMap, LabelOptions, LabelSource, Quality, ScoreOptions, probs_for,
    read_card_summary, score_scene, write_chips,
};
use geoscout_core::Profile;

/// Flags of `geoscout chips`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Chips: images/*.npy (float32 [bands, size, size], stored value x scale), \
targets/*.npy (uint8 [classes, size, size], probability x 255, classes coal_gangue_pile, \
discharge_outlet, dust_source), index.jsonl and chips.json. Train on them with scripts/train.py.\n\n\
Scoring: geoscout chips --score PROBS_DIR --card models/NAME/card.json SCENE.tif... reads \
PROBS_DIR/SCENE.tif (from geoscout predict) and prints per-class pixel IoU and F1 and, for \
outlets, the share found by a heat-map peak within the match radius."
)]
pub struct Args {
    /// Labelled rasters (any format GDAL reads).
    #[arg(required = true)]
    rasters: Vec<PathBuf>,

    /// Folder for the chips (created if missing).
    #[arg(long, required_unless_present = "score")]
    out: Option<PathBuf>,

    /// One label file for all rasters (any vector format and CRS GDAL reads) [default:
    /// NAME.truth.geojson beside each NAME.tif].
    #[arg(long)]
    labels: Option<PathBuf>,

    /// The attribute that holds each feature's class [default: class, or the mapping file's].
    #[arg(long)]
    class_field: Option<String>,

    /// Class mapping: VALUE=CLASS,... with CLASS one of coal_gangue_pile, discharge_outlet,
    /// dust_source, confuser (a look-alike: burns nothing, its chips are kept) or ignore.
    #[arg(long)]
    map: Option<String>,

    /// A TOML class mapping: `class_field = "..."` and a `[map]` table of VALUE = "CLASS".
    #[arg(long)]
    map_file: Option<PathBuf>,

    /// Chip width and height in pixels.
    #[arg(long, default_value_t = 256)]
    size: usize,

    /// Distance between chips in pixels [default: the chip size].
    #[arg(long)]
    stride: Option<usize>,

    /// Standard deviation of the outlet heat map in metres [default: 3 pixels].
    #[arg(long)]
    outlet_sigma_m: Option<f64>,

    /// Share of training chips with a confuser but no target that are kept.
    #[arg(long, default_value_t = 1.0)]
    negative_share: f64,

    /// Share of training chips without any target or confuser that are kept.
    #[arg(long, default_value_t = 0.25)]
    empty_share: f64,

    /// Share of rasters set aside whole for validation (threshold tuning).
    #[arg(long, default_value_t = 0.1)]
    val_share: f64,

    /// Skip chips with a larger share of pixels without data.
    #[arg(long, default_value_t = 0.5)]
    max_nodata_share: f64,

    /// Seed of the split and of the choice of empty chips.
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Scale of the stored values [default: 0.0001 for UInt16, 1/255 for Byte, else 1].
    #[arg(long)]
    scale: Option<f64>,

    /// Score the probability rasters in this folder (DIR/NAME.tif for each NAME.tif, as
    /// written by geoscout predict) instead of writing chips.
    #[arg(long, requires = "card", conflicts_with = "out")]
    score: Option<PathBuf>,

    /// The model card whose thresholds and channels the scoring uses.
    #[arg(long)]
    card: Option<PathBuf>,

    /// Match radius of outlet peaks in metres [default: the card profile's: 20 m satellite,
    /// 2 m uav].
    #[arg(long)]
    point_radius_m: Option<f64>,

    /// Also write the scores as JSON to this file.
    #[arg(long, requires = "score")]
    json: Option<PathBuf>,

    /// Print nothing but errors (and, with --score, the scores).
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `geoscout chips`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let label_options = label_options(&args)?;
    let labels = match &args.labels {
        Some(path) => LabelSource::File(path.clone()),
        None => LabelSource::Beside,
    };
    if let Some(probs) = &args.score {
        return score(&args, probs, labels, label_options);
    }
    let out = args
        .out
        .as_deref()
        .expect("clap requires --out without --score");
    let options = ChipOptions {
        size: args.size,
        stride: args.stride.unwrap_or(args.size),
        outlet_sigma_m: args.outlet_sigma_m,
        negative_share: args.negative_share,
        empty_share: args.empty_share,
        val_share: args.val_share,
        max_nodata_share: args.max_nodata_share,
        seed: args.seed,
        labels,
        label_options,
        scale: args.scale,
    };
    let quiet = args.quiet;
    let manifest = write_chips(&args.rasters, out, &options, |report| {
        if !quiet {
            eprintln!(
                "{}: {} chips of {} windows ({})",
                report.raster.display(),
                report.chips,
                report.windows,
                report.split.name()
            );
        }
    })?;
    if !quiet {
        let count = |split: &str| manifest.chips.get(split).copied().unwrap_or(0);
        eprintln!(
            "wrote {} training and {} validation chips to {}",
            count("train"),
            count("val"),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The class field and mapping from `--class-field`, `--map-file` and `--map`.
fn label_options(args: &Args) -> anyhow::Result<LabelOptions> {
    let mut options = LabelOptions::default();
    let mut map = ClassMap::default();
    if let Some(path) = &args.map_file {
        if let Some(field) = map.extend_from_file(path)? {
            options.class_field = field;
        }
    }
    if let Some(list) = &args.map {
        map.extend_from_list(list)?;
    }
    if let Some(field) = &args.class_field {
        options.class_field = field.clone();
    }
    options.map = map;
    Ok(options)
}

/// Scores every raster's probability raster and prints the summed figures.
fn score(
    args: &Args,
    probs_dir: &Path,
    labels: LabelSource,
    label_options: LabelOptions,
) -> anyhow::Result<ExitCode> {
    let card = args
        .card
        .as_deref()
        .expect("clap requires --card with --score");
    let card = if card.is_dir() {
        card.join("card.json")
    } else {
        card.to_path_buf()
    };
    let summary = read_card_summary(&card)?;
    let point_radius = args
        .point_radius_m
        .or(summary.profile.map(Profile::point_match_radius_m))
        .context("the card names no profile; give --point-radius-m")?;
    let options = ScoreOptions {
        classes: summary.classes,
        label_options,
        point_radius,
    };
    let mut total = Quality::default();
    for raster in &args.rasters {
        let probs = probs_for(raster, probs_dir);
        let quality = score_scene(raster, &labels.for_raster(raster), &probs, &options)?;
        total.add(&quality);
    }
    let mut stdout = std::io::stdout().lock();
    print_quality(&mut stdout, &total, &card)?;
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&quality_json(&total))?;
        std::fs::write(path, json + "\n").with_context(|| path.display().to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the scores as two small tables.
fn print_quality(out: &mut impl Write, quality: &Quality, card: &Path) -> std::io::Result<()> {
    writeln!(
        out,
        "scenes: {}   model card: {}",
        quality.scenes,
        card.display()
    )?;
    if !quality.pixels.is_empty() {
        writeln!(
            out,
            "{:<18} {:>12} {:>12} {:>7} {:>7} {:>9} {:>7}",
            "class", "truth px", "predicted px", "IoU", "F1", "precision", "recall"
        )?;
        for (class, c) in &quality.pixels {
            writeln!(
                out,
                "{:<18} {:>12} {:>12} {:>7.3} {:>7.3} {:>9.3} {:>7.3}",
                class.name(),
                c.truth,
                c.predicted,
                c.iou(),
                c.f1(),
                c.precision(),
                c.recall()
            )?;
        }
    }
    for (class, p) in &quality.peaks {
        writeln!(
            out,
            "{:<18} outlets {} | peaks {} | found within {} m: {} ({:.1} %) | precision {:.3} | F1 {:.3}",
            class.name(),
            p.truth,
            p.peaks,
            quality.point_radius,
            p.found,
            100.0 * p.recall(),
            p.precision(),
            p.f1()
        )?;
    }
    Ok(())
}

/// The scores with their derived ratios, for `--json`.
fn quality_json(quality: &Quality) -> serde_json::Value {
    let pixels: serde_json::Map<String, serde_json::Value> = quality
        .pixels
        .iter()
        .map(|(class, c)| {
            let value = serde_json::json!({
                "truth_pixels": c.truth, "predicted_pixels": c.predicted, "both_pixels": c.both,
                "iou": c.iou(), "f1": c.f1(), "precision": c.precision(), "recall": c.recall(),
            });
            (class.name().to_string(), value)
        })
        .collect();
    let peaks: serde_json::Map<String, serde_json::Value> = quality
        .peaks
        .iter()
        .map(|(class, p)| {
            let value = serde_json::json!({
                "truth": p.truth, "peaks": p.peaks, "found": p.found,
                "recall": p.recall(), "precision": p.precision(), "f1": p.f1(),
            });
            (class.name().to_string(), value)
        })
        .collect();
    serde_json::json!({
        "scenes": quality.scenes,
        "point_radius_m": quality.point_radius,
        "pixels": pixels,
        "peaks": peaks,
    })
}
