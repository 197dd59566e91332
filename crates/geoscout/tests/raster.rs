//! `geoscout info` and `geoscout tiles` on rasters made here with GDAL's tools and on every raster
//! in `../shared/data/real/raster`, checked against `gdalinfo` and `ogrinfo`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::util::{
    gdal_tool, gdalinfo_json, geoscout, ogrinfo_summary, path_str, read_json, shared_data, tempdir,
};

/// A 300 x 200 three-band Byte GeoTIFF in UTM 49N (2 m pixels) filled with `value`; `nodata`
/// marks it as nodata.
fn created_raster(dir: &Path, name: &str, value: u8, nodata: Option<u8>) -> PathBuf {
    let path = dir.join(name);
    let burn = value.to_string();
    let nodata = nodata.map(|n| n.to_string());
    let mut args = vec![
        "-q",
        "-of",
        "GTiff",
        "-outsize",
        "300",
        "200",
        "-bands",
        "3",
        "-ot",
        "Byte",
        "-burn",
        &burn,
        "-a_srs",
        "EPSG:32649",
        "-a_ullr",
        "500000",
        "4400000",
        "500600",
        "4399600",
    ];
    if let Some(nodata) = &nodata {
        args.extend(["-a_nodata", nodata]);
    }
    args.push(path_str(&path));
    gdal_tool("gdal_create", &args);
    path
}

fn stdout_json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

/// The run failed cleanly: exit status 2 and one line on stderr that names `path`.
fn assert_clean_failure(output: &Output, path: &Path) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("geoscout: "), "{stderr}");
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    stderr
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Twice the signed area of a ring (positive when counter-clockwise).
fn signed_area(ring: &[Value]) -> f64 {
    ring.windows(2)
        .map(|pair| {
            let (a, b) = (&pair[0], &pair[1]);
            a[0].as_f64().unwrap() * b[1].as_f64().unwrap()
                - b[0].as_f64().unwrap() * a[1].as_f64().unwrap()
        })
        .sum()
}

/// The polygons (lists of rings) of a GeoJSON Polygon or MultiPolygon.
fn polygons(geometry: &Value) -> Vec<Vec<Vec<Value>>> {
    let coordinates = geometry["coordinates"].clone();
    let as_polygon =
        |p: Value| -> Vec<Vec<Value>> { serde_json::from_value(p).expect("a polygon's rings") };
    match geometry["type"].as_str() {
        Some("Polygon") => vec![as_polygon(coordinates)],
        Some("MultiPolygon") => coordinates
            .as_array()
            .unwrap()
            .iter()
            .cloned()
            .map(as_polygon)
            .collect(),
        other => panic!("not a polygon: {other:?}"),
    }
}

/// RFC 7946: counter-clockwise exterior rings, closed, longitudes and latitudes in range.
fn assert_rfc7946_polygon(geometry: &Value) {
    for polygon in polygons(geometry) {
        let exterior = &polygon[0];
        assert!(exterior.len() >= 4);
        assert_eq!(exterior.first(), exterior.last());
        assert!(
            signed_area(exterior) > 0.0,
            "clockwise exterior: {geometry}"
        );
        for point in exterior {
            let (lon, lat) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
            assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        }
    }
}

/// Runs `geoscout tiles RASTER --tile-size TILE_SIZE --halo HALO OUTPUT...`.
fn tiles(raster: &Path, tile_size: usize, halo: usize, output: &[&str]) -> Output {
    let (tile_size, halo) = (tile_size.to_string(), halo.to_string());
    let mut args = vec![
        "tiles",
        path_str(raster),
        "--tile-size",
        &tile_size,
        "--halo",
        &halo,
    ];
    args.extend_from_slice(output);
    geoscout(&args)
}

