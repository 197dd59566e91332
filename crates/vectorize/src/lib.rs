//! Vectorize stage of geoscout: per-class probability tiles become polygons and points,
//! joined across tile seams into objects.
//!
//! A raster is cut into tile cores. For each core, [`vectorize_tile`] thresholds the model's
//! probabilities of each class ([`ClassRule`]) and groups the pixels at or above the threshold
//! into 4-connected fragments. A [`Merger`] takes the [`TileFragments`] of every core, in any
//! order, and [`Merger::finish`] joins the fragments whose pixels are edge neighbours across
//! core edges into [`Object`]s.
//!
//! The objects are exactly those of labelling the whole raster at once ([`vectorize_whole`]):
//! the same pixels, the same outline, the same scores, whatever the tiling, the order of the
//! tiles or the thread count. To make that hold:
//! - statistics are exact integers (probabilities quantised to 1/255 before summing);
//! - outlines are traced from the object's pixels in global coordinates after merging, so
//!   there is never a cut line along a core edge;
//! - objects are sorted by class and then by their first pixel in row-major order.
//!
//! # Geometry
//! Coordinates are global pixel coordinates: column `x`, row `y`, pixel `(x, y)` covering
//! `x..x+1` and `y..y+1`. Polygon objects are one [`geo::Polygon`] (4-connected pixels make
//! one piece): vertices on pixel corners, no collinear vertices, area equal to the pixel count
//! (before hole filling or simplification), valid by OGC rules (a hole touching the exterior
//! or another hole at a corner is its own ring). The exterior ring runs counter-clockwise as
//! seen on the image (rows growing downwards), holes clockwise, so that after a north-up
//! geotransform exteriors are counter-clockwise as RFC 7946 asks; in the raw `(x, y)`
//! numbers the exterior's signed area is negative. Point objects (outlets) are a
//! [`geo::Point`] at the probability-weighted centre of the object's pixels; the peak pixel is
//! given too.
//!
//! # Example
//! ```
//! use geoscout_core::Class;
//! use geoscout_vectorize::{ClassRule, MergeOptions, Merger, TileCore, vectorize_tile};
//! use ndarray::{Array3, Axis, Slice};
//!
//! // One dust source of 2 x 4 pixels across the seam of two 4 x 4 cores.
//! let probs = Array3::from_shape_fn((1, 4, 8), |(_, y, x)| {
//!     if (1..3).contains(&y) && (2..6).contains(&x) { 0.9f32 } else { 0.1 }
//! });
//! let rules = [ClassRule { class: Class::DustSource, channel: 0, threshold: 0.5 }];
//! let mut merger = Merger::new();
//! for (id, x0) in [(1, 4), (0, 0)] {
//!     let core = TileCore { id, x0, y0: 0 };
//!     let core_probs = probs.slice_axis(Axis(2), Slice::from(x0..x0 + 4));
//!     merger.add(vectorize_tile(core, core_probs, &rules)?)?;
//! }
//! let objects = merger.finish(&MergeOptions::default())?;
//! assert_eq!(objects.len(), 1);
//! assert_eq!((objects[0].pixels, objects[0].seam_merged), (8, true));
//! assert_eq!(objects[0].tiles, [0, 1]);
//! # Ok::<(), geoscout_vectorize::Error>(())
//! ```
#![deny(missing_docs)]

mod error;
mod label;
mod merge;
mod object;
mod outline;
mod seam;
mod simplify;
mod stats;
mod tile;
mod union_find;

#[cfg(test)]
mod tests;

pub use error::{Error, Result};
pub use merge::{MergeOptions, Merger};
pub use object::Object;
pub use stats::Pixel;
pub use tile::{ClassRule, TileCore, TileFragments, vectorize_tile};

use ndarray::ArrayView3;

/// Labels a whole raster's probabilities at once, as one tile with id 0: the reference that
/// merged tiles must match, and the simplest call for a raster that fits in memory.
///
/// # Errors
/// As [`vectorize_tile`] and [`Merger::finish`].
pub fn vectorize_whole(
    probs: ArrayView3<f32>,
    rules: &[ClassRule],
    options: &MergeOptions,
) -> Result<Vec<Object>> {
    let mut merger = Merger::new();
    merger.add(vectorize_tile(
        TileCore {
            id: 0,
            x0: 0,
            y0: 0,
        },
        probs,
        rules,
    )?)?;
    merger.finish(options)
}
