//! Helpers shared by the raster crate's integration tests: the real data in `../shared`, GDAL's
//! command-line tools, and small rasters written with GDAL.

#![allow(dead_code)] // Each test binary uses its own subset.

use std::path::{Path, PathBuf};
use std::process::Command;

use gdal::raster::{GdalType, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{DriverManager, Metadata};

/// `../shared/data/real/raster` beside the repository, or `None` (with a message saying the test
/// is skipped) when it is absent.
pub fn shared_rasters() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/real/raster");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/data/real not found");
        None
    }
}

/// Every file under `dir`, recursively, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
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

/// Runs a GDAL command-line tool and returns its stdout; panics with its stderr when it fails.
pub fn gdal_tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `gdalinfo -json` of `path`, or `None` when gdalinfo cannot read it.
pub fn gdalinfo(path: &Path) -> Option<serde_json::Value> {
    let output = Command::new("gdalinfo")
        .arg("-json")
        .arg(path)
        .output()
        .expect("cannot run gdalinfo");
    output
        .status
        .success()
        .then(|| serde_json::from_slice(&output.stdout).expect("gdalinfo -json printed JSON"))
}

/// A small raster to write: `bands` bands of `width` x `height` pixels of type `T`, with values
/// from `value(band, column, row)` (bands from 0).
pub struct TestRaster<'a, T> {
    pub width: usize,
    pub height: usize,
    pub bands: usize,
    pub value: &'a dyn Fn(usize, usize, usize) -> T,
    pub nodata: Option<f64>,
    pub options: &'a [&'a str],
}

impl<T: GdalType + Copy> TestRaster<'_, T> {
    /// Writes the raster as a GeoTIFF in UTM 49N with 2 m pixels.
    pub fn write(&self, path: &Path) {
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        let options = RasterCreationOptions::from_iter(self.options.iter().copied());
        let mut dataset = driver
            .create_with_band_type_with_options::<T, _>(
                path,
                self.width,
                self.height,
                self.bands,
                &options,
            )
            .unwrap();
        dataset
            .set_geo_transform(&[500_000.0, 2.0, 0.0, 4_400_000.0, 0.0, -2.0])
            .unwrap();
        dataset
            .set_spatial_ref(&SpatialRef::from_epsg(32649).unwrap())
            .unwrap();
        dataset
            .set_metadata_item("TIFFTAG_DATETIME", "2024:05:06 07:08:09", "")
            .unwrap();
        for band_index in 0..self.bands {
            let mut band = dataset.rasterband(band_index + 1).unwrap();
            if let Some(nodata) = self.nodata {
                band.set_no_data_value(Some(nodata)).unwrap();
            }
            let data: Vec<T> = (0..self.height)
                .flat_map(|row| (0..self.width).map(move |col| (band_index, col, row)))
                .map(|(b, col, row)| (self.value)(b, col, row))
                .collect();
            let mut buffer = gdal::raster::Buffer::new((self.width, self.height), data);
            band.write((0, 0), (self.width, self.height), &mut buffer)
                .unwrap();
        }
    }
}

/// All bands of the whole of `path`, read with plain GDAL as f64: `[band][row * width + col]`.
pub fn read_all(path: &Path) -> (usize, usize, Vec<Vec<f64>>) {
    let dataset = gdal::Dataset::open(path).unwrap();
    let (width, height) = dataset.raster_size();
    let bands = (1..=dataset.raster_count())
        .map(|b| {
            let band = dataset.rasterband(b).unwrap();
            band.read_as::<f64>((0, 0), (width, height), (width, height), None)
                .unwrap()
                .data()
                .to_vec()
        })
        .collect();
    (width, height, bands)
}
