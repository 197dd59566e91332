//! Targets against GDAL's own command-line tools: masks against `gdal_rasterize`, labels in
//! another CRS and format (converted by `ogr2ogr`), class mapping, and outlet heat maps.

use std::path::{Path, PathBuf};
use std::process::Command;

use gdal::DriverManager;
use gdal::spatial_ref::SpatialRef;
use geoscout_chips::{
    ClassMap, LabelOptions, Labels, SourceRaster, TARGET_FULL, TargetRenderer, Window, channel,
};
use geoscout_core::Class;
use ndarray::{Array2, Array3, Axis};

const WIDTH: usize = 200;
const HEIGHT: usize = 150;
/// Top-left corner in UTM 49N (near Datong) and a 2 m pixel.
const GEO_TRANSFORM: [f64; 6] = [670_000.0, 2.0, 0.0, 4_440_000.0, 0.0, -2.0];

/// Writes a 4-band UInt16 raster in EPSG:32649.
fn write_raster(dir: &Path) -> PathBuf {
    let path = dir.join("scene.tif");
    let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut dataset = driver
        .create_with_band_type::<u16, _>(&path, WIDTH, HEIGHT, 4)
        .unwrap();
    dataset.set_geo_transform(&GEO_TRANSFORM).unwrap();
    dataset
        .set_spatial_ref(&SpatialRef::from_epsg(32649).unwrap())
        .unwrap();
    for band in 1..=4 {
        let mut band = dataset.rasterband(band).unwrap();
        band.fill(1000.0, None).unwrap();
    }
    path
}

/// A UTM 49N position of the raster as WGS 84 longitude and latitude.
fn lon_lat(col: f64, row: f64) -> (f64, f64) {
    let (x, y) = (
        GEO_TRANSFORM[0] + col * GEO_TRANSFORM[1],
        GEO_TRANSFORM[3] + row * GEO_TRANSFORM[5],
    );
    let mut utm = SpatialRef::from_epsg(32649).unwrap();
    let mut wgs84 = SpatialRef::from_epsg(4326).unwrap();
    for srs in [&mut utm, &mut wgs84] {
        srs.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    }
    let transform = gdal::spatial_ref::CoordTransform::new(&utm, &wgs84).unwrap();
    let (mut xs, mut ys) = ([x], [y]);
    transform
        .transform_coords(&mut xs, &mut ys, &mut [])
        .unwrap();
    (xs[0], ys[0])
}

/// A GeoJSON ring of pixel positions.
fn ring(points: &[(f64, f64)]) -> String {
    let coords: Vec<String> = points
        .iter()
        .chain(points.first())
        .map(|&(c, r)| {
            let (lon, lat) = lon_lat(c, r);
            format!("[{lon:.9},{lat:.9}]")
        })
        .collect();
    format!("[{}]", coords.join(","))
}

