//! Georeferencing: pixel coordinates to the raster's CRS (through the geotransform, or a fit to the
//! ground control points) and the raster's CRS to WGS 84 longitude/latitude.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::{Coord, Distance, Geodesic, MultiPolygon, Point};

use crate::error::gdal_message;
use crate::polynomial::Polynomial;
use crate::{Error, PixelRect, RasterInfo, Result};

/// How pixel coordinates map to the raster's CRS, in both directions.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PixelTransform {
    /// A GDAL geotransform (rotation and shear terms included) and its inverse.
    Affine {
        forward: [f64; 6],
        inverse: [f64; 6],
    },
    /// Least-squares polynomials fitted to ground control points, one per direction.
    Gcps {
        forward: Polynomial,
        inverse: Polynomial,
    },
}

impl PixelTransform {
    /// The transform of a geotransform; `None` when it cannot be inverted (a zero pixel size).
    pub(crate) fn affine(gt: [f64; 6]) -> Option<Self> {
        let det = gt[1] * gt[5] - gt[2] * gt[4];
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let (a, b, d, e) = (gt[5] / det, -gt[2] / det, -gt[4] / det, gt[1] / det);
        let inverse = [
            -(a * gt[0] + b * gt[3]),
            a,
            b,
            -(d * gt[0] + e * gt[3]),
            d,
            e,
        ];
        Some(PixelTransform::Affine {
            forward: gt,
            inverse,
        })
    }

    /// Fits polynomials to `(pixel, line)` -> `(x, y)` control points: order 2 from 10 points on,
    /// affine from 3. Returns the transform and the RMS residual of the control points in pixels.
    pub(crate) fn fit_gcps(
        pixels: &[[f64; 2]],
        crs: &[[f64; 2]],
    ) -> std::result::Result<(Self, usize, f64), String> {
        let order = match pixels.len() {
            0..=2 => return Err(format!("{} GCPs, at least 3 are needed", pixels.len())),
            3..=9 => 1,
            _ => 2,
        };
        let collinear = || "the GCPs lie on a line".to_string();
        let forward = Polynomial::fit(pixels, crs, order).ok_or_else(collinear)?;
        let inverse = Polynomial::fit(crs, pixels, order).ok_or_else(collinear)?;
        let squared: f64 = crs
            .iter()
            .zip(pixels)
            .map(|(c, p)| {
                let (px, py) = inverse.apply(c[0], c[1]);
                (px - p[0]).powi(2) + (py - p[1]).powi(2)
            })
            .sum();
        let rms = (squared / pixels.len() as f64).sqrt();
        Ok((PixelTransform::Gcps { forward, inverse }, order, rms))
    }

    fn forward(&self, x: f64, y: f64) -> (f64, f64) {
        match self {
            PixelTransform::Affine { forward, .. } => apply_affine(forward, x, y),
            PixelTransform::Gcps { forward, .. } => forward.apply(x, y),
        }
    }

    fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        match self {
            PixelTransform::Affine { inverse, .. } => apply_affine(inverse, x, y),
            PixelTransform::Gcps { inverse, .. } => inverse.apply(x, y),
        }
    }
}

fn apply_affine(gt: &[f64; 6], x: f64, y: f64) -> (f64, f64) {
    (gt[0] + x * gt[1] + y * gt[2], gt[3] + x * gt[4] + y * gt[5])
}

/// Places a raster's pixels on the Earth: pixel `(x, y)` (column, row; `(0, 0)` is the top-left
/// corner of the top-left pixel, `(0.5, 0.5)` its centre) to the raster's CRS and to WGS 84
/// longitude/latitude (degrees, longitude first), and back.
///
/// Pixel to CRS goes through the geotransform (rotation terms included) or, for rasters that only
/// carry ground control points, through a least-squares polynomial fitted to them (order 2 from 10
/// GCPs on, affine below). CRS to WGS 84 is GDAL's `CoordTransform` with the traditional GIS axis
/// order on both sides.
///
/// A `Georef` holds GDAL coordinate transformations, which may not cross threads: build one per
/// thread with [`Georef::new`] from a shared [`RasterInfo`] (which is `Send + Sync`).
///
/// ```no_run
/// # fn main() -> geoscout_raster::Result<()> {
/// let raster = geoscout_raster::Raster::open("scene.tif")?;
/// let georef = geoscout_raster::Georef::new(raster.info())?;
/// let centre = georef.pixel_to_lonlat(geo::Coord { x: 0.5, y: 0.5 })?;
/// println!("the top-left pixel's centre is at {:.6}, {:.6}", centre.x, centre.y);
/// # Ok(())
/// # }
/// ```
pub struct Georef {
    path: PathBuf,
    pixel: PixelTransform,
    to_wgs84: CoordTransform,
    from_wgs84: CoordTransform,
}

