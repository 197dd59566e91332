//! Every raster in `../shared/data/real/raster` through the engine, checked against `gdalinfo`.

mod common;

use std::path::Path;

use common::{files_under, gdalinfo, shared_rasters};
use geo::{Contains, Coord, Point};
use geoscout_raster::{Error, Georef, Georeferencing, PixelRect, Raster, ReadOptions, TileSpec};
use serde_json::Value;

/// The EPSG code at the root of a WKT 2 definition, as gdalinfo prints it.
fn root_epsg(wkt: &str) -> Option<u64> {
    let tail = &wkt[wkt.rfind("ID[\"EPSG\",")?..];
    let code = tail
        .strip_prefix("ID[\"EPSG\",")?
        .trim_end()
        .strip_suffix("]]")?;
    code.parse().ok()
}

fn nodata_of(band: &Value) -> Option<f64> {
    match &band["noDataValue"] {
        Value::Null => None,
        Value::String(s) if s == "nan" => Some(f64::NAN),
        value => value.as_f64(),
    }
}

#[test]
fn every_shared_raster_agrees_with_gdalinfo_or_fails_naming_the_file() {
    let Some(dir) = shared_rasters() else { return };
    let mut opened = 0;
    for path in files_under(&dir) {
        let name = path.display();
        let (expected, ours) = (gdalinfo(&path), Raster::open(&path));
        let (expected, raster) = match (expected, ours) {
            (Some(expected), Ok(raster)) => (expected, raster),
            (None, Err(err)) => {
                let message = err.to_string();
                assert!(message.contains(&path.display().to_string()), "{message}");
                assert!(!message.contains('\n'), "{message}");
                continue;
            }
            (Some(_), Err(err)) => panic!("{name}: gdalinfo reads it but the engine fails: {err}"),
            (None, Ok(_)) => panic!("{name}: gdalinfo fails but the engine opens it"),
        };
        opened += 1;
        let info = raster.info();
        assert_eq!(
            [info.width as u64, info.height as u64],
            [
                expected["size"][0].as_u64().unwrap(),
                expected["size"][1].as_u64().unwrap()
            ],
            "{name}"
        );
        let bands = expected["bands"].as_array().unwrap();
        assert_eq!(info.bands.len(), bands.len(), "{name}");
        for (ours, theirs) in info.bands.iter().zip(bands) {
            assert_eq!(ours.index as u64, theirs["band"].as_u64().unwrap());
            assert_eq!(ours.data_type, theirs["type"].as_str().unwrap(), "{name}");
            assert_eq!(
                ours.color_interpretation,
                theirs["colorInterpretation"].as_str().unwrap(),
                "{name}"
            );
            match (ours.nodata, nodata_of(theirs)) {
                (Some(a), Some(b)) => assert!(a == b || (a.is_nan() && b.is_nan()), "{name}"),
                (a, b) => assert_eq!(a, b, "{name}"),
            }
        }
        let geotransform = expected["geoTransform"]
            .as_array()
            .map(|gt| gt.iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>());
        match (info.geotransform, geotransform) {
            (Some(ours), Some(theirs)) => {
                for (a, b) in ours.iter().zip(&theirs) {
                    assert!(
                        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                        "{name}: {ours:?} {theirs:?}"
                    );
                }
            }
            (ours, theirs) => assert_eq!(ours.map(|gt| gt.to_vec()), theirs, "{name}"),
        }
        let wkt = expected["coordinateSystem"]["wkt"]
            .as_str()
            .or(expected["gcps"]["coordinateSystem"]["wkt"].as_str())
            .filter(|wkt| !wkt.is_empty());
        assert_eq!(info.crs.is_some(), wkt.is_some(), "{name}");
        assert_eq!(info.epsg.map(u64::from), wkt.and_then(root_epsg), "{name}");
        assert_corners_on_footprint(&path, info.footprint.as_ref(), &expected);
    }
    assert!(opened >= 19, "only {opened} rasters opened");
}

