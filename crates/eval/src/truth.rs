//! Ground truth files (`NAME.truth.geojson`): one feature per target object, `class` the class
//! name, optional `id`; confusers (`"class": "confuser"`) are read and set aside.

use std::path::Path;

use geo::Geometry;
use geojson::GeoJson;
use geoscout_core::Class;
use geoscout_core::fs::IoError;

use crate::{Error, Result};

/// One true object of a target class.
#[derive(Clone, Debug, PartialEq)]
pub struct TruthObject {
    /// The feature's `id` property, or `#N` for the N-th feature (from 0).
    pub id: String,
    /// Its class.
    pub class: Class,
    /// Its footprint (Polygon, MultiPolygon) or location (Point), WGS 84 lon/lat.
    pub geometry: Geometry<f64>,
}

/// The contents of a truth file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Truth {
    /// The target objects.
    pub objects: Vec<TruthObject>,
    /// How many confusers the file lists (never counted as targets).
    pub confusers: usize,
}

/// Reads a truth FeatureCollection. A feature with no geometry, no `class` or an unknown class
/// is an error naming the file and the feature.
pub fn read_truth(path: &Path) -> Result<Truth> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::new(path, e))?;
    let bad = |problem: String| Error::BadTruth {
        path: path.to_path_buf(),
        problem,
    };
    let collection = match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => fc,
        Ok(_) => return Err(bad("not a GeoJSON FeatureCollection".into())),
        Err(e) => return Err(bad(format!("not a GeoJSON FeatureCollection: {e}"))),
    };
    let mut truth = Truth::default();
    for (index, feature) in collection.features.into_iter().enumerate() {
        let id = match feature.property("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("#{index}"),
        };
        let bad_feature = |problem: &str| bad(format!("feature {index} (id '{id}'): {problem}"));
        let class = match feature.property("class").and_then(|v| v.as_str()) {
            Some("confuser") => {
                truth.confusers += 1;
                continue;
            }
            Some(name) => name
                .parse::<Class>()
                .map_err(|e| bad_feature(&e.to_string()))?,
            None => return Err(bad_feature("no 'class' property")),
        };
        let geometry = feature.geometry.ok_or_else(|| bad_feature("no geometry"))?;
        let geometry =
            Geometry::<f64>::try_from(geometry.value).map_err(|e| bad_feature(&e.to_string()))?;
        if !matches!(
            geometry,
            Geometry::Point(_) | Geometry::Polygon(_) | Geometry::MultiPolygon(_)
        ) {
            return Err(bad_feature(
                "geometry must be a Point, Polygon or MultiPolygon",
            ));
        }
        truth.objects.push(TruthObject {
            id,
            class,
            geometry,
        });
    }
    Ok(truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusers_are_counted_but_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.truth.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"class":"dust_source","id":"d1"},"geometry":{"type":"Polygon","coordinates":[[[113,40],[113.001,40],[113.001,40.001],[113,40]]]}},
              {"type":"Feature","properties":{"class":"confuser","kind":"dust_net"},"geometry":{"type":"Polygon","coordinates":[[[113,40],[113.001,40],[113.001,40.001],[113,40]]]}},
              {"type":"Feature","properties":{"class":"discharge_outlet"},"geometry":{"type":"Point","coordinates":[113.2,40.1]}}]}"#,
        )
        .unwrap();
        let truth = read_truth(&path).unwrap();
        assert_eq!(truth.confusers, 1);
        let ids: Vec<_> = truth
            .objects
            .iter()
            .map(|o| (o.id.as_str(), o.class))
            .collect();
        assert_eq!(
            ids,
            [("d1", Class::DustSource), ("#2", Class::DischargeOutlet)]
        );
    }

    #[test]
    fn an_unknown_class_names_the_file_and_feature() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.truth.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"pond","id":7},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
        )
        .unwrap();
        let err = read_truth(&path).unwrap_err().to_string();
        assert!(
            err.contains("s.truth.geojson")
                && err.contains("feature 0 (id '7')")
                && err.contains("unknown class 'pond'"),
            "{err}"
        );
    }
}
