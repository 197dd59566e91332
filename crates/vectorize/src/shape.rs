//! Finishing touches on an outline: filling small holes and simplifying.

use geo::{Polygon, SimplifyVwPreserve, Validation};

/// Removes the holes whose area is at most `max_hole_pixels`.
pub(crate) fn fill_small_holes(polygon: Polygon<f64>, max_hole_pixels: u64) -> Polygon<f64> {
    if max_hole_pixels == 0 {
        return polygon;
    }
    let (exterior, holes) = polygon.into_inner();
    let holes = holes
        .into_iter()
        .filter(|hole| {
            let twice_area: f64 = hole.lines().map(|line| line.determinant()).sum();
            twice_area.abs() > 2.0 * max_hole_pixels as f64
        })
        .collect();
    Polygon::new(exterior, holes)
}

/// Simplifies the outline with topology-preserving Visvalingam–Whyatt: corners whose triangle
/// with their neighbours has an area of at most `tolerance` square pixels are removed. If the
/// result is not a valid polygon with the same rings, the outline is kept as it was.
pub(crate) fn simplify(polygon: Polygon<f64>, tolerance: f64) -> Polygon<f64> {
    if tolerance == 0.0 {
        return polygon;
    }
    let simplified = polygon.simplify_vw_preserve(tolerance);
    if simplified.interiors().len() == polygon.interiors().len() && simplified.is_valid() {
        simplified
    } else {
        polygon
    }
}
