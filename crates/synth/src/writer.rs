//! Writing a scene: a tiled, DEFLATE-compressed GeoTIFF in EPSG:32649, its truth as RFC 7946
//! GeoJSON in WGS 84, and optionally a label raster. Each file is written under a temporary
//! name and renamed when complete.

use std::path::{Path, PathBuf};

use gdal::raster::{Buffer, ColorInterpretation, GdalType, RasterCreationOptions};
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::{Dataset, DriverManager, Metadata};
use geoscout_core::fs::{IoError, write_atomically, write_bytes_atomically};
use geoscout_core::{Class, Profile};
use serde_json::{Map, Value, json};

use crate::conditions::sensor::Pixels;
use crate::error::{Error, Result};
use crate::geom;
use crate::scene::{EPSG_UTM_49N, Scene};
use crate::truth::{TruthClass, TruthGeometry, TruthObject};

/// What to write besides the image and its truth.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Also write `NAME.labels.tif`: Byte, 0 background, class ids 1..3 rasterised from the
    /// truth, outlets as small discs.
    pub masks: bool,
}

/// The files written for one scene.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenScene {
    /// `NAME.tif`.
    pub image: PathBuf,
    /// `NAME.truth.geojson`.
    pub truth: PathBuf,
    /// `NAME.labels.tif`, when asked for.
    pub labels: Option<PathBuf>,
}

/// Radius in metres of the disc an outlet gets in the label raster.
pub fn outlet_disc_radius_m(profile: Profile) -> f64 {
    match profile {
        Profile::Satellite => 4.0,
        Profile::Uav => 0.5,
    }
}

/// Writes `NAME.tif`, `NAME.truth.geojson` and (if asked) `NAME.labels.tif` into `dir`.
pub fn write_scene(
    scene: &Scene,
    dir: &Path,
    name: &str,
    options: WriteOptions,
) -> Result<WrittenScene> {
    let image = dir.join(format!("{name}.tif"));
    let truth = dir.join(format!("{name}.truth.geojson"));
    write_atomically(&image, |tmp| write_image(scene, tmp))?;
    write_truth(scene, &truth)?;
    let labels = if options.masks {
        let path = dir.join(format!("{name}.labels.tif"));
        write_atomically(&path, |tmp| write_labels(scene, tmp))?;
        Some(path)
    } else {
        None
    };
    Ok(WrittenScene {
        image,
        truth,
        labels,
    })
}

fn creation_options(photometric: &str) -> RasterCreationOptions {
    let mut options = RasterCreationOptions::new();
    for (k, v) in [
        ("TILED", "YES"),
        ("BLOCKXSIZE", "256"),
        ("BLOCKYSIZE", "256"),
        ("COMPRESS", "DEFLATE"),
        ("PREDICTOR", "2"),
        ("PHOTOMETRIC", photometric),
        ("BIGTIFF", "IF_SAFER"),
    ] {
        // Only fails on a NUL byte in a constant above.
        options.add_name_value(k, v).expect("valid creation option");
    }
    options
}

/// Creates a georeferenced GeoTIFF with the scene's grid.
fn create<T: GdalType>(
    scene: &Scene,
    path: &Path,
    bands: usize,
    photometric: &str,
) -> Result<Dataset> {
    let gdal_err = Error::gdal(path);
    let run = || -> gdal::errors::Result<Dataset> {
        let driver = DriverManager::get_driver_by_name("GTiff")?;
        let mut ds = driver.create_with_band_type_with_options::<T, _>(
            path,
            scene.width,
            scene.height,
            bands,
            &creation_options(photometric),
        )?;
        ds.set_geo_transform(&scene.geo_transform())?;
        ds.set_spatial_ref(&SpatialRef::from_epsg(EPSG_UTM_49N)?)?;
        Ok(ds)
    };
    run().map_err(gdal_err)
}

