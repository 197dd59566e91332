//! Topology-preserving Visvalingam–Whyatt simplification of pixel outlines.
//!
//! Corners are removed smallest triangle first, as in Visvalingam–Whyatt, while the triangle
//! that a corner forms with its two neighbours has an area of at most the tolerance. A corner
//! is removed only when that closed triangle holds no other vertex of any ring of the outline
//! (a vertex of another ring at the very same point as one of the two neighbours is allowed:
//! rings that touch there keep touching there) and its ring keeps a non-zero area of the same
//! sign. Removing such a corner can neither make a ring touch or cross itself or another ring,
//! nor move a hole outside the exterior, so a valid outline stays valid. Pinch vertices, shared
//! by two rings, are never removed.
//!
//! Vertices are never moved, only removed, so they stay on pixel corners and every test is
//! exact integer arithmetic. Ties are broken by vertex order, so the result depends only on
//! the outline.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use crate::outline::{Outline, Vertex, start_at_first_vertex};

/// A vertex in coordinates relative to the outline's first vertex, so that products fit in
/// `i64`.
type Point = [i64; 2];

/// Twice the signed area of the triangle `a, b, c`.
fn cross(a: Point, b: Point, c: Point) -> i64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Whether `q` lies in the closed triangle `a, b, c` (which may be degenerate: `q` is known to
/// lie in the triangle's bounding box).
fn in_closed_triangle(q: Point, a: Point, b: Point, c: Point) -> bool {
    let d = [cross(a, b, q), cross(b, c, q), cross(c, a, q)];
    !(d.iter().any(|&d| d < 0) && d.iter().any(|&d| d > 0))
}

/// The rings of an outline as circular linked lists of vertices.
struct Rings {
    points: Vec<Point>,
    ring_of: Vec<usize>,
    prev: Vec<u32>,
    next: Vec<u32>,
    removed: Vec<bool>,
    /// Number of vertices left per ring.
    len: Vec<usize>,
    /// Twice the signed area per ring.
    area: Vec<i64>,
    /// Where the vertices are, to find those inside a triangle (removed ones included).
    index: RTree<GeomWithData<Point, u32>>,
    origin: Vertex,
}

impl Rings {
    fn new(outline: &Outline) -> Rings {
        let origin = outline.exterior[0];
        let mut rings = Rings {
            points: Vec::new(),
            ring_of: Vec::new(),
            prev: Vec::new(),
            next: Vec::new(),
            removed: Vec::new(),
            len: Vec::new(),
            area: Vec::new(),
            index: RTree::new(),
            origin,
        };
        let relative = |&(x, y): &Vertex| {
            [
                i64::from(x) - i64::from(origin.0),
                i64::from(y) - i64::from(origin.1),
            ]
        };
        for (r, ring) in std::iter::once(&outline.exterior)
            .chain(&outline.holes)
            .enumerate()
        {
            let first = rings.points.len() as u32;
            let n = ring.len() as u32;
            rings.points.extend(ring.iter().map(relative));
            rings.ring_of.extend(std::iter::repeat_n(r, ring.len()));
            rings.prev.extend((0..n).map(|k| first + (k + n - 1) % n));
            rings.next.extend((0..n).map(|k| first + (k + 1) % n));
            rings.len.push(ring.len());
            rings.area.push(crate::outline::twice_signed_area(ring));
        }
        rings.removed = vec![false; rings.points.len()];
        rings.index = RTree::bulk_load(
            rings
                .points
                .iter()
                .zip(0..)
                .map(|(&p, i)| GeomWithData::new(p, i))
                .collect(),
        );
        rings
    }

    /// Twice the signed area of the triangle vertex `i` forms with its neighbours.
    fn triangle(&self, i: u32) -> i64 {
        let at = |j: u32| self.points[j as usize];
        cross(at(self.prev[i as usize]), at(i), at(self.next[i as usize]))
    }

    /// Removes vertex `i` if that keeps the outline valid; whether it did.
    fn try_remove(&mut self, i: u32) -> bool {
        let (p, n) = (self.prev[i as usize], self.next[i as usize]);
        let r = self.ring_of[i as usize];
        let area = self.area[r] - self.triangle(i);
        if self.len[r] <= 3 || area == 0 || area.signum() != self.area[r].signum() {
            return false;
        }
        let [a, b, c] = [p, i, n].map(|j| self.points[j as usize]);
        let envelope = AABB::from_corners(
            [a[0].min(b[0]).min(c[0]), a[1].min(b[1]).min(c[1])],
            [a[0].max(b[0]).max(c[0]), a[1].max(b[1]).max(c[1])],
        );
        // Removed vertices stay in the index (removal from an R-tree costs more than skipping).
        let blocked = self.index.locate_in_envelope(&envelope).any(|q| {
            let (point, j) = (*q.geom(), q.data);
            !self.removed[j as usize]
                && j != p
                && j != i
                && j != n
                && point != a
                && point != c
                && in_closed_triangle(point, a, b, c)
        });
        if blocked {
            return false;
        }
        self.removed[i as usize] = true;
        self.next[p as usize] = n;
        self.prev[n as usize] = p;
        self.len[r] -= 1;
        self.area[r] = area;
        true
    }

    /// The remaining rings, each starting at its first vertex in row-major order, holes sorted.
    fn into_outline(self) -> Outline {
        let mut rings: Vec<Vec<Vertex>> = vec![Vec::new(); self.len.len()];
        for start in 0..self.points.len() as u32 {
            let r = self.ring_of[start as usize];
            if self.removed[start as usize] || !rings[r].is_empty() {
                continue;
            }
            let mut i = start;
            loop {
                let [x, y] = self.points[i as usize];
                rings[r].push((
                    (x + i64::from(self.origin.0)) as u32,
                    (y + i64::from(self.origin.1)) as u32,
                ));
                i = self.next[i as usize];
                if i == start {
                    break;
                }
            }
            start_at_first_vertex(&mut rings[r]);
        }
        let exterior = rings.remove(0);
        rings.sort_by_key(|ring| (ring[0].1, ring[0].0));
        Outline {
            exterior,
            holes: rings,
        }
    }
}

/// Simplifies `outline`, removing corners whose triangle has an area of at most `tolerance`
/// square pixels, as far as that keeps the outline valid (see the module docs).
pub(crate) fn simplify(outline: Outline, tolerance: f64) -> Outline {
    if tolerance <= 0.0 {
        return outline;
    }
    let mut rings = Rings::new(&outline);
    let mut stamp = vec![0u32; rings.points.len()];
    let mut queue: BinaryHeap<Reverse<(i64, u32, u32)>> = (0..rings.points.len() as u32)
        .map(|i| Reverse((rings.triangle(i).abs(), i, 0)))
        .collect();
    while let Some(Reverse((twice_area, i, i_stamp))) = queue.pop() {
        if twice_area as f64 > 2.0 * tolerance {
            break;
        }
        if rings.removed[i as usize] || i_stamp != stamp[i as usize] || !rings.try_remove(i) {
            continue;
        }
        for j in [rings.prev[i as usize], rings.next[i as usize]] {
            stamp[j as usize] += 1;
            queue.push(Reverse((rings.triangle(j).abs(), j, stamp[j as usize])));
        }
    }
    rings.into_outline()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square_with_notch() -> Outline {
        // A 4 x 4 square with a one-pixel notch in its top edge.
        Outline {
            exterior: vec![
                (0, 0),
                (0, 4),
                (4, 4),
                (4, 0),
                (2, 0),
                (2, 1),
                (1, 1),
                (1, 0),
            ],
            holes: Vec::new(),
        }
    }

    #[test]
    fn zero_tolerance_keeps_the_outline() {
        assert_eq!(simplify(square_with_notch(), 0.0), square_with_notch());
    }

    #[test]
    fn notch_of_half_pixel_triangles_goes_and_the_square_stays() {
        assert_eq!(simplify(square_with_notch(), 0.49), square_with_notch());
        let simplified = simplify(square_with_notch(), 0.5);
        assert_eq!(simplified.exterior, [(0, 0), (0, 4), (4, 4), (4, 0)]);
        assert_eq!(
            simplify(square_with_notch(), 1e9).exterior.len(),
            3,
            "down to a triangle"
        );
    }

    #[test]
    fn corners_whose_triangle_holds_a_hole_stay() {
        // Removing (0, 0) or (0, 6) would cut the hole at (1, 1) off or touch it; (6, 6) may go.
        let outline = Outline {
            exterior: vec![(0, 0), (0, 6), (6, 6), (6, 0)],
            holes: vec![vec![(1, 1), (1, 2), (2, 2), (2, 1)]],
        };
        let simplified = simplify(outline.clone(), 100.0);
        assert_eq!(simplified.exterior, [(0, 0), (0, 6), (6, 0)]);
        assert_eq!(
            simplified.holes,
            [[(2, 1), (1, 2), (2, 2)]],
            "the hole is simplified too"
        );
        assert!(geo::Validation::is_valid(&simplified.to_polygon()));
    }
}
