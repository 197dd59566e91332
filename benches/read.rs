//! Read throughput: geoscout's tiled parallel reader against a plain single-threaded GDAL read of
//! the same file, in the same run.
//!
//! `cargo bench --bench read` generates (once, cached in the cargo target folder) an
//! 8192 x 8192 x 4 UInt16 GeoTIFF, DEFLATE with the horizontal predictor, internally tiled
//! 512 x 512, pixel-interleaved, nodata 0 (the `satellite` profile) with no nodata pixel. Then it
//! reads the whole raster three ways, taking turns for three rounds and keeping each one's best
//! round, with the file in the page cache so that decoding, not the disk, is measured:
//!
//! - baseline: one dataset, each band read whole as UInt16 (`read_band_as`), single-threaded:
//!   what a user of GDAL would write first;
//! - tiled, 1 thread: `read_tiles` with 512-pixel cores and a 32-pixel halo, all four bands
//!   scaled to reflectance, validity masks computed, arrays padded to 576 x 576;
//! - tiled, 2 threads: the same on a rayon pool of the machine's 2 threads.
//!
//! Throughput is in megapixels per second of raster (each pixel has 4 bands; the tiled reader
//! also reads the halos, 27% more pixels, which are not counted). The CPU time of the process
//! during the same run is printed beside the wall-clock time: on a machine shared with other
//! work, it shows how much of the wall-clock time the reader actually computed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager};
use geoscout_core::fs::{IoError, write_atomically};
use geoscout_raster::{BandScale, ReadOptions, TileGrid, TileSpec, read_tiles};

const SIZE: usize = 8192;
const BANDS: usize = 4;
const BLOCK: usize = 512;
const RUNS: usize = 3;
const SPEC: TileSpec = TileSpec {
    tile_size: 512,
    halo: 32,
};

fn main() {
    let path = bench_raster();
    // Bring the file into the page cache.
    std::hint::black_box(std::fs::read(&path).expect("the benchmark raster is readable"));
    let megapixels = (SIZE * SIZE) as f64 / 1e6;
    println!(
        "read throughput on {} ({SIZE} x {SIZE} x {BANDS} UInt16, DEFLATE, tiled {BLOCK}), best of {RUNS} rounds",
        path.display()
    );
    let pools = [1, 2].map(|threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
    });
    // The three readers take turns, so that a change in the machine's load hits them alike.
    let mut best: [Option<Timing>; 3] = [None; 3];
    for _ in 0..RUNS {
        let rounds = [
            timed(|| naive_read(&path)),
            timed(|| pools[0].install(|| tiled_read(&path))),
            timed(|| pools[1].install(|| tiled_read(&path))),
        ];
        for (best, timing) in best.iter_mut().zip(rounds) {
            *best = Some(best.map_or(timing, |b| if timing.wall < b.wall { timing } else { b }));
        }
    }
    let [Some(baseline), Some(one), Some(two)] = best else {
        unreachable!("RUNS is at least 1")
    };
    report(
        "baseline: GDAL, whole bands, 1 thread",
        megapixels,
        baseline,
        None,
    );
    report(
        "geoscout read_tiles, 1 thread",
        megapixels,
        one,
        Some(baseline),
    );
    report(
        "geoscout read_tiles, 2 threads",
        megapixels,
        two,
        Some(baseline),
    );
}

/// Wall-clock and CPU time (all threads of the process) of one run.
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Option<Duration>,
}

fn report(label: &str, megapixels: f64, timing: Timing, baseline: Option<Timing>) {
    let wall = timing.wall.as_secs_f64();
    let cpu = timing.cpu.map_or("n/a".to_string(), |cpu| {
        format!("{:.2} s", cpu.as_secs_f64())
    });
    let ratio = baseline.map_or(String::new(), |b| {
        format!("   {:.2}x the baseline", b.wall.as_secs_f64() / wall)
    });
    println!(
        "{label:<38} {wall:>6.2} s wall {cpu:>8} CPU {:>7.1} MP/s{ratio}",
        megapixels / wall
    );
}

/// Times one run.
fn timed(run: impl FnOnce()) -> Timing {
    let (start, cpu_start) = (Instant::now(), cpu_time());
    run();
    Timing {
        wall: start.elapsed(),
        cpu: cpu_time().zip(cpu_start).map(|(end, start)| end - start),
    }
}

