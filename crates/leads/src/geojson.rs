//! Leads as an RFC 7946 GeoJSON FeatureCollection: WGS 84 longitude/latitude, counter-clockwise
//! outer rings and clockwise holes, no `crs` member, coordinates rounded to 7 decimals (about
//! 1 cm), the lead id as the feature's `id` member as well as its `id` property.

use std::path::Path;

use geo::{Geometry, MapCoords, Orient, orient::Direction};
use geojson::{Feature, GeoJson, feature::Id};
use geoscout_core::fs::{IoError, write_bytes_atomically};

use crate::lead::round7;
use crate::{Error, Lead, Result};

/// Writes `leads` to `path` as a FeatureCollection, one feature per line, in the given order.
/// The file is written under a temporary name and renamed when complete.
///
/// Each lead is checked first ([`Lead::check`]); a lead that fails is an error naming it, and
/// nothing is written.
pub fn write_geojson(path: &Path, leads: &[Lead]) -> Result<()> {
    let text = to_geojson_string(leads).map_err(|(id, problem)| Error::InvalidLead {
        path: path.to_path_buf(),
        id,
        problem,
    })?;
    Ok(write_bytes_atomically(path, text.as_bytes())?)
}

/// The FeatureCollection text for `leads`; on a bad lead, its id and the problem.
fn to_geojson_string(leads: &[Lead]) -> std::result::Result<String, (String, String)> {
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, lead) in leads.iter().enumerate() {
        lead.check().map_err(|problem| (lead.id.clone(), problem))?;
        let feature = Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::new(
                (&rfc7946_geometry(&lead.geometry)).into(),
            )),
            id: Some(Id::String(lead.id.clone())),
            properties: Some(lead.properties()),
            foreign_members: None,
        };
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&feature.to_string());
    }
    text.push_str("\n]}\n");
    Ok(text)
}

/// The geometry as written: coordinates rounded to 7 decimals, then outer rings turned
/// counter-clockwise and holes clockwise.
pub(crate) fn rfc7946_geometry(geometry: &Geometry<f64>) -> Geometry<f64> {
    let rounded = geometry.map_coords(|c| geo::coord! { x: round7(c.x), y: round7(c.y) });
    match rounded {
        Geometry::Polygon(p) => p.orient(Direction::Default).into(),
        Geometry::MultiPolygon(mp) => mp.orient(Direction::Default).into(),
        other => other,
    }
}

/// Reads a leads FeatureCollection written by geoscout or another tool.
///
/// Missing optional properties become `None`; `lon`/`lat` are derived from the geometry when
/// absent; the feature's `id` member stands in for a missing `id` property; unknown properties
/// are kept in [`Lead::extra`] in file order. A feature that cannot be a lead (no geometry, no
/// class, a score that is not a number, ...) is an error naming the file and the feature.
pub fn read_geojson(path: &Path) -> Result<Vec<Lead>> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::new(path, e))?;
    let not_collection = |problem: String| Error::NotFeatureCollection {
        path: path.to_path_buf(),
        problem,
    };
    let collection = match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => fc,
        Ok(GeoJson::Feature(_)) => return Err(not_collection("it is a single Feature".into())),
        Ok(GeoJson::Geometry(_)) => return Err(not_collection("it is a bare Geometry".into())),
        Err(e) => return Err(not_collection(e.to_string())),
    };
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(index, feature)| {
            let fallback_id = feature.id.as_ref().map(|id| match id {
                Id::String(s) => s.clone(),
                Id::Number(n) => n.to_string(),
            });
            let name = feature_name(index, feature.property("id").or(None), &fallback_id);
            lead_from_feature(feature, fallback_id).map_err(|problem| Error::BadFeature {
                path: path.to_path_buf(),
                feature: name,
                problem,
            })
        })
        .collect()
}

/// `feature 3 (id 'x')`, or `feature 3` when it has no id.
fn feature_name(
    index: usize,
    id_property: Option<&serde_json::Value>,
    fallback_id: &Option<String>,
) -> String {
    let id = match id_property {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => fallback_id.clone(),
    };
    match id {
        Some(id) => format!("feature {index} (id '{id}')"),
        None => format!("feature {index}"),
    }
}

