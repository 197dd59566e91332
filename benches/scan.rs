//! End-to-end scan throughput beside model-only throughput on the same tiles, and peak memory.
//!
//! `cargo bench --bench scan [-- --skip-memory]`
//!
//! 1. A 4096 x 4096 satellite scene at 2 m (`geoscout synth`, seed 9900) is scanned by the real
//!    binary (`geoscout scan --model satellite --batch 1 --threads 2`, the CPU default): wall
//!    time from start to published outputs, so reading, forward passes, vectorizing, merging,
//!    lead pictures and writing are all in it. Throughput in megapixels per second and km² per
//!    hour.
//! 2. In the same run, the same tiles (tile size and halo of the model's card, read beforehand and
//!    not timed) go through the model's forward passes alone at the same batch and threads. The
//!    ratio end-to-end / model-only says what the rest of the pipeline costs (aim: 0.85 or more).
//! 3. A 20000 x 20000 x 4 UInt16 GeoTIFF (DEFLATE, tiled; made once from the scene by a VRT
//!    mosaic and kept in the target folder) is scanned by the binary while its peak resident
//!    memory (VmHWM) is sampled; aim: under 1.5 GB. Each window of a batch holds its own
//!    activations, so this is measured at batch 1 and again at batch 4 (same threads), which
//!    shows what `--batch` trades. `--skip-memory` leaves this out.
//!
//! Figures go to stdout; the machine is shared, so compare the ratio rather than the absolutes.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use geoscout_core::fs::write_atomically;
use geoscout_model::{Device, Model, ModelCard, resolve};
use geoscout_raster::{Raster, TileGrid, TileSpec};

const THREADS: usize = 2;
const BATCH: usize = 1;
/// Batch sizes at which the peak memory of the large scan is measured.
const MEMORY_BATCHES: [usize; 2] = [BATCH, 4];
const SCENE_SIZE: usize = 4096;
const SCENE_SEED: &str = "9900";
const GSD_M: f64 = 2.0;
const BIG_SIZE: usize = 20_000;

fn main() -> ExitCode {
    let skip_memory = std::env::args().any(|a| a == "--skip-memory");
    match run(skip_memory) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench scan: {err}");
            ExitCode::from(2)
        }
    }
}

fn run(skip_memory: bool) -> Result<(), String> {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-scan");
    let scene = scene(&data)?;
    let card = ModelCard::from_path(&resolve("satellite").map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let megapixels = (SCENE_SIZE * SCENE_SIZE) as f64 / 1e6;
    let km2 = megapixels * GSD_M * GSD_M;
    println!(
        "scene: {} ({SCENE_SIZE} x {SCENE_SIZE} px, {GSD_M} m, {km2:.1} km²); model {} (tile {}, halo {}); batch {BATCH}, {THREADS} threads",
        scene.display(),
        card.name,
        card.tile_size,
        card.halo
    );

    let model_only = model_only_seconds(&scene, card)?;
    let out = data.join("out");
    let (end_to_end, _) = scan(&scene, &out, BATCH)?;
    let rate = |seconds: f64| megapixels / seconds;
    println!("{:<28} {:>9} {:>9} {:>10}", "", "seconds", "MP/s", "km²/h");
    for (name, seconds) in [
        ("model only (forward passes)", model_only),
        ("end to end (geoscout scan)", end_to_end),
    ] {
        println!(
            "{name:<28} {seconds:>9.2} {:>9.2} {:>10.0}",
            rate(seconds),
            km2 / seconds * 3600.0
        );
    }
    println!(
        "end-to-end / model-only throughput: {:.2} (aim: 0.85 or more)",
        model_only / end_to_end
    );

    if !skip_memory {
        let big = big_raster(&data, &scene)?;
        for batch in MEMORY_BATCHES {
            let (seconds, peak) = scan(&big, &data.join("out-big"), batch)?;
            let peak = peak.ok_or("could not read the scan's peak memory")?;
            println!(
                "peak memory scanning {BIG_SIZE} x {BIG_SIZE} x 4 UInt16 ({}) at batch {batch}: {:.2} GB ({:.0} s, {:.2} MP/s) (aim: under 1.5 GB)",
                big.display(),
                peak as f64 / 1e9,
                seconds,
                (BIG_SIZE * BIG_SIZE) as f64 / 1e6 / seconds
            );
        }
    }
    Ok(())
}

/// The benchmark scene, made once.
fn scene(data: &Path) -> Result<PathBuf, String> {
    let path = data.join(format!("satellite-0{SCENE_SEED}.tif"));
    if !path.exists() {
        geoscout(&[
            "synth",
            "--quiet",
            "--profile",
            "satellite",
            "--size",
            &SCENE_SIZE.to_string(),
            "--seed",
            SCENE_SEED,
            "--gsd",
            &GSD_M.to_string(),
            "--out",
            path_str(data),
        ])?;
    }
    path.exists()
        .then_some(path.clone())
        .ok_or_else(|| format!("synth did not write {}", path.display()))
}

/// Seconds of forward passes over every tile of the scene, read beforehand.
fn model_only_seconds(scene: &Path, card: ModelCard) -> Result<f64, String> {
    let raster = Raster::open(scene).map_err(|e| e.to_string())?;
    let info = raster.info().clone();
    let read = card.read_options(&info);
    let spec = TileSpec {
        tile_size: card.tile_size,
        halo: card.halo,
    };
    let tiles: Vec<_> = TileGrid::new(info.width, info.height, spec)
        .map_err(|e| e.to_string())?
        .tiles()
        .map(|tile| raster.read_tile(&tile, spec, &read).map(|data| data.pixels))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let model = Model::load(card, Device::Cpu, Some(THREADS)).map_err(|e| e.to_string())?;
    let mut batch = model.batch(spec.tile_size, BATCH);
    let mut busy = Duration::ZERO;
    for chunk in tiles.chunks(BATCH) {
        batch.clear();
        chunk.iter().for_each(|pixels| batch.push(pixels.view()));
        let started = Instant::now();
        model.predict(&batch).map_err(|e| e.to_string())?;
        busy += started.elapsed();
    }
    Ok(busy.as_secs_f64())
}

/// Runs `geoscout scan` on one raster at `batch`; returns its wall time and peak resident memory.
fn scan(raster: &Path, out: &Path, batch: usize) -> Result<(f64, Option<u64>), String> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_geoscout"))
        .args(["scan", "--quiet", "--model", "satellite", "--batch"])
        .arg(batch.to_string())
        .args(["--threads", &THREADS.to_string(), "--out", path_str(out)])
        .arg(raster)
        .spawn()
        .map_err(|e| format!("cannot run geoscout: {e}"))?;
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak = None;
    let status = loop {
        // VmHWM only grows, so the last reading before exit is the peak (to within 50 ms).
        if let Some(hwm) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm(&s))
        {
            peak = Some(hwm);
        }
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if !status.success() {
        return Err(format!(
            "geoscout scan {} failed: {status}",
            raster.display()
        ));
    }
    Ok((started.elapsed().as_secs_f64(), peak))
}

