//! `geoscout chips`: chips cut from scenes written by `geoscout synth`, and `--score` on
//! probability rasters burnt from the truth with GDAL's own tools.

use std::path::{Path, PathBuf};

use crate::util::{gdal_tool, geoscout, geoscout_ok, path_str, read_json, synth, tempdir};

/// Writes `count` satellite scenes of 512 x 512 pixels from `seed` into `dir`.
fn satellite_scenes(dir: &Path, count: u32, seed: u32) {
    synth(
        dir,
        &[
            "--profile",
            "satellite",
            "--size",
            "512",
            "--scenes",
            &count.to_string(),
            "--seed",
            &seed.to_string(),
            "--quiet",
        ],
    );
}

fn scenes(dir: &Path) -> Vec<String> {
    let mut scenes: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tif"))
        .map(|p| path_str(&p).to_string())
        .collect();
    scenes.sort();
    scenes
}

/// One satellite scene from `seed`, written into `dir/scenes`; returns its path.
fn one_satellite_scene(dir: &Path, seed: u32) -> String {
    let scenes_dir = dir.join("scenes");
    satellite_scenes(&scenes_dir, 1, seed);
    scenes(&scenes_dir).remove(0)
}

/// The tiny satellite test model's card.
fn tiny_satellite_card() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/model/tests/fixtures/models/tiny-satellite/card.json")
}

/// The shape in the header of an `.npy` file.
fn npy_shape(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..6],
        b"\x93NUMPY",
        "{} is not an .npy file",
        path.display()
    );
    let len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + len]).unwrap();
    let start = header.find("'shape': (").unwrap() + 10;
    header[start..start + header[start..].find(')').unwrap()].to_string()
}

#[test]
fn chips_of_synthetic_scenes_have_images_targets_and_an_index() {
    let dir = tempdir();
    let scenes_dir = dir.path().join("scenes");
    satellite_scenes(&scenes_dir, 2, 11);
    let out = dir.path().join("chips");
    let mut args = vec!["chips".to_string()];
    args.extend(scenes(&scenes_dir));
    args.extend(["--out", path_str(&out), "--val-share", "0.5", "--quiet"].map(String::from));
    geoscout_ok(&args);

    let manifest = read_json(&out.join("chips.json"));
    assert_eq!(
        manifest["bands"],
        serde_json::json!(["blue", "green", "red", "nir"])
    );
    assert_eq!(manifest["band_scale"][0], 0.0001);
    let index = std::fs::read_to_string(out.join("index.jsonl")).unwrap();
    let entries: Vec<serde_json::Value> = index
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let train = entries.iter().filter(|e| e["split"] == "train").count();
    let val = entries.iter().filter(|e| e["split"] == "val").count();
    assert_eq!(manifest["chips"]["train"], train);
    assert_eq!(manifest["chips"]["val"], val);
    // One scene each; the validation scene keeps all four of its chips.
    assert_eq!(val, 4);
    assert!(train >= 1);
    let mut target_pixels = 0;
    for entry in &entries {
        let image = out.join(entry["image"].as_str().unwrap());
        let target = out.join(entry["target"].as_str().unwrap());
        assert_eq!(npy_shape(&image), "4, 256, 256");
        assert_eq!(npy_shape(&target), "3, 256, 256");
        for class in ["coal_gangue_pile", "dust_source"] {
            target_pixels += entry["pixels"][class].as_u64().unwrap();
        }
    }
    assert!(target_pixels > 1000, "only {target_pixels} target pixels");
}

