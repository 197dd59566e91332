//! `geoscout eval` as users run it: the real binary on truth and leads files in a temporary
//! folder. Geometry is laid out in degrees near Datong (0.001 deg is about 85 m east-west and
//! 111 m north-south there), so every overlap is known: a rectangle shifted by a quarter of its
//! width has IoU 0.6, by three quarters 1/7.

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::util::{geoscout, geoscout_ok, path_str, read_json, synth, tempdir};

const W: f64 = 0.001;

/// Runs `geoscout eval ARGS`.
fn eval(args: &[&str]) -> Output {
    geoscout(["eval"].iter().chain(args))
}

/// Runs `geoscout eval ARGS`, checks that it succeeded and returns what it printed.
fn eval_ok(args: &[&str]) -> String {
    geoscout_ok(["eval"].iter().chain(args))
}

fn rectangle(lon: f64, lat: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + W, lat], [lon + W, lat + W], [lon, lat + W], [lon, lat]]]})
}

fn point(lon: f64, lat: f64) -> Value {
    json!({"type": "Point", "coordinates": [lon, lat]})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn truth(id: &str, class: &str, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": {"id": id, "class": class}, "geometry": geometry})
}

/// A lead as another tool might write it: only id, class, score, source and gsd_m.
fn lead(id: &str, class: &str, score: f64, source: &str, gsd_m: f64, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": {"id": id, "class": class, "score": score, "source": source, "gsd_m": gsd_m}, "geometry": geometry})
}

/// Scene `datong` (2 m imagery): one pile found (IoU 0.6), one dust source missed (IoU 1/7),
/// one outlet found 11 m away, a confuser with a lead on it. Scene `river` (0.1 m imagery): one
/// outlet found 1.1 m away. Leads of `elsewhere.tif` have no truth.
fn write_scenes(dir: &Path) {
    let (lon, lat) = (113.30, 40.00);
    std::fs::write(
        dir.join("datong.truth.geojson"),
        collection(vec![
            truth("P1", "coal_gangue_pile", rectangle(lon, lat)),
            truth("D1", "dust_source", rectangle(lon + 0.01, lat)),
            truth("O1", "discharge_outlet", point(lon + 0.02, lat)),
            json!({"type": "Feature", "properties": {"class": "confuser", "kind": "dust net"}, "geometry": rectangle(lon + 0.03, lat)}),
        ]),
    )
    .unwrap();
    std::fs::write(
        dir.join("river.truth.geojson"),
        collection(vec![truth(
            "R1",
            "discharge_outlet",
            point(lon, lat + 0.05),
        )]),
    )
    .unwrap();
    let scan = dir.join("scan");
    std::fs::create_dir_all(&scan).unwrap();
    std::fs::write(
        scan.join("leads.geojson"),
        collection(vec![
            lead(
                "p",
                "coal_gangue_pile",
                0.9,
                "datong.tif",
                2.0,
                rectangle(lon + W / 4.0, lat),
            ),
            lead(
                "d",
                "dust_source",
                0.8,
                "datong.tif",
                2.0,
                rectangle(lon + 0.01 + 0.75 * W, lat),
            ),
            lead(
                "o",
                "discharge_outlet",
                0.7,
                "datong.tif",
                2.0,
                point(lon + 0.02, lat + 0.0001),
            ),
            lead(
                "c",
                "dust_source",
                0.6,
                "datong.tif",
                2.0,
                rectangle(lon + 0.03, lat),
            ),
            lead(
                "r",
                "discharge_outlet",
                0.9,
                "river.tif",
                0.1,
                point(lon, lat + 0.05 + 0.00001),
            ),
            lead(
                "e",
                "dust_source",
                0.9,
                "elsewhere.tif",
                2.0,
                rectangle(lon, lat),
            ),
        ]),
    )
    .unwrap();
}

/// The columns of the table row that starts with `name`.
fn row<'a>(stdout: &'a str, name: &str) -> Vec<&'a str> {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row '{name}' in\n{stdout}"));
    line.split_whitespace().collect()
}

