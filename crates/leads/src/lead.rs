//! The lead: one finding, its geometry and its properties.

use geo::orient::Direction;
use geo::{GeodesicArea, Geometry, InteriorPoint, Orient, Point};
use geoscout_core::Class;
use serde_json::{Map, Value};

/// The properties every lead carries, in the order they are written; extras follow them.
pub const PROPERTY_ORDER: [&str; 15] = [
    "id",
    "class",
    "class_zh",
    "score",
    "area_m2",
    "lon",
    "lat",
    "source",
    "acquired",
    "gsd_m",
    "model",
    "model_sha256",
    "tool_version",
    "seam_merged",
    "chip",
];

/// One finding: an object of a target class, where it is, how sure the model is, and where it
/// came from.
///
/// Geometry and `lon`/`lat` are WGS 84 longitude/latitude. Properties that later stages add
/// (grid cell, river, status, ...) live in [`Lead::extra`], in the order they were added.
#[derive(Clone, Debug, PartialEq)]
pub struct Lead {
    /// Stable identifier: the same inputs and model give the same id.
    pub id: String,
    /// What was found.
    pub class: Class,
    /// The model's confidence, 0 to 1.
    pub score: f64,
    /// The outline (Polygon or MultiPolygon) or the location (Point), WGS 84 lon/lat.
    pub geometry: Geometry<f64>,
    /// Area in square metres, for polygons.
    pub area_m2: Option<f64>,
    /// Longitude of a point on the lead (inside it, for polygons).
    pub lon: f64,
    /// Latitude of a point on the lead (inside it, for polygons).
    pub lat: f64,
    /// File name of the raster the lead was found in.
    pub source: Option<String>,
    /// When the imagery was taken, when known (as found in the raster's metadata).
    pub acquired: Option<String>,
    /// Ground sample distance of the raster in metres.
    pub gsd_m: Option<f64>,
    /// Name of the model that found the lead.
    pub model: Option<String>,
    /// SHA-256 of the model file, hex.
    pub model_sha256: Option<String>,
    /// Version of the tool that wrote the lead.
    pub tool_version: Option<String>,
    /// Whether the lead was joined from fragments found in more than one tile.
    pub seam_merged: bool,
    /// Relative path of the lead's picture, e.g. `chips/ID.png`.
    pub chip: Option<String>,
    /// Further properties, written after the fixed ones in this order.
    pub extra: Map<String, Value>,
}

impl Lead {
    /// A lead with its geometry-derived fields filled in: `lon`/`lat` from a point guaranteed to
    /// lie on the geometry (inside it, for polygons), `area_m2` as the geodesic area on the WGS 84
    /// ellipsoid for polygons. Provenance is left empty.
    pub fn new(id: impl Into<String>, class: Class, score: f64, geometry: Geometry<f64>) -> Lead {
        let point = point_on(&geometry).unwrap_or(Point::new(f64::NAN, f64::NAN));
        let area_m2 = match &geometry {
            // Karney's method needs counter-clockwise outer rings and clockwise holes.
            Geometry::Polygon(p) => Some(p.orient(Direction::Default).geodesic_area_unsigned()),
            Geometry::MultiPolygon(mp) => {
                Some(mp.orient(Direction::Default).geodesic_area_unsigned())
            }
            _ => None,
        };
        Lead {
            id: id.into(),
            class,
            score,
            geometry,
            area_m2,
            lon: point.x(),
            lat: point.y(),
            source: None,
            acquired: None,
            gsd_m: None,
            model: None,
            model_sha256: None,
            tool_version: None,
            seam_merged: false,
            chip: None,
            extra: Map::new(),
        }
    }

    /// The lead's point (`lon`, `lat`).
    pub fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// All properties in the documented order ([`PROPERTY_ORDER`], then the extras); missing
    /// values are `null`, so every lead has the same fixed keys.
    pub fn properties(&self) -> Map<String, Value> {
        let fixed: [(&str, Value); 15] = [
            ("id", self.id.clone().into()),
            ("class", self.class.name().into()),
            ("class_zh", self.class.name_zh().into()),
            ("score", self.score.into()),
            ("area_m2", self.area_m2.map(round2).into()),
            ("lon", round7(self.lon).into()),
            ("lat", round7(self.lat).into()),
            ("source", self.source.clone().into()),
            ("acquired", self.acquired.clone().into()),
            ("gsd_m", self.gsd_m.into()),
            ("model", self.model.clone().into()),
            ("model_sha256", self.model_sha256.clone().into()),
            ("tool_version", self.tool_version.clone().into()),
            ("seam_merged", self.seam_merged.into()),
            ("chip", self.chip.clone().into()),
        ];
        let mut properties: Map<String, Value> =
            fixed.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        properties.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        properties
    }

