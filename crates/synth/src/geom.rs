//! Plane geometry in pixel coordinates (x to the right, y down, pixel centres at +0.5): rings,
//! simple shapes and curved corridors (rivers, roads, ditches).

use std::f64::consts::{PI, TAU};
use std::ops::Range;

use rand::Rng as _;
use rayon::prelude::*;

use crate::rng::Rng;

/// A point (x, y) in pixels.
pub(crate) type Pt = [f64; 2];
/// A closed ring of points; the last point is not repeated.
pub(crate) type Ring = Vec<Pt>;

/// An axis-aligned box of whole pixels, clipped to the scene: columns x0..x1, rows y0..y1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PixelBox {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

impl PixelBox {
    /// The pixels touched by the real box [min, max], clipped to a `width` x `height` scene.
    pub(crate) fn around(min: Pt, max: Pt, width: usize, height: usize) -> PixelBox {
        let clip = |v: f64, n: usize| v.clamp(0.0, n as f64) as usize;
        PixelBox {
            x0: clip(min[0].floor(), width),
            y0: clip(min[1].floor(), height),
            x1: clip(max[0].ceil(), width),
            y1: clip(max[1].ceil(), height),
        }
    }

    /// Whether the box holds no pixel.
    pub(crate) fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
}

/// The bounding box (min, max) of a ring.
pub(crate) fn bounds(ring: &[Pt]) -> (Pt, Pt) {
    ring.iter()
        .fold(([f64::MAX; 2], [f64::MIN; 2]), |(lo, hi), p| {
            (
                [lo[0].min(p[0]), lo[1].min(p[1])],
                [hi[0].max(p[0]), hi[1].max(p[1])],
            )
        })
}

/// The columns of row `y` whose centres lie inside `ring` (even-odd rule), as half-open spans.
pub(crate) fn row_spans(ring: &[Pt], y: usize, spans: &mut Vec<(f64, f64)>) {
    spans.clear();
    let yc = y as f64 + 0.5;
    let mut xs: Vec<f64> = Vec::new();
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        if (a[1] <= yc) != (b[1] <= yc) {
            xs.push(a[0] + (yc - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
        }
    }
    xs.sort_by(f64::total_cmp);
    for pair in xs.chunks_exact(2) {
        spans.push(((pair[0] - 0.5).ceil(), (pair[1] - 0.5).ceil()));
    }
}

/// Whether the point lies inside the ring (even-odd rule).
pub(crate) fn contains(ring: &[Pt], p: Pt) -> bool {
    let mut inside = false;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        if (a[1] <= p[1]) != (b[1] <= p[1])
            && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
        {
            inside = !inside;
        }
    }
    inside
}

/// The area of a ring in square pixels.
pub(crate) fn area(ring: &[Pt]) -> f64 {
    let mut twice = 0.0;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        twice += a[0] * b[1] - b[0] * a[1];
    }
    twice.abs() / 2.0
}

/// A rectangle `w` x `h` centred on `c`, its `w` side turned by `angle` radians.
pub(crate) fn rect(c: Pt, w: f64, h: f64, angle: f64) -> Ring {
    let (s, co) = angle.sin_cos();
    [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]]
        .iter()
        .map(|[u, v]| {
            let (x, y) = (u * w, v * h);
            [c[0] + x * co - y * s, c[1] + x * s + y * co]
        })
        .collect()
}

/// A [`blob`] of semi-axis `a` whose other semi-axis is `a` times a random share in `squash`,
/// turned by a random angle.
pub(crate) fn random_blob(c: Pt, a: f64, squash: Range<f64>, wobble: f64, rng: &mut Rng) -> Ring {
    let b = a * rng.random_range(squash);
    let angle = rng.random_range(0.0..PI);
    blob(c, a, b, angle, wobble, rng)
}

