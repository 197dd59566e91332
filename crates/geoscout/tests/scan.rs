//! `geoscout scan` end to end: the shipped models on scenes made by `geoscout synth`, the
//! outputs opened by GDAL's own tools, seams, batches with bad inputs, fine drone imagery read at
//! the card's scan GSD (by `scan` and `predict`), and the real rasters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use geo::{Area, BooleanOps, Geometry, MultiPolygon, Winding};
use geoscout_leads::{Lead, read_geojson};
use serde_json::Value;

use crate::util::{
    gdal_tool, gdalinfo_json, geoscout, geoscout_ok, ogrinfo_summary, path_str, properties_by_id,
    read_json, shared_data, synth, tempdir,
};

/// A scene of `profile` made by the project's own generator, with a seed never used in
/// training (the held-out range 9000-9999), in a folder of its own.
fn held_out_scene(dir: &Path, profile: &str, size: u32, seed: u32) -> PathBuf {
    let out = dir.join(format!("{profile}-{seed}"));
    let (size, seed) = (size.to_string(), seed.to_string());
    synth(
        &out,
        &["--profile", profile, "--size", &size, "--seed", &seed],
    );
    out
}

/// Runs `geoscout scan --quiet --out OUT INPUTS... EXTRA...`.
pub fn scan(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["scan", "--quiet", "--out", path_str(out)];
    args.extend(inputs.iter().map(|p| path_str(p)));
    args.extend(extra);
    geoscout(&args)
}