    /// Builds a lead from a geometry and the properties read from a file. `fallback_id` (a
    /// GeoJSON feature's `id` member) is used when there is no `id` property; `lon`/`lat` are
    /// derived from the geometry when absent. Unknown properties become extras. The error says
    /// which property is wrong and why.
    pub fn from_properties(
        geometry: Geometry<f64>,
        mut properties: Map<String, Value>,
        fallback_id: Option<String>,
    ) -> Result<Lead, String> {
        let mut take = |key: &str| properties.remove(key).filter(|v| !v.is_null());
        let id = match take("id") {
            Some(value) => id_string(&value).ok_or("property 'id' must be a string or a number")?,
            None => fallback_id.ok_or("no 'id' property and no feature id")?,
        };
        let class = take("class")
            .ok_or("no 'class' property")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or("'class' must be a string")
            })?
            .parse::<Class>()
            .map_err(|e| e.to_string())?;
        let score = number(take("score"), "score")?.ok_or("no 'score' property")?;
        let area_m2 = number(take("area_m2"), "area_m2")?;
        let lon = number(take("lon"), "lon")?;
        let lat = number(take("lat"), "lat")?;
        let source = string(take("source"), "source")?;
        let acquired = string(take("acquired"), "acquired")?;
        let gsd_m = number(take("gsd_m"), "gsd_m")?;
        let model = string(take("model"), "model")?;
        let model_sha256 = string(take("model_sha256"), "model_sha256")?;
        let tool_version = string(take("tool_version"), "tool_version")?;
        let seam_merged = match take("seam_merged") {
            None => false,
            Some(v) => v.as_bool().ok_or("'seam_merged' must be true or false")?,
        };
        let chip = string(take("chip"), "chip")?;
        take("class_zh"); // derived from `class`
        let (lon, lat) = match (lon, lat) {
            (Some(lon), Some(lat)) => (lon, lat),
            (None, None) => {
                let p = point_on(&geometry).ok_or("empty geometry")?;
                (p.x(), p.y())
            }
            _ => return Err("'lon' and 'lat' must both be given or both be absent".into()),
        };
        let lead = Lead {
            id,
            class,
            score,
            geometry,
            area_m2,
            lon,
            lat,
            source,
            acquired,
            gsd_m,
            model,
            model_sha256,
            tool_version,
            seam_merged,
            chip,
            extra: properties,
        };
        lead.check()?;
        Ok(lead)
    }

    /// Checks what a writer relies on: a non-empty id, a score in 0..1, a Point, Polygon or
    /// MultiPolygon geometry with finite lon/lat coordinates in range, finite numbers, and no
    /// extra property that shadows a fixed one.
    pub fn check(&self) -> Result<(), String> {
        if self.id.is_empty() {
            return Err("empty id".into());
        }
        if !(0.0..=1.0).contains(&self.score) {
            return Err(format!("score {} is not between 0 and 1", self.score));
        }
        if !matches!(
            self.geometry,
            Geometry::Point(_) | Geometry::Polygon(_) | Geometry::MultiPolygon(_)
        ) {
            return Err("geometry must be a Point, Polygon or MultiPolygon".into());
        }
        let coords = geo::CoordsIter::coords_iter(&self.geometry)
            .chain(std::iter::once(geo::coord! { x: self.lon, y: self.lat }));
        if let Some(bad) = coords.into_iter().find(|c| !is_lon_lat(c.x, c.y)) {
            return Err(format!(
                "coordinate ({}, {}) is not a WGS 84 longitude/latitude",
                bad.x, bad.y
            ));
        }
        if self.area_m2.is_some_and(|a| !(a.is_finite() && a >= 0.0)) {
            return Err("area_m2 must be a finite number >= 0".into());
        }
        if self.gsd_m.is_some_and(|g| !(g.is_finite() && g > 0.0)) {
            return Err("gsd_m must be a finite number > 0".into());
        }
        if let Some(key) = self
            .extra
            .keys()
            .find(|k| PROPERTY_ORDER.contains(&k.as_str()))
        {
            return Err(format!("extra property '{key}' shadows a fixed property"));
        }
        Ok(())
    }
}

/// A point on the geometry (inside it, for polygons), `None` when it is empty.
fn point_on(geometry: &Geometry<f64>) -> Option<Point<f64>> {
    geometry.interior_point()
}

fn is_lon_lat(x: f64, y: f64) -> bool {
    (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)
}

