//! Reads by the engine against what GDAL's own tools write for the same windows.

mod common;

use std::path::Path;
use std::sync::Mutex;

use common::{TestRaster, gdal_tool, read_all};
use gdal::raster::GdalType;
use geoscout_raster::{
    BandScale, Error, PixelRect, Raster, ReadOptions, TileData, TileGrid, TileSpec, read_tiles,
};

/// Windows inside a 97 x 61 raster: a corner, the interior, the far edges, a single pixel, all.
const WINDOWS: [PixelRect; 5] = [
    PixelRect {
        x: 0,
        y: 0,
        width: 32,
        height: 20,
    },
    PixelRect {
        x: 13,
        y: 7,
        width: 50,
        height: 41,
    },
    PixelRect {
        x: 60,
        y: 30,
        width: 37,
        height: 31,
    },
    PixelRect {
        x: 96,
        y: 60,
        width: 1,
        height: 1,
    },
    PixelRect {
        x: 0,
        y: 0,
        width: 97,
        height: 61,
    },
];

/// Nodata (in every band) over a block at the top left of a 97 x 61 raster.
fn in_hole(col: usize, row: usize) -> bool {
    col < 20 && row < 10
}

/// Writes a 97 x 61 GeoTIFF of `bands` bands of `T` to `path`: `nodata` (declared as such) in the
/// hole ([`in_hole`]), `value(band, column, row)` everywhere else.
fn write_with_hole<T: GdalType + Copy + Into<f64>>(
    path: &Path,
    bands: usize,
    nodata: T,
    value: impl Fn(usize, usize, usize) -> T,
    options: &[&str],
) {
    TestRaster::<T> {
        width: 97,
        height: 61,
        bands,
        value: &|b, c, r| {
            if in_hole(c, r) {
                nodata
            } else {
                value(b, c, r)
            }
        },
        nodata: Some(nodata.into()),
        options,
    }
    .write(path);
}

/// Checks that the engine's read of every window of [`WINDOWS`] equals, pixel for pixel, the file
/// `gdal_translate -srcwin` writes for it; pixels whose bands all hold `nodata` must be invalid
/// and 0.0, all others valid with GDAL's values.
fn assert_reads_match_gdal_translate(source: &Path, nodata: Option<f64>) {
    let raster = Raster::open(source).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    for window in WINDOWS {
        let expected_path = scratch.path().join("window.tif");
        let srcwin = [window.x, window.y, window.width, window.height].map(|v| v.to_string());
        let source_arg = source.to_str().unwrap();
        let out_arg = expected_path.to_str().unwrap();
        let mut args = vec!["-q", "-srcwin"];
        args.extend(srcwin.iter().map(String::as_str));
        args.extend([source_arg, out_arg]);
        gdal_tool("gdal_translate", &args);
        let (width, height, expected) = read_all(&expected_path);
        assert_eq!((width, height), (window.width, window.height));

        let got = raster.read_window(window, &ReadOptions::default()).unwrap();
        assert_eq!(got.pixels.shape(), [expected.len(), height, width]);
        for row in 0..height {
            for col in 0..width {
                let i = row * width + col;
                let all_nodata = nodata.is_some_and(|n| expected.iter().all(|band| band[i] == n));
                assert_eq!(
                    got.valid[[row, col]],
                    !all_nodata,
                    "{window} pixel {col},{row}"
                );
                for (b, band) in expected.iter().enumerate() {
                    let want = if all_nodata { 0.0 } else { band[i] as f32 };
                    assert_eq!(
                        got.pixels[[b, row, col]],
                        want,
                        "{window} band {} pixel {col},{row}",
                        b + 1
                    );
                }
            }
        }
    }
}

/// Writes a raster with a hole of nodata through [`write_with_hole`] and checks that every
/// window of it reads as `gdal_translate` writes it.
fn reads_with_a_hole_match_gdal_translate<T: GdalType + Copy + Into<f64>>(
    bands: usize,
    nodata: T,
    value: impl Fn(usize, usize, usize) -> T,
    options: &[&str],
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(format!("{}.tif", std::any::type_name::<T>()));
    write_with_hole(&path, bands, nodata, value, options);
    assert_reads_match_gdal_translate(&path, Some(nodata.into()));
}

#[test]
fn byte_reads_match_gdal_translate() {
    reads_with_a_hole_match_gdal_translate::<u8>(
        3,
        0,
        |b, c, r| ((c * 7 + r * 3 + b * 50) % 255 + 1) as u8,
        &["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"],
    );
}