/// The `tiles --json` plan of `raster`, checked for the invariants every plan must keep.
fn checked_plan(raster: &Path, tile_size: usize, halo: usize) -> Value {
    let output = tiles(raster, tile_size, halo, &["--json"]);
    assert_success(&output);
    let plan = stdout_json_lines(&output).remove(0);
    check_plan(&plan, tile_size, halo);
    plan
}

/// Checks a `tiles --json` plan: ids in grid order, cores on the regular grid, windows grown by
/// the halo and clipped, kept plus skipped tiles making the full grid, and (when nothing is
/// skipped) cores covering the raster exactly once.
fn check_plan(plan: &Value, tile_size: usize, halo: usize) {
    let (width, height) = (
        plan["width"].as_u64().unwrap() as usize,
        plan["height"].as_u64().unwrap() as usize,
    );
    let rect = |v: &Value| -> [usize; 4] { serde_json::from_value(v.clone()).unwrap() };
    let tiles = plan["tiles"].as_array().unwrap();
    let columns = width.div_ceil(tile_size);
    let mut previous_id = None;
    let mut core_area = 0;
    for tile in tiles {
        let id = tile["id"].as_u64().unwrap() as usize;
        assert!(previous_id.is_none_or(|p| p < id), "ids increase");
        previous_id = Some(id);
        let [x, y, w, h] = rect(&tile["core"]);
        assert_eq!(
            (x, y),
            ((id % columns) * tile_size, (id / columns) * tile_size)
        );
        assert_eq!(
            (w, h),
            (tile_size.min(width - x), tile_size.min(height - y))
        );
        let window = rect(&tile["window"]);
        assert_eq!(window[0], x.saturating_sub(halo));
        assert_eq!(window[1], y.saturating_sub(halo));
        assert_eq!(window[0] + window[2], (x + w + halo).min(width));
        assert_eq!(window[1] + window[3], (y + h + halo).min(height));
        core_area += w * h;
    }
    let all = columns * height.div_ceil(tile_size);
    let skipped = plan["skipped_nodata"].as_u64().unwrap() as usize;
    assert_eq!(tiles.len() + skipped, all);
    if skipped == 0 {
        assert_eq!(
            core_area,
            width * height,
            "the cores cover the raster exactly once"
        );
    }
}

#[test]
fn info_describes_a_raster_in_text_and_json() {
    let dir = tempdir();
    let raster = created_raster(dir.path(), "scene.tif", 7, None);
    let text = geoscout(["info", path_str(&raster)]);
    assert_success(&text);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("300 x 200 pixels, 3 bands"), "{text}");
    assert!(text.contains("EPSG:32649"), "{text}");
    assert!(text.contains("gsd             2.001 m"), "{text}");

    let json = geoscout(["info", "--json", path_str(&raster)]);
    assert_success(&json);
    let info = stdout_json_lines(&json).remove(0);
    assert_eq!(info["path"], path_str(&raster));
    assert_eq!(
        (info["width"].as_u64(), info["height"].as_u64()),
        (Some(300), Some(200))
    );
    assert_eq!(info["bands"].as_array().unwrap().len(), 3);
    assert_eq!(info["bands"][0]["data_type"], "Byte");
    assert_eq!(info["epsg"], 32649);
    assert!((info["gsd_m"].as_f64().unwrap() - 2.0).abs() < 0.01);
    assert_eq!(info["footprint"]["type"], "Polygon");
    assert_rfc7946_polygon(&info["footprint"]);
}

#[test]
fn info_reports_bad_files_and_carries_on() {
    let dir = tempdir();
    let good = created_raster(dir.path(), "good.tif", 7, None);
    let text = dir.path().join("notes.tif");
    fs::write(&text, "not pixels").unwrap();
    let truncated = dir.path().join("truncated.tif");
    fs::write(&truncated, &fs::read(&good).unwrap()[..100]).unwrap();
    let missing = dir.path().join("missing.tif");
    for bad in [&text, &truncated, &missing] {
        let output = geoscout([
            "info",
            "--json",
            path_str(&good),
            path_str(bad),
            path_str(&good),
        ]);
        assert_clean_failure(&output, bad);
        assert_eq!(
            stdout_json_lines(&output).len(),
            2,
            "the good rasters are still described"
        );
        assert_clean_failure(&geoscout(["tiles", path_str(bad), "--json"]), bad);
    }
}

