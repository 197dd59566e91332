//! The files the writers produce, opened by GDAL's own `ogrinfo` and read back with GDAL.

use std::path::Path;
use std::process::Command;

mod common;

use common::sample_leads;
use gdal::Dataset;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{FieldValue, LayerAccess};
use geo::Geometry;
use geoscout_leads::{
    GPKG_POINT_LAYER, GPKG_POLYGON_LAYER, read_geojson, write_flatgeobuf, write_geojson,
    write_geopackage,
};

fn ogrinfo(args: &[&str]) -> String {
    let output = Command::new("ogrinfo")
        .args(args)
        .output()
        .expect("ogrinfo (gdal-bin) must be installed: run scripts/setup.sh");
    assert!(
        output.status.success(),
        "ogrinfo {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The FlatGeobuf header's `index_node_size` (0 = no spatial index), read from the FlatBuffers
/// table that follows the 8 magic bytes and the header's length.
fn fgb_index_node_size(path: &Path) -> u16 {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..3], b"fgb", "not a FlatGeobuf file");
    let header = &bytes[12..];
    let u16_at = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
    let table = u32::from_le_bytes(header[..4].try_into().unwrap()) as usize;
    let vtable = (table as i64
        - i32::from_le_bytes(header[table..table + 4].try_into().unwrap()) as i64)
        as usize;
    const INDEX_NODE_SIZE_FIELD: usize = 9;
    let entry = 4 + 2 * INDEX_NODE_SIZE_FIELD;
    if entry >= u16_at(vtable) as usize || u16_at(vtable + entry) == 0 {
        return 16; // the schema's default
    }
    u16_at(table + u16_at(vtable + entry) as usize)
}

/// One feature as GDAL reads it: the `id` field, the geometry and all fields.
type ReadFeature = (String, Geometry<f64>, Vec<(String, Option<FieldValue>)>);

/// The features of a layer, read with GDAL.
fn read_layer(dataset: &Dataset, layer: &str) -> Vec<ReadFeature> {
    let mut layer = dataset.layer_by_name(layer).unwrap();
    layer
        .features()
        .map(|f| {
            let fields: Vec<_> = f.fields().collect();
            let id = f.field_as_string(0).unwrap().unwrap();
            (id, f.geometry().unwrap().to_geo().unwrap(), fields)
        })
        .collect()
}

#[test]
fn flatgeobuf_has_the_geojson_features_and_a_spatial_index() {
    let dir = tempfile::tempdir().unwrap();
    let (geojson, fgb) = (
        dir.path().join("leads.geojson"),
        dir.path().join("leads.fgb"),
    );
    write_geojson(&geojson, &sample_leads()).unwrap();
    write_flatgeobuf(&fgb, &sample_leads()).unwrap();

    let info = ogrinfo(&["-so", "-al", fgb.to_str().unwrap()]);
    assert!(info.contains("using driver `FlatGeobuf'"), "{info}");
    assert!(info.contains("Layer name: leads\n"), "{info}");
    assert!(info.contains("Geometry: Unknown (any)"), "{info}");
    assert!(info.contains("Feature Count: 3"), "{info}");
    assert!(info.contains("ID[\"EPSG\",4326]"), "{info}");
    for field in [
        "seam_merged: Integer(Boolean)",
        "in_grid: Integer(Boolean)",
        "score: Real",
        "chainage_m: Real",
        "grid_id: String",
    ] {
        assert!(info.contains(field), "{field} missing in\n{info}");
    }
    assert!(fgb_index_node_size(&fgb) > 0, "no spatial index");

    // Same geometries (bit for bit: both hold the 7-decimal coordinates) and properties.
    let from_geojson = read_geojson(&geojson).unwrap();
    let dataset = Dataset::open(&fgb).unwrap();
    let features = read_layer(&dataset, "leads");
    assert_eq!(features.len(), 3);
    for (id, geometry, fields) in features {
        let lead = from_geojson.iter().find(|l| l.id == id).unwrap();
        assert_eq!(geometry, lead.geometry, "{id}");
        let value = |name: &str| fields.iter().find(|(n, _)| n == name).unwrap().1.clone();
        assert_eq!(value("score"), Some(FieldValue::RealValue(lead.score)));
        assert_eq!(value("lon"), Some(FieldValue::RealValue(lead.lon)));
        assert_eq!(
            value("class_zh"),
            Some(FieldValue::StringValue(lead.class.name_zh().into()))
        );
        assert_eq!(
            value("seam_merged"),
            Some(FieldValue::IntegerValue(lead.seam_merged as i32))
        );
    }
}

