//! An independent reference for the grid tests: GDAL's own `ogr2ogr` (reprojection, format
//! conversion) and SpatiaLite's spatial SQL (GEOS predicates and overlays) through
//! `ogr2ogr -dialect SQLite`.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::util::{gdal_tool, path_str};

/// Runs an SQLite-dialect (SpatiaLite) query on `datasource` and returns its rows as maps from
/// column name to text.
pub fn sql(datasource: &Path, query: &str) -> Vec<HashMap<String, String>> {
    let output = Command::new("ogr2ogr")
        .args(["-f", "CSV", "/vsistdout/"])
        .arg(datasource)
        .args(["-dialect", "SQLite", "-sql", query])
        .output()
        .expect("ogr2ogr runs (gdal-bin)");
    assert!(
        output.status.success() && !String::from_utf8_lossy(&output.stderr).contains("ERROR"),
        "query failed: {query}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // GDAL may end the header with an empty column name: read rows of any length.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(output.stdout.as_slice());
    let headers = reader.headers().expect("a CSV header").clone();
    reader
        .records()
        .map(|row| {
            let row = row.expect("a CSV row");
            headers
                .iter()
                .map(str::to_string)
                .zip(row.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Panics unless GDAL's SQLite dialect has SpatiaLite (Debian's gdal-bin does).
pub fn require_spatialite() {
    let output = Command::new("ogrinfo")
        .args([":memory:", "-q", "-sql", "SELECT spatialite_version()"])
        .output()
        .expect("ogrinfo runs (gdal-bin)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("spatialite_version() (String) ="),
        "GDAL here has no SpatiaLite, which the grid reference tests need (install gdal-bin from Debian)"
    );
}

/// Copies the layers into one SpatiaLite database in `EPSG:epsg` (reprojected by ogr2ogr), each
/// with its spatial index, so that they can be joined in SQL: `(source file, layer name,
/// geometry type for -nlt)`.
pub fn spatialite_db(path: &Path, epsg: u32, layers: &[(&Path, &str, &str)]) {
    let srs = format!("EPSG:{epsg}");
    for (i, (source, name, geometry_type)) in layers.iter().enumerate() {
        let mut args = vec![
            "-f",
            "SQLite",
            "-t_srs",
            &srs,
            "-nln",
            name,
            "-nlt",
            geometry_type,
        ];
        args.extend(["-lco", "GEOMETRY_NAME=geom"]);
        if i == 0 {
            args.extend(["-dsco", "SPATIALITE=YES"]);
        } else {
            args.push("-update");
        }
        args.extend([path_str(path), path_str(source)]);
        gdal_tool("ogr2ogr", &args);
    }
}

/// A small deterministic pseudo-random generator (SplitMix64) for test data.
pub struct Random(u64);

impl Random {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    /// A number in `[low, high)`.
    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        low + (high - low) * (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