/// Each corner of gdalinfo's `wgs84Extent` is a vertex of the engine's footprint.
fn assert_corners_on_footprint(
    path: &Path,
    footprint: Option<&geo::MultiPolygon>,
    expected: &Value,
) {
    let Some(ring) = expected["wgs84Extent"]["coordinates"][0]
        .as_array()
        .filter(|r| !r.is_empty())
    else {
        return;
    };
    let footprint = footprint.unwrap_or_else(|| panic!("{}: no footprint", path.display()));
    let vertices: Vec<Coord> = footprint
        .0
        .iter()
        .flat_map(|p| p.exterior().0.clone())
        .collect();
    for corner in ring {
        let (lon, lat) = (corner[0].as_f64().unwrap(), corner[1].as_f64().unwrap());
        let lon = (lon + 180.0).rem_euclid(360.0) - 180.0;
        assert!(
            vertices.iter().any(|v| {
                let dlon = (v.x - lon).abs();
                dlon.min(360.0 - dlon) < 2e-7 && (v.y - lat).abs() < 2e-7
            }),
            "{}: corner {lon}, {lat} is not on the footprint",
            path.display()
        );
    }
}

fn open(dir: &Path, name: &str) -> Raster {
    Raster::open(dir.join(name)).unwrap()
}

#[test]
fn the_sentinel1_gcp_raster_is_placed_by_its_gcps() {
    let Some(dir) = shared_rasters() else { return };
    let raster = open(&dir, "edge_cases/riotiler_cog_gcps_sentinel1.tif");
    let info = raster.info();
    assert_eq!(info.geotransform, None);
    let Georeferencing::Gcps {
        count,
        fit_order,
        rms_residual_px,
    } = info.georeferencing
    else {
        panic!("expected GCPs, got {:?}", info.georeferencing)
    };
    assert_eq!((count, fit_order), (210, 2));
    assert!(rms_residual_px < 1.0, "{rms_residual_px}");
    assert_eq!(info.epsg, Some(4326));
    let gsd = info.gsd_m.unwrap();
    assert!((190.0..215.0).contains(&gsd), "{gsd}");
    assert_eq!(info.acquired.as_deref(), Some("2018-07-16T06:06:23"));
    // The first and last GCPs sit on the top-left and bottom-right corners of the image.
    let georef = raster.georef().unwrap();
    for (pixel, lonlat) in [
        ((0.0, 0.0), (78.20390305293508, 10.737548333634779)),
        (
            (1279.9500214751474, 836.9500537056928),
            (75.6052477406062, 9.682623452744648),
        ),
    ] {
        let got = georef
            .pixel_to_lonlat(Coord {
                x: pixel.0,
                y: pixel.1,
            })
            .unwrap();
        assert!(
            (got.x - lonlat.0).abs() < 2e-3 && (got.y - lonlat.1).abs() < 2e-3,
            "{got:?}"
        );
        let back = georef.lonlat_to_pixel(got).unwrap();
        assert!(
            (back.x - pixel.0).abs() < 0.5 && (back.y - pixel.1).abs() < 0.5,
            "{back:?}"
        );
    }
    let plan = raster
        .plan_tiles(TileSpec {
            tile_size: 512,
            halo: 32,
        })
        .unwrap();
    assert_eq!((plan.tiles.len(), plan.skipped_nodata), (6, 0));
}

#[test]
fn the_goes_full_disc_has_a_footprint_from_its_points_on_the_earth() {
    let Some(dir) = shared_rasters() else { return };
    let raster = open(&dir, "edge_cases/rasterio_goes.tif");
    let info = raster.info();
    assert_eq!(info.epsg, None);
    assert!(info.crs.as_ref().unwrap().wkt.contains("Geostationary"));
    let footprint = info.footprint.as_ref().unwrap();
    assert_eq!(footprint.0.len(), 1);
    assert!(footprint.contains(&Point::new(-75.0, 0.0)));
    let [west, south, east, north] = info.footprint_bbox().unwrap();
    assert!(
        (-165.0..-140.0).contains(&west) && (-10.0..15.0).contains(&east),
        "{west} {east}"
    );
    assert!(
        (-85.0..-60.0).contains(&south) && (60.0..85.0).contains(&north),
        "{south} {north}"
    );
    // Nadir pixels are 20 055 m across in the projection, and about that on the ground.
    assert!((info.gsd_m.unwrap() - 20_055.0).abs() < 100.0);
    // A corner of the disc's square is in space: no longitude/latitude there.
    let georef = raster.georef().unwrap();
    assert!(matches!(
        georef.pixel_to_lonlat(Coord { x: 0.0, y: 0.0 }),
        Err(Error::Transform { .. })
    ));
    assert!(georef.outline(PixelRect::new(0, 0, 20, 20)).is_none());
}

