//! `geoscout predict`: a per-class probability GeoTIFF for a raster.

mod writer;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use geoscout_model::{Device, Model, ModelCard, fitting_model, resolve};
use geoscout_raster::{Raster, TileSpec};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use writer::ProbabilityWriter;

/// Flags of `geoscout predict`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The raster to run the model on.
    #[arg(value_name = "RASTER")]
    raster: PathBuf,
    /// The probability GeoTIFF to write: one Byte band per class (probability x 255, band
    /// descriptions = class names), on the raster's grid, or for imagery finer than the model
    /// card's scan GSD on a grid of that size over the same ground (as `geoscout scan` reads it).
    #[arg(long, value_name = "PROBS.tif")]
    out: PathBuf,
    /// A model name in the models folder ($GEOSCOUT_MODELS or the repository's models/), or the
    /// path of a card.json or of its folder. Default: the model whose card fits the raster.
    #[arg(long, value_name = "NAME|PATH")]
    model: Option<String>,
    /// Where the forward passes run: cpu, cuda or cuda:N.
    #[arg(long, value_name = "DEVICE", default_value = "cpu")]
    device: Device,
    /// Tiles per forward pass. Default: 1 on cpu (as fast, a third of the memory), 4 on cuda.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    batch: Option<u32>,
    /// Threads libtorch uses inside each forward pass. Default: libtorch's (one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Side of a tile's core in pixels (a multiple of the model's size multiple). Default: the
    /// model card's. The output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=65_536))]
    tile_size: Option<u32>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `geoscout predict`: checks the raster against the model card before any work, then
/// writes the probabilities of every tile core (reads overlapping the forward passes).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let raster = Raster::open(&args.raster)?;
    let info = raster.info();
    refuse_overwriting_the_input(&args)?;
    let card = match &args.model {
        Some(name) => ModelCard::from_path(&resolve(name)?)?,
        None => {
            let card = fitting_model(info)?;
            if !args.quiet {
                eprintln!(
                    "geoscout: model '{}' fits {}",
                    card.name,
                    args.raster.display()
                );
            }
            card
        }
    };
    card.check_raster(info)?;
    let tile_size = args.tile_size.map_or(card.tile_size, |n| n as usize);
    card.check_tile_size(tile_size)
        .map_err(anyhow::Error::msg)?;
    let model = Model::load(card, args.device, args.threads.map(|n| n as usize))?;
    let card = model.card();

    // Finer imagery than the model's scan GSD is read as `geoscout scan` reads it, through a
    // coarser view of the file (alive while `_view` is); the probabilities lie on its grid.
    let factor = card.coarsening(info);
    let (_view, raster) = raster.coarsened(factor)?;
    let info = raster.info();
    let plan = raster.plan_tiles(TileSpec {
        tile_size,
        halo: card.halo,
    })?;
    let mut writer = ProbabilityWriter::create(&args.out, raster.path(), &args.raster, card)?;
    let bar = progress_bar(plan.tiles.len(), args.quiet);
    let stats = model.predict_tiles::<anyhow::Error, _>(
        raster.path(),
        &plan,
        &card.read_options(info),
        args.batch
            .map_or_else(|| args.device.default_batch(), |b| b as usize),
        |core| {
            writer.write_core(core.tile.core, core.probabilities, core.valid)?;
            bar.inc(1);
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    writer.finish()?;

    if !args.quiet {
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "wrote {}: {} x {} pixels, {} classes; model '{}' on {}; {} tiles ({} skipped without data) in {:.1} s",
            args.out.display(),
            info.width,
            info.height,
            card.classes.len(),
            card.name,
            model.device(),
            stats.tiles,
            plan.skipped_nodata + stats.empty,
            seconds,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `--out` naming the input would destroy it at the final rename.
fn refuse_overwriting_the_input(args: &Args) -> anyhow::Result<()> {
    let same = match (args.raster.canonicalize(), args.out.canonicalize()) {
        (Ok(raster), Ok(out)) => raster == out,
        _ => false,
    };
    anyhow::ensure!(
        !same,
        "--out {} is the input raster; choose another file",
        args.out.display()
    );
    Ok(())
}

/// A bar of tiles done on a terminal; nothing with `--quiet` or when stderr is not a terminal.
fn progress_bar(tiles: usize, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(tiles as u64), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(tiles as u64);
    bar.set_style(
        ProgressStyle::with_template("predict [{bar:30}] {pos}/{len} tiles  {per_sec}  ETA {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
