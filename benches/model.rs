//! Model-only throughput: forward passes on synthetic windows, no reading or writing.
//!
//! `cargo bench --bench model [-- NAME|PATH ...]` runs every model in the models folder
//! ($GEOSCOUT_MODELS or `models/`) and the tiny test models, or the models named, with 2 libtorch
//! threads, at batch sizes 1, 4 and 16, on windows of the card's tile size plus its halo filled
//! with seeded uniform values in the range of the model's inputs (reflectance 0..0.4).
//!
//! Throughput is in megapixels per second, counted two ways: on core pixels (the tile, which is
//! what a scan covers) and on input pixels (the tile plus its halo, which is what the network
//! computes). Batches 4 and 16 are also given as a ratio to batch 1 of the same model in the
//! same run. The `satellite` model must reach 4 core megapixels per second at batch 4; the
//! benchmark says whether it did and exits with status 1 when it did not.
//!
//! Wall-clock figures drop when other work shares the cores, so the benchmark also prints the
//! machine's load average and, per measurement, how many cores the process got (CPU seconds
//! per wall second, from /proc/self/stat): with 2 threads on an idle machine that is near 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use geoscout_model::{
    Batch, Device, Model, ModelCard, models_dir, resolve, set_threads, shipped_models,
};
use ndarray::Array3;

const THREADS: usize = 2;
const BATCH_SIZES: [usize; 3] = [1, 4, 16];
/// Each measurement runs batches for at least this long, and at least `MIN_RUNS` of them.
const MIN_TIME: Duration = Duration::from_secs(3);
const MIN_RUNS: usize = 3;
const TARGET_MODEL: &str = "satellite";
const TARGET_BATCH: usize = 4;
const TARGET_MP_S: f64 = 4.0;

fn main() -> ExitCode {
    let names: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let cards = match cards(&names) {
        Ok(cards) => cards,
        Err(err) => {
            eprintln!("bench model: {err}");
            return ExitCode::from(2);
        }
    };
    set_threads(THREADS);
    println!(
        "model-only throughput, {THREADS} libtorch threads, synthetic input; MP/s on core pixels (input pixels incl. halo)"
    );
    println!("load average before: {}", load_average());
    println!(
        "{:<16} {:>5} {:>11} {:>6} {:>7} {:>14} {:>16} {:>9} {:>9}",
        "model", "batch", "window", "core", "runs", "core MP/s", "input MP/s", "vs b=1", "cores"
    );
    let mut target = None;
    for card in cards {
        let name = card.name.clone();
        let model = match Model::load(card, Device::Cpu, None) {
            Ok(model) => model,
            Err(err) => {
                eprintln!("bench model: {err}");
                return ExitCode::from(2);
            }
        };
        let mut batch_one = None;
        for batch_size in BATCH_SIZES {
            let result = match measure(&model, batch_size) {
                Ok(result) => result,
                Err(err) => {
                    eprintln!("bench model: {err}");
                    return ExitCode::from(2);
                }
            };
            let baseline = *batch_one.get_or_insert(result.core_mp_s);
            let card = model.card();
            println!(
                "{:<16} {:>5} {:>11} {:>6} {:>7} {:>14.2} {:>16.2} {:>8.2}x {:>9}",
                name,
                batch_size,
                format!("{0}x{0}", card.window_size(card.tile_size)),
                card.tile_size,
                result.runs,
                result.core_mp_s,
                result.input_mp_s,
                result.core_mp_s / baseline,
                result.cores.map_or("?".into(), |c| format!("{c:.2}")),
            );
            if name == TARGET_MODEL && batch_size == TARGET_BATCH {
                target = Some(result.core_mp_s);
            }
        }
    }
    println!("load average after: {}", load_average());
    match target {
        None => {
            println!(
                "target: no '{TARGET_MODEL}' model in {}, not checked",
                models_dir().display()
            );
            ExitCode::SUCCESS
        }
        Some(mp_s) if mp_s >= TARGET_MP_S => {
            println!(
                "target: '{TARGET_MODEL}' at batch {TARGET_BATCH}: {mp_s:.2} >= {TARGET_MP_S} core MP/s: met"
            );
            ExitCode::SUCCESS
        }
        Some(mp_s) => {
            println!(
                "target: '{TARGET_MODEL}' at batch {TARGET_BATCH}: {mp_s:.2} < {TARGET_MP_S} core MP/s: MISSED"
            );
            ExitCode::from(1)
        }
    }
}

/// The cards named on the command line, else the shipped models and the tiny test models.
fn cards(names: &[String]) -> geoscout_model::Result<Vec<ModelCard>> {
    if !names.is_empty() {
        return names
            .iter()
            .map(|name| ModelCard::from_path(&resolve(name)?))
            .collect();
    }
    let mut cards = shipped_models()?;
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/model/tests/fixtures/models");
    for name in ["tiny-satellite", "tiny-uav"] {
        let path: PathBuf = tiny.join(name).join("card.json");
        cards.push(ModelCard::from_path(&path)?);
    }
    Ok(cards)
}

struct Measurement {
    runs: usize,
    core_mp_s: f64,
    input_mp_s: f64,
    /// CPU seconds of the process per wall-clock second, where /proc tells.
    cores: Option<f64>,
}

/// Runs batches of `batch_size` windows until `MIN_TIME` and `MIN_RUNS` are both reached, after
/// one warm-up batch.
fn measure(model: &Model, batch_size: usize) -> geoscout_model::Result<Measurement> {
    let card = model.card();
    let window = card.window_size(card.tile_size);
    let mut batch: Batch = model.batch(card.tile_size, batch_size);
    for seed in 0..batch_size {
        batch.push(synthetic_window(card.bands.len(), window, seed as u64).view());
    }
    model.predict(&batch)?;
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let mut runs = 0;
    while runs < MIN_RUNS || started.elapsed() < MIN_TIME {
        model.predict(&batch)?;
        runs += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let cores = cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| (after - before) / seconds);
    let per_second = (runs * batch_size) as f64 / seconds / 1e6;
    Ok(Measurement {
        runs,
        core_mp_s: per_second * (card.tile_size * card.tile_size) as f64,
        input_mp_s: per_second * (window * window) as f64,
        cores,
    })
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// User plus system CPU time of this process so far, in seconds (Linux clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / CLOCK_TICKS_PER_SECOND)
}

/// `getconf CLK_TCK` on Linux (fixed by the kernel's ABI at 100).
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

/// Seeded uniform values in 0..0.4 (xorshift), the range of reflectance and of scaled bytes.
fn synthetic_window(bands: usize, size: usize, seed: u64) -> Array3<f32> {
    let mut state = (seed + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    Array3::from_shape_simple_fn((bands, size, size), || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32 * 0.4
    })
}