/// An irregular star-shaped outline around `c`: an ellipse of semi-axes `a`, `b` turned by
/// `angle`, with its radius wobbling by up to `wobble` (a fraction).
pub(crate) fn blob(c: Pt, a: f64, b: f64, angle: f64, wobble: f64, rng: &mut Rng) -> Ring {
    let harmonics: Vec<(f64, f64, f64)> = (2..7)
        .map(|k| {
            (
                k as f64,
                rng.random_range(0.0..TAU),
                rng.random_range(0.3..1.0) / k as f64,
            )
        })
        .collect();
    let norm: f64 = harmonics.iter().map(|h| h.2).sum();
    let (s, co) = angle.sin_cos();
    let n = 72;
    (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * TAU;
            let w: f64 = harmonics
                .iter()
                .map(|(k, ph, amp)| amp * (k * t + ph).sin())
                .sum::<f64>()
                / norm;
            let r = 1.0 + wobble * w;
            let (x, y) = (a * r * t.cos(), b * r * t.sin());
            [c[0] + x * co - y * s, c[1] + x * s + y * co]
        })
        .collect()
}

/// Distance (pixels) to a ring's edge, sampled every few pixels over the part of the ring's
/// box inside the scene and interpolated in between: heaps and piles take their height from it.
pub(crate) struct EdgeField {
    x0: usize,
    y0: usize,
    cols: usize,
    values: Vec<f32>,
}

/// Spacing in pixels of the nodes of an [`EdgeField`].
const EDGE_STEP: usize = 4;

impl EdgeField {
    /// Samples the distance to `ring`'s edge over its box within a `width` x `height` scene.
    pub(crate) fn new(ring: &[Pt], width: usize, height: usize) -> EdgeField {
        let (lo, hi) = bounds(ring);
        let area = PixelBox::around(lo, hi, width, height);
        let cols = (area.x1 - area.x0) / EDGE_STEP + 2;
        let rows = (area.y1 - area.y0) / EDGE_STEP + 2;
        let values = (0..rows * cols)
            .into_par_iter()
            .map(|i| {
                let p = [
                    (area.x0 + (i % cols) * EDGE_STEP) as f64 + 0.5,
                    (area.y0 + (i / cols) * EDGE_STEP) as f64 + 0.5,
                ];
                (0..ring.len())
                    .map(|k| segment_distance(p, ring[k], ring[(k + 1) % ring.len()]).0)
                    .fold(f64::MAX, f64::min) as f32
            })
            .collect();
        EdgeField {
            x0: area.x0,
            y0: area.y0,
            cols,
            values,
        }
    }

    /// The distance at pixel (x, y), which must lie in the ring's box.
    pub(crate) fn at(&self, x: usize, y: usize) -> f64 {
        let (dx, dy) = (x.saturating_sub(self.x0), y.saturating_sub(self.y0));
        let (c, r) = (dx / EDGE_STEP, dy / EDGE_STEP);
        let (tx, ty) = (
            (dx % EDGE_STEP) as f32 / EDGE_STEP as f32,
            (dy % EDGE_STEP) as f32 / EDGE_STEP as f32,
        );
        let rows = self.values.len() / self.cols;
        let v =
            |c: usize, r: usize| self.values[r.min(rows - 1) * self.cols + c.min(self.cols - 1)];
        let top = v(c, r) + (v(c + 1, r) - v(c, r)) * tx;
        let bottom = v(c, r + 1) + (v(c + 1, r + 1) - v(c, r + 1)) * tx;
        f64::from(top + (bottom - top) * ty)
    }
}

/// `ring` moved by `d`.
pub(crate) fn translate(ring: &[Pt], d: Pt) -> Ring {
    ring.iter().map(|p| [p[0] + d[0], p[1] + d[1]]).collect()
}

