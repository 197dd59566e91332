//! The merged objects the vectorize stage hands on.

use geo::{Coord, Geometry};
use geoscout_core::Class;

use crate::stats::Pixel;

/// An object: the pixels of one class that are 4-connected across the whole raster, whatever
/// tiles they were found in.
///
/// Every field depends only on the raster's probabilities, the rules and the merge options,
/// never on the tiling, the order in which tiles were merged or the thread count (apart from
/// `tiles` and `seam_merged`, which say how the object was cut).
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// The object's class.
    pub class: Class,
    /// In global pixel coordinates (pixel `(x, y)` covers `x..x+1`, `y..y+1`): a
    /// [`Polygon`](geo::Polygon) for polygon classes (the exact pixel-edge outline, or its
    /// simplification; orientation as described in the crate docs), a [`Point`](geo::Point)
    /// at `centroid` for point classes.
    pub geometry: Geometry<f64>,
    /// The number of pixels at or above the threshold.
    pub pixels: u64,
    /// The mean probability of the pixels, in 0..=1 (probabilities quantised to 1/255).
    pub score: f64,
    /// The highest probability of the pixels.
    pub max_score: f64,
    /// The probability-weighted centre of the pixels, in pixel coordinates.
    pub centroid: Coord<f64>,
    /// The pixel with the highest probability (the first in row-major order on a tie).
    pub peak: Pixel,
    /// The object's first pixel in row-major order: with the class, a stable key for ids.
    pub anchor: Pixel,
    /// Whether the object was joined from fragments of two or more tiles.
    pub seam_merged: bool,
    /// The ids of the tiles the object was found in, ascending.
    pub tiles: Vec<usize>,
}
