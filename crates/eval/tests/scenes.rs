//! `evaluate` on real files: truth and leads GeoJSON written to a folder, with and without a
//! GeoTIFF beside the truth, geometry laid out in UTM metres so that every IoU and distance is
//! known.

use std::path::Path;

use gdal::DriverManager;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::ToGdal;
use geo::{Geometry, Point, Rect, coord};
use geoscout_core::{Class, Profile};
use geoscout_eval::{CrsOrigin, EvalOptions, evaluate};
use geoscout_leads::{Lead, write_geojson};
use serde_json::json;

/// Datong, in WGS 84 / UTM 49N.
const X0: f64 = 690_000.0;
const Y0: f64 = 4_430_000.0;
const UTM_49N: u32 = 32649;

fn to_wgs84(geometry: Geometry<f64>) -> Geometry<f64> {
    let mut utm = SpatialRef::from_epsg(UTM_49N).unwrap();
    utm.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut wgs84 = SpatialRef::from_epsg(4326).unwrap();
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let transform = CoordTransform::new(&utm, &wgs84).unwrap();
    geometry
        .to_gdal()
        .unwrap()
        .transform(&transform)
        .unwrap()
        .to_geo()
        .unwrap()
}

/// A `size` m square with its lower left corner `(dx, dy)` m from the origin, in WGS 84.
fn square(dx: f64, dy: f64, size: f64) -> Geometry<f64> {
    let rect = Rect::new(
        coord! { x: X0 + dx, y: Y0 + dy },
        coord! { x: X0 + dx + size, y: Y0 + dy + size },
    );
    to_wgs84(rect.to_polygon().into())
}

fn point(dx: f64, dy: f64) -> Geometry<f64> {
    to_wgs84(Point::new(X0 + dx, Y0 + dy).into())
}

fn lead(
    id: &str,
    class: Class,
    score: f64,
    geometry: Geometry<f64>,
    source: &str,
    gsd_m: f64,
) -> Lead {
    let mut lead = Lead::new(id, class, score, geometry);
    lead.source = Some(source.into());
    lead.gsd_m = Some(gsd_m);
    lead
}

fn write_truth(path: &Path, objects: &[(&str, &str, Geometry<f64>)]) {
    let features: Vec<_> = objects
        .iter()
        .map(|(id, class, geometry)| {
            let geometry = geojson::Geometry::new(geojson::Value::from(geometry));
            json!({"type": "Feature", "properties": {"id": id, "class": class, "kind": "test"}, "geometry": geometry})
        })
        .collect();
    let text = json!({"type": "FeatureCollection", "features": features}).to_string();
    std::fs::write(path, text).unwrap();
}

/// A small GeoTIFF in UTM 49N with pixels of `gsd` m.
fn write_raster(path: &Path, gsd: f64) {
    let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut dataset = driver.create(path, 16, 16, 1).unwrap();
    dataset
        .set_geo_transform(&[X0 - 1000.0, gsd, 0.0, Y0 + 1000.0, 0.0, -gsd])
        .unwrap();
    dataset
        .set_spatial_ref(&SpatialRef::from_epsg(UTM_49N).unwrap())
        .unwrap();
}

/// Scene `sat` (satellite: a 2 m GeoTIFF beside its truth), scene `drone` (uav: no raster,
/// leads with gsd_m 0.1) and leads of a scene `other` that has no truth.
fn write_scenes(dir: &Path) {
    write_raster(&dir.join("sat.tif"), 2.0);
    write_truth(
        &dir.join("sat.truth.geojson"),
        &[
            ("P1", "coal_gangue_pile", square(0.0, 0.0, 100.0)),
            ("D1", "dust_source", square(1000.0, 0.0, 100.0)),
            ("O1", "discharge_outlet", point(2000.0, 0.0)),
            ("O2", "discharge_outlet", point(3000.0, 0.0)),
            ("net", "confuser", square(4000.0, 0.0, 100.0)),
        ],
    );
    write_truth(
        &dir.join("drone.truth.geojson"),
        &[
            ("A", "discharge_outlet", point(0.0, 500.0)),
            ("B", "discharge_outlet", point(100.0, 500.0)),
        ],
    );
    let leads = vec![
        // Offset 50 m: IoU 1/3, a match.
        lead(
            "p1",
            Class::CoalGanguePile,
            0.9,
            square(50.0, 0.0, 100.0),
            "sat.tif",
            2.0,
        ),
        // A second pile lead on P1, lower score: P1 is taken, a false positive.
        lead(
            "p1-again",
            Class::CoalGanguePile,
            0.4,
            square(0.0, 0.0, 100.0),
            "sat.tif",
            2.0,
        ),
        // Offset 60 m: IoU 0.25, no match.
        lead(
            "d1",
            Class::DustSource,
            0.8,
            square(1060.0, 0.0, 100.0),
            "sat.tif",
            2.0,
        ),
        // 15 m from O1 (within 20 m); 25 m from O2 (too far).
        lead(
            "o1",
            Class::DischargeOutlet,
            0.7,
            point(2000.0, 15.0),
            "sat.tif",
            2.0,
        ),
        lead(
            "o2",
            Class::DischargeOutlet,
            0.7,
            point(3025.0, 0.0),
            "sat.tif",
            2.0,
        ),
        // On the confuser: a false positive, and the confuser is no false negative.
        lead(
            "net",
            Class::DustSource,
            0.6,
            square(4000.0, 0.0, 100.0),
            "sat.tif",
            2.0,
        ),
        // Drone: 1.5 m from A (within 2 m); 3 m from B (too far for uav).
        lead(
            "a",
            Class::DischargeOutlet,
            0.9,
            point(1.5, 500.0),
            "drone.jpg",
            0.1,
        ),
        lead(
            "b",
            Class::DischargeOutlet,
            0.9,
            point(100.0, 503.0),
            "drone.jpg",
            0.1,
        ),
        lead(
            "x",
            Class::DustSource,
            0.9,
            square(0.0, 0.0, 50.0),
            "other.tif",
            2.0,
        ),
    ];
    write_geojson(&dir.join("leads.geojson"), &leads).unwrap();
}

