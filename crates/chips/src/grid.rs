//! The pixel grid of a raster: its size and the affine map between pixels and its CRS.

use gdal::{GeoTransform, GeoTransformEx};

/// A window of pixels: column and row of its top-left corner, width and height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Column of the first pixel.
    pub col: usize,
    /// Row of the first pixel.
    pub row: usize,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
}

/// A raster's grid: size in pixels and geotransform (and its inverse).
#[derive(Clone, Debug)]
pub struct PixelGrid {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    geo_transform: GeoTransform,
    inverse: GeoTransform,
}

impl PixelGrid {
    /// A grid from its size and geotransform; `None` when the geotransform is singular.
    pub fn new(width: usize, height: usize, geo_transform: GeoTransform) -> Option<PixelGrid> {
        let inverse = geo_transform.invert().ok()?;
        Some(PixelGrid {
            width,
            height,
            geo_transform,
            inverse,
        })
    }

    /// The ground sample distance: the side of a square with the area of one pixel, in CRS units.
    pub fn gsd(&self) -> f64 {
        let [_, a, b, _, d, e] = self.geo_transform;
        (a * e - b * d).abs().sqrt()
    }

    /// Pixel coordinates (column, row; continuous, pixel corners at integers) of a CRS position.
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        self.inverse.apply(x, y)
    }

    /// The CRS position of pixel coordinates.
    pub fn to_crs(&self, col: f64, row: f64) -> (f64, f64) {
        self.geo_transform.apply(col, row)
    }

    /// The geotransform of a window of this grid.
    pub fn window_transform(&self, window: Window) -> GeoTransform {
        let (x, y) = self.to_crs(window.col as f64, window.row as f64);
        let [_, a, b, _, d, e] = self.geo_transform;
        [x, a, b, y, d, e]
    }

    /// The whole grid as a window.
    pub fn whole(&self) -> Window {
        Window {
            col: 0,
            row: 0,
            width: self.width,
            height: self.height,
        }
    }

    /// The bounding box (min x, min y, max x, max y) of a window in CRS units.
    pub fn window_bounds(&self, window: Window) -> [f64; 4] {
        let corners = [
            (window.col, window.row),
            (window.col + window.width, window.row),
            (window.col, window.row + window.height),
            (window.col + window.width, window.row + window.height),
        ]
        .map(|(c, r)| self.to_crs(c as f64, r as f64));
        let mut bounds = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for (x, y) in corners {
            bounds = [
                bounds[0].min(x),
                bounds[1].min(y),
                bounds[2].max(x),
                bounds[3].max(y),
            ];
        }
        bounds
    }
}

/// Windows of `size` pixels every `stride` pixels covering `extent` pixels; the last window is
/// moved back to end at the edge, so that the whole extent is covered. Empty when the extent is
/// smaller than one window.
pub(crate) fn window_starts(extent: usize, size: usize, stride: usize) -> Vec<usize> {
    if extent < size {
        return Vec::new();
    }
    let last = extent - size;
    let mut starts: Vec<usize> = (0..=last).step_by(stride).collect();
    if starts.last() != Some(&last) {
        starts.push(last);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_extent_and_end_at_the_edge() {
        assert_eq!(window_starts(1000, 256, 256), vec![0, 256, 512, 744]);
        assert_eq!(window_starts(512, 256, 256), vec![0, 256]);
        assert_eq!(window_starts(256, 256, 128), vec![0]);
        assert_eq!(window_starts(200, 256, 128), Vec::<usize>::new());
    }

    #[test]
    fn pixels_and_crs_round_trip() {
        let grid = PixelGrid::new(100, 50, [500_000.0, 2.0, 0.0, 4_400_000.0, 0.0, -2.0]).unwrap();
        assert_eq!(grid.gsd(), 2.0);
        assert_eq!(grid.to_pixel(500_010.0, 4_399_990.0), (5.0, 5.0));
        let window = Window {
            col: 10,
            row: 20,
            width: 5,
            height: 5,
        };
        assert_eq!(
            grid.window_transform(window),
            [500_020.0, 2.0, 0.0, 4_399_960.0, 0.0, -2.0]
        );
        assert_eq!(
            grid.window_bounds(window),
            [500_020.0, 4_399_950.0, 500_030.0, 4_399_960.0]
        );
    }
}