#[test]
fn score_of_probabilities_burnt_from_the_truth_is_perfect_and_of_zeros_is_nil() {
    let dir = tempdir();
    let scene = one_satellite_scene(dir.path(), 21);
    let truth = scene.replace(".tif", ".truth.geojson");
    let utm = dir.path().join("truth.gpkg");
    let utm = path_str(&utm);
    gdal_tool(
        "ogr2ogr",
        &["-t_srs", "EPSG:32649", "-f", "GPKG", utm, &truth],
    );

    let name = Path::new(&scene).file_name().unwrap();
    let zeros = dir.path().join("zeros");
    let burnt = dir.path().join("burnt");
    for folder in [&zeros, &burnt] {
        std::fs::create_dir(folder).unwrap();
        let probs = folder.join(name);
        let probs = path_str(&probs);
        gdal_tool(
            "gdal_create",
            &[
                "-if", &scene, "-bands", "3", "-ot", "Byte", "-burn", "0", probs,
            ],
        );
        if folder == &burnt {
            for (band, class) in ["coal_gangue_pile", "discharge_outlet", "dust_source"]
                .iter()
                .enumerate()
            {
                let band = (band + 1).to_string();
                let filter = format!("class = '{class}'");
                gdal_tool(
                    "gdal_rasterize",
                    &["-b", &band, "-burn", "255", "-where", &filter, utm, probs],
                );
            }
        }
    }
    let card = tiny_satellite_card();
    let score = |probs: &Path| {
        let json = probs.join("quality.json");
        let printed = geoscout_ok([
            "chips",
            &scene,
            "--score",
            path_str(probs),
            "--card",
            path_str(&card),
            "--json",
            path_str(&json),
        ]);
        assert!(
            printed.contains("coal_gangue_pile") && printed.contains("IoU"),
            "{printed}"
        );
        read_json(&json)
    };

    let perfect = score(&burnt);
    for class in ["coal_gangue_pile", "dust_source"] {
        let figures = &perfect["pixels"][class];
        assert!(figures["truth_pixels"].as_u64().unwrap() > 0, "{perfect}");
        assert_eq!(figures["iou"], 1.0, "{class}: {perfect}");
        assert_eq!(figures["f1"], 1.0, "{class}: {perfect}");
    }
    let outlets = &perfect["peaks"]["discharge_outlet"];
    assert!(outlets["truth"].as_u64().unwrap() > 0, "{perfect}");
    assert_eq!(outlets["found"], outlets["truth"], "{perfect}");
    assert_eq!(perfect["point_radius_m"], 20.0);

    let nil = score(&zeros);
    assert_eq!(nil["pixels"]["coal_gangue_pile"]["iou"], 0.0, "{nil}");
    assert_eq!(nil["peaks"]["discharge_outlet"]["found"], 0, "{nil}");
}

#[test]
fn probabilities_over_other_ground_are_refused() {
    let dir = tempdir();
    let scene = one_satellite_scene(dir.path(), 22);
    let probs_dir = dir.path().join("probs");
    std::fs::create_dir(&probs_dir).unwrap();
    let whole = dir.path().join("whole.tif");
    let part = probs_dir.join(Path::new(&scene).file_name().unwrap());
    gdal_tool(
        "gdal_create",
        &[
            "-if",
            &scene,
            "-bands",
            "3",
            "-ot",
            "Byte",
            path_str(&whole),
        ],
    );
    gdal_tool(
        "gdal_translate",
        &[
            "-srcwin",
            "0",
            "0",
            "64",
            "64",
            path_str(&whole),
            path_str(&part),
        ],
    );
    let card = tiny_satellite_card();
    let out = geoscout([
        "chips",
        &scene,
        "--score",
        path_str(&probs_dir),
        "--card",
        path_str(&card),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(path_str(&part)) && stderr.contains("does not cover the ground"),
        "{stderr}"
    );
}

#[test]
fn a_scene_without_labels_is_an_error_naming_the_label_file() {
    let dir = tempdir();
    let scene = one_satellite_scene(dir.path(), 31);
    std::fs::remove_file(scene.replace(".tif", ".truth.geojson")).unwrap();
    let out = geoscout([
        "chips",
        &scene,
        "--out",
        path_str(&dir.path().join("chips")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("truth.geojson"), "{stderr}");
}