fn write_image(scene: &Scene, path: &Path) -> Result<()> {
    let bands = scene.profile.bands();
    let run = || -> gdal::errors::Result<()> {
        let mut ds = match &scene.pixels {
            Pixels::UInt16(_) => create::<u16>(scene, path, bands.len(), "MINISBLACK")
                .map_err(|e| gdal::errors::GdalError::BadArgument(e.to_string()))?,
            Pixels::Byte(_) => create::<u8>(scene, path, bands.len(), "RGB")
                .map_err(|e| gdal::errors::GdalError::BadArgument(e.to_string()))?,
        };
        set_scene_metadata(scene, &mut ds)?;
        for (i, name) in bands.iter().enumerate() {
            let mut band = ds.rasterband(i + 1)?;
            band.set_description(name)?;
            band.set_color_interpretation(colour_of(name))?;
            if let Some(nodata) = scene.profile.nodata() {
                band.set_no_data_value(Some(nodata))?;
            }
            match &scene.pixels {
                Pixels::UInt16(data) => {
                    write_band(&mut band, data, i, bands.len(), scene.width, scene.height)?
                }
                Pixels::Byte(data) => {
                    write_band(&mut band, data, i, bands.len(), scene.width, scene.height)?
                }
            }
        }
        ds.close()
    };
    run().map_err(Error::gdal(path))
}

fn colour_of(band: &str) -> ColorInterpretation {
    match band {
        "red" => ColorInterpretation::RedBand,
        "green" => ColorInterpretation::GreenBand,
        "blue" => ColorInterpretation::BlueBand,
        _ => ColorInterpretation::Undefined,
    }
}

/// Writes band `index` of pixel-interleaved `data` in strips of 256 rows.
fn write_band<T: GdalType + Copy>(
    band: &mut gdal::raster::RasterBand,
    data: &[T],
    index: usize,
    count: usize,
    width: usize,
    height: usize,
) -> gdal::errors::Result<()> {
    for y0 in (0..height).step_by(256) {
        let rows = 256.min(height - y0);
        let strip: Vec<T> = data[y0 * width * count..(y0 + rows) * width * count]
            .iter()
            .skip(index)
            .step_by(count)
            .copied()
            .collect();
        band.write(
            (0, y0 as isize),
            (width, rows),
            &mut Buffer::new((width, rows), strip),
        )?;
    }
    Ok(())
}

fn set_scene_metadata(scene: &Scene, ds: &mut Dataset) -> gdal::errors::Result<()> {
    let c = &scene.conditions;
    let items = [
        ("TIFFTAG_DATETIME", scene.acquired.tiff_datetime()),
        (
            "TIFFTAG_IMAGEDESCRIPTION",
            format!(
                "geoscout synthetic {} scene, seed {}",
                scene.profile, scene.seed
            ),
        ),
        (
            "TIFFTAG_SOFTWARE",
            format!("geoscout-synth {}", env!("CARGO_PKG_VERSION")),
        ),
        ("ACQUISITION_DATETIME", scene.acquired.iso8601()),
        ("GEOSCOUT_PROFILE", scene.profile.to_string()),
        ("GEOSCOUT_SEED", scene.seed.to_string()),
        ("GSD_M", format!("{}", scene.gsd_m)),
        ("SEASON", scene.season.name().to_string()),
        ("SUN_AZIMUTH_DEG", format!("{:.2}", scene.sun.azimuth_deg)),
        (
            "SUN_ELEVATION_DEG",
            format!("{:.2}", scene.sun.elevation_deg),
        ),
        ("SNOW_COVER", format!("{:.3}", c.snow_cover)),
        ("THIN_CLOUD", if c.cloud { "YES" } else { "NO" }.to_string()),
        ("HAZE", format!("{:.3}", c.haze)),
        (
            "SCALE",
            if scene.profile == Profile::Satellite {
                "reflectance x 10000"
            } else {
                "8-bit camera values"
            }
            .to_string(),
        ),
    ];
    for (k, v) in items {
        ds.set_metadata_item(k, &v, "")?;
    }
    Ok(())
}

