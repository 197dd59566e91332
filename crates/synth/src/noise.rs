//! Stateless, hashed noise: the same value for the same place whatever order pixels are drawn
//! in, so that parallel drawing stays deterministic.

use crate::rng::mix;

/// Smooth value noise and its fractal sums, in world units chosen by the caller.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Noise {
    seed: u64,
}

impl Noise {
    /// Noise of its own for `seed`.
    pub(crate) fn new(seed: u64) -> Noise {
        Noise { seed }
    }

    /// A different noise field derived from this one.
    pub(crate) fn derive(self, salt: u64) -> Noise {
        Noise {
            seed: mix(self.seed, salt),
        }
    }

    /// Smooth noise in -1..1 with features about one unit across.
    pub(crate) fn value(self, x: f64, y: f64) -> f32 {
        let (xf, yf) = (x.floor(), y.floor());
        let (xi, yi) = (xf as i64, yf as i64);
        let (tx, ty) = (smooth(x - xf), smooth(y - yf));
        let v00 = lattice(self.seed, xi, yi);
        let v10 = lattice(self.seed, xi + 1, yi);
        let v01 = lattice(self.seed, xi, yi + 1);
        let v11 = lattice(self.seed, xi + 1, yi + 1);
        let top = v00 + (v10 - v00) * tx;
        let bottom = v01 + (v11 - v01) * tx;
        (top + (bottom - top) * ty) as f32
    }

    /// Fractal sum of `octaves` layers of noise, the first `scale` units across; about -1..1.
    pub(crate) fn fbm(self, x: f64, y: f64, scale: f64, octaves: u32) -> f32 {
        let (mut sum, mut amp, mut norm, mut freq) = (0.0f32, 1.0f32, 0.0f32, 1.0 / scale);
        for octave in 0..octaves {
            let layer = self.derive(u64::from(octave));
            sum += amp * layer.value(x * freq, y * freq);
            norm += amp;
            amp *= 0.5;
            freq *= 2.0;
        }
        sum / norm
    }

    /// Fractal noise whose finest octave is about `finest` units across (the pixel size), so
    /// that texture is as detailed as the ground sample distance allows and no finer.
    pub(crate) fn fbm_to(self, x: f64, y: f64, scale: f64, finest: f64) -> f32 {
        let octaves = (scale / finest.max(1e-9)).log2().clamp(1.0, 6.0).ceil() as u32;
        self.fbm(x, y, scale, octaves)
    }

    /// White noise in 0..1 for an integer cell.
    pub(crate) fn white(self, x: i64, y: i64) -> f32 {
        (lattice(self.seed, x, y) * 0.5 + 0.5) as f32
    }

    /// 64 random bits for an integer cell.
    pub(crate) fn bits(self, x: i64, y: i64) -> u64 {
        mix(self.seed, hash_cell(x, y))
    }

    /// Cellular (Worley) noise: distances to the nearest and second nearest of one random
    /// point per unit cell, and a 0..1 number that identifies the nearest point's cell (for
    /// stones, gravel, clods, leaf clusters; `second - nearest` is small near their edges).
    pub(crate) fn cells(self, x: f64, y: f64) -> (f32, f32, f32) {
        let (cx, cy) = (x.floor() as i64, y.floor() as i64);
        let mut best = (f64::MAX, 0.0);
        let mut second = f64::MAX;
        for dy in -1..=1 {
            for dx in -1..=1 {
                let (gx, gy) = (cx + dx, cy + dy);
                let h = mix(self.seed, hash_cell(gx, gy));
                let px = gx as f64 + (h & 0xffff) as f64 / 65535.0;
                let py = gy as f64 + ((h >> 16) & 0xffff) as f64 / 65535.0;
                let d = (px - x).powi(2) + (py - y).powi(2);
                if d < best.0 {
                    second = best.0;
                    best = (d, ((h >> 32) & 0xffff) as f64 / 65535.0);
                } else if d < second {
                    second = d;
                }
            }
        }
        (best.0.sqrt() as f32, second.sqrt() as f32, best.1 as f32)
    }
}

/// A smooth field sampled every `step` pixels and interpolated in between: for fields that
/// change over hundreds of metres, evaluated once per node instead of once per pixel.
pub(crate) struct Coarse {
    step: usize,
    cols: usize,
    values: Vec<f32>,
}

impl Coarse {
    /// Samples `f(x, y)` (pixel coordinates) on a grid covering a `width` x `height` scene.
    pub(crate) fn new(
        width: usize,
        height: usize,
        step: usize,
        f: impl Fn(usize, usize) -> f32,
    ) -> Coarse {
        let (cols, rows) = (width / step + 2, height / step + 2);
        let values = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (c, r)))
            .map(|(c, r)| f(c * step, r * step))
            .collect();
        Coarse { step, cols, values }
    }

    /// The interpolated value at pixel (x, y).
    pub(crate) fn at(&self, x: usize, y: usize) -> f32 {
        let (c, r) = (x / self.step, y / self.step);
        let (tx, ty) = (
            (x % self.step) as f32 / self.step as f32,
            (y % self.step) as f32 / self.step as f32,
        );
        let v = |c: usize, r: usize| self.values[r * self.cols + c];
        let top = v(c, r) + (v(c + 1, r) - v(c, r)) * tx;
        let bottom = v(c, r + 1) + (v(c + 1, r + 1) - v(c, r + 1)) * tx;
        top + (bottom - top) * ty
    }
}

fn smooth(t: f64) -> f64 {
    t * t * (3.0 - 2.0 * t)
}

fn hash_cell(x: i64, y: i64) -> u64 {
    (x as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (y as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
}

/// A value in -1..1 for an integer lattice point.
fn lattice(seed: u64, x: i64, y: i64) -> f64 {
    let h = mix(seed, hash_cell(x, y));
    (h >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_bounded_smooth_and_repeatable() {
        let n = Noise::new(3);
        for i in 0..1000 {
            let (x, y) = (i as f64 * 0.37, i as f64 * 0.11);
            let v = n.fbm(x, y, 4.0, 5);
            assert!((-1.0..=1.0).contains(&v));
            assert_eq!(v, Noise::new(3).fbm(x, y, 4.0, 5));
            assert!((n.value(x, y) - n.value(x + 1e-4, y)).abs() < 1e-2);
        }
        let coarse = Coarse::new(100, 60, 8, |x, y| (x + y) as f32);
        assert_eq!(coarse.at(0, 0), 0.0);
        assert_eq!(coarse.at(12, 4), 16.0);
        assert_eq!(coarse.at(99, 59), 158.0);
        let (d, d2, id) = n.cells(10.3, -4.2);
        assert!((0.0..1.5).contains(&d) && d2 >= d && (0.0..=1.0).contains(&id));
    }
}