impl std::fmt::Debug for Georef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Georef")
            .field("path", &self.path)
            .field("pixel", &self.pixel)
            .finish_non_exhaustive()
    }
}

impl Georef {
    /// The georeferencing of a described raster; fails when it has no geotransform or GCPs, no
    /// CRS, or a CRS that PROJ cannot relate to WGS 84.
    pub fn new(info: &RasterInfo) -> Result<Self> {
        let path = info.path.as_path();
        let pixel = info
            .pixel_transform
            .clone()
            .ok_or_else(|| Error::NoGeoreferencing {
                path: path.to_path_buf(),
            })?;
        let crs = info.crs.as_ref().ok_or_else(|| Error::NoCrs {
            path: path.to_path_buf(),
        })?;
        let srs = SpatialRef::from_wkt(&crs.wkt)
            .map_err(|e| Error::gdal(path, "cannot read its CRS", &e))?;
        Self::from_srs(path, pixel, &srs)
    }

    pub(crate) fn from_srs(path: &Path, pixel: PixelTransform, srs: &SpatialRef) -> Result<Self> {
        let what = "cannot relate its CRS to WGS 84";
        let crs = traditional_order(srs.clone());
        let wgs84 = traditional_order(
            SpatialRef::from_epsg(4326).map_err(|e| Error::gdal(path, what, &e))?,
        );
        Ok(Georef {
            path: path.to_path_buf(),
            pixel,
            to_wgs84: CoordTransform::new(&crs, &wgs84).map_err(|e| Error::gdal(path, what, &e))?,
            from_wgs84: CoordTransform::new(&wgs84, &crs)
                .map_err(|e| Error::gdal(path, what, &e))?,
        })
    }

    /// Pixel coordinates to the raster's CRS.
    pub fn pixel_to_crs(&self, pixel: Coord) -> Coord {
        let (x, y) = self.pixel.forward(pixel.x, pixel.y);
        Coord { x, y }
    }

    /// CRS coordinates to pixel coordinates.
    pub fn crs_to_pixel(&self, crs: Coord) -> Coord {
        let (x, y) = self.pixel.inverse(crs.x, crs.y);
        Coord { x, y }
    }

    /// CRS coordinates to WGS 84 longitude/latitude.
    pub fn crs_to_lonlat(&self, crs: Coord) -> Result<Coord> {
        self.transform(&self.to_wgs84, crs, "to WGS 84")
    }

    /// WGS 84 longitude/latitude to CRS coordinates.
    pub fn lonlat_to_crs(&self, lonlat: Coord) -> Result<Coord> {
        self.transform(&self.from_wgs84, lonlat, "from WGS 84")
    }

    /// Pixel coordinates to WGS 84 longitude/latitude.
    pub fn pixel_to_lonlat(&self, pixel: Coord) -> Result<Coord> {
        self.crs_to_lonlat(self.pixel_to_crs(pixel))
    }

    /// WGS 84 longitude/latitude to pixel coordinates.
    pub fn lonlat_to_pixel(&self, lonlat: Coord) -> Result<Coord> {
        Ok(self.crs_to_pixel(self.lonlat_to_crs(lonlat)?))
    }

    /// Many pixel coordinates to WGS 84 longitude/latitude in one GDAL call (for outlines).
    pub fn pixels_to_lonlat(&self, pixels: &[Coord]) -> Result<Vec<Coord>> {
        self.try_pixels_to_lonlat(pixels)
            .into_iter()
            .zip(pixels)
            .map(|(lonlat, pixel)| match lonlat {
                Some(lonlat) => Ok(lonlat),
                None => self.pixel_to_lonlat(*pixel),
            })
            .collect()
    }