#[test]
fn tiles_skip_windows_without_valid_pixels_and_count_them() {
    let dir = tempdir();
    let empty = created_raster(dir.path(), "empty.tif", 0, Some(0));
    let plan = checked_plan(&empty, 64, 8);
    assert_eq!(plan["tiles"].as_array().unwrap().len(), 0);
    assert_eq!(plan["skipped_nodata"], 5 * 4);
    let full = created_raster(dir.path(), "full.tif", 9, Some(0));
    let plan = checked_plan(&full, 64, 8);
    assert_eq!(plan["skipped_nodata"], 0);
    assert_eq!(
        plan["tiles"][19]["core"],
        serde_json::json!([256, 192, 44, 8])
    );
    assert_eq!(
        plan["tiles"][19]["window"],
        serde_json::json!([248, 184, 52, 16])
    );
}

#[test]
fn tiles_geojson_is_a_layer_ogrinfo_opens() {
    let dir = tempdir();
    let raster = created_raster(dir.path(), "scene.tif", 7, None);
    let layer = dir.path().join("tiles.geojson");
    let output = tiles(&raster, 128, 16, &["--geojson", path_str(&layer)]);
    assert_success(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("wrote 6 tile cores"));
    let summary = ogrinfo_summary(&layer);
    assert!(summary.contains("Feature Count: 6"), "{summary}");
    assert!(summary.contains("Geometry: Polygon"), "{summary}");
    for field in ["id: Integer", "core: IntegerList", "window: IntegerList"] {
        assert!(summary.contains(field), "{field} missing from {summary}");
    }
    let features = read_json(&layer);
    assert!(features.get("crs").is_none(), "RFC 7946 has no crs member");
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no temporary file is left behind: {names:?}"
    );
    for feature in features["features"].as_array().unwrap() {
        assert_rfc7946_polygon(&feature["geometry"]);
    }
    // The first core is the raster's top-left 128 x 128 pixels: it shares the raster's
    // top-left corner, as gdalinfo places it.
    let first = &features["features"][0];
    assert_eq!(first["properties"]["id"], 0);
    assert_eq!(
        first["properties"]["core"],
        serde_json::json!([0, 0, 128, 128])
    );
    assert_eq!(
        first["properties"]["window"],
        serde_json::json!([0, 0, 144, 144])
    );
    let gdalinfo = gdalinfo_json(&raster);
    let upper_left = &gdalinfo["cornerCoordinates"]["upperLeft"];
    assert_eq!(upper_left, &serde_json::json!([500000.0, 4400000.0]));
    let corner = &gdalinfo["wgs84Extent"]["coordinates"][0][0];
    let near = |v: &Value| {
        (v[0].as_f64().unwrap() - corner[0].as_f64().unwrap()).abs() < 2e-7
            && (v[1].as_f64().unwrap() - corner[1].as_f64().unwrap()).abs() < 2e-7
    };
    assert!(
        polygons(&first["geometry"])[0][0].iter().any(near),
        "{first}"
    );
}

#[test]
fn tiles_geojson_needs_a_crs() {
    let dir = tempdir();
    let raster = dir.path().join("plain.tif");
    let source = created_raster(dir.path(), "source.tif", 7, None);
    gdal_tool(
        "gdal_translate",
        &[
            "-q",
            "-co",
            "PROFILE=BASELINE",
            "--config",
            "GDAL_PAM_ENABLED",
            "NO",
            path_str(&source),
            path_str(&raster),
        ],
    );
    let layer = dir.path().join("tiles.geojson");
    let output = geoscout(["tiles", path_str(&raster), "--geojson", path_str(&layer)]);
    let stderr = assert_clean_failure(&output, &raster);
    assert!(
        stderr.contains("cannot place the tiles on a map"),
        "{stderr}"
    );
    assert!(!layer.exists());
    assert_success(&geoscout(["tiles", path_str(&raster), "--json"]));
}