#[test]
fn the_dateline_raster_is_split_at_the_antimeridian() {
    let Some(dir) = shared_rasters() else { return };
    let info = open(&dir, "edge_cases/riotiler_cog_dateline.tif")
        .info()
        .clone();
    let footprint = info.footprint.as_ref().unwrap();
    assert_eq!(footprint.0.len(), 2);
    for part in &footprint.0 {
        assert!(
            part.exterior()
                .0
                .iter()
                .all(|c| (-180.0..=180.0).contains(&c.x))
        );
    }
    let [west, _, east, _] = info.footprint_bbox().unwrap();
    assert!(west > 177.9 && east < -178.4, "{west} {east}");
    assert!((info.gsd_m.unwrap() - 100.0).abs() < 0.5);
}

#[test]
fn the_rotated_raster_keeps_its_geotransform_and_tiles_without_a_crs() {
    let Some(dir) = shared_rasters() else { return };
    let raster = open(&dir, "edge_cases/rasterio_rotated_SYNTHETIC.tif");
    let info = raster.info();
    let gt = info.geotransform.unwrap();
    assert!((gt[2] - 5.0).abs() < 1e-9 && (gt[4] - 10.0).abs() < 1e-9);
    assert_eq!(info.georeferencing, Georeferencing::Geotransform);
    assert!(info.crs.is_none() && info.footprint.is_none() && info.gsd_m.is_none());
    assert!(matches!(raster.georef(), Err(Error::NoCrs { .. })));
    let plan = raster
        .plan_tiles(TileSpec {
            tile_size: 4,
            halo: 1,
        })
        .unwrap();
    assert_eq!(plan.tiles.len(), 12);
}

#[test]
fn geographic_and_web_mercator_rasters_get_ground_distances() {
    let Some(dir) = shared_rasters() else { return };
    // 0.003432 degrees at 23 S: about 352 m east-west and 380 m north-south.
    let small = open(&dir, "edge_cases/gdal_rgbsmall.tif")
        .info()
        .gsd_m
        .unwrap();
    assert!((360.0..372.0).contains(&small), "{small}");
    // 0.597 m Web Mercator pixels at 37.67 N are 0.597 * cos(37.67) = 0.473 m on the ground.
    let mercator = open(&dir, "aerial_drone/rasterio_cogeo.tif")
        .info()
        .gsd_m
        .unwrap();
    assert!((mercator - 0.4727).abs() < 0.002, "{mercator}");
    let world = open(&dir, "edge_cases/rasterio_world.rgb.tif")
        .info()
        .footprint_bbox()
        .unwrap();
    assert_eq!(world, [-180.0, -90.0, 180.0, 90.0]);
}

#[test]
fn acquisition_dates_come_from_the_mtl_or_the_tiff_stamp() {
    let Some(dir) = shared_rasters() else { return };
    let landsat = open(
        &dir,
        "satellite/L8_LC80200392015216LGN00_30m_B2-B7_stack.tif",
    );
    assert_eq!(
        landsat.info().acquired.as_deref(),
        Some("2015-08-04T16:19:21Z")
    );
    assert!(
        landsat
            .info()
            .acquired_from
            .as_deref()
            .unwrap()
            .contains("MTL")
    );
    let stamped = open(&dir, "edge_cases/rasterio_all-nodata.tif");
    assert_eq!(
        stamped.info().acquired.as_deref(),
        Some("2022-01-17T10:43:43")
    );
    assert_eq!(
        open(&dir, "satellite/rasterio_RGB.byte.tif")
            .info()
            .acquired,
        None
    );
}