/// [`scan`], checked to have succeeded.
pub fn scan_ok(inputs: &[&Path], out: &Path, extra: &[&str]) {
    let output = scan(inputs, out, extra);
    assert!(
        output.status.success(),
        "geoscout scan failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn feature_count(ogrinfo: &str) -> usize {
    ogrinfo
        .lines()
        .filter_map(|l| l.strip_prefix("Feature Count: "))
        .map(|n| n.trim().parse::<usize>().unwrap())
        .sum()
}

#[test]
fn scan_writes_leads_that_gis_tools_open() {
    let dir = tempdir();
    let scenes = held_out_scene(dir.path(), "satellite", 768, 9101);
    let out = dir.path().join("out");
    scan_ok(&[&scenes], &out, &["--crs", "EPSG:4547"]);

    let leads = read_geojson(&out.join("leads.geojson")).unwrap();
    assert!(!leads.is_empty(), "no leads on a scene with targets");
    let n = leads.len();
    assert_eq!(
        feature_count(&ogrinfo_summary(&out.join("leads.geojson"))),
        n
    );
    let fgb = ogrinfo_summary(&out.join("leads.fgb"));
    assert_eq!(feature_count(&fgb), n);
    assert!(fgb.contains("WGS 84"), "{fgb}");
    let gpkg = ogrinfo_summary(&out.join("leads.gpkg"));
    assert_eq!(feature_count(&gpkg), n);
    assert!(
        gpkg.contains("4547"),
        "leads.gpkg not in EPSG:4547:\n{gpkg}"
    );
    assert!(out.join("leads.qml").exists());

    // RFC 7946: no crs member, coordinates in range, outer rings counter-clockwise.
    assert!(read_json(&out.join("leads.geojson")).get("crs").is_none());
    for lead in &leads {
        assert!((-180.0..=180.0).contains(&lead.lon) && (-90.0..=90.0).contains(&lead.lat));
        for polygon in polygons(&lead.geometry) {
            assert!(
                polygon.exterior().is_ccw(),
                "{} is not counter-clockwise",
                lead.id
            );
        }
        let chip = lead.chip.as_deref().expect("every lead has a picture");
        assert!(out.join(chip).is_file(), "missing {chip}");
        assert_eq!(lead.model.as_deref(), Some("satellite"));
        assert_eq!(lead.model_sha256.as_ref().map(String::len), Some(64));
        assert!(lead.source.as_deref().unwrap().ends_with(".tif"));
    }

    let record = read_json(&out.join("run.json"));
    assert_eq!(record["inputs"][0]["status"], "ok");
    assert_eq!(record["failures"].as_array().unwrap().len(), 0);
    let counted: u64 = record["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, n);
    assert!(record["models"]["satellite"]["sha256"].is_string());
    assert_eq!(
        record["parameters"]["batch"], 1,
        "the default batch on the CPU"
    );
    // Nothing staged is left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

fn polygons(geometry: &Geometry<f64>) -> Vec<geo::Polygon<f64>> {
    match geometry {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        _ => Vec::new(),
    }
}

fn by_id(leads: Vec<Lead>) -> BTreeMap<String, Lead> {
    leads.into_iter().map(|l| (l.id.clone(), l)).collect()
}

fn iou(a: &Geometry<f64>, b: &Geometry<f64>) -> f64 {
    let (a, b) = (MultiPolygon(polygons(a)), MultiPolygon(polygons(b)));
    let inter = a.intersection(&b).unsigned_area();
    inter / (a.unsigned_area() + b.unsigned_area() - inter)
}

/// The same scene scanned with tile sizes 256, 512 and 1024 and with 1 and 2 threads gives the
/// same leads: same count, same ids, polygons with IoU above 0.95, points within a pixel.
#[test]
fn seams_tile_sizes_and_threads_do_not_change_the_leads() {
    let dir = tempdir();
    let scenes = held_out_scene(dir.path(), "satellite", 1280, 9102);
    let mut runs = Vec::new();
    for (tile, threads) in [("512", "2"), ("256", "2"), ("1024", "1"), ("512", "1")] {
        let out = dir.path().join(format!("out-{tile}-{threads}"));
        scan_ok(
            &[&scenes],
            &out,
            &["--tile-size", tile, "--threads", threads],
        );
        runs.push((
            tile,
            threads,
            by_id(read_geojson(&out.join("leads.geojson")).unwrap()),
        ));
    }
    let (_, _, reference) = &runs[0];
    assert!(!reference.is_empty());
    assert!(
        reference.values().any(|l| l.seam_merged),
        "the scene should have a lead across a 512 px tile border"
    );
    for (tile, threads, leads) in &runs[1..] {
        let ids: Vec<_> = leads.keys().collect();
        assert_eq!(
            ids,
            reference.keys().collect::<Vec<_>>(),
            "tile size {tile}, {threads} thread(s): different leads"
        );
        for (id, lead) in leads {
            let other = &reference[id];
            match &lead.geometry {
                Geometry::Point(p) => {
                    let d = ((p.x() - other.lon).powi(2) + (p.y() - other.lat).powi(2)).sqrt();
                    assert!(d < 2e-5, "{id} moved by {d} degrees");
                }
                g => assert!(iou(g, &other.geometry) > 0.95, "{id}: IoU too low"),
            }
        }
    }
}

/// Leads by id of two scans of one scene that differ only in a lead filter (`--peak-threshold`
/// or `--min-score`) for discharge outlets and dust sources, with outlines fixed at
/// discharge_outlet 0.2 and dust_source 0.3, and the second scan's run record. Filter values
/// equal to those thresholds replace the card's own and keep everything.
struct FilterRuns {
    all: BTreeMap<String, Lead>,
    kept: BTreeMap<String, Lead>,
    record: Value,
}

fn scan_with_filter(flag: &str, outlet: f64, dust: f64) -> FilterRuns {
    let dir = tempdir();
    let scenes = held_out_scene(dir.path(), "satellite", 768, 9103);
    let scan = |out: &Path, outlet: f64, dust: f64| {
        let (outlet, dust) = (
            format!("discharge_outlet={outlet}"),
            format!("dust_source={dust}"),
        );
        let args = [
            "--threshold",
            "discharge_outlet=0.2",
            "--threshold",
            "dust_source=0.3",
            flag,
            &outlet,
            flag,
            &dust,
        ];
        scan_ok(&[&scenes], out, &args);
        by_id(read_geojson(&out.join("leads.geojson")).unwrap())
    };
    let all = scan(&dir.path().join("all"), 0.2, 0.3);
    let filtered = dir.path().join("filtered");
    let kept = scan(&filtered, outlet, dust);
    assert!(!all.is_empty());
    for (id, lead) in &kept {
        let before = all.get(id).unwrap_or_else(|| panic!("{id} is new"));
        assert_eq!(lead.geometry, before.geometry, "{id} changed its outline");
    }
    for (id, lead) in &all {
        if lead.class.name() == "coal_gangue_pile" {
            assert!(kept.contains_key(id), "{id}: another class was filtered");
        }
    }
    FilterRuns {
        all,
        kept,
        record: read_json(&filtered.join("run.json")),
    }
}

/// The filter's value for a lead of `class` in [`scan_with_filter`] (0 for the classes it
/// leaves to the card).
fn filter_value(class: &str, outlet: f64, dust: f64) -> f64 {
    match class {
        "discharge_outlet" => outlet,
        "dust_source" => dust,
        _ => 0.0,
    }
}

/// `--peak-threshold` only removes leads: those kept are the same leads with the same outlines,
/// every lead whose mean score reaches the peak threshold is kept (its peak is at least its
/// mean), other classes are untouched, and the run record states the thresholds applied.
#[test]
fn peak_threshold_only_drops_leads_whose_peak_is_lower() {
    let (outlet, dust) = (0.4, 0.9);
    let runs = scan_with_filter("--peak-threshold", outlet, dust);
    for (id, lead) in &runs.all {
        if lead.score >= filter_value(lead.class.name(), outlet, dust) {
            assert!(
                runs.kept.contains_key(id),
                "{id} (score {}) was dropped",
                lead.score
            );
        }
    }
    let applied = &runs.record["models"]["satellite"]["peak_thresholds"];
    assert_eq!(applied["discharge_outlet"], outlet);
    assert_eq!(applied["dust_source"], dust);
}

/// `--min-score` keeps exactly the leads whose score reaches it, unchanged; other classes
/// keep the card's; the run record states the scores applied, the card's included.
#[test]
fn min_score_keeps_the_leads_whose_score_reaches_it() {
    let (outlet, dust) = (0.3, 0.85);
    let runs = scan_with_filter("--min-score", outlet, dust);
    let mut dropped = 0;
    for (id, lead) in &runs.all {
        let min = filter_value(lead.class.name(), outlet, dust);
        // Scores in leads.geojson are rounded; leave their last digit out of the comparison.
        if lead.score >= min + 1e-3 {
            assert!(
                runs.kept.contains_key(id),
                "{id} (score {}) was dropped",
                lead.score
            );
        } else if lead.score < min - 1e-3 {
            assert!(
                !runs.kept.contains_key(id),
                "{id} (score {}) was kept",
                lead.score
            );
            dropped += 1;
        }
    }
    let kept = runs
        .kept
        .values()
        .filter(|l| filter_value(l.class.name(), 1.0, 1.0) > 0.0);
    assert!(
        dropped > 0 && kept.count() > 0,
        "the scene should test both sides"
    );
    let applied = &runs.record["models"]["satellite"]["min_scores"];
    assert_eq!(applied["discharge_outlet"], outlet);
    assert_eq!(applied["dust_source"], dust);
    let card = read_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/satellite/card.json"));
    let pile = &card["properties"]["geoscout:classes"][0];
    assert_eq!(
        applied["coal_gangue_pile"], pile["min_score"],
        "the card's own"
    );
    assert_eq!(runs.record["parameters"]["min_scores"]["dust_source"], dust);
}

/// A held-out drone scene of 1024 px at `gsd` metres, finer than the uav card's scan GSD of
/// 0.1 m, in a folder of its own.
fn fine_drone_scene(dir: &Path, gsd: &str) -> PathBuf {
    let scenes = dir.join("fine");
    synth(
        &scenes,
        &[
            "--profile",
            "uav",
            "--size",
            "1024",
            "--seed",
            "9201",
            "--gsd",
            gsd,
        ],
    );
    scenes
}

/// A 3 cm orthophoto, finer even than the uav card's GSD range (from 0.05 m), is read at the
/// card's scan GSD instead of being refused.
#[test]
fn fine_drone_imagery_is_read_at_the_cards_scan_gsd() {
    let dir = tempdir();
    let scenes = fine_drone_scene(dir.path(), "0.03");
    let out = dir.path().join("out");
    scan_ok(&[&scenes], &out, &[]);
    let record = read_json(&out.join("run.json"));
    let input = &record["inputs"][0];
    assert_eq!(input["width"], 1024);
    let scan_gsd = input["scan_gsd_m"].as_f64().unwrap();
    assert!((scan_gsd - 0.1).abs() < 1e-6, "{scan_gsd}");
    // The leads lie where the truth is (the view's grid is placed right), and say the file's GSD.
    let report: Value = serde_json::from_str(&geoscout_ok([
        "eval",
        "--json",
        "--truth",
        path_str(&scenes),
        "--leads",
        path_str(&out),
    ]))
    .unwrap();
    let outlets = &report["classes"]["discharge_outlet"];
    assert!(
        outlets["true_positives"].as_u64().unwrap() >= 1,
        "{outlets}"
    );
    assert!(
        outlets["mean_distance_m"].as_f64().unwrap() < 1.0,
        "{outlets}"
    );
    for lead in properties_by_id(&out.join("leads.geojson")).values() {
        let gsd = lead["gsd_m"].as_f64().unwrap();
        assert!((gsd - 0.03).abs() < 1e-3, "{gsd}");
        assert!(out.join(lead["chip"].as_str().unwrap()).is_file());
    }
}

/// `geoscout predict` reads fine imagery as `scan` does: the probabilities lie on the 0.1 m grid
/// over the file's ground, and `geoscout chips --score` scores them against the file's labels.
#[test]
fn predict_writes_fine_drone_imagery_on_the_scan_gsd_grid() {
    let dir = tempdir();
    let scenes = fine_drone_scene(dir.path(), "0.05");
    let scene = scenes.join("uav-09201.tif");
    let probs = dir.path().join("probs");
    std::fs::create_dir(&probs).unwrap();
    geoscout_ok([
        "predict",
        path_str(&scene),
        "--out",
        path_str(&probs.join("uav-09201.tif")),
        "--model",
        "uav",
        "--quiet",
    ]);
    let (input, output) = (
        gdalinfo_json(&scene),
        gdalinfo_json(&probs.join("uav-09201.tif")),
    );
    assert_eq!(output["size"], serde_json::json!([512, 512]));
    let (from, to) = (&input["geoTransform"], &output["geoTransform"]);
    assert_eq!(
        (to[0].clone(), to[3].clone()),
        (from[0].clone(), from[3].clone())
    );
    assert!((to[1].as_f64().unwrap() - 0.1).abs() < 1e-3, "{to}");
    assert!(
        output["metadata"][""]["GEOSCOUT_SOURCE"]
            .as_str()
            .unwrap()
            .ends_with("uav-09201.tif")
    );
    let card = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/uav/card.json");
    let quality = dir.path().join("quality.json");
    geoscout_ok([
        "chips",
        path_str(&scene),
        "--score",
        path_str(&probs),
        "--card",
        path_str(&card),
        "--json",
        path_str(&quality),
    ]);
    let outlets = &read_json(&quality)["peaks"]["discharge_outlet"];
    assert!(outlets["found"].as_u64().unwrap() >= 1, "{outlets}");
}

/// A batch with unreadable, corrupt, wrong-band and ungeoreferenced inputs finishes the good
/// ones, reports each bad one with its reason, and exits non-zero.
#[test]
fn a_batch_with_bad_inputs_finishes_and_reports_them() {
    let dir = tempdir();
    let good = held_out_scene(dir.path(), "satellite", 512, 9103);
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("notes.tif"), "this is not a raster").unwrap();
    let scene = std::fs::read_dir(&good)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "tif"))
        .unwrap();
    let bytes = std::fs::read(&scene).unwrap();
    std::fs::write(bad.join("truncated.tif"), &bytes[..bytes.len() / 3]).unwrap();
    let plain = bad.join("plain.tif");
    gdal_tool(
        "gdal_translate",
        &[
            "-q",
            "-co",
            "PROFILE=BASELINE",
            "--config",
            "GDAL_PAM_ENABLED",
            "NO",
            path_str(&scene),
            path_str(&plain),
        ],
    );
    let rgb = bad.join("rgb.tif");
    gdal_tool(
        "gdal_translate",
        &[
            "-q",
            "-b",
            "3",
            "-b",
            "2",
            "-b",
            "1",
            "-ot",
            "Byte",
            "-scale",
            path_str(&scene),
            path_str(&rgb),
        ],
    );

    let out = dir.path().join("out");
    let output = scan(&[&good, &bad], &out, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit status says something failed"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let record = read_json(&out.join("run.json"));
    let failures = record["failures"].as_array().unwrap();
    for name in ["notes.tif", "truncated.tif", "plain.tif", "rgb.tif"] {
        assert!(
            stderr.contains(name),
            "{name} not reported on stderr:\n{stderr}"
        );
        assert!(
            failures
                .iter()
                .any(|f| f["path"].as_str().unwrap().ends_with(name)),
            "{name} not in run.json failures"
        );
    }
    assert!(stderr.contains("georeferenc"), "{stderr}");
    assert!(stderr.contains("band"), "{stderr}");
    let leads = read_geojson(&out.join("leads.geojson")).unwrap();
    assert!(!leads.is_empty(), "the good scene's leads are written");
    assert!(
        leads
            .iter()
            .all(|l| l.source.as_deref() != Some("plain.tif"))
    );
}

/// Every raster under ../shared/data/real/raster/ in one batch: each gives leads or a clear
/// per-file error, and the batch finishes.
#[test]
fn every_real_raster_gives_leads_or_a_clear_error() {
    let Some(shared) = shared_data() else {
        return;
    };
    let shared = shared.join("raster");
    let dir = tempdir();
    let out = dir.path().join("out");
    let output = scan(&[&shared], &out, &[]);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{output:?}");
    let record = read_json(&out.join("run.json"));
    let inputs = record["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 15, "only {} rasters found", inputs.len());
    for input in inputs {
        match input["status"].as_str().unwrap() {
            "ok" => {}
            "failed" => {
                let error = input["error"].as_str().unwrap();
                let name = Path::new(input["path"].as_str().unwrap())
                    .file_name()
                    .unwrap();
                assert!(error.contains(name.to_str().unwrap()), "{error}");
                assert!(!error.contains("panicked"), "{error}");
            }
            other => panic!("unexpected status {other}"),
        }
    }
}
