//! The metric coordinate reference system in which cells, leads and rivers are compared, and
//! reprojection of geo geometries with GDAL.
//!
//! All spatial references here use the traditional GIS axis order (x = easting or longitude,
//! y = northing or latitude), whatever the EPSG definition says.

use std::cell::{Cell, RefCell};

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::{BoundingRect, Coord, Geometry, MapCoordsInPlace};

/// EPSG code of WGS 84 longitude/latitude, the CRS of leads.
pub const WGS84: u32 = 4326;

/// A projected CRS in metres, named by its EPSG code, in which all distances and areas are
/// measured and all geometric tests are made.
///
/// [`MetricCrs::for_longitude`] picks one for a region: the CGCS2000 3-degree Gauss-Kruger zone
/// (EPSG:4534 to 4554, central meridians 75E to 135E; Datong gets EPSG:4547, CM 114E, the CRS the
/// bureau uses) when the longitude falls in China's range, else the WGS 84 UTM zone. Within a
/// 3-degree zone the scale error is below 0.03 %, so lengths and areas are good to that.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MetricCrs {
    epsg: u32,
}

impl MetricCrs {
    /// The CRS with the given EPSG code. [`MetricCrs::spatial_ref`] checks that it is projected
    /// and in metres.
    pub fn from_epsg(epsg: u32) -> MetricCrs {
        MetricCrs { epsg }
    }

    /// The CRS picked for data centred on `lon` (degrees east) and `lat` (degrees north): the
    /// CGCS2000 3-degree Gauss-Kruger zone whose central meridian is nearest, for central
    /// meridians 75E to 135E, else the WGS 84 UTM zone (north or south by `lat`).
    pub fn for_longitude(lon: f64, lat: f64) -> MetricCrs {
        let central_meridian = (lon / 3.0).round() * 3.0;
        if (75.0..=135.0).contains(&central_meridian) && lat >= 0.0 {
            return MetricCrs::from_epsg(4534 + ((central_meridian - 75.0) / 3.0) as u32);
        }
        let zone = (((lon + 180.0) / 6.0).floor() as i64).clamp(0, 59) as u32 + 1;
        MetricCrs::from_epsg(if lat >= 0.0 { 32600 } else { 32700 } + zone)
    }

    /// The EPSG code.
    pub fn epsg(&self) -> u32 {
        self.epsg
    }

    /// The spatial reference, traditional GIS axis order. An error when the code is unknown or
    /// the CRS is not projected in metres.
    pub fn spatial_ref(&self) -> Result<SpatialRef, String> {
        let srs = spatial_ref_from_epsg(self.epsg)
            .map_err(|e| format!("EPSG:{} is not a CRS GDAL knows: {e}", self.epsg))?;
        if !srs.is_projected() || (srs.linear_units() - 1.0).abs() > 1e-12 {
            return Err(format!(
                "EPSG:{} is not a projected CRS in metres; choose one such as EPSG:4547 or a UTM zone",
                self.epsg
            ));
        }
        Ok(srs)
    }
}

impl std::fmt::Display for MetricCrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EPSG:{}", self.epsg)
    }
}

/// The spatial reference of an EPSG code, traditional GIS axis order.
pub fn spatial_ref_from_epsg(epsg: u32) -> gdal::errors::Result<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(epsg)?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// The metric CRS for geometries in `srs`: picked from the centre of their bounding box in
/// WGS 84.
pub(crate) fn metric_crs_for(
    srs: &SpatialRef,
    geometries: &[Geometry<f64>],
) -> gdal::errors::Result<MetricCrs> {
    let rects = geometries.iter().filter_map(|g| g.bounding_rect());
    let Some(rect) = rects.reduce(|a, b| {
        geo::Rect::new(
            geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
            geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
        )
    }) else {
        return Ok(MetricCrs::from_epsg(32650));
    };
    let mut centre = [rect.center()];
    Reprojector::new(srs, &spatial_ref_from_epsg(WGS84)?)?.coords(&mut centre)?;
    Ok(MetricCrs::for_longitude(centre[0].x, centre[0].y))
}

/// Reprojects coordinates and geo geometries from one CRS to another with GDAL (PROJ), in the
/// traditional GIS axis order.
///
/// GDAL coordinate transformations are not thread-safe: a `Reprojector` stays on the thread
/// that made it.
pub struct Reprojector {
    transform: CoordTransform,
}

