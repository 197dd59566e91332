//! The metric CRS a scene is compared in: the projected CRS of the scene's raster when there is
//! one, else the UTM zone (WGS 84) of the scene's centre.

use std::path::Path;

use gdal::Dataset;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::ToGdal;
use geo::{BoundingRect, Geometry};
use serde::Serialize;

use crate::{Error, Result};

/// Where a scene's metric CRS came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrsOrigin {
    /// The projected CRS of the scene's raster.
    Raster,
    /// The UTM zone of the scene's centre (no raster beside the truth, or not projected).
    Utm,
}

/// A metric CRS and the transform into it from WGS 84 longitude/latitude.
pub(crate) struct LocalCrs {
    /// `EPSG:N`, or the CRS's name when it has no EPSG code.
    pub(crate) name: String,
    pub(crate) origin: CrsOrigin,
    to_local: CoordTransform,
}

/// What the scene's raster says: its CRS when projected, and its pixel size in metres.
pub(crate) struct RasterFacts {
    pub(crate) crs: Option<LocalCrs>,
    pub(crate) gsd_m: Option<f64>,
}

impl LocalCrs {
    /// The CRS and pixel size of the raster at `path`.
    pub(crate) fn from_raster(path: &Path) -> Result<RasterFacts> {
        let gdal_error = |what: &str| {
            let what = what.to_string();
            move |source| Error::Gdal {
                path: path.to_path_buf(),
                what,
                source,
            }
        };
        let dataset = Dataset::open(path).map_err(gdal_error("open raster"))?;
        let Ok(srs) = dataset.spatial_ref() else {
            return Ok(RasterFacts {
                crs: None,
                gsd_m: None,
            });
        };
        if !srs.is_projected() {
            return Ok(RasterFacts {
                crs: None,
                gsd_m: None,
            });
        }
        let gsd_m = dataset
            .geo_transform()
            .ok()
            .map(|gt| gt[1].abs() * srs.linear_units());
        let crs = LocalCrs::new(srs, CrsOrigin::Raster).map_err(gdal_error("reproject"))?;
        Ok(RasterFacts {
            crs: Some(crs),
            gsd_m,
        })
    }

    /// WGS 84 / UTM zone of the centre of `geometries` (lon/lat), north or south.
    pub(crate) fn utm_for<'a>(
        geometries: impl Iterator<Item = &'a Geometry<f64>>,
    ) -> Option<gdal::errors::Result<LocalCrs>> {
        let collection = geo::GeometryCollection(geometries.cloned().collect());
        let centre = collection.bounding_rect()?.center();
        let zone = (((centre.x + 180.0) / 6.0).floor() as i64).clamp(0, 59) as u32 + 1;
        let epsg = if centre.y >= 0.0 { 32600 } else { 32700 } + zone;
        Some(SpatialRef::from_epsg(epsg).and_then(|srs| LocalCrs::new(srs, CrsOrigin::Utm)))
    }

    fn new(mut srs: SpatialRef, origin: CrsOrigin) -> gdal::errors::Result<LocalCrs> {
        srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let mut wgs84 = SpatialRef::from_epsg(4326)?;
        wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let name = match (srs.auth_name(), srs.auth_code()) {
            (Some(authority), Ok(code)) => format!("{authority}:{code}"),
            _ => srs.name().unwrap_or_else(|| "unnamed CRS".into()),
        };
        Ok(LocalCrs {
            name,
            origin,
            to_local: CoordTransform::new(&wgs84, &srs)?,
        })
    }

    /// `geometry` (WGS 84 lon/lat) in this CRS.
    pub(crate) fn project(&self, geometry: &Geometry<f64>) -> gdal::errors::Result<Geometry<f64>> {
        geometry.to_gdal()?.transform(&self.to_local)?.to_geo()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    #[test]
    fn datong_is_in_utm_zone_49_north() {
        let points: Vec<Geometry<f64>> = vec![
            Point::new(113.2, 40.0).into(),
            Point::new(113.4, 40.2).into(),
        ];
        let crs = LocalCrs::utm_for(points.iter()).unwrap().unwrap();
        assert_eq!(crs.name, "EPSG:32649");
        // 111 E is the central meridian: 500 km false easting; northing = 0.9996 x the meridian arc
        // to 40 N (4 429 529 m).
        let Geometry::Point(p) = crs.project(&Point::new(111.0, 40.0).into()).unwrap() else {
            panic!()
        };
        assert!(
            (p.x() - 500_000.0).abs() < 1e-3 && (p.y() - 4_427_757.2).abs() < 0.1,
            "{p:?}"
        );
        assert!(LocalCrs::utm_for(std::iter::empty()).is_none());
    }
}
