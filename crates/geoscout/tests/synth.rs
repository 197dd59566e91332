//! `geoscout synth` as users run it: the real binary, checked with GDAL's own `gdalinfo` and
//! `ogrinfo`.

use crate::util::{gdalinfo_json, geoscout, ogrinfo_summary, path_str, read_json, synth, tempdir};

#[test]
fn satellite_scenes_open_in_gdal_with_the_profile_grid() {
    let dir = tempdir();
    let printed = synth(
        dir.path(),
        &[
            "--profile",
            "satellite",
            "--scenes",
            "2",
            "--size",
            "300",
            "--seed",
            "41",
            "--masks",
        ],
    );
    assert_eq!(printed.lines().count(), 2, "{printed}");
    for seed in ["00041", "00042"] {
        let info = gdalinfo_json(&dir.path().join(format!("satellite-{seed}.tif")));
        assert_eq!(info["size"], serde_json::json!([300, 300]));
        let wkt = info["coordinateSystem"]["wkt"].as_str().unwrap();
        assert!(
            wkt.contains("UTM zone 49N") && wkt.contains("ID[\"EPSG\",32649]]"),
            "{wkt}"
        );
        let gt = info["geoTransform"].as_array().unwrap();
        let gsd = gt[1].as_f64().unwrap();
        assert!((1.0..=2.0).contains(&gsd) && gt[5].as_f64().unwrap() == -gsd);
        let bands = info["bands"].as_array().unwrap();
        let names: Vec<&str> = bands
            .iter()
            .map(|b| b["description"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["blue", "green", "red", "nir"]);
        assert!(bands.iter().all(|b| b["type"] == "UInt16"
            && b["noDataValue"].as_f64() == Some(0.0)
            && b["block"] == serde_json::json!([256, 256])));
        assert_eq!(
            info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"],
            "DEFLATE"
        );
        assert!(
            info["metadata"][""]["TIFFTAG_DATETIME"]
                .as_str()
                .unwrap()
                .len()
                == 19
        );
        let labels = gdalinfo_json(&dir.path().join(format!("satellite-{seed}.labels.tif")));
        assert_eq!(labels["bands"][0]["type"], "Byte");
    }
}

#[test]
fn uav_scenes_are_rgb_bytes_at_drone_resolution() {
    let dir = tempdir();
    synth(
        dir.path(),
        &[
            "--profile",
            "uav",
            "--size",
            "257",
            "--seed",
            "7",
            "--gsd",
            "0.08",
            "--name-prefix",
            "bank",
        ],
    );
    let info = gdalinfo_json(&dir.path().join("bank-00007.tif"));
    assert_eq!(info["size"], serde_json::json!([257, 257]));
    assert_eq!(info["geoTransform"][1].as_f64().unwrap(), 0.08);
    let bands = info["bands"].as_array().unwrap();
    let colours: Vec<&str> = bands
        .iter()
        .map(|b| b["colorInterpretation"].as_str().unwrap())
        .collect();
    assert_eq!(colours, ["Red", "Green", "Blue"]);
    assert!(bands.iter().all(|b| b["type"] == "Byte"));
}

#[test]
fn truth_opens_in_ogr_as_wgs84_with_classes() {
    let dir = tempdir();
    synth(
        dir.path(),
        &["--profile", "satellite", "--size", "512", "--seed", "3"],
    );
    let truth = dir.path().join("satellite-00003.truth.geojson");
    let summary = ogrinfo_summary(&truth);
    assert!(
        summary.contains("WGS 84")
            && summary.contains("class: String")
            && summary.contains("kind: String"),
        "{summary}"
    );
    let value = read_json(&truth);
    let classes: Vec<&str> = value["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["class"].as_str().unwrap())
        .collect();
    assert!(
        classes.contains(&"coal_gangue_pile")
            && classes.contains(&"dust_source")
            && classes.contains(&"confuser"),
        "{classes:?}"
    );
}

#[test]
fn the_same_seed_gives_byte_identical_files() {
    let (a, b) = (tempdir(), tempdir());
    for dir in [&a, &b] {
        synth(
            dir.path(),
            &[
                "--profile",
                "satellite",
                "--size",
                "300",
                "--seed",
                "9",
                "--masks",
                "--quiet",
            ],
        );
    }
    for name in [
        "satellite-00009.tif",
        "satellite-00009.truth.geojson",
        "satellite-00009.labels.tif",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn bad_requests_are_refused_with_a_reason() {
    let dir = tempdir();
    let out = path_str(dir.path());
    let output = geoscout([
        "synth",
        "--profile",
        "satellite",
        "--out",
        out,
        "--gsd",
        "0.1",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("ground sample distance 0.1 m"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = geoscout(["synth", "--profile", "lidar", "--out", out]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("satellite or uav"));
    let output = geoscout(["synth", "--profile", "uav", "--out", out, "--size", "20"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("width 20 px"));
}