/// CPU time used by this process so far (user + system, from `/proc/self/stat`), where Linux
/// says.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) start with the state, field 3;
    // utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports them in clock ticks of 1/100 s (USER_HZ).
    Some(Duration::from_millis(ticks * 10))
}

/// The plain read: every band whole, as stored.
fn naive_read(path: &Path) {
    let dataset = Dataset::open(path).expect("the benchmark raster opens");
    for band in 1..=BANDS {
        let data = dataset
            .rasterband(band)
            .and_then(|b| b.read_band_as::<u16>())
            .expect("the band reads");
        std::hint::black_box(data.data()[SIZE * SIZE / 2]);
    }
}

/// Every tile through the parallel reader, scaled to reflectance.
fn tiled_read(path: &Path) {
    let tiles: Vec<_> = TileGrid::new(SIZE, SIZE, SPEC)
        .expect("a valid tile size")
        .tiles()
        .collect();
    let options = ReadOptions::bands(vec![1, 2, 3, 4]).with_scale(vec![
        BandScale {
            scale: 1e-4,
            offset: 0.0
        };
        BANDS
    ]);
    let delivered = AtomicUsize::new(0);
    read_tiles(path, SPEC, &tiles, &options, |tile| {
        let tile = tile.expect("the tile reads");
        std::hint::black_box(tile.pixels[[0, SPEC.halo, SPEC.halo]]);
        delivered.fetch_add(1, Ordering::Relaxed);
    })
    .expect("the raster opens");
    assert_eq!(delivered.into_inner(), tiles.len());
}

/// The benchmark raster, written on first use (to a temporary name, then renamed).
fn bench_raster() -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "read-bench-{SIZE}x{SIZE}x{BANDS}-u16-deflate-{BLOCK}.tif"
    ));
    if path.exists() {
        return path;
    }
    println!("writing {} (once)...", path.display());
    let start = Instant::now();
    write_atomically(&path, |partial| {
        write_raster(partial);
        Ok::<(), IoError>(())
    })
    .expect("the benchmark raster can be renamed");
    println!("written in {:.1} s", start.elapsed().as_secs_f64());
    path
}

fn write_raster(path: &Path) {
    let block = BLOCK.to_string();
    let options = RasterCreationOptions::from_iter([
        "TILED=YES".to_string(),
        format!("BLOCKXSIZE={block}"),
        format!("BLOCKYSIZE={block}"),
        "COMPRESS=DEFLATE".to_string(),
        "PREDICTOR=2".to_string(),
        "NUM_THREADS=2".to_string(),
    ]);
    let driver = DriverManager::get_driver_by_name("GTiff").expect("GDAL has GTiff");
    let mut dataset = driver
        .create_with_band_type_with_options::<u16, _>(path, SIZE, SIZE, BANDS, &options)
        .expect("the benchmark raster can be created");
    dataset
        .set_geo_transform(&[500_000.0, 2.0, 0.0, 4_500_000.0, 0.0, -2.0])
        .expect("a geotransform");
    dataset
        .set_spatial_ref(&SpatialRef::from_epsg(32649).expect("EPSG:32649"))
        .expect("a CRS");
    for band_index in 1..=BANDS {
        dataset
            .rasterband(band_index)
            .and_then(|mut band| band.set_no_data_value(Some(0.0)))
            .expect("a nodata value");
    }
    for top in (0..SIZE).step_by(BLOCK) {
        for band_index in 1..=BANDS {
            let data: Vec<u16> = (top..top + BLOCK)
                .flat_map(|row| (0..SIZE).map(move |col| reflectance(band_index, col, row)))
                .collect();
            let mut buffer = Buffer::new((SIZE, BLOCK), data);
            dataset
                .rasterband(band_index)
                .and_then(|mut band| band.write((0, top as isize), (SIZE, BLOCK), &mut buffer))
                .expect("the benchmark raster can be written");
        }
    }
}

/// A scene-like value (reflectance x 10 000): smooth land cover plus sensor noise, never 0.
fn reflectance(band: usize, col: usize, row: usize) -> u16 {
    let (x, y) = (col as f64, row as f64);
    let cover = 1500.0 + 800.0 * (x / 97.0).sin() * (y / 131.0).cos() + 300.0 * band as f64;
    let mut hash = (col as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (row as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ band as u64;
    hash ^= hash >> 29;
    (cover as u16).wrapping_add((hash & 63) as u16).max(1)
}
