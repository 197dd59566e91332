//! Coarser reads of a raster: the view's grid, its averaged pixels, nodata, and its lifetime.

mod common;

use std::path::PathBuf;

use common::TestRaster;
use geoscout_raster::{PixelRect, Raster, ReadOptions};

/// A 97 x 61 UInt16 raster with 2 m pixels: `2 * column + 200 * row`, and nodata (0) in the
/// 20 x 10 block at the top left; written to `ramp.tif` in a new temporary folder.
fn ramp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ramp.tif");
    TestRaster::<u16> {
        width: 97,
        height: 61,
        bands: 1,
        value: &|_, col, row| {
            if col < 20 && row < 10 {
                0
            } else {
                (2 * col + 200 * row) as u16
            }
        },
        nodata: Some(0.0),
        options: &[],
    }
    .write(&path);
    (dir, path)
}

#[test]
fn a_coarse_view_averages_the_pixels_it_covers() {
    let (_dir, path) = ramp();
    let raster = Raster::open(&path).unwrap();
    let view = raster
        .coarse_view(2.0)
        .unwrap()
        .expect("a north-up raster has a view");
    assert!(
        view.path().starts_with("/vsimem/"),
        "{}",
        view.path().display()
    );
    let coarse = Raster::open(view.path()).unwrap();
    let info = coarse.info();
    // 97 x 61 pixels of 2 m are 48.5 x 30.5 pixels of 4 m: GDAL rounds the size up.
    assert_eq!((info.width, info.height), (49, 31));
    assert_eq!(
        info.geotransform,
        Some([500_000.0, 4.0, 0.0, 4_400_000.0, 0.0, -4.0])
    );
    assert!((info.gsd_m.unwrap() - 2.0 * raster.info().gsd_m.unwrap()).abs() < 1e-6);

    let window = PixelRect {
        x: 0,
        y: 0,
        width: 48,
        height: 30,
    };
    let read = coarse.read_window(window, &ReadOptions::default()).unwrap();
    for (row, col) in [(5, 10), (5, 47), (29, 0), (12, 31), (29, 47)] {
        // The mean of the four pixels (2c..2c+2, 2r..2r+2) of the ramp.
        let want = (2 * (2 * col) + 1 + 200 * (2 * row) + 100) as f32;
        assert!(read.valid[[row, col]], "{col},{row}");
        assert_eq!(read.pixels[[0, row, col]], want, "{col},{row}");
    }
    // Pixels whose source pixels are all nodata stay nodata.
    for (row, col) in [(0, 0), (4, 9)] {
        assert!(!read.valid[[row, col]], "{col},{row}");
    }
}

#[test]
fn a_coarse_view_is_gone_once_dropped() {
    let (_dir, path) = ramp();
    let raster = Raster::open(&path).unwrap();
    let view = raster.coarse_view(1.5).unwrap().unwrap();
    let view_path = view.path().to_path_buf();
    let other = raster.coarse_view(1.5).unwrap().unwrap();
    assert_ne!(
        other.path(),
        view_path,
        "two views of one file share a path"
    );
    drop(view);
    assert!(Raster::open(&view_path).is_err());
    assert!(Raster::open(other.path()).is_ok());
}

#[test]
fn a_rotated_raster_has_no_coarse_view() {
    let (_dir, path) = ramp();
    let mut dataset = gdal::Dataset::open_ex(
        &path,
        gdal::DatasetOptions {
            open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE,
            ..Default::default()
        },
    )
    .unwrap();
    dataset
        .set_geo_transform(&[500_000.0, 2.0, 0.5, 4_400_000.0, 0.5, -2.0])
        .unwrap();
    drop(dataset);
    let raster = Raster::open(&path).unwrap();
    assert!(raster.coarse_view(2.0).unwrap().is_none());
}

#[test]
fn coarsened_reads_the_view_or_the_raster_itself() {
    let (_dir, path) = ramp();
    let (view, raster) = Raster::open(&path).unwrap().coarsened(None).unwrap();
    assert!(view.is_none());
    assert_eq!(raster.path(), path);
    let (view, raster) = raster.coarsened(Some(2.0)).unwrap();
    let view = view.expect("a north-up raster has a view");
    assert_eq!(raster.path(), view.path());
    assert_eq!((raster.info().width, raster.info().height), (49, 31));
}
