//! Per-class training targets for a window: masks for polygon classes, a heat map for outlets.

use std::path::PathBuf;

use gdal::DriverManager;
use gdal::raster::rasterize;
use gdal::vector::{Envelope, Geometry, OGRwkbGeometryType, geometry_type_flatten};
use geoscout_core::{Class, GeometryKind};
use ndarray::{Array3, Axis};

use crate::class_map::LabelRole;
use crate::grid::{PixelGrid, Window};
use crate::labels::Labels;
use crate::{Error, Result};

/// The value of a target pixel that is fully inside an object (targets are stored as `u8`,
/// target probability = value / 255).
pub const TARGET_FULL: u8 = 255;

/// Renders the targets of one raster's labels, window by window.
///
/// Channel `k` is [`Class::ALL`]`[k]`. Polygon classes get a mask (255 where a pixel's centre
/// lies inside a polygon, as GDAL's rasteriser decides); the point class gets a Gaussian heat map
/// with its peak at each outlet (255 x exp(-d² / 2σ²), the maximum where two overlap).
#[derive(Debug)]
pub struct TargetRenderer {
    label_path: PathBuf,
    grid: PixelGrid,
    polygons: Vec<Vec<Geometry>>,
    outlets: Vec<(f64, f64)>,
    negatives: Vec<Envelope>,
    sigma_px: f64,
}

impl TargetRenderer {
    /// Prepares the labels of a raster (already in its CRS) for rendering on its grid, with
    /// outlet heat maps of standard deviation `outlet_sigma_px` pixels.
    pub fn new(labels: &Labels, grid: PixelGrid, outlet_sigma_px: f64) -> TargetRenderer {
        let mut polygons = vec![Vec::new(); Class::ALL.len()];
        let mut outlets = Vec::new();
        let mut negatives = Vec::new();
        for label in &labels.items {
            match label.role {
                LabelRole::Target(class) if class.geometry_kind() == GeometryKind::Polygon => {
                    polygons[channel(class)].push(label.geometry.clone());
                }
                LabelRole::Target(_) => {
                    for (x, y) in points_of(&label.geometry) {
                        outlets.push(grid.to_pixel(x, y));
                    }
                }
                LabelRole::Negative => negatives.push(label.geometry.envelope()),
                LabelRole::Ignore => {}
            }
        }
        TargetRenderer {
            label_path: labels.path.clone(),
            grid,
            polygons,
            outlets,
            negatives,
            sigma_px: outlet_sigma_px,
        }
    }

    /// The targets of a window: `[classes, height, width]`, values 0..=255.
    pub fn render(&self, window: Window) -> Result<Array3<u8>> {
        let mut targets = Array3::zeros((Class::ALL.len(), window.height, window.width));
        self.burn_polygons(window, &mut targets)?;
        let outlet = channel(Class::DischargeOutlet);
        self.draw_heat_map(window, targets.index_axis_mut(Axis(0), outlet));
        Ok(targets)
    }

    /// The outlets in the raster's pixel coordinates (column, row; pixel corners at integers).
    pub fn outlets(&self) -> &[(f64, f64)] {
        &self.outlets
    }

    /// How many negative (confuser) labels overlap a window.
    pub fn negatives_in(&self, window: Window) -> usize {
        let [min_x, min_y, max_x, max_y] = self.grid.window_bounds(window);
        self.negatives
            .iter()
            .filter(|e| e.MinX < max_x && e.MaxX > min_x && e.MinY < max_y && e.MaxY > min_y)
            .count()
    }

    /// Burns each polygon class into its channel with GDAL's rasteriser on an in-memory raster
    /// that has the window's geotransform.
    fn burn_polygons(&self, window: Window, targets: &mut Array3<u8>) -> Result<()> {
        if self.polygons.iter().all(Vec::is_empty) {
            return Ok(());
        }
        let gdal_err = Error::gdal(&self.label_path);
        let result = (|| {
            let driver = DriverManager::get_driver_by_name("MEM")?;
            let mut dataset = driver.create_with_band_type::<u8, _>(
                "",
                window.width,
                window.height,
                Class::ALL.len(),
            )?;
            dataset.set_geo_transform(&self.grid.window_transform(window))?;
            for (k, geometries) in self.polygons.iter().enumerate() {
                if geometries.is_empty() {
                    continue;
                }
                let burn = vec![f64::from(TARGET_FULL); geometries.len()];
                rasterize(&mut dataset, &[k + 1], geometries, &burn, None)?;
                let band = dataset.rasterband(k + 1)?;
                let size = (window.width, window.height);
                let buffer = band.read_as::<u8>((0, 0), size, size, None)?;
                for (target, value) in targets
                    .index_axis_mut(Axis(0), k)
                    .iter_mut()
                    .zip(buffer.data())
                {
                    *target = *value;
                }
            }
            Ok(())
        })();
        result.map_err(gdal_err)
    }

    /// Draws the outlets' Gaussians into the outlet channel.
    fn draw_heat_map(&self, window: Window, mut channel: ndarray::ArrayViewMut2<u8>) {
        let reach = (4.0 * self.sigma_px).ceil();
        let two_var = 2.0 * self.sigma_px * self.sigma_px;
        for &(col, row) in &self.outlets {
            // The outlet in window pixel coordinates.
            let (x, y) = (col - window.col as f64, row - window.row as f64);
            let c0 = (x - reach).floor().max(0.0) as usize;
            let r0 = (y - reach).floor().max(0.0) as usize;
            let c1 = ((x + reach).ceil().max(0.0) as usize).min(window.width);
            let r1 = ((y + reach).ceil().max(0.0) as usize).min(window.height);
            for r in r0..r1 {
                for c in c0..c1 {
                    let (dx, dy) = (c as f64 + 0.5 - x, r as f64 + 0.5 - y);
                    let value = f64::from(TARGET_FULL) * (-(dx * dx + dy * dy) / two_var).exp();
                    let value = value.round() as u8;
                    let pixel = &mut channel[[r, c]];
                    *pixel = (*pixel).max(value);
                }
            }
        }
    }
}

/// The target channel of a class.
pub fn channel(class: Class) -> usize {
    Class::ALL
        .iter()
        .position(|&c| c == class)
        .expect("every class is in Class::ALL")
}

/// The coordinates of a point or of each point of a multipoint.
fn points_of(geometry: &Geometry) -> Vec<(f64, f64)> {
    if geometry_type_flatten(geometry.geometry_type()) == OGRwkbGeometryType::wkbPoint {
        let (x, y, _) = geometry.get_point(0);
        return vec![(x, y)];
    }
    (0..geometry.geometry_count())
        .flat_map(|i| points_of(&geometry.get_geometry(i)))
        .collect()
}