#[test]
fn the_index_check_sees_a_file_without_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let (fgb, bare) = (dir.path().join("leads.fgb"), dir.path().join("bare.fgb"));
    write_flatgeobuf(&fgb, &sample_leads()).unwrap();
    let status = Command::new("ogr2ogr")
        .args([
            "-lco",
            "SPATIAL_INDEX=NO",
            bare.to_str().unwrap(),
            fgb.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(fgb_index_node_size(&bare), 0);
}

#[test]
fn geopackage_is_projected_split_by_geometry_type_and_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let (geojson, gpkg) = (
        dir.path().join("leads.geojson"),
        dir.path().join("leads.gpkg"),
    );
    write_geojson(&geojson, &sample_leads()).unwrap();
    write_geopackage(&gpkg, &sample_leads(), 4547).unwrap();

    let info = ogrinfo(&["-so", gpkg.to_str().unwrap(), GPKG_POLYGON_LAYER]);
    assert!(info.contains("Geometry: Multi Polygon"), "{info}");
    assert!(info.contains("Feature Count: 2"), "{info}");
    assert!(info.contains("ID[\"EPSG\",4547]"), "{info}");
    assert!(info.contains("seam_merged: Integer(Boolean)"), "{info}");
    let info = ogrinfo(&["-so", gpkg.to_str().unwrap(), GPKG_POINT_LAYER]);
    assert!(info.contains("Geometry: Point"), "{info}");
    assert!(info.contains("Feature Count: 1"), "{info}");
    assert!(info.contains("ID[\"EPSG\",4547]"), "{info}");
    let rtrees = ogrinfo(&[
        gpkg.to_str().unwrap(),
        "-sql",
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rtree_%_geom' ORDER BY name",
    ]);
    assert!(
        rtrees.contains("name (String) = rtree_leads_points_geom"),
        "{rtrees}"
    );
    assert!(
        rtrees.contains("name (String) = rtree_leads_polygons_geom"),
        "{rtrees}"
    );

    // Easting first: the outlet at 113.51 E is about 41.7 km west of the 114 E meridian.
    let dataset = Dataset::open(&gpkg).unwrap();
    let points = read_layer(&dataset, GPKG_POINT_LAYER);
    let Geometry::Point(p) = points[0].1 else {
        panic!("not a point")
    };
    assert!(
        (p.x() - 458_300.0).abs() < 500.0 && (p.y() - 4_439_000.0).abs() < 2_000.0,
        "{p:?}"
    );

    // Back in WGS 84, every vertex is where the GeoJSON has it.
    let mut wgs84 = SpatialRef::from_epsg(4326).unwrap();
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut cgcs = SpatialRef::from_epsg(4547).unwrap();
    cgcs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let back = CoordTransform::new(&cgcs, &wgs84).unwrap();
    let from_geojson = read_geojson(&geojson).unwrap();
    for layer in [GPKG_POLYGON_LAYER, GPKG_POINT_LAYER] {
        let mut layer = dataset.layer_by_name(layer).unwrap();
        for feature in layer.features() {
            let id = feature.field_as_string(0).unwrap().unwrap();
            let lead = from_geojson.iter().find(|l| l.id == id).unwrap();
            let lon_lat = feature
                .geometry()
                .unwrap()
                .transform(&back)
                .unwrap()
                .to_geo()
                .unwrap();
            let written: Vec<_> = geo::CoordsIter::coords_iter(&lon_lat).collect();
            let expected: Vec<_> = geo::CoordsIter::coords_iter(&lead.geometry).collect();
            assert_eq!(written.len(), expected.len(), "{id}");
            for (w, e) in written.iter().zip(&expected) {
                assert!(
                    (w.x - e.x).abs() < 1e-9 && (w.y - e.y).abs() < 1e-9,
                    "{id}: {w:?} vs {e:?}"
                );
            }
        }
    }
}

#[test]
fn no_leads_still_make_valid_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let (fgb, gpkg) = (dir.path().join("leads.fgb"), dir.path().join("leads.gpkg"));
    write_flatgeobuf(&fgb, &[]).unwrap();
    write_geopackage(&gpkg, &[], 32649).unwrap();
    assert!(ogrinfo(&["-so", "-al", fgb.to_str().unwrap()]).contains("Feature Count: 0"));
    let info = ogrinfo(&["-so", "-al", gpkg.to_str().unwrap()]);
    assert_eq!(info.matches("Feature Count: 0").count(), 2, "{info}");
    assert!(info.contains("ID[\"EPSG\",32649]"), "{info}");
}

#[test]
fn a_bad_lead_or_crs_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut leads = sample_leads();
    leads[0].score = 2.0;
    let err = write_flatgeobuf(&dir.path().join("leads.fgb"), &leads)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("leads.fgb") && err.contains("pile-1") && err.contains("score"),
        "{err}"
    );
    let err = write_geopackage(&dir.path().join("leads.gpkg"), &sample_leads(), 999_999)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("leads.gpkg") && err.contains("EPSG:999999"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