/// Rounds an area in square metres to 2 decimals, as written to files.
fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Rounds a coordinate in degrees to 7 decimals (about 1 cm), as written to files.
pub(crate) fn round7(value: f64) -> f64 {
    (value * 1e7).round() / 1e7
}

fn id_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(value: Option<Value>, key: &str) -> Result<Option<f64>, String> {
    value
        .map(|v| {
            v.as_f64()
                .ok_or_else(|| format!("'{key}' must be a number, found {v}"))
        })
        .transpose()
}

fn string(value: Option<Value>, key: &str) -> Result<Option<String>, String> {
    value
        .map(|v| match v {
            Value::String(s) => Ok(s),
            other => Err(format!("'{key}' must be a string, found {other}")),
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, polygon};

    /// A concave (U-shaped) polygon whose centroid lies outside it.
    fn u_shape() -> Geometry<f64> {
        polygon![
            (x: 113.0, y: 40.0), (x: 113.003, y: 40.0), (x: 113.003, y: 40.003),
            (x: 113.002, y: 40.003), (x: 113.002, y: 40.001), (x: 113.001, y: 40.001),
            (x: 113.001, y: 40.003), (x: 113.0, y: 40.003),
        ]
        .into()
    }

    #[test]
    fn new_puts_the_point_inside_the_polygon_and_measures_its_area() {
        let lead = Lead::new("a", Class::DustSource, 0.8, u_shape());
        assert!(u_shape().contains(&lead.point()), "{:?}", lead.point());
        // 7 of 9 cells of 0.001 deg: about 85.3 m x 111.0 m each at 40 N.
        let area = lead.area_m2.unwrap();
        assert!((area - 7.0 * 85.4 * 111.0).abs() < 0.01 * area, "{area}");
    }

    #[test]
    fn points_have_no_area_and_are_their_own_point() {
        let lead = Lead::new(
            "o",
            Class::DischargeOutlet,
            0.5,
            Point::new(113.5, 40.1).into(),
        );
        assert_eq!(lead.area_m2, None);
        assert_eq!((lead.lon, lead.lat), (113.5, 40.1));
    }

    #[test]
    fn properties_come_in_the_documented_order_then_extras() {
        let mut lead = Lead::new("a", Class::CoalGanguePile, 0.9, u_shape());
        lead.extra.insert("grid_id".into(), "G1".into());
        lead.extra.insert("bank".into(), "left".into());
        let keys: Vec<String> = lead.properties().keys().cloned().collect();
        let mut expected: Vec<&str> = PROPERTY_ORDER.to_vec();
        expected.extend(["grid_id", "bank"]);
        assert_eq!(keys, expected);
        assert_eq!(lead.properties()["class_zh"], "煤矸石堆");
    }

    #[test]
    fn properties_round_trip_through_from_properties() {
        let mut lead = Lead::new("a", Class::CoalGanguePile, 0.9, u_shape());
        lead.source = Some("scene.tif".into());
        lead.gsd_m = Some(2.0);
        lead.seam_merged = true;
        lead.extra.insert("in_grid".into(), true.into());
        lead.lon = round7(lead.lon);
        lead.lat = round7(lead.lat);
        lead.area_m2 = lead.area_m2.map(round2);
        let back = Lead::from_properties(u_shape(), lead.properties(), None).unwrap();
        assert_eq!(back, lead);
    }

    #[test]
    fn from_properties_names_the_bad_property() {
        let mut props = Lead::new("a", Class::DustSource, 0.8, u_shape()).properties();
        props.insert("score".into(), "high".into());
        let err = Lead::from_properties(u_shape(), props.clone(), None).unwrap_err();
        assert!(err.contains("'score' must be a number"), "{err}");
        props.insert("score".into(), 1.5.into());
        let err = Lead::from_properties(u_shape(), props.clone(), None).unwrap_err();
        assert!(err.contains("not between 0 and 1"), "{err}");
        props.insert("class".into(), "river".into());
        let err = Lead::from_properties(u_shape(), props, None).unwrap_err();
        assert!(err.contains("unknown class 'river'"), "{err}");
    }

    #[test]
    fn check_rejects_projected_coordinates_and_shadowing_extras() {
        let mut lead = Lead::new(
            "a",
            Class::DischargeOutlet,
            0.5,
            Point::new(500000.0, 4400000.0).into(),
        );
        assert!(lead.check().unwrap_err().contains("not a WGS 84"));
        lead = Lead::new(
            "a",
            Class::DischargeOutlet,
            0.5,
            Point::new(113.0, 40.0).into(),
        );
        lead.extra.insert("score".into(), 1.into());
        assert!(lead.check().unwrap_err().contains("shadows"));
    }
}