#[test]
fn uint16_reads_match_gdal_translate() {
    reads_with_a_hole_match_gdal_translate::<u16>(
        4,
        0,
        |b, c, r| (c * 613 + r * 1009 + b * 4000) as u16 % 60_000 + 1,
        &["COMPRESS=DEFLATE", "PREDICTOR=2"],
    );
}

#[test]
fn int16_reads_match_gdal_translate() {
    reads_with_a_hole_match_gdal_translate::<i16>(
        2,
        -32768,
        |b, c, r| (c as i16 * 300 - r as i16 * 500) + b as i16,
        &[
            "TILED=YES",
            "BLOCKXSIZE=16",
            "BLOCKYSIZE=16",
            "COMPRESS=LZW",
        ],
    );
}

#[test]
fn float32_reads_match_gdal_translate() {
    reads_with_a_hole_match_gdal_translate::<f32>(
        2,
        -9999.0,
        |b, c, r| (c as f32).sin() * 0.37 + r as f32 * 1.5e-3 - b as f32,
        &[],
    );
}

#[test]
fn jpeg_in_tiff_and_vrt_read_like_gdal_translate() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.tif");
    TestRaster::<u8> {
        width: 97,
        height: 61,
        bands: 3,
        value: &|b, c, r| ((c * 5 + r * 2 + b * 40) % 256) as u8,
        nodata: None,
        options: &[],
    }
    .write(&plain);
    let jpeg = dir.path().join("jpeg.tif");
    let vrt = dir.path().join("plain.vrt");
    let plain_arg = plain.to_str().unwrap();
    gdal_tool(
        "gdal_translate",
        &[
            "-q",
            "-co",
            "COMPRESS=JPEG",
            "-co",
            "PHOTOMETRIC=YCBCR",
            "-co",
            "TILED=YES",
            plain_arg,
            jpeg.to_str().unwrap(),
        ],
    );
    gdal_tool(
        "gdal_translate",
        &["-q", "-of", "VRT", plain_arg, vrt.to_str().unwrap()],
    );
    assert_eq!(Raster::open(&vrt).unwrap().info().driver, "VRT");
    assert_reads_match_gdal_translate(&jpeg, None);
    assert_reads_match_gdal_translate(&vrt, None);
}

/// `bands.tif` in `dir`: three UInt16 bands holding `1000 * band + column + 100 * row` (bands
/// from 1), with a hole of nodata (0).
fn three_band_raster(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("bands.tif");
    write_with_hole::<u16>(
        &path,
        3,
        0,
        |b, c, r| (1000 * (b + 1) + c + 100 * r) as u16,
        &["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"],
    );
    path
}

#[test]
fn bands_are_chosen_in_order_and_scaled() {
    let dir = tempfile::tempdir().unwrap();
    let raster = Raster::open(three_band_raster(dir.path())).unwrap();
    let window = PixelRect::new(30, 20, 10, 5);
    let options = ReadOptions::bands(vec![3, 1]).with_scale(vec![
        BandScale {
            scale: 0.5,
            offset: 1.0,
        },
        BandScale {
            scale: 1e-4,
            offset: 0.0,
        },
    ]);
    let data = raster.read_window(window, &options).unwrap();
    assert_eq!(data.pixels.shape(), [2, 5, 10]);
    for row in 0..5 {
        for col in 0..10 {
            let stored = |band: usize| (1000 * band + (30 + col) + 100 * (20 + row)) as f32;
            assert_eq!(data.pixels[[0, row, col]], stored(3) * 0.5 + 1.0);
            assert_eq!(data.pixels[[1, row, col]], stored(1) * 1e-4);
        }
    }
}

