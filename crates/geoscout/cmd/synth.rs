//! `geoscout synth`: writes synthetic georeferenced scenes with their ground truth.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use geoscout_core::{Class, Profile};
use geoscout_synth::{SceneSpec, TruthClass, WriteOptions, generate, write_scene};

/// Flags of `geoscout synth`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Imagery profile: `satellite` (blue, green, red, NIR; UInt16 reflectance x 10000; 1-2 m)
    /// or `uav` (red, green, blue; Byte; 0.05-0.2 m).
    #[arg(long)]
    profile: Profile,
    /// Folder to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Number of scenes; scene i uses seed SEED + i.
    #[arg(long, default_value_t = 1)]
    scenes: u64,
    /// Width and height of each scene in pixels.
    #[arg(long, default_value_t = 1024)]
    size: usize,
    /// Seed of the first scene; the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Force one ground sample distance in metres (default: drawn from the profile's range).
    #[arg(long)]
    gsd: Option<f64>,
    /// File names are PREFIX-SEED (default: the profile's name).
    #[arg(long)]
    name_prefix: Option<String>,
    /// Also write NAME.labels.tif (Byte: 0 background, 1..3 class ids, outlets as small discs).
    #[arg(long)]
    masks: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `geoscout synth`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create the folder", args.out.display()))?;
    let prefix = args
        .name_prefix
        .clone()
        .unwrap_or_else(|| args.profile.to_string());
    for i in 0..args.scenes {
        let seed = args
            .seed
            .checked_add(i)
            .context("--seed plus --scenes overflows")?;
        let spec = SceneSpec {
            profile: args.profile,
            width: args.size,
            height: args.size,
            seed,
            gsd_m: args.gsd,
        };
        let scene = generate(&spec)?;
        let name = format!("{prefix}-{seed:05}");
        let written = write_scene(&scene, &args.out, &name, WriteOptions { masks: args.masks })
            .with_context(|| format!("{}: cannot write scene {name}", args.out.display()))?;
        if !args.quiet {
            let count = |class: Class| {
                scene
                    .objects
                    .iter()
                    .filter(|o| o.class == TruthClass::Target(class))
                    .count()
            };
            let confusers = scene
                .objects
                .iter()
                .filter(|o| matches!(o.class, TruthClass::Confuser(_)))
                .count();
            println!(
                "{}: {}x{} px, {:.2} m, {} {}, sun {:.0}/{:.0} deg; {} piles, {} outlets, {} dust sources, {} confusers",
                written.image.display(),
                scene.width,
                scene.height,
                scene.gsd_m,
                scene.acquired.iso8601(),
                scene.season.name(),
                scene.sun.azimuth_deg,
                scene.sun.elevation_deg,
                count(Class::CoalGanguePile),
                count(Class::DischargeOutlet),
                count(Class::DustSource),
                confusers,
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