impl Reprojector {
    /// A reprojector from `source` to `target`. The axis order of both is set to the
    /// traditional GIS order first.
    pub fn new(source: &SpatialRef, target: &SpatialRef) -> gdal::errors::Result<Reprojector> {
        let mut source = source.clone();
        let mut target = target.clone();
        source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(Reprojector {
            transform: CoordTransform::new(&source, &target)?,
        })
    }

    /// Reprojects `coords` in place, all in one call to PROJ. An error when any of them cannot
    /// be reprojected.
    pub fn coords(&self, coords: &mut [Coord<f64>]) -> gdal::errors::Result<()> {
        if coords.is_empty() {
            return Ok(());
        }
        let mut xs: Vec<f64> = coords.iter().map(|c| c.x).collect();
        let mut ys: Vec<f64> = coords.iter().map(|c| c.y).collect();
        self.transform.transform_coords(&mut xs, &mut ys, &mut [])?;
        for ((c, x), y) in coords.iter_mut().zip(xs).zip(ys) {
            *c = Coord { x, y };
        }
        Ok(())
    }

    /// Reprojects every coordinate of `geometry` in place.
    pub fn geometry(&self, geometry: &mut Geometry<f64>) -> gdal::errors::Result<()> {
        self.geometries(std::slice::from_mut(geometry))
    }

    /// Reprojects every coordinate of all `geometries` in place, in one call to PROJ.
    pub fn geometries(&self, geometries: &mut [Geometry<f64>]) -> gdal::errors::Result<()> {
        // `map_coords_in_place` takes a `Fn + Copy` closure: shared cells carry the state.
        let collected = RefCell::new(Vec::new());
        for geometry in geometries.iter_mut() {
            geometry.map_coords_in_place(|c| {
                collected.borrow_mut().push(c);
                c
            });
        }
        let mut coords = collected.into_inner();
        self.coords(&mut coords)?;
        // The same traversal as above, so the coordinates come back in the same order.
        let (coords, next) = (&coords, Cell::new(0));
        for geometry in geometries.iter_mut() {
            geometry.map_coords_in_place(|_| {
                next.set(next.get() + 1);
                coords[next.get() - 1]
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datong_gets_cgcs2000_gauss_kruger_cm_114e() {
        assert_eq!(MetricCrs::for_longitude(113.57, 39.9).epsg(), 4547);
        assert_eq!(MetricCrs::for_longitude(112.4, 39.9).epsg(), 4546);
    }

    #[test]
    fn outside_china_the_utm_zone_is_used() {
        assert_eq!(MetricCrs::for_longitude(-104.8, 38.9).epsg(), 32613);
        assert_eq!(MetricCrs::for_longitude(115.2, -8.6).epsg(), 32750);
    }

    #[test]
    fn geographic_crs_is_refused_as_metric() {
        let err = MetricCrs::from_epsg(4326).spatial_ref().unwrap_err();
        assert!(err.contains("not a projected CRS in metres"), "{err}");
        assert!(MetricCrs::from_epsg(4547).spatial_ref().is_ok());
    }

    #[test]
    fn reprojection_uses_longitude_latitude_order_and_round_trips() {
        let wgs84 = spatial_ref_from_epsg(WGS84).unwrap();
        let gk = MetricCrs::from_epsg(4547).spatial_ref().unwrap();
        let forward = Reprojector::new(&wgs84, &gk).unwrap();
        let back = Reprojector::new(&gk, &wgs84).unwrap();
        // On the central meridian the easting is the false easting, 500 km.
        let mut c = [Coord { x: 114.0, y: 40.0 }];
        forward.coords(&mut c).unwrap();
        assert!((c[0].x - 500_000.0).abs() < 1e-6, "{:?}", c[0]);
        assert!((c[0].y - 4_429_000.0).abs() < 2_000.0, "{:?}", c[0]);
        let mut g: Geometry<f64> = geo::point!(x: 113.5, y: 39.9).into();
        forward.geometry(&mut g).unwrap();
        back.geometry(&mut g).unwrap();
        let Geometry::Point(p) = g else {
            unreachable!()
        };
        assert!(
            (p.x() - 113.5).abs() < 1e-9 && (p.y() - 39.9).abs() < 1e-9,
            "{p:?}"
        );
    }
}
