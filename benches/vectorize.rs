//! Vectorize and merge throughput against whole-raster labelling of the same probabilities.
//!
//! `cargo bench --bench vectorize` builds a seeded synthetic probability raster (4096 x 4096,
//! 3 classes: piles and dust sources as blobs with ragged edges and holes, outlets as small
//! blobs, and speckle: a stress case with about 100 000 objects), then, on one thread:
//! - the baseline: [`vectorize_whole`], labelling the whole raster as one tile;
//! - per tile size (512, 256): [`vectorize_tile`] on every core, in tiles/s and megapixels/s
//!   (a megapixel counts all 3 channels of a pixel), then [`Merger::finish`] in objects/s, exact
//!   and with hole filling and simplification;
//! - a check that the tiled objects equal the whole-raster ones (exit status 2 if not).
//!
//! Each figure is the median of `RUNS` runs. The target is a ratio in the same run: tiles of
//! 512 (vectorize plus exact merge) within `TARGET_RATIO` of the whole-raster labelling; the
//! benchmark exits with status 1 when it is missed.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use geoscout_core::Class;
use geoscout_vectorize::{
    ClassRule, MergeOptions, Merger, Object, TileCore, TileFragments, vectorize_tile,
    vectorize_whole,
};
use ndarray::{Array3, ArrayView3, Axis, Slice};

const SIZE: usize = 4096;
const RUNS: usize = 5;
const TILE_SIZES: [usize; 2] = [512, 256];
const TARGET_RATIO: f64 = 1.5;
const RULES: [ClassRule; 3] = [
    ClassRule {
        class: Class::CoalGanguePile,
        channel: 0,
        threshold: 0.5,
    },
    ClassRule {
        class: Class::DischargeOutlet,
        channel: 1,
        threshold: 0.5,
    },
    ClassRule {
        class: Class::DustSource,
        channel: 2,
        threshold: 0.5,
    },
];

fn main() -> ExitCode {
    let probs = synthetic_probs(SIZE, 7);
    let megapixels = (SIZE * SIZE) as f64 / 1e6;
    let exact = MergeOptions::default();
    let shaped = MergeOptions {
        min_pixels: 4,
        max_hole_pixels: 4,
        simplify_tolerance: 1.0,
    };

    println!("vectorize: {SIZE} x {SIZE} x 3 synthetic probabilities, 1 thread, median of {RUNS}");
    let (whole_time, whole) = median(|| vectorize_whole(probs.view(), &RULES, &exact).unwrap());
    println!(
        "  baseline whole-raster labelling: {:>8.1} ms  {:>6.1} MP/s  {} objects",
        ms(whole_time),
        megapixels / whole_time.as_secs_f64(),
        whole.len()
    );

    let mut met = true;
    for size in TILE_SIZES {
        let cores = cores(size);
        let (tile_time, tiles) = median(|| {
            cores
                .iter()
                .map(|&core| {
                    vectorize_tile(core, window(probs.view(), core, size), &RULES).unwrap()
                })
                .collect::<Vec<_>>()
        });
        let fragments: usize = tiles.iter().map(TileFragments::len).sum();
        let per_tile_ms = ms(tile_time) / cores.len() as f64;
        println!(
            "  tiles of {size}: vectorize {} tiles {:>8.1} ms  {:>6.1} tiles/s  {:>6.1} MP/s  ({:.2} ms per tile, {fragments} fragments)",
            cores.len(),
            ms(tile_time),
            cores.len() as f64 / tile_time.as_secs_f64(),
            megapixels / tile_time.as_secs_f64(),
            per_tile_ms,
        );
        for (name, options) in [("exact", &exact), ("filled+simplified", &shaped)] {
            let (merge_time, objects) =
                median_with(|| tiles.clone(), |tiles| merge(tiles, options));
            let ratio = (tile_time + merge_time).as_secs_f64() / whole_time.as_secs_f64();
            println!(
                "    merge {name:<17} {:>8.1} ms  {:>9.0} objects/s  ({} objects; tiled total {ratio:.2}x the baseline)",
                ms(merge_time),
                objects.len() as f64 / merge_time.as_secs_f64(),
                objects.len(),
            );
            if size == 512 && *options == exact && ratio > TARGET_RATIO {
                println!("    MISSED: tiled {ratio:.2}x the baseline (target {TARGET_RATIO}x)");
                met = false;
            }
            if *options == exact && !same_objects(&objects, &whole) {
                println!("    FAILED: the merged objects differ from whole-raster labelling");
                return ExitCode::from(2);
            }
        }
    }
    println!("  merged objects equal whole-raster labelling for every tile size");
    if met {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Runs `f` `RUNS` times; the median time and the last result.
fn median<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    median_with(|| (), |()| f())
}

/// Runs `f` `RUNS` times, each on a fresh input from `setup` (not timed); the median time and
/// the last result.
fn median_with<I, T>(mut setup: impl FnMut() -> I, mut f: impl FnMut(I) -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let input = setup();
        let start = Instant::now();
        result = Some(std::hint::black_box(f(input)));
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], result.expect("RUNS > 0"))
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