#[test]
fn the_plan_skips_exactly_the_windows_without_valid_pixels() {
    let Some(dir) = shared_rasters() else { return };
    let cases = [
        ("edge_cases/rasterio_all-nodata.tif", 256, 16),
        ("edge_cases/rasterio_alpha.tif", 100, 7),
        ("edge_cases/rasterio_alpha.tif", 256, 16),
        ("satellite/rasterio_RGB.byte.tif", 64, 8),
        ("aerial_drone/riotiler_cog_rgba.tif", 50, 5),
        ("aerial_drone/riotiler_pix4d_alpha_nodata.tif", 128, 0),
        ("edge_cases/rasterio_goes.tif", 64, 4),
        ("edge_cases/rasterio_shade.tif", 128, 16),
    ];
    let mut skipped_somewhere = 0;
    for (name, tile_size, halo) in cases {
        let raster = open(&dir, name);
        let info = raster.info();
        let whole = PixelRect::new(0, 0, info.width, info.height);
        let valid = raster
            .read_window(whole, &ReadOptions::default())
            .unwrap()
            .valid;
        let plan = raster.plan_tiles(TileSpec { tile_size, halo }).unwrap();
        let grid = geoscout_raster::TileGrid::new(info.width, info.height, plan.spec).unwrap();
        let expected: Vec<_> = grid
            .tiles()
            .filter(|t| {
                (t.window.y..t.window.bottom())
                    .any(|y| (t.window.x..t.window.right()).any(|x| valid[[y, x]]))
            })
            .collect();
        assert_eq!(plan.tiles, expected, "{name} {tile_size}/{halo}");
        assert_eq!(plan.skipped_nodata, grid.len() - expected.len());
        skipped_somewhere += plan.skipped_nodata;
    }
    assert!(skipped_somewhere > 0);
    let all_nodata = open(&dir, "edge_cases/rasterio_all-nodata.tif")
        .plan_tiles(TileSpec {
            tile_size: 256,
            halo: 16,
        })
        .unwrap();
    assert_eq!((all_nodata.tiles.len(), all_nodata.skipped_nodata), (0, 10));
}

#[test]
fn alpha_zero_is_invalid_and_everything_else_valid() {
    let Some(dir) = shared_rasters() else { return };
    for name in [
        "edge_cases/rasterio_alpha.tif",
        "aerial_drone/riotiler_pix4d_alpha_nodata.tif",
    ] {
        let raster = open(&dir, name);
        let info = raster.info();
        let whole = PixelRect::new(0, 0, info.width, info.height);
        let read = raster
            .read_window(whole, &ReadOptions::bands(vec![1]))
            .unwrap();
        let (width, _, bands) = common::read_all(&dir.join(name));
        let alpha = &bands[3];
        let mut invalid = 0;
        for ((row, col), &valid) in read.valid.indexed_iter() {
            assert_eq!(
                valid,
                alpha[row * width + col] > 0.0,
                "{name} at {col},{row}"
            );
            invalid += usize::from(!valid);
        }
        assert!(invalid > 0, "{name} has transparent pixels");
    }
}

#[test]
fn a_georef_rebuilt_from_the_description_traces_the_same_footprint() {
    let Some(dir) = shared_rasters() else { return };
    for path in files_under(&dir) {
        let Ok(raster) = Raster::open(&path) else {
            continue;
        };
        let info = raster.info();
        let Ok(georef) = Georef::new(info) else {
            assert!(info.footprint.is_none(), "{}", path.display());
            continue;
        };
        let whole = PixelRect::new(0, 0, info.width, info.height);
        let traced = georef.outline(whole).map(|f| f.0.len());
        assert_eq!(
            traced,
            info.footprint.as_ref().map(|f| f.0.len()),
            "{}",
            path.display()
        );
    }
}
