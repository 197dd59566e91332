//! One lead per outlet mouth. An outlet's heat map can peak twice (the pipe and the head of its
//! plume), and each peak above the threshold is its own object; two point objects of one class
//! closer than the widest mouth are one outlet, and only the stronger is kept.

use geoscout_core::GeometryKind;
use geoscout_vectorize::Object;

/// The widest outlet mouth, in metres (targets.md: a mouth is 0.3 to 3 m across).
pub(crate) const WIDEST_MOUTH_M: f64 = 3.0;

/// The objects less each point object that lies within `radius_px` pixels of a stronger point
/// object of the same class. Stronger means a higher peak probability, then a higher mean, then
/// the earlier in the given order; polygon objects pass unchanged, and the order is kept.
///
/// The result depends only on the objects, never on the tiling or the thread count: the merged
/// objects come in a fixed order, and so does every comparison here.
pub(crate) fn one_per_mouth(objects: Vec<&Object>, radius_px: f64) -> Vec<&Object> {
    let mut strongest_first: Vec<usize> = (0..objects.len())
        .filter(|&i| objects[i].class.geometry_kind() == GeometryKind::Point)
        .collect();
    strongest_first.sort_by(|&a, &b| {
        let (a, b) = (objects[a], objects[b]);
        b.max_score
            .total_cmp(&a.max_score)
            .then(b.score.total_cmp(&a.score))
    });
    let mut dropped = vec![false; objects.len()];
    let mut kept: Vec<&Object> = Vec::new();
    for i in strongest_first {
        let object = objects[i];
        let near = |other: &&Object| {
            other.class == object.class
                && (other.centroid.x - object.centroid.x)
                    .hypot(other.centroid.y - object.centroid.y)
                    < radius_px
        };
        if kept.iter().any(near) {
            dropped[i] = true;
        } else {
            kept.push(object);
        }
    }
    objects
        .into_iter()
        .zip(dropped)
        .filter_map(|(object, dropped)| (!dropped).then_some(object))
        .collect()
}

#[cfg(test)]
mod tests {
    use geo::{Coord, Geometry, LineString, Point, Polygon};
    use geoscout_core::Class;
    use geoscout_vectorize::Pixel;

    use super::*;

    fn object(class: Class, x: f64, y: f64, max_score: f64) -> Object {
        let geometry = match class.geometry_kind() {
            GeometryKind::Point => Geometry::Point(Point::new(x, y)),
            GeometryKind::Polygon => {
                Geometry::Polygon(Polygon::new(LineString::new(vec![]), vec![]))
            }
        };
        let pixel = Pixel {
            x: x as u32,
            y: y as u32,
        };
        Object {
            class,
            geometry,
            pixels: 4,
            score: max_score / 2.0,
            max_score,
            centroid: Coord { x, y },
            peak: pixel,
            anchor: pixel,
            seam_merged: false,
            tiles: vec![0],
        }
    }

    fn peaks(objects: &[&Object]) -> Vec<f64> {
        objects.iter().map(|o| o.max_score).collect()
    }

    #[test]
    fn the_stronger_of_two_close_peaks_is_kept_in_place() {
        let objects = [
            object(Class::DischargeOutlet, 10.0, 10.0, 0.3),
            object(Class::DischargeOutlet, 12.0, 11.0, 0.6),
            object(Class::DischargeOutlet, 40.0, 10.0, 0.2),
        ];
        let kept = one_per_mouth(objects.iter().collect(), 5.0);
        assert_eq!(peaks(&kept), [0.6, 0.2]);
    }

    #[test]
    fn peaks_at_the_radius_or_beyond_are_two_outlets() {
        let objects = [
            object(Class::DischargeOutlet, 10.0, 10.0, 0.3),
            object(Class::DischargeOutlet, 13.0, 14.0, 0.6),
        ];
        assert_eq!(one_per_mouth(objects.iter().collect(), 5.0).len(), 2);
    }

    #[test]
    fn a_dropped_peak_drops_nothing_else() {
        // The middle peak falls to the strongest; the weakest is near the middle one only.
        let objects = [
            object(Class::DischargeOutlet, 0.0, 0.0, 0.9),
            object(Class::DischargeOutlet, 4.0, 0.0, 0.5),
            object(Class::DischargeOutlet, 8.0, 0.0, 0.1),
        ];
        assert_eq!(
            peaks(&one_per_mouth(objects.iter().collect(), 5.0)),
            [0.9, 0.1]
        );
    }

    #[test]
    fn polygons_pass_unchanged() {
        let objects = [
            object(Class::DustSource, 10.0, 10.0, 0.3),
            object(Class::CoalGanguePile, 10.0, 10.0, 0.4),
            object(Class::DischargeOutlet, 10.0, 10.0, 0.5),
        ];
        assert_eq!(one_per_mouth(objects.iter().collect(), 5.0).len(), 3);
    }
}