#[test]
fn eval_prints_the_per_class_table_for_folders_of_scenes() {
    let dir = tempdir();
    write_scenes(dir.path());
    let output = eval(&[
        "--truth",
        path_str(dir.path()),
        "--leads",
        path_str(&dir.path().join("scan")),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("2 scenes, 4 true objects (1 confuser not counted), 5 leads"),
        "{stdout}"
    );
    //                                        TP   FP   FN   precision recall F1 mean-IoU mean-dist
    assert_eq!(
        row(&stdout, "coal_gangue_pile")[1..5],
        ["1", "0", "0", "1.000"]
    );
    assert_eq!(row(&stdout, "coal_gangue_pile")[7], "0.600");
    assert_eq!(
        row(&stdout, "dust_source")[1..7],
        ["0", "2", "1", "0.000", "0.000", "0.000"]
    );
    assert_eq!(row(&stdout, "discharge_outlet")[1..4], ["2", "0", "0"]);
    assert_eq!(
        row(&stdout, "total")[1..7],
        ["3", "2", "1", "0.600", "0.750", "0.667"]
    );
    assert_eq!(row(&stdout, "datong")[1..3], ["satellite", "20"]);
    assert_eq!(row(&stdout, "river")[1..3], ["uav", "2"]);
    assert!(
        stderr.contains("1 lead of 'elsewhere' not scored"),
        "{stderr}"
    );
}

#[test]
fn eval_json_has_the_same_figures_and_every_match() {
    let dir = tempdir();
    write_scenes(dir.path());
    let stdout = eval_ok(&[
        "--truth",
        path_str(&dir.path().join("datong.truth.geojson")),
        "--leads",
        path_str(&dir.path().join("scan/leads.geojson")),
        "--json",
    ]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let pile = &json["classes"]["coal_gangue_pile"];
    assert_eq!(pile["true_positives"], 1);
    assert!(
        (pile["mean_iou"].as_f64().unwrap() - 0.6).abs() < 0.01,
        "{pile}"
    );
    let outlets = &json["classes"]["discharge_outlet"];
    assert!(
        (outlets["mean_distance_m"].as_f64().unwrap() - 11.1).abs() < 0.2,
        "{outlets}"
    );
    assert_eq!(json["total"]["false_negatives"], 1);
    let scene = &json["scenes"][0];
    assert_eq!(scene["crs"], "EPSG:32649");
    assert_eq!(scene["crs_from"], "utm");
    assert_eq!(
        scene["outcome"]["false_negatives"],
        json!([["dust_source", "D1"]])
    );
    assert_eq!(
        json["leads_without_truth"],
        json!({"elsewhere": 1, "river": 1})
    );
}

#[test]
fn eval_profile_and_radius_flags_set_the_outlet_tolerance() {
    let dir = tempdir();
    write_scenes(dir.path());
    let truth = dir.path().join("datong.truth.geojson");
    let leads = dir.path().join("scan");
    let outlets = |extra: &[&str]| {
        let mut args = vec!["--truth", path_str(&truth), "--leads", path_str(&leads)];
        args.extend_from_slice(extra);
        let stdout = eval_ok(&args);
        row(&stdout, "discharge_outlet")[1..4].join(" ")
    };
    assert_eq!(outlets(&[]), "1 0 0"); // 11 m, satellite: 20 m
    assert_eq!(outlets(&["--profile", "uav"]), "0 1 1"); // 2 m
    assert_eq!(outlets(&["--profile", "uav", "--radius", "12"]), "1 0 0");
}

#[test]
fn eval_errors_name_the_file_and_exit_2() {
    let dir = tempdir();
    write_scenes(dir.path());
    let bad = dir.path().join("bad.truth.geojson");
    std::fs::write(
        &bad,
        collection(vec![truth("X", "pond", point(113.3, 40.0))]),
    )
    .unwrap();
    let output = eval(&[
        "--truth",
        path_str(&bad),
        "--leads",
        path_str(&dir.path().join("scan")),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("bad.truth.geojson") && stderr.contains("unknown class 'pond'"),
        "{stderr}"
    );

    let output = eval(&[
        "--truth",
        path_str(&dir.path().join("nowhere")),
        "--leads",
        path_str(&dir.path().join("scan")),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nowhere"));

    let output = eval(&[
        "--truth",
        path_str(dir.path()),
        "--leads",
        path_str(dir.path()),
        "--radius=0",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--radius must be a positive"));
}

/// Leads copied from the targets of every truth file in `dir` (score 0.9, `source` the scene's
/// raster), plus each scene's confusers claimed as dust sources.
fn leads_from_truth(dir: &Path) -> (String, usize, usize) {
    let (mut leads, mut targets, mut confusers) = (Vec::new(), 0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(scene) = file_name.strip_suffix(".truth.geojson") else {
            continue;
        };
        let truth = read_json(&path);
        for (i, feature) in truth["features"].as_array().unwrap().iter().enumerate() {
            let mut class = feature["properties"]["class"].as_str().unwrap();
            if class == "confuser" {
                if feature["geometry"]["type"] != "Polygon" {
                    continue;
                }
                class = "dust_source";
                confusers += 1;
            } else {
                targets += 1;
            }
            let source = format!("{scene}.tif");
            leads.push(lead(
                &format!("{scene}-{i}"),
                class,
                0.9,
                &source,
                2.0,
                feature["geometry"].clone(),
            ));
        }
    }
    (collection(leads), targets, confusers)
}

#[test]
fn eval_reads_the_truth_that_synth_writes() {
    let dir = tempdir();
    synth(
        dir.path(),
        &[
            "--profile",
            "satellite",
            "--scenes",
            "2",
            "--size",
            "256",
            "-q",
        ],
    );
    let (leads, targets, confusers) = leads_from_truth(dir.path());
    assert!(
        targets > 0 && confusers > 0,
        "synth scenes have targets and polygon confusers"
    );
    std::fs::write(dir.path().join("leads.geojson"), leads).unwrap();
    let stdout = eval_ok(&[
        "--truth",
        path_str(dir.path()),
        "--leads",
        path_str(&dir.path().join("leads.geojson")),
        "--json",
    ]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    // Every target found exactly; every claimed confuser a false positive.
    assert_eq!(json["total"]["true_positives"], targets);
    assert_eq!(json["total"]["false_negatives"], 0);
    assert_eq!(json["total"]["false_positives"], confusers);
    for scene in json["scenes"].as_array().unwrap() {
        assert_eq!(scene["crs_from"], "raster", "{scene}");
        assert_eq!(scene["profile"], "satellite");
    }
    for class in ["coal_gangue_pile", "dust_source"] {
        let mean_iou = &json["classes"][class]["mean_iou"];
        assert!(
            mean_iou.is_null() || mean_iou.as_f64().unwrap() > 0.999,
            "{class}: {mean_iou}"
        );
    }
}