/// The EPSG code at the root of a WKT 2 definition, as gdalinfo prints it.
fn root_epsg(wkt: &str) -> Option<u64> {
    let tail = &wkt[wkt.rfind("ID[\"EPSG\",")?..];
    tail.strip_prefix("ID[\"EPSG\",")?
        .trim_end()
        .strip_suffix("]]")?
        .parse()
        .ok()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn every_shared_raster_goes_through_info_and_tiles() {
    let Some(shared) = shared_data() else { return };
    let out = tempdir();
    let mut described = 0;
    for path in files_under(&shared.join("raster")) {
        let text = geoscout(["info", path_str(&path)]);
        let json = geoscout(["info", "--json", path_str(&path)]);
        let plan = tiles(&path, 256, 16, &["--json"]);
        let layer = out.path().join("tiles.geojson");
        let _ = fs::remove_file(&layer);
        let mapped = tiles(&path, 256, 16, &["--geojson", path_str(&layer)]);
        let Some(expected) = Command::new("gdalinfo")
            .args(["-json", path_str(&path)])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| serde_json::from_slice::<Value>(&o.stdout).unwrap())
        else {
            for output in [&text, &json, &plan, &mapped] {
                assert_clean_failure(output, &path);
            }
            continue;
        };
        described += 1;
        assert_success(&text);
        assert_success(&json);
        let info = stdout_json_lines(&json).remove(0);
        assert_eq!(info["width"], expected["size"][0], "{}", path.display());
        assert_eq!(info["height"], expected["size"][1], "{}", path.display());
        let bands = expected["bands"].as_array().unwrap();
        assert_eq!(info["bands"].as_array().unwrap().len(), bands.len());
        for (ours, theirs) in info["bands"].as_array().unwrap().iter().zip(bands) {
            assert_eq!(ours["data_type"], theirs["type"], "{}", path.display());
            assert_eq!(
                ours["nodata"].as_f64(),
                theirs["noDataValue"].as_f64(),
                "{}",
                path.display()
            );
        }
        let wkt = expected["coordinateSystem"]["wkt"]
            .as_str()
            .or(expected["gcps"]["coordinateSystem"]["wkt"].as_str())
            .filter(|wkt| !wkt.is_empty());
        assert_eq!(
            info["epsg"].as_u64(),
            wkt.and_then(root_epsg),
            "{}",
            path.display()
        );
        assert!(
            info["gsd_m"].is_number() || wkt.is_none(),
            "{}",
            path.display()
        );
        if wkt.is_some() {
            assert_rfc7946_polygon(&info["footprint"]);
        } else {
            assert!(info["footprint"].is_null());
        }

        assert_success(&plan);
        let plan = stdout_json_lines(&plan).remove(0);
        check_plan(&plan, 256, 16);
        if wkt.is_some() {
            assert_success(&mapped);
            let summary = ogrinfo_summary(&layer);
            let count = plan["tiles"].as_array().unwrap().len();
            assert!(
                summary.contains(&format!("Feature Count: {count}")),
                "{}: {summary}",
                path.display()
            );
        } else {
            assert_clean_failure(&mapped, &path);
        }
    }
    assert!(described >= 19, "only {described} rasters described");
}

#[test]
fn the_all_nodata_raster_skips_every_tile() {
    let Some(shared) = shared_data() else { return };
    let plan = checked_plan(
        &shared.join("raster/edge_cases/rasterio_all-nodata.tif"),
        256,
        16,
    );
    assert_eq!(plan["tiles"].as_array().unwrap().len(), 0);
    assert_eq!(plan["skipped_nodata"], 10);
}