    /// Like [`Georef::pixels_to_lonlat`], with `None` for each point that has no longitude/latitude
    /// (off the Earth's disc in a geostationary view, outside a projection's domain).
    pub fn try_pixels_to_lonlat(&self, pixels: &[Coord]) -> Vec<Option<Coord>> {
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = pixels
            .iter()
            .map(|&p| {
                let crs = self.pixel_to_crs(p);
                (crs.x, crs.y)
            })
            .unzip();
        // On failure GDAL still transforms every point it can and sets the others to HUGE_VAL.
        let _ = self.to_wgs84.transform_coords(&mut xs, &mut ys, &mut []);
        xs.into_iter()
            .zip(ys)
            .map(|(x, y)| lonlat_or_none(x, y))
            .collect()
    }

    /// The outline of a pixel rectangle in WGS 84 as RFC 7946 wants it: counter-clockwise, split
    /// at the antimeridian, traced through 9 points per edge. Where part of the rectangle has no
    /// longitude/latitude (a geostationary view past the Earth's limb) it is the convex hull of
    /// the points of a 9 x 9 grid over the rectangle that have one; `None` when none has.
    pub fn outline(&self, rect: PixelRect) -> Option<MultiPolygon> {
        crate::footprint::outline(self, rect, crate::footprint::TILE_SAMPLES)
    }

    /// Ground sample distance in metres at pixel `at`: the mean of the geodesic lengths (on the
    /// WGS 84 ellipsoid) of the pixel's two sides. `None` where the pixel has no longitude/latitude.
    pub fn gsd_m(&self, at: Coord) -> Option<f64> {
        let corners = [
            at,
            at + Coord { x: 1.0, y: 0.0 },
            at + Coord { x: 0.0, y: 1.0 },
        ];
        let lonlat = self.try_pixels_to_lonlat(&corners);
        let [Some(origin), Some(right), Some(down)] = lonlat[..] else {
            return None;
        };
        let side = |c: Coord| Geodesic.distance(Point::from(origin), Point::from(c));
        Some((side(right) + side(down)) / 2.0)
    }

    fn transform(&self, ct: &CoordTransform, c: Coord, direction: &'static str) -> Result<Coord> {
        let (mut x, mut y) = ([c.x], [c.y]);
        let failure = |message: String| Error::Transform {
            path: self.path.clone(),
            x: c.x,
            y: c.y,
            direction,
            message,
        };
        ct.transform_coords(&mut x, &mut y, &mut [])
            .map_err(|e| failure(gdal_message(&e)))?;
        if x[0].is_finite() && y[0].is_finite() {
            Ok(Coord { x: x[0], y: y[0] })
        } else {
            Err(failure("no such point".into()))
        }
    }
}

fn lonlat_or_none(x: f64, y: f64) -> Option<Coord> {
    (x.is_finite() && y.is_finite() && y.abs() <= 90.0 + 1e-9).then_some(Coord { x, y })
}

fn traditional_order(mut srs: SpatialRef) -> SpatialRef {
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    srs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_geotransform_inverts() {
        let gt = [100.0, 17.320508, 5.0, 200.0, 10.0, -8.660254];
        let transform = PixelTransform::affine(gt).unwrap();
        let (x, y) = transform.forward(10.0, 15.0);
        assert!((x - (100.0 + 173.20508 + 75.0)).abs() < 1e-9);
        assert!((y - (200.0 + 100.0 - 129.90381)).abs() < 1e-9);
        let (px, py) = transform.inverse(x, y);
        assert!((px - 10.0).abs() < 1e-9 && (py - 15.0).abs() < 1e-9);
    }

    #[test]
    fn a_degenerate_geotransform_is_refused() {
        assert!(PixelTransform::affine([0.0, 0.0, 0.0, 0.0, 0.0, -1.0]).is_none());
    }

    #[test]
    fn gcp_fits_need_three_points() {
        let err = PixelTransform::fit_gcps(&[[0.0, 0.0]; 2], &[[0.0, 0.0]; 2]).unwrap_err();
        assert!(err.contains("at least 3"));
    }
}