/// The cores of a regular grid of `size` from pixel (0, 0).
fn cores(size: usize) -> Vec<TileCore> {
    let origins = (0..SIZE).step_by(size);
    origins
        .clone()
        .flat_map(|y0| origins.clone().map(move |x0| (x0, y0)))
        .enumerate()
        .map(|(id, (x0, y0))| TileCore { id, x0, y0 })
        .collect()
}

fn window(probs: ArrayView3<f32>, core: TileCore, size: usize) -> ArrayView3<f32> {
    probs
        .slice_axis_move(Axis(1), Slice::from(core.y0..(core.y0 + size).min(SIZE)))
        .slice_axis_move(Axis(2), Slice::from(core.x0..(core.x0 + size).min(SIZE)))
}

fn merge(tiles: Vec<TileFragments>, options: &MergeOptions) -> Vec<Object> {
    let mut merger = Merger::new();
    for tile in tiles {
        merger.add(tile).unwrap();
    }
    merger.finish(options).unwrap()
}

/// Equal apart from how the objects were cut into tiles.
fn same_objects(a: &[Object], b: &[Object]) -> bool {
    let uncut = |o: &Object| Object {
        seam_merged: false,
        tiles: Vec::new(),
        ..o.clone()
    };
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| uncut(a) == uncut(b))
}

/// SplitMix64: a small seeded generator, so the scene is the same in every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi`.
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Background below 0.45 with speckle, and per class blobs whose probability falls from the
/// centre and is ragged at the edge (so outlines have staircases and some holes).
fn synthetic_probs(size: usize, seed: u64) -> Array3<f32> {
    let mut rng = SplitMix(seed);
    let mut probs = Array3::from_shape_fn((3, size, size), |_| {
        if rng.uniform(0.0, 1.0) < 0.0005 {
            rng.uniform(0.5, 0.7) as f32
        } else {
            rng.uniform(0.0, 0.45) as f32
        }
    });
    // (channel, blobs, smallest and largest radius in pixels)
    for (channel, count, r_min, r_max) in [
        (0, 120, 15.0, 120.0),
        (1, 400, 2.0, 6.0),
        (2, 160, 10.0, 150.0),
    ] {
        for _ in 0..count {
            let (cx, cy) = (rng.uniform(0.0, size as f64), rng.uniform(0.0, size as f64));
            let (rx, ry) = (rng.uniform(r_min, r_max), rng.uniform(r_min, r_max));
            let rows = (cy - ry).max(0.0) as usize..((cy + ry) as usize + 1).min(size);
            let cols = (cx - rx).max(0.0) as usize..((cx + rx) as usize + 1).min(size);
            for y in rows {
                for x in cols.clone() {
                    let (dy, dx) = ((y as f64 - cy) / ry, (x as f64 - cx) / rx);
                    let p = 0.5 + 0.5 * (1.0 - dy * dy - dx * dx) + rng.uniform(-0.15, 0.15);
                    let cell = &mut probs[[channel, y, x]];
                    *cell = cell.max(p.clamp(0.0, 1.0) as f32);
                }
            }
        }
    }
    probs
}
