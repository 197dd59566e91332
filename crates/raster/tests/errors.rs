//! Files the engine cannot use: each gives one error that names the file and the problem.

mod common;

use std::fs;

use common::TestRaster;
use geoscout_raster::{Error, PixelRect, Raster, ReadOptions, TileSpec};

fn one_line_naming(err: &Error, path: &std::path::Path) -> String {
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(!message.contains('\n'), "{message}");
    message
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.tif");
    let err = Raster::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    assert!(one_line_naming(&err, &path).ends_with("no such file"));
}

#[test]
fn a_text_file_is_not_a_raster() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.tif");
    fs::write(&path, "these are not pixels\n").unwrap();
    let err = Raster::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotRaster { .. }));
    assert!(one_line_naming(&err, &path).contains("not a raster GDAL can read"));
}

#[test]
fn a_vector_file_is_not_a_raster() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("points.geojson");
    fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[113.3,40.1]}}]}"#,
    )
    .unwrap();
    let err = Raster::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotRaster { .. }), "{err}");
    one_line_naming(&err, &path);
}

fn write_sample(path: &std::path::Path) {
    TestRaster::<u16> {
        width: 300,
        height: 200,
        bands: 2,
        value: &|b, c, r| ((c * 31 + r * 17 + b * 1000) % 4000) as u16,
        nodata: Some(0.0),
        options: &[
            "COMPRESS=DEFLATE",
            "TILED=YES",
            "BLOCKXSIZE=64",
            "BLOCKYSIZE=64",
        ],
    }
    .write(path);
}

#[test]
fn a_file_cut_short_in_its_header_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.tif");
    write_sample(&path);
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..6]).unwrap();
    let err = Raster::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotRaster { .. }), "{err}");
    one_line_naming(&err, &path);
}

#[test]
fn a_file_cut_short_in_its_pixels_fails_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.tif");
    write_sample(&path);
    let bytes = fs::read(&path).unwrap();
    // GDAL writes the directory first and the tiles after it: keep the header, drop most tiles.
    fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    let raster = Raster::open(&path).unwrap();
    let err = raster
        .read_window(PixelRect::new(0, 0, 300, 200), &ReadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Read { .. }), "{err}");
    assert!(one_line_naming(&err, &path).contains("cannot read pixels"));
    let err = raster
        .plan_tiles(TileSpec {
            tile_size: 64,
            halo: 8,
        })
        .unwrap_err();
    assert!(matches!(err, Error::Read { .. }), "{err}");
}

#[test]
fn a_raster_without_georeferencing_cannot_be_placed() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.tif");
    write_sample(&source);
    // A baseline TIFF has no GeoTIFF tags; PAM off keeps GDAL from saving them in .aux.xml.
    let path = dir.path().join("baseline.tif");
    common::gdal_tool(
        "gdal_translate",
        &[
            "-q",
            "-co",
            "PROFILE=BASELINE",
            "--config",
            "GDAL_PAM_ENABLED",
            "NO",
        ]
        .into_iter()
        .chain([source.to_str().unwrap(), path.to_str().unwrap()])
        .collect::<Vec<_>>(),
    );
    let raster = Raster::open(&path).unwrap();
    let info = raster.info();
    assert!(info.geotransform.is_none() && info.crs.is_none() && info.footprint.is_none());
    let err = raster.georef().unwrap_err();
    assert!(matches!(err, Error::NoGeoreferencing { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{} has no georeferencing (no geotransform and no GCPs)",
            path.display()
        )
    );
}