#[test]
fn folders_of_scenes_are_scored_by_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    write_scenes(dir.path());
    let eval = evaluate(dir.path(), dir.path(), &EvalOptions::default()).unwrap();

    let names: Vec<_> = eval.scenes.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["drone", "sat"]);
    let (drone, sat) = (&eval.scenes[0], &eval.scenes[1]);
    assert_eq!(
        (sat.crs.as_deref(), sat.crs_from),
        (Some("EPSG:32649"), Some(CrsOrigin::Raster))
    );
    assert_eq!(
        (sat.profile, sat.point_radius_m),
        (Some(Profile::Satellite), Some(20.0))
    );
    assert_eq!(
        (drone.crs.as_deref(), drone.crs_from),
        (Some("EPSG:32649"), Some(CrsOrigin::Utm))
    );
    assert_eq!(
        (drone.profile, drone.point_radius_m),
        (Some(Profile::Uav), Some(2.0))
    );
    assert_eq!((sat.truth_objects, sat.confusers, sat.leads), (4, 1, 6));

    let counts =
        |s: &geoscout_eval::Scores| (s.true_positives, s.false_positives, s.false_negatives);
    let pile = &eval.classes[&Class::CoalGanguePile];
    assert_eq!(counts(pile), (1, 1, 0));
    assert!(
        (pile.mean_iou.unwrap() - 1.0 / 3.0).abs() < 1e-3,
        "{:?}",
        pile.mean_iou
    );
    assert_eq!(counts(&eval.classes[&Class::DustSource]), (0, 2, 1));
    let outlets = &eval.classes[&Class::DischargeOutlet];
    assert_eq!(counts(outlets), (2, 2, 2));
    assert!((outlets.mean_distance_m.unwrap() - (15.0 + 1.5) / 2.0).abs() < 0.05);
    assert_eq!(counts(&eval.total), (3, 5, 3));
    assert_eq!(eval.total.precision, Some(3.0 / 8.0));
    assert_eq!(eval.total.recall, Some(0.5));
    assert_eq!(eval.total.f1, Some(6.0 / 14.0));
    assert_eq!(eval.leads_without_truth.get("other"), Some(&1));

    let matched: Vec<_> = sat
        .outcome
        .matches
        .iter()
        .map(|m| (m.lead.as_str(), m.truth.as_str()))
        .collect();
    assert_eq!(matched, [("p1", "P1"), ("o1", "O1")]);
}

#[test]
fn options_override_the_scene_profile() {
    let dir = tempfile::tempdir().unwrap();
    write_scenes(dir.path());
    // As satellite imagery the drone lead 3 m from B matches.
    let options = EvalOptions {
        profile: Some(Profile::Satellite),
        point_radius_m: None,
    };
    let eval = evaluate(
        &dir.path().join("drone.truth.geojson"),
        dir.path(),
        &options,
    )
    .unwrap();
    assert_eq!(eval.scenes.len(), 1);
    assert_eq!(eval.total.true_positives, 2);
    assert_eq!(eval.leads_without_truth.len(), 2); // sat and other
    let options = EvalOptions {
        profile: None,
        point_radius_m: Some(1.0),
    };
    let eval = evaluate(
        &dir.path().join("drone.truth.geojson"),
        dir.path(),
        &options,
    )
    .unwrap();
    assert_eq!(eval.total.true_positives, 0);
}

#[test]
fn a_scene_without_any_hint_of_its_profile_is_an_error_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    write_truth(
        &dir.path().join("s.truth.geojson"),
        &[("A", "discharge_outlet", point(0.0, 0.0))],
    );
    let leads = vec![Lead::new("a", Class::DischargeOutlet, 0.9, point(1.0, 0.0))];
    write_geojson(&dir.path().join("leads.geojson"), &leads).unwrap();
    let err = evaluate(
        dir.path(),
        &dir.path().join("leads.geojson"),
        &EvalOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("s.truth.geojson") && err.contains("--profile"),
        "{err}"
    );
}

#[test]
fn missing_inputs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = evaluate(dir.path(), dir.path(), &EvalOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no *.truth.geojson"), "{err}");
    write_truth(&dir.path().join("s.truth.geojson"), &[]);
    let err = evaluate(dir.path(), dir.path(), &EvalOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no leads.geojson in this folder"), "{err}");
}
