//! Scene generation speed: `geoscout synth`'s generator against writing the same scene with
//! GDAL, in the same run, and how its cost grows with the scene's size.
//!
//! `cargo bench --bench synth` generates satellite scenes of 1024 and 2048 px and a drone scene
//! of 1024 px (seed 7), each the best of three runs, on a rayon pool of 1 and of 2 threads, and
//! writes each scene once (GeoTIFF, DEFLATE, and truth GeoJSON) to a temporary folder. It prints
//! megapixels per second, the ratio of generating to writing (the baseline: what any scene
//! costs to store), and the cost per pixel at 2048 px relative to 1024 px (1.0 means linear).
//! The CPU time of the process is printed beside the wall-clock time: on a machine shared with
//! other work, it shows how much of the wall-clock time the generator actually computed.

use std::time::{Duration, Instant};

use geoscout_core::Profile;
use geoscout_synth::{SceneSpec, WriteOptions, generate, write_scene};

const RUNS: usize = 3;
const SEED: u64 = 7;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    println!("scene generation, seed {SEED}, best of {RUNS} runs");
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let mut per_pixel_1024 = None;
        for (profile, size) in [
            (Profile::Satellite, 1024),
            (Profile::Satellite, 2048),
            (Profile::Uav, 1024),
        ] {
            let spec = SceneSpec::new(profile, size, SEED);
            let cpu_before = cpu_seconds();
            let (generating, scene) =
                best_of(|| pool.install(|| generate(&spec).expect("the scene generates")));
            let cpu = cpu_seconds()
                .zip(cpu_before)
                .map(|(after, before)| (after - before) / RUNS as f64);
            let started = Instant::now();
            write_scene(&scene, dir.path(), "bench", WriteOptions::default())
                .expect("the scene writes");
            let writing = started.elapsed();
            let megapixels = (size * size) as f64 / 1e6;
            let per_pixel = generating.as_secs_f64() / megapixels;
            let scaling = match (profile, size) {
                (Profile::Satellite, 1024) => {
                    per_pixel_1024 = Some(per_pixel);
                    String::new()
                }
                (Profile::Satellite, _) => per_pixel_1024
                    .map(|base| format!(", cost per pixel x{:.2} of 1024 px", per_pixel / base))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            println!(
                "{threads} thread(s), {profile} {size} px: generate {:.2} s ({:.2} MP/s, CPU {}), write {:.2} s; generate / write = {:.1}{scaling}",
                generating.as_secs_f64(),
                megapixels / generating.as_secs_f64(),
                cpu.map_or("n/a".into(), |c| format!("{c:.2} s")),
                writing.as_secs_f64(),
                generating.as_secs_f64() / writing.as_secs_f64(),
            );
        }
    }
}

/// The fastest of `RUNS` runs of `f`, and the last result.
fn best_of<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        last = Some(f());
        best = best.min(started.elapsed());
    }
    (best, last.expect("at least one run"))
}

/// CPU time used by this process so far (user + system, from `/proc/self/stat`), where Linux
/// provides it.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