/// `VmHWM` of a `/proc/PID/status` text, in bytes.
fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A 20000 x 20000 GeoTIFF tiled from copies of the scene, made once.
fn big_raster(data: &Path, scene: &Path) -> Result<PathBuf, String> {
    let path = data.join(format!("big-{BIG_SIZE}.tif"));
    if path.exists() {
        return Ok(path);
    }
    let copies = BIG_SIZE.div_ceil(SCENE_SIZE);
    let vrt = data.join("big.vrt");
    // gdalbuildvrt places sources by their georeferencing, so mosaic by hand: each copy of the
    // scene at its offset in one VRT (the scene's own geotransform gives the origin).
    let mut sources = String::new();
    for band in 1..=4 {
        sources.push_str(&format!(
            "  <VRTRasterBand dataType=\"UInt16\" band=\"{band}\">\n    <NoDataValue>0</NoDataValue>\n"
        ));
        for row in 0..copies {
            for col in 0..copies {
                sources.push_str(&format!(
                    "    <SimpleSource><SourceFilename relativeToVRT=\"0\">{}</SourceFilename><SourceBand>{band}</SourceBand><SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{s}\" ySize=\"{s}\"/><DstRect xOff=\"{}\" yOff=\"{}\" xSize=\"{s}\" ySize=\"{s}\"/></SimpleSource>\n",
                    scene.display(),
                    col * SCENE_SIZE,
                    row * SCENE_SIZE,
                    s = SCENE_SIZE
                ));
            }
        }
        sources.push_str("  </VRTRasterBand>\n");
    }
    let info = Raster::open(scene)
        .map_err(|e| e.to_string())?
        .info()
        .clone();
    let gt = info.geotransform.ok_or("the scene has no geotransform")?;
    let wkt = info.crs.ok_or("the scene has no CRS")?.wkt;
    let text = format!(
        "<VRTDataset rasterXSize=\"{BIG_SIZE}\" rasterYSize=\"{BIG_SIZE}\">\n  <SRS>{}</SRS>\n  <GeoTransform>{}</GeoTransform>\n{sources}</VRTDataset>\n",
        wkt.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;"),
        gt.map(|v| v.to_string()).join(", ")
    );
    std::fs::write(&vrt, text).map_err(|e| e.to_string())?;
    // Written under a temporary name, so that an interrupted run never leaves a truncated mosaic
    // that the next run would take as made.
    write_atomically(&path, |partial| -> Result<(), Box<dyn std::error::Error>> {
        let status = Command::new("gdal_translate")
            .args([
                "-q",
                "-co",
                "TILED=YES",
                "-co",
                "COMPRESS=DEFLATE",
                "-co",
                "BIGTIFF=YES",
            ])
            .args(["-co", "NUM_THREADS=2", "--config", "GDAL_CACHEMAX", "256"])
            .arg(&vrt)
            .arg(partial)
            .status()
            .map_err(|e| format!("cannot run gdal_translate: {e}"))?;
        match status.success() {
            true => Ok(()),
            false => Err(format!("gdal_translate {} failed", vrt.display()).into()),
        }
    })
    .map_err(|e| e.to_string())?;
    Ok(path)
}

fn geoscout(args: &[&str]) -> Result<(), String> {
    let status = Command::new(env!("CARGO_BIN_EXE_geoscout"))
        .args(args)
        .status()
        .map_err(|e| format!("cannot run geoscout: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("geoscout {} failed", args.join(" ")))
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}