/// The label raster: class ids from the truth, outlets as discs.
fn write_labels(scene: &Scene, path: &Path) -> Result<()> {
    let labels = rasterise_labels(scene);
    let run = || -> gdal::errors::Result<()> {
        let mut ds = create::<u8>(scene, path, 1, "MINISBLACK")
            .map_err(|e| gdal::errors::GdalError::BadArgument(e.to_string()))?;
        ds.set_metadata_item(
            "OUTLET_DISC_RADIUS_M",
            &outlet_disc_radius_m(scene.profile).to_string(),
            "",
        )?;
        let mut band = ds.rasterband(1)?;
        band.set_description("class")?;
        write_band(&mut band, &labels, 0, 1, scene.width, scene.height)?;
        ds.close()
    };
    run().map_err(Error::gdal(path))
}

/// Class ids per pixel (0 background): polygons where pixel centres fall inside them, outlets
/// as discs of [`outlet_disc_radius_m`] (at least 1.5 pixels).
pub fn rasterise_labels(scene: &Scene) -> Vec<u8> {
    let (w, h) = (scene.width, scene.height);
    let mut labels = vec![0u8; w * h];
    let mut spans = Vec::new();
    // Outlets last, so that their discs stay whole where they touch a polygon.
    let mut targets: Vec<(&TruthObject, Class)> = scene
        .objects
        .iter()
        .filter_map(|o| match o.class {
            TruthClass::Target(class) => Some((o, class)),
            TruthClass::Confuser(_) => None,
        })
        .collect();
    targets.sort_by_key(|(_, class)| *class == Class::DischargeOutlet);
    for (object, class) in targets {
        match &object.geometry {
            TruthGeometry::Polygons(rings) => {
                for ring in rings {
                    let (lo, hi) = geom::bounds(ring);
                    for y in (lo[1].floor().max(0.0) as usize)..(hi[1].ceil() as usize).min(h) {
                        geom::row_spans(ring, y, &mut spans);
                        for &(a, b) in &spans {
                            for x in (a.max(0.0) as usize)..(b.max(0.0) as usize).min(w) {
                                labels[y * w + x] = class.id();
                            }
                        }
                    }
                }
            }
            TruthGeometry::Point(p) => {
                let r = (outlet_disc_radius_m(scene.profile) / scene.gsd_m).max(1.5);
                let (y0, y1) = (
                    (p[1] - r).floor().max(0.0) as usize,
                    ((p[1] + r).ceil() as usize).min(h),
                );
                let (x0, x1) = (
                    (p[0] - r).floor().max(0.0) as usize,
                    ((p[0] + r).ceil() as usize).min(w),
                );
                for y in y0..y1 {
                    for x in x0..x1 {
                        if (x as f64 + 0.5 - p[0]).powi(2) + (y as f64 + 0.5 - p[1]).powi(2)
                            <= r * r
                        {
                            labels[y * w + x] = class.id();
                        }
                    }
                }
            }
        }
    }
    labels
}

/// Writes the truth as an RFC 7946 FeatureCollection in WGS 84.
fn write_truth(scene: &Scene, path: &Path) -> Result<()> {
    let collection = truth_geojson(scene).map_err(Error::gdal(path))?;
    let text =
        serde_json::to_string_pretty(&collection).map_err(|e| IoError::new(path, e.into()))?;
    Ok(write_bytes_atomically(path, (text + "\n").as_bytes())?)
}