/// Labels in WGS 84: a pile with a hole, a slanted dust source, an outlet and a confuser, with
/// the class in `field` written as `names` gives it.
fn write_labels(path: &Path, field: &str, names: [&str; 4]) {
    let pile = format!(
        "[{},{}]",
        ring(&[(20.3, 10.7), (90.2, 14.1), (84.6, 70.9), (25.5, 64.2)]),
        ring(&[(40.0, 30.0), (60.0, 30.0), (60.0, 45.0), (40.0, 45.0)])
    );
    let dust = format!(
        "[{}]",
        ring(&[(110.0, 80.0), (180.5, 95.3), (150.2, 140.8), (105.1, 120.4)])
    );
    let (lon, lat) = lon_lat(150.25, 30.75);
    let confuser = format!(
        "[{}]",
        ring(&[(10.0, 100.0), (60.0, 100.0), (60.0, 140.0), (10.0, 140.0)])
    );
    let feature = |geometry: String, name: &str| {
        format!(r#"{{"type":"Feature","properties":{{"{field}":"{name}"}},"geometry":{geometry}}}"#)
    };
    let features = [
        feature(
            format!(r#"{{"type":"Polygon","coordinates":{pile}}}"#),
            names[0],
        ),
        feature(
            format!(r#"{{"type":"Point","coordinates":[{lon:.9},{lat:.9}]}}"#),
            names[1],
        ),
        feature(
            format!(r#"{{"type":"Polygon","coordinates":{dust}}}"#),
            names[2],
        ),
        feature(
            format!(r#"{{"type":"Polygon","coordinates":{confuser}}}"#),
            names[3],
        ),
    ];
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    std::fs::write(path, text).unwrap();
}

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{program} (from gdal-bin) must be installed: {err}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn render(raster: &Path, labels: &Path, options: &LabelOptions, sigma_px: f64) -> Array3<u8> {
    let source = SourceRaster::open(raster, None).unwrap();
    let labels = Labels::read(labels, options, &source.crs).unwrap();
    let renderer = TargetRenderer::new(&labels, source.grid.clone(), sigma_px);
    renderer
        .render(Window {
            col: 0,
            row: 0,
            width: WIDTH,
            height: HEIGHT,
        })
        .unwrap()
}

fn read_byte_band(path: &Path) -> Array2<u8> {
    let dataset = gdal::Dataset::open(path).unwrap();
    let band = dataset.rasterband(1).unwrap();
    let buffer = band
        .read_as::<u8>((0, 0), (WIDTH, HEIGHT), (WIDTH, HEIGHT), None)
        .unwrap();
    Array2::from_shape_vec((HEIGHT, WIDTH), buffer.data().to_vec()).unwrap()
}

const OWN_NAMES: [&str; 4] = [
    "coal_gangue_pile",
    "discharge_outlet",
    "dust_source",
    "confuser",
];

#[test]
fn polygon_masks_match_gdal_rasterize() {
    let dir = tempfile::tempdir().unwrap();
    let raster = write_raster(dir.path());
    let labels = dir.path().join("scene.truth.geojson");
    write_labels(&labels, "class", OWN_NAMES);
    let targets = render(&raster, &labels, &LabelOptions::default(), 3.0);

    let utm = dir.path().join("labels_utm.gpkg");
    run(
        "ogr2ogr",
        &[
            "-t_srs",
            "EPSG:32649",
            "-f",
            "GPKG",
            path(&utm),
            path(&labels),
        ],
    );
    for class in [Class::CoalGanguePile, Class::DustSource] {
        let expected = dir.path().join(format!("{class}.tif"));
        let (w, h) = (WIDTH.to_string(), HEIGHT.to_string());
        let where_ = format!("class = '{class}'");
        run(
            "gdal_create",
            &[
                "-if",
                path(&raster),
                "-bands",
                "1",
                "-ot",
                "Byte",
                path(&expected),
            ],
        );
        run(
            "gdal_rasterize",
            &[
                "-burn",
                "255",
                "-where",
                &where_,
                path(&utm),
                path(&expected),
            ],
        );
        let expected = read_byte_band(&expected);
        assert_eq!(expected.dim(), (h.parse().unwrap(), w.parse().unwrap()));
        let mine = targets.index_axis(Axis(0), channel(class));
        let inside = mine.iter().filter(|&&v| v == TARGET_FULL).count();
        assert!(inside > 1000, "{class}: only {inside} pixels burnt");
        assert_eq!(mine, expected.view(), "{class} differs from gdal_rasterize");
    }
    // The hole of the pile stays empty; the confuser burns nothing.
    let pile = targets.index_axis(Axis(0), channel(Class::CoalGanguePile));
    assert_eq!(pile[[37, 50]], 0);
    assert_eq!(pile[[20, 50]], TARGET_FULL);
    for row in 105..135 {
        for col in 15..55 {
            assert!(
                targets
                    .index_axis(Axis(1), row)
                    .index_axis(Axis(1), col)
                    .iter()
                    .all(|&v| v == 0)
            );
        }
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn outlet_heat_map_peaks_at_the_outlet() {
    let dir = tempfile::tempdir().unwrap();
    let raster = write_raster(dir.path());
    let labels = dir.path().join("scene.truth.geojson");
    write_labels(&labels, "class", OWN_NAMES);
    let sigma = 2.5;
    let targets = render(&raster, &labels, &LabelOptions::default(), sigma);
    let heat = targets.index_axis(Axis(0), channel(Class::DischargeOutlet));
    let (peak, &value) = heat
        .indexed_iter()
        .max_by_key(|&(_, &v)| v)
        .expect("a heat map");
    // The outlet is at pixel position (150.25, 30.75): inside pixel column 150, row 30.
    assert_eq!(peak, (30, 150));
    let d2 = 0.25f64.powi(2) + 0.25f64.powi(2);
    assert_eq!(
        value,
        (255.0 * (-d2 / (2.0 * sigma * sigma)).exp()).round() as u8
    );
    // Three pixels further along the row the Gaussian has fallen as it should.
    let d2 = 3.25f64.powi(2) + 0.25f64.powi(2);
    let expected = (255.0 * (-d2 / (2.0 * sigma * sigma)).exp()).round() as u8;
    assert_eq!(heat[[30, 153]], expected);
    assert_eq!(heat[[30, 150 + 12]], 0);
}

#[test]
fn user_labels_in_another_crs_and_format_with_a_class_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let raster = write_raster(dir.path());
    let own = dir.path().join("own.geojson");
    write_labels(&own, "class", OWN_NAMES);
    let reference = render(&raster, &own, &LabelOptions::default(), 3.0);

    // The same objects as a CGCS2000 Gauss-Kruger GeoPackage with a Chinese class field.
    let wgs84 = dir.path().join("user.geojson");
    write_labels(&wgs84, "类型", ["煤矸石", "排污口", "扬尘", "防尘网"]);
    let gpkg = dir.path().join("user.gpkg");
    run(
        "ogr2ogr",
        &[
            "-t_srs",
            "EPSG:4547",
            "-f",
            "GPKG",
            path(&gpkg),
            path(&wgs84),
        ],
    );
    let mut map = ClassMap::default();
    map.extend_from_list(
        "煤矸石=coal_gangue_pile,排污口=discharge_outlet,扬尘=dust_source,防尘网=confuser",
    )
    .unwrap();
    let options = LabelOptions {
        class_field: "类型".to_string(),
        map,
    };
    let user = render(&raster, &gpkg, &options, 3.0);
    // CGCS2000 and WGS 84 agree to centimetres: at most a few boundary pixels may differ.
    let differing = user
        .iter()
        .zip(reference.iter())
        .filter(|(a, b)| a.abs_diff(**b) > 1)
        .count();
    assert!(differing <= 10, "{differing} target pixels differ");
    assert!(user.iter().filter(|&&v| v == TARGET_FULL).count() > 5000);
}

#[test]
fn unmapped_values_and_wrong_geometries_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let raster = write_raster(dir.path());
    let crs = SourceRaster::open(&raster, None).unwrap().crs;
    let labels = dir.path().join("user.geojson");
    write_labels(&labels, "类型", ["煤矸石", "排污口", "扬尘", "防尘网"]);
    let options = LabelOptions {
        class_field: "类型".to_string(),
        map: ClassMap::default(),
    };
    let err = Labels::read(&labels, &options, &crs)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("user.geojson") && err.contains("'煤矸石' is not mapped"),
        "{err}"
    );

    let err = Labels::read(&labels, &LabelOptions::default(), &crs)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no field 'class'") && err.contains("类型"),
        "{err}"
    );

    // An outlet labelled with a polygon.
    let swapped = dir.path().join("swapped.geojson");
    write_labels(
        &swapped,
        "class",
        [
            "discharge_outlet",
            "coal_gangue_pile",
            "dust_source",
            "confuser",
        ],
    );
    let err = Labels::read(&swapped, &LabelOptions::default(), &crs)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("swapped.geojson") && err.contains("needs a point"),
        "{err}"
    );
}
