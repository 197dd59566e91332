//! Helpers any stage's integration tests may use: the binary under test, temporary folders, the
//! real data in `../shared`, GDAL's own command-line tools, and the JSON files geoscout writes.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The `geoscout` binary built for these tests.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_geoscout"))
}

/// Runs `geoscout` with `args` and returns what it printed and its exit status.
pub fn geoscout<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(bin())
        .args(args)
        .output()
        .expect("the geoscout binary runs")
}

/// Runs `geoscout` with `args`, checks that it succeeded and returns what it printed on stdout.
pub fn geoscout_ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let output = geoscout(&args);
    assert!(
        output.status.success(),
        "geoscout {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `geoscout synth --out OUT ARGS`, checks that it succeeded and returns what it printed.
pub fn synth(out: &Path, args: &[&str]) -> String {
    let mut all = vec!["synth", "--out", path_str(out)];
    all.extend_from_slice(args);
    geoscout_ok(&all)
}

/// A path as text, for argument lists (test paths are UTF-8).
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A fresh temporary folder, deleted when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// `../shared/data/real` beside the repository, or `None` after printing that the calling test
/// is skipped.
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/data/real not found");
        None
    }
}

/// Runs one of GDAL's command-line tools (`gdal_create`, `gdal_translate`, `ogr2ogr`, ...) and
/// returns what it printed; panics with its stderr when it fails.
pub fn gdal_tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{program} (from gdal-bin) must be installed: {err}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What `gdalinfo -json` says about a raster.
pub fn gdalinfo_json(path: &Path) -> Value {
    let text = gdal_tool("gdalinfo", &["-json", path_str(path)]);
    serde_json::from_str(&text).expect("gdalinfo -json prints JSON")
}

/// What `ogrinfo -ro -so -al` says about every layer of a vector file (it fails the test when
/// OGR cannot open the file).
pub fn ogrinfo_summary(path: &Path) -> String {
    gdal_tool("ogrinfo", &["-ro", "-so", "-al", path_str(path)])
}

/// A JSON file (a GeoJSON layer, a run record, a manifest) as a value.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// The properties of every feature of a GeoJSON FeatureCollection, by their `id` property.
pub fn properties_by_id(path: &Path) -> BTreeMap<String, Value> {
    read_json(path)["features"]
        .as_array()
        .expect("a FeatureCollection")
        .iter()
        .map(|f| {
            let id = f["properties"]["id"].as_str().expect("an id property");
            (id.to_string(), f["properties"].clone())
        })
        .collect()
}