/// The truth as a GeoJSON value.
pub fn truth_geojson(scene: &Scene) -> gdal::errors::Result<Value> {
    let utm = SpatialRef::from_epsg(EPSG_UTM_49N)?;
    let mut wgs84 = SpatialRef::from_epsg(4326)?;
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let to_wgs84 = CoordTransform::new(&utm, &wgs84)?;
    let lon_lat = |pts: &[[f64; 2]]| -> gdal::errors::Result<Vec<[f64; 2]>> {
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = pts
            .iter()
            .map(|p| scene.to_map(*p))
            .map(|m| (m[0], m[1]))
            .unzip();
        to_wgs84.transform_coords(&mut xs, &mut ys, &mut [])?;
        Ok(xs
            .into_iter()
            .zip(ys)
            .map(|(x, y)| [round9(x), round9(y)])
            .collect())
    };
    let mut features = Vec::new();
    for (i, object) in scene.objects.iter().enumerate() {
        let geometry = match &object.geometry {
            TruthGeometry::Point(p) => {
                json!({ "type": "Point", "coordinates": lon_lat(&[*p])?[0] })
            }
            TruthGeometry::Polygons(rings) => {
                let polygons = rings
                    .iter()
                    .map(|ring| lon_lat(ring).map(|r| vec![counter_clockwise_closed(r)]))
                    .collect::<gdal::errors::Result<Vec<_>>>()?;
                if polygons.len() == 1 {
                    json!({ "type": "Polygon", "coordinates": polygons[0] })
                } else {
                    json!({ "type": "MultiPolygon", "coordinates": polygons })
                }
            }
        };
        let mut properties = Map::new();
        properties.insert("id".into(), json!(i + 1));
        properties.insert("class".into(), json!(object.class.name()));
        if let TruthClass::Confuser(kind) = object.class {
            properties.insert("kind".into(), json!(kind));
        }
        if let Some(variant) = object.variant {
            properties.insert("variant".into(), json!(variant));
        }
        if matches!(object.geometry, TruthGeometry::Polygons(_)) {
            properties.insert("partial".into(), json!(object.partial));
        }
        features.push(json!({ "type": "Feature", "geometry": geometry, "properties": properties }));
    }
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

fn round9(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// A ring turned counter-clockwise (RFC 7946 outer rings) and closed.
fn counter_clockwise_closed(mut ring: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let twice_area: f64 = (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum();
    if twice_area < 0.0 {
        ring.reverse();
    }
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    ring
}

#[cfg(test)]
mod tests {
    use gdal::raster::GdalDataType;

    use super::*;
    use crate::scene::generate;
    use crate::setting::SceneSpec;

    fn write(profile: Profile, seed: u64, dir: &Path) -> (Scene, WrittenScene) {
        let scene = generate(&SceneSpec {
            profile,
            width: 300,
            height: 260,
            seed,
            gsd_m: None,
        })
        .unwrap();
        let written = write_scene(&scene, dir, "s", WriteOptions { masks: true }).unwrap();
        (scene, written)
    }

    #[test]
    fn images_have_the_profile_grid_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        for profile in Profile::ALL {
            let (scene, written) = write(profile, 3, dir.path());
            let ds = Dataset::open(&written.image).unwrap();
            assert_eq!(ds.raster_size(), (300, 260));
            assert_eq!(ds.raster_count(), profile.bands().len());
            assert_eq!(ds.spatial_ref().unwrap().auth_code().unwrap(), 32649);
            assert_eq!(ds.geo_transform().unwrap(), scene.geo_transform());
            assert_eq!(
                ds.metadata_item("TIFFTAG_DATETIME", "").unwrap(),
                scene.acquired.tiff_datetime()
            );
            let expected_type = if profile == Profile::Satellite {
                GdalDataType::UInt16
            } else {
                GdalDataType::UInt8
            };
            for (i, name) in profile.bands().iter().enumerate() {
                let band = ds.rasterband(i + 1).unwrap();
                assert_eq!(band.band_type(), expected_type);
                assert_eq!(&band.description().unwrap(), name);
                assert_eq!(band.block_size(), (256, 256));
                assert_eq!(band.no_data_value(), profile.nodata());
            }
            assert_eq!(
                ds.rasterband(1).unwrap().color_interpretation(),
                colour_of(profile.bands()[0])
            );
            assert_eq!(
                ds.metadata_item("COMPRESSION", "IMAGE_STRUCTURE").unwrap(),
                "DEFLATE"
            );
            // What was written reads back.
            let band = ds.rasterband(2).unwrap();
            match &scene.pixels {
                Pixels::UInt16(v) => assert_eq!(
                    band.read_as::<u16>((0, 0), (300, 260), (300, 260), None)
                        .unwrap()
                        .data()[301],
                    v[301 * 4 + 1]
                ),
                Pixels::Byte(v) => assert_eq!(
                    band.read_as::<u8>((0, 0), (300, 260), (300, 260), None)
                        .unwrap()
                        .data()[301],
                    v[301 * 3 + 1]
                ),
            }
            let labels = Dataset::open(written.labels.unwrap()).unwrap();
            assert_eq!(labels.raster_size(), (300, 260));
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| !n.contains("partial") && !n.ends_with(".aux.xml")),
            "{names:?}"
        );
    }

    #[test]
    fn truth_is_rfc7946() {
        let dir = tempfile::tempdir().unwrap();
        let (scene, written) = write(Profile::Satellite, 5, dir.path());
        let value: Value =
            serde_json::from_str(&std::fs::read_to_string(&written.truth).unwrap()).unwrap();
        assert_eq!(value["type"], "FeatureCollection");
        assert!(value.get("crs").is_none());
        let features = value["features"].as_array().unwrap();
        assert_eq!(features.len(), scene.objects.len());
        for f in features {
            let class = f["properties"]["class"].as_str().unwrap();
            assert!(class == "confuser" || class.parse::<Class>().is_ok());
            assert_eq!(class == "confuser", f["properties"]["kind"].is_string());
            let geometry = &f["geometry"];
            let polygons: Vec<&Value> = match geometry["type"].as_str().unwrap() {
                "Point" => {
                    let p = geometry["coordinates"].as_array().unwrap();
                    assert!(
                        (112.0..115.0).contains(&p[0].as_f64().unwrap())
                            && (39.0..41.0).contains(&p[1].as_f64().unwrap())
                    );
                    continue;
                }
                "Polygon" => vec![&geometry["coordinates"]],
                "MultiPolygon" => geometry["coordinates"].as_array().unwrap().iter().collect(),
                other => panic!("{other}"),
            };
            for polygon in polygons {
                let ring: Vec<[f64; 2]> = polygon[0]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
                    .collect();
                assert_eq!(ring.first(), ring.last());
                assert!(ring.len() >= 4);
                let twice_area: f64 = ring
                    .windows(2)
                    .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                    .sum();
                assert!(twice_area > 0.0, "outer rings run counter-clockwise");
            }
        }
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (_, wa) = write(Profile::Uav, 8, a.path());
        let (_, wb) = write(Profile::Uav, 8, b.path());
        for (x, y) in [
            (wa.image, wb.image),
            (wa.truth, wb.truth),
            (wa.labels.unwrap(), wb.labels.unwrap()),
        ] {
            assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
        }
    }

    #[test]
    fn labels_follow_the_truth() {
        let scene = generate(&SceneSpec::new(Profile::Uav, 400, 2)).unwrap();
        let labels = rasterise_labels(&scene);
        for object in &scene.objects {
            if let (TruthClass::Target(class), TruthGeometry::Point(p)) =
                (object.class, &object.geometry)
            {
                let (x, y) = ((p[0] as usize).min(399), (p[1] as usize).min(399));
                assert_eq!(labels[y * 400 + x], class.id());
            }
        }
        assert!(labels.iter().any(|&v| v == Class::DischargeOutlet.id()));
        assert!(labels.iter().all(|&v| v <= 3));
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_file() {
        let scene = generate(&SceneSpec::new(Profile::Satellite, 64, 1)).unwrap();
        let err = write_scene(
            &scene,
            Path::new("/nonexistent/folder"),
            "x",
            WriteOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/folder"), "{err}");
    }
}
