//! `geoscout eval`: scores leads against ground truth by the rules of `targets.md`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, ensure};
use geoscout_core::Profile;
use geoscout_eval::{EvalOptions, Evaluation, Scores, evaluate};

/// Flags of `geoscout eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Ground truth: a NAME.truth.geojson file, or a folder of them.
    #[arg(long, value_name = "PATH")]
    truth: PathBuf,
    /// Leads: a leads GeoJSON file, or a `scan` output folder holding leads.geojson. Leads are
    /// paired with the truth of their `source` raster (NAME.tif <-> NAME.truth.geojson).
    #[arg(long, value_name = "PATH")]
    leads: PathBuf,
    /// Print the result as JSON: per class, in total, and per scene with every match.
    #[arg(long)]
    json: bool,
    /// Score every scene as this imagery (outlets match within 20 m on satellite, 2 m on uav)
    /// instead of telling it from the raster beside the truth or from the leads' gsd_m.
    #[arg(long, value_name = "satellite|uav")]
    profile: Option<Profile>,
    /// Match outlets within this many metres in every scene (overrides --profile).
    #[arg(long, value_name = "M")]
    radius: Option<f64>,
}

/// Runs `geoscout eval`: prints the per-class table (or JSON) for all scenes together.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(radius) = args.radius {
        ensure!(
            radius.is_finite() && radius > 0.0,
            "--radius must be a positive number of metres, not {radius}"
        );
    }
    let options = EvalOptions {
        profile: args.profile,
        point_radius_m: args.radius,
    };
    let evaluation = evaluate(&args.truth, &args.leads, &options).with_context(|| {
        format!(
            "scoring {} against {}",
            args.leads.display(),
            args.truth.display()
        )
    })?;
    for (source, n) in &evaluation.leads_without_truth {
        eprintln!(
            "geoscout: note: {} of '{source}' not scored: no {source}.truth.geojson",
            count(*n, "lead")
        );
    }
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &evaluation)?;
        writeln!(out)?;
    } else {
        write_table(&mut out, &evaluation)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_table(out: &mut impl Write, evaluation: &Evaluation) -> io::Result<()> {
    let scenes = &evaluation.scenes;
    let sum = |f: fn(&geoscout_eval::SceneEvaluation) -> usize| scenes.iter().map(f).sum::<usize>();
    writeln!(
        out,
        "{}, {} ({} not counted), {}",
        count(scenes.len(), "scene"),
        count(sum(|s| s.truth_objects), "true object"),
        count(sum(|s| s.confusers), "confuser"),
        count(sum(|s| s.leads), "lead"),
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<18} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6} {:>8} {:>12}",
        "class", "TP", "FP", "FN", "precision", "recall", "F1", "mean IoU", "mean dist m"
    )?;
    for (class, scores) in &evaluation.classes {
        write_scores(out, class.name(), scores)?;
    }
    write_scores(out, "total", &evaluation.total)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<24} {:<9} {:>8} {:<12} {:>5} {:>5} {:>4} {:>4} {:>4} {:>6}",
        "scene", "profile", "radius m", "CRS", "truth", "leads", "TP", "FP", "FN", "F1"
    )?;
    for scene in scenes {
        writeln!(
            out,
            "{:<24} {:<9} {:>8} {:<12} {:>5} {:>5} {:>4} {:>4} {:>4} {:>6}",
            scene.name,
            scene.profile.map_or("-", |p| p.name()),
            scene.point_radius_m.map_or("-".into(), |r| format!("{r}")),
            scene.crs.as_deref().unwrap_or("-"),
            scene.truth_objects,
            scene.leads,
            scene.total.true_positives,
            scene.total.false_positives,
            scene.total.false_negatives,
            figure(scene.total.f1, 3),
        )?;
    }
    Ok(())
}

fn write_scores(out: &mut impl Write, name: &str, s: &Scores) -> io::Result<()> {
    writeln!(
        out,
        "{:<18} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6} {:>8} {:>12}",
        name,
        s.true_positives,
        s.false_positives,
        s.false_negatives,
        figure(s.precision, 3),
        figure(s.recall, 3),
        figure(s.f1, 3),
        figure(s.mean_iou, 3),
        figure(s.mean_distance_m, 2),
    )
}

/// `1 lead`, `2 leads`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A figure with `decimals` decimals, or `-` when it is undefined.
fn figure(value: Option<f64>, decimals: usize) -> String {
    value.map_or("-".into(), |v| format!("{v:.decimals$}"))
}