/// The convex hull of the points (Andrew's monotone chain).
pub(crate) fn convex_hull(points: &[Pt]) -> Ring {
    let mut pts = points.to_vec();
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    let cross = |o: Pt, a: Pt, b: Pt| (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    let mut hull: Vec<Pt> = Vec::new();
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Pt>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// Distance from `p` to the segment a-b, and the position along it (0 at a, 1 at b).
pub(crate) fn segment_distance(p: Pt, a: Pt, b: Pt) -> (f64, f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a[0] + t * dx, a[1] + t * dy);
    (((p[0] - qx).powi(2) + (p[1] - qy).powi(2)).sqrt(), t)
}

/// A gently curving band along an axis: its centre line wanders sideways by a sum of sine
/// waves, and its half-width varies along it. Rivers, roads, ditches and tracks are corridors.
#[derive(Clone, Debug)]
pub(crate) struct Corridor {
    origin: Pt,
    dir: Pt,
    waves: Vec<(f64, f64, f64)>,
    width_waves: Vec<(f64, f64, f64)>,
    /// Half of the width in pixels, on average.
    pub half_width: f64,
    /// The stretch of the axis (in pixels from `origin`) the corridor covers.
    pub u_range: (f64, f64),
    /// Offset, its slope and the width factor sampled every pixel along the axis, so that
    /// per-pixel lookups need no trigonometry.
    table: Vec<[f64; 3]>,
    table_u0: f64,
}

/// How far (pixels) from its anchor point an endless corridor is tabulated: past the corner
/// of the largest scene.
const TABLE_REACH: f64 = 24_000.0;

impl Corridor {
    /// A corridor from `a` to `b`, meandering by up to `meander` pixels with waves about
    /// `wavelength` pixels long, and a width varying by up to `width_var` (a fraction).
    pub(crate) fn between(
        a: Pt,
        b: Pt,
        half_width: f64,
        meander: f64,
        wavelength: f64,
        width_var: f64,
        rng: &mut Rng,
    ) -> Corridor {
        let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2))
            .sqrt()
            .max(1e-9);
        let dir = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
        // The wander tapers to zero at both ends (see `taper`), so the ends stay at `a` and `b`.
        Corridor {
            origin: a,
            dir,
            waves: random_waves(rng, meander, wavelength),
            width_waves: random_waves(rng, width_var, wavelength * 0.7),
            half_width,
            u_range: (0.0, len),
            table: Vec::new(),
            table_u0: 0.0,
        }
        .tabulated(0.0, len)
    }

    /// A corridor through `through` in direction `angle` (radians) without ends.
    pub(crate) fn across(
        through: Pt,
        angle: f64,
        half_width: f64,
        meander: f64,
        wavelength: f64,
        width_var: f64,
        rng: &mut Rng,
    ) -> Corridor {
        let dir = [angle.cos(), angle.sin()];
        Corridor {
            origin: through,
            dir,
            waves: random_waves(rng, meander, wavelength),
            width_waves: random_waves(rng, width_var, wavelength * 0.7),
            half_width,
            u_range: (f64::NEG_INFINITY, f64::INFINITY),
            table: Vec::new(),
            table_u0: 0.0,
        }
        .tabulated(-TABLE_REACH, TABLE_REACH)
    }

    fn tabulated(mut self, u0: f64, u1: f64) -> Corridor {
        let n = (u1 - u0).ceil().max(1.0) as usize + 2;
        self.table = (0..n)
            .map(|i| {
                let u = u0 + i as f64;
                let (v, dv) = self.offset_exact(u);
                [v, dv, self.width_factor_exact(u)]
            })
            .collect();
        self.table_u0 = u0;
        self
    }

    /// The tabulated row at `u`, linearly interpolated, if `u` lies in the table.
    fn lookup(&self, u: f64) -> Option<[f64; 3]> {
        let t = u - self.table_u0;
        if t < 0.0 || t >= (self.table.len() - 1) as f64 {
            return None;
        }
        let (i, f) = (t.floor() as usize, t.fract());
        let (a, b) = (self.table[i], self.table[i + 1]);
        Some(std::array::from_fn(|k| a[k] + (b[k] - a[k]) * f))
    }

    fn offset(&self, u: f64) -> (f64, f64) {
        match self.lookup(u) {
            Some([v, dv, _]) => (v, dv),
            None => self.offset_exact(u),
        }
    }

    fn offset_exact(&self, u: f64) -> (f64, f64) {
        let taper = self.taper(u);
        let (mut v, mut dv) = (0.0, 0.0);
        for &(amp, k, ph) in &self.waves {
            v += amp * (k * u + ph).sin();
            dv += amp * k * (k * u + ph).cos();
        }
        (v * taper, dv * taper)
    }

    /// 1 inside, falling to 0 over the first and last quarter of a bounded corridor.
    fn taper(&self, u: f64) -> f64 {
        if !self.u_range.0.is_finite() {
            return 1.0;
        }
        let len = self.u_range.1 - self.u_range.0;
        let edge = (len * 0.25).max(1.0);
        ((u - self.u_range.0).min(self.u_range.1 - u) / edge).clamp(0.0, 1.0)
    }

    /// Half-width in pixels at `u`.
    pub(crate) fn half_width_at(&self, u: f64) -> f64 {
        self.half_width
            * self
                .lookup(u)
                .map_or_else(|| self.width_factor_exact(u), |row| row[2])
    }

    fn width_factor_exact(&self, u: f64) -> f64 {
        let var: f64 = self
            .width_waves
            .iter()
            .map(|&(amp, k, ph)| amp * (k * u + ph).sin())
            .sum();
        (1.0 + var).max(0.3)
    }

    /// The centre line at `u`.
    pub(crate) fn centre(&self, u: f64) -> Pt {
        let (v, _) = self.offset(u);
        [
            self.origin[0] + u * self.dir[0] - v * self.dir[1],
            self.origin[1] + u * self.dir[1] + v * self.dir[0],
        ]
    }

    /// The unit normal at `u` (to the left of the direction of travel in pixel coordinates).
    pub(crate) fn normal(&self, u: f64) -> Pt {
        let (_, dv) = self.offset(u);
        let t = [
            self.dir[0] - dv * self.dir[1],
            self.dir[1] + dv * self.dir[0],
        ];
        let len = (t[0] * t[0] + t[1] * t[1]).sqrt();
        [-t[1] / len, t[0] / len]
    }

    /// Where `p` is relative to the corridor: the position `u` along the axis and the signed
    /// distance `d` (in pixels) from the centre line, positive on the side of `normal`.
    pub(crate) fn locate(&self, p: Pt) -> (f64, f64) {
        let (rx, ry) = (p[0] - self.origin[0], p[1] - self.origin[1]);
        let u = rx * self.dir[0] + ry * self.dir[1];
        let v = -rx * self.dir[1] + ry * self.dir[0];
        let (c, dc) = self.offset(u);
        (u, (v - c) / (1.0 + dc * dc).sqrt())
    }

    /// For each row of a `width` x `height` scene, the columns `x0..x1` that may lie within
    /// `margin` pixels of the corridor's edge (empty where `x0 >= x1`).
    pub(crate) fn row_spans(
        &self,
        margin: f64,
        width: usize,
        height: usize,
    ) -> Vec<(usize, usize)> {
        let mut spans = vec![(usize::MAX, 0usize); height];
        let reach = 2.0 * (width + height) as f64;
        let (u0, u1) = (self.u_range.0.max(-reach), self.u_range.1.min(reach));
        let steps = (u1 - u0).ceil().max(1.0) as usize;
        for i in 0..=steps {
            let u = u0 + (u1 - u0) * i as f64 / steps as f64;
            let c = self.centre(u);
            let r = self.half_width_at(u) + margin + 1.0;
            if c[0] < -r || c[1] < -r || c[0] > width as f64 + r || c[1] > height as f64 + r {
                continue;
            }
            let (y0, y1) = (
                (c[1] - r).floor().max(0.0) as usize,
                ((c[1] + r).ceil().max(0.0) as usize).min(height),
            );
            let (x0, x1) = (
                (c[0] - r).floor().max(0.0) as usize,
                ((c[0] + r).ceil().max(0.0) as usize).min(width),
            );
            for span in &mut spans[y0..y1] {
                *span = (span.0.min(x0), span.1.max(x1));
            }
        }
        spans
    }

    /// Whether `u` lies on the corridor's stretch.
    pub(crate) fn covers(&self, u: f64) -> bool {
        u >= self.u_range.0 && u <= self.u_range.1
    }
}