fn lead_from_feature(
    feature: Feature,
    fallback_id: Option<String>,
) -> std::result::Result<Lead, String> {
    let geometry = feature.geometry.ok_or("no geometry")?;
    let geometry = Geometry::<f64>::try_from(geometry.value).map_err(|e| e.to_string())?;
    Lead::from_properties(
        geometry,
        feature.properties.unwrap_or_default(),
        fallback_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, Polygon, Winding, polygon};
    use geoscout_core::Class;

    /// A square with a square hole, outer ring clockwise and hole counter-clockwise (both wrong
    /// for RFC 7946), with more than 7 decimals.
    fn square_with_hole() -> Polygon<f64> {
        let outer = polygon![
            (x: 113.0, y: 40.0), (x: 113.0, y: 40.01), (x: 113.01, y: 40.01),
            (x: 113.01, y: 40.0), (x: 113.0, y: 40.0),
        ];
        let hole = polygon![
            (x: 113.004, y: 40.004), (x: 113.00612345678, y: 40.004),
            (x: 113.006, y: 40.006), (x: 113.004, y: 40.006),
        ];
        Polygon::new(outer.exterior().clone(), vec![hole.exterior().clone()])
    }

    fn sample_leads() -> Vec<Lead> {
        let mut pile = Lead::new(
            "pile-1",
            Class::CoalGanguePile,
            0.91,
            square_with_hole().into(),
        );
        pile.source = Some("scene.tif".into());
        pile.gsd_m = Some(2.0);
        pile.model = Some("geoscout-satellite".into());
        pile.seam_merged = true;
        pile.chip = Some("chips/pile-1.png".into());
        pile.extra.insert("grid_id".into(), "140200-01".into());
        let outlet = Lead::new(
            "outlet-1",
            Class::DischargeOutlet,
            0.55,
            Point::new(113.123456789, 40.2).into(),
        );
        vec![pile, outlet]
    }

    #[test]
    fn written_geojson_follows_rfc7946() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.geojson");
        write_geojson(&path, &sample_leads()).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(json.get("crs").is_none());
        let features = json["features"].as_array().unwrap();
        assert_eq!(features[0]["id"], "pile-1");
        assert_eq!(features[0]["properties"]["id"], "pile-1");
        let rings = features[0]["geometry"]["coordinates"].as_array().unwrap();
        let ring = |i: usize| -> geo::LineString<f64> {
            rings[i]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                .collect()
        };
        assert!(ring(0).is_ccw(), "outer ring must be counter-clockwise");
        assert!(ring(1).is_cw(), "hole must be clockwise");
        assert!(
            ring(1).coords().any(|c| c.x == 113.0061235),
            "rounded to 7 decimals"
        );
        assert_eq!(
            features[1]["geometry"]["coordinates"][0].as_f64().unwrap(),
            113.1234568
        );
        assert_eq!(
            features[1]["properties"]["lon"].as_f64().unwrap(),
            113.1234568
        );
        let keys: Vec<&String> = features[0]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys.len(), crate::PROPERTY_ORDER.len() + 1);
        assert_eq!(
            keys[..15],
            crate::PROPERTY_ORDER
                .map(String::from)
                .iter()
                .collect::<Vec<_>>()
        );
        assert_eq!(
            features[1]["properties"]["area_m2"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn leads_round_trip_within_rounding() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.geojson");
        let leads = sample_leads();
        write_geojson(&path, &leads).unwrap();
        let back = read_geojson(&path).unwrap();
        assert_eq!(back.len(), 2);
        for (a, b) in leads.iter().zip(&back) {
            assert_eq!(b.id, a.id);
            assert_eq!(b.class, a.class);
            assert_eq!(b.score, a.score);
            assert!(
                a.area_m2
                    .zip(b.area_m2)
                    .is_none_or(|(x, y)| (x - y).abs() <= 0.005)
            );
            assert_eq!(
                (b.source.clone(), b.gsd_m, b.model.clone()),
                (a.source.clone(), a.gsd_m, a.model.clone())
            );
            assert_eq!(
                (b.seam_merged, b.chip.clone()),
                (a.seam_merged, a.chip.clone())
            );
            assert_eq!(b.extra, a.extra);
            assert!((b.lon - a.lon).abs() <= 5e-8 && (b.lat - a.lat).abs() <= 5e-8);
            assert_eq!(b.geometry, rfc7946_geometry(&a.geometry));
        }
        // Writing what was read gives the same bytes.
        let again = dir.path().join("again.geojson");
        write_geojson(&again, &back).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&again).unwrap()
        );
    }

    #[test]
    fn foreign_leads_files_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":7,
                "properties":{"class":"dust_source","score":0.7,"note":"from QGIS","class_zh":"x"},
                "geometry":{"type":"Polygon","coordinates":[[[113,40],[113.001,40],[113.001,40.001],[113,40]]]}}]}"#,
        )
        .unwrap();
        let leads = read_geojson(&path).unwrap();
        assert_eq!(leads[0].id, "7");
        assert_eq!(leads[0].source, None);
        assert!(!leads[0].seam_merged);
        assert_eq!(leads[0].extra.keys().collect::<Vec<_>>(), ["note"]);
        assert!(leads[0].lon > 113.0 && leads[0].lon < 113.001);
    }

    #[test]
    fn bad_features_are_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"ok","class":"dust_source","score":0.7},"geometry":{"type":"Point","coordinates":[113,40]}},
               {"type":"Feature","properties":{"id":"b2","class":"dust_source","score":0.7},"geometry":null}]}"#,
        )
        .unwrap();
        let err = read_geojson(&path).unwrap_err().to_string();
        assert!(
            err.contains("bad.geojson")
                && err.contains("feature 1 (id 'b2')")
                && err.contains("no geometry"),
            "{err}"
        );

        std::fs::write(&path, r#"{"type":"Point","coordinates":[1,2]}"#).unwrap();
        let err = read_geojson(&path).unwrap_err().to_string();
        assert!(err.contains("not a GeoJSON FeatureCollection"), "{err}");
    }

    #[test]
    fn an_invalid_lead_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.geojson");
        let mut leads = sample_leads();
        leads[1].score = f64::NAN;
        let err = write_geojson(&path, &leads).unwrap_err().to_string();
        assert!(err.contains("outlet-1") && err.contains("score"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