#[test]
fn tiles_are_padded_to_full_size_around_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let raster = Raster::open(three_band_raster(dir.path())).unwrap();
    let spec = TileSpec {
        tile_size: 40,
        halo: 6,
    };
    let grid = TileGrid::new(97, 61, spec).unwrap();
    let options = ReadOptions::bands(vec![2]);
    let whole = raster
        .read_window(PixelRect::new(0, 0, 97, 61), &options)
        .unwrap();
    for tile in grid.tiles() {
        let data = raster.read_tile(&tile, spec, &options).unwrap();
        assert_eq!(data.pixels.shape(), [1, 52, 52]);
        assert_eq!(data.valid.shape(), [52, 52]);
        for row in 0..52 {
            for col in 0..52 {
                // Array element (row, col) is raster pixel (core - halo + (col, row)).
                let x = tile.core.x as isize - 6 + col as isize;
                let y = tile.core.y as isize - 6 + row as isize;
                // Outside the raster: the nearest edge pixel's value, never valid.
                let inside = (0..97).contains(&x) && (0..61).contains(&y);
                let (x, y) = (x.clamp(0, 96) as usize, y.clamp(0, 60) as usize);
                let (want_value, want_valid) =
                    (whole.pixels[[0, y, x]], inside && whole.valid[[y, x]]);
                assert_eq!(
                    data.pixels[[0, row, col]],
                    want_value,
                    "tile {} at {col},{row}",
                    tile.id
                );
                assert_eq!(
                    data.valid[[row, col]],
                    want_valid,
                    "tile {} at {col},{row}",
                    tile.id
                );
            }
        }
    }
    // The top-left tile's core starts at (halo, halo) and its first pixels are in the nodata hole.
    let first = raster.read_tile(&grid.tile(0, 0), spec, &options).unwrap();
    assert!(!first.valid[[6, 6]]);
    assert!(first.valid[[6 + 30, 6 + 20]]);
}

#[test]
fn the_parallel_reader_delivers_every_tile_once_with_the_same_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let path = three_band_raster(dir.path());
    let raster = Raster::open(&path).unwrap();
    let spec = TileSpec {
        tile_size: 8,
        halo: 1,
    };
    let tiles: Vec<_> = TileGrid::new(97, 61, spec).unwrap().tiles().collect();
    let options = ReadOptions::bands(vec![1, 3]);
    let received: Mutex<Vec<TileData>> = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| {
        read_tiles(&path, spec, &tiles, &options, |tile| {
            received.lock().unwrap().push(tile.unwrap());
        })
    })
    .unwrap();
    let mut received = received.into_inner().unwrap();
    received.sort_by_key(|t| t.tile.id);
    assert_eq!(received.len(), tiles.len());
    for (data, tile) in received.iter().zip(&tiles) {
        assert_eq!(&data.tile, tile);
        assert_eq!(data, &raster.read_tile(tile, spec, &options).unwrap());
    }
    // The 20 x 10 nodata hole holds the windows (cores grown by 1) of tiles 0 and 1 entirely;
    // tile 2's window reaches column 20 and tile 13's (second row) reaches row 10.
    let empty: Vec<usize> = received
        .iter()
        .filter(|t| t.is_empty())
        .map(|t| t.tile.id)
        .collect();
    assert_eq!(empty, [0, 1]);
}

#[test]
fn the_parallel_reader_refuses_bands_the_raster_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let path = three_band_raster(dir.path());
    let spec = TileSpec {
        tile_size: 16,
        halo: 0,
    };
    let tiles: Vec<_> = TileGrid::new(97, 61, spec).unwrap().tiles().collect();
    let err = read_tiles(&path, spec, &tiles, &ReadOptions::bands(vec![4]), |_| {
        panic!("nothing should be read")
    })
    .unwrap_err();
    assert!(matches!(err, Error::BadRequest { .. }));
    assert!(err.to_string().contains("has no band 4"), "{err}");
}

#[test]
fn windows_outside_the_raster_and_bad_scales_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let raster = Raster::open(three_band_raster(dir.path())).unwrap();
    let outside = raster.read_window(PixelRect::new(90, 0, 10, 10), &ReadOptions::default());
    assert!(
        outside
            .unwrap_err()
            .to_string()
            .contains("not inside the raster")
    );
    let scales = ReadOptions::bands(vec![1, 2]).with_scale(vec![BandScale::default()]);
    let err = raster
        .read_window(PixelRect::new(0, 0, 1, 1), &scales)
        .unwrap_err();
    assert!(
        err.to_string().contains("1 band scales given for 2 bands"),
        "{err}"
    );
}

#[test]
fn reading_leaves_no_sidecar_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = three_band_raster(dir.path());
    let raster = Raster::open(&path).unwrap();
    raster
        .plan_tiles(TileSpec {
            tile_size: 32,
            halo: 4,
        })
        .unwrap();
    raster
        .read_window(PixelRect::new(0, 0, 97, 61), &ReadOptions::default())
        .unwrap();
    drop(raster);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["bands.tif"]);
}