fn random_waves(rng: &mut Rng, amplitude: f64, wavelength: f64) -> Vec<(f64, f64, f64)> {
    if amplitude <= 0.0 {
        return Vec::new();
    }
    [1.0, 0.47, 0.23]
        .iter()
        .map(|&share| {
            let len = wavelength * share * rng.random_range(0.8..1.25);
            (
                amplitude * share,
                TAU / len.max(1.0),
                rng.random_range(0.0..TAU),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::component_rng;

    #[test]
    fn spans_cover_the_area_of_a_rectangle() {
        let ring = rect([50.0, 40.0], 20.0, 10.0, 0.0);
        let mut spans = Vec::new();
        let count: f64 = (0..100)
            .map(|y| {
                row_spans(&ring, y, &mut spans);
                spans.iter().map(|s| s.1 - s.0).sum::<f64>()
            })
            .sum();
        assert_eq!(count, 200.0);
        assert_eq!(area(&ring), 200.0);
        assert!(contains(&ring, [50.0, 40.0]) && !contains(&ring, [70.0, 40.0]));
        let field = EdgeField::new(&ring, 100, 100);
        // Exact between nodes along a slope; smoothed by up to half a node spacing where
        // the slope turns (ridges, corners).
        assert!(
            (field.at(50, 37) - 2.5).abs() < 1e-4,
            "{}",
            field.at(50, 37)
        );
        for (x, y) in (40..60).flat_map(|x| (35..45).map(move |y| (x, y))) {
            let exact = (x as f64 + 0.5 - 40.0)
                .min(60.0 - x as f64 - 0.5)
                .min(y as f64 + 0.5 - 35.0)
                .min(45.0 - y as f64 - 0.5);
            assert!((field.at(x, y) - exact).abs() <= 2.0, "{x} {y}");
        }
    }

    #[test]
    fn hull_of_a_shifted_square_is_a_hexagon() {
        let sq = rect([0.0, 0.0], 2.0, 2.0, 0.0);
        let mut pts = sq.clone();
        pts.extend(translate(&sq, [3.0, 3.0]));
        let hull = convex_hull(&pts);
        assert_eq!(hull.len(), 6);
        assert!((area(&hull) - (4.0 + 12.0)).abs() < 1e-9);
    }

    #[test]
    fn corridor_locates_its_own_centre_line() {
        let mut rng = component_rng(5, "test");
        let c = Corridor::across([100.0, 100.0], 0.3, 10.0, 30.0, 400.0, 0.2, &mut rng);
        for u in [-50.0, 0.0, 120.0] {
            let (uu, d) = c.locate(c.centre(u));
            assert!((uu - u).abs() < 1e-6 && d.abs() < 1e-6);
            let n = c.normal(u);
            let p = c.centre(u);
            let (_, d) = c.locate([p[0] + 5.0 * n[0], p[1] + 5.0 * n[1]]);
            assert!((d - 5.0).abs() < 0.2, "{d}");
        }
        let blob = blob([0.0, 0.0], 10.0, 5.0, 0.5, 0.2, &mut rng);
        assert!(contains(&blob, [0.0, 0.0]));
    }
}
