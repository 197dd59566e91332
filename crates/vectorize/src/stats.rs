//! Exact, order-independent statistics of a set of pixels.
//!
//! Probabilities are quantised to `u8` (0..=255) before they are summed, so every sum is an
//! integer and merging fragments gives the same numbers whatever the order of the merge.

use std::cmp::Ordering;

/// A pixel of the raster's global pixel grid: column `x`, row `y`.
///
/// Pixels order row-major: by `y`, then by `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pixel {
    /// Column, counted from the raster's left edge.
    pub x: u32,
    /// Row, counted from the raster's top edge.
    pub y: u32,
}

impl Ord for Pixel {
    fn cmp(&self, other: &Pixel) -> Ordering {
        (self.y, self.x).cmp(&(other.y, other.x))
    }
}

impl PartialOrd for Pixel {
    fn partial_cmp(&self, other: &Pixel) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A probability quantised to 0..=255 (0.0 -> 0, 1.0 -> 255, values outside 0..1 clamped).
pub(crate) fn quantise(p: f32) -> u8 {
    // Rounds half up: the cast truncates a non-negative value.
    (p.clamp(0.0, 1.0) * 255.0 + 0.5) as u8
}

/// Statistics of a set of above-threshold pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stats {
    /// Number of pixels.
    pub(crate) pixels: u64,
    /// Sum of the quantised probabilities.
    pub(crate) sum_q: u64,
    /// Sum of `x * q` over the pixels.
    pub(crate) sum_xq: u128,
    /// Sum of `y * q` over the pixels.
    pub(crate) sum_yq: u128,
    /// The highest probability.
    pub(crate) peak: f32,
    /// Where the highest probability is; the first such pixel in row-major order.
    pub(crate) peak_at: Pixel,
    /// The first pixel in row-major order.
    pub(crate) anchor: Pixel,
}

impl Stats {
    /// The statistics of one horizontal run of pixels `x0..x0 + probs.len()` on row `y`.
    pub(crate) fn of_run(x0: u32, y: u32, probs: &[f32]) -> Stats {
        let (mut sum_q, mut sum_xq) = (0u64, 0u64);
        let (mut peak, mut peak_x) = (f32::NEG_INFINITY, x0);
        for (x, &p) in (x0..).zip(probs) {
            let q = u64::from(quantise(p));
            sum_q += q;
            sum_xq += u64::from(x) * q;
            if p > peak {
                (peak, peak_x) = (p, x);
            }
        }
        Stats {
            pixels: probs.len() as u64,
            sum_q,
            sum_xq: u128::from(sum_xq),
            sum_yq: u128::from(y) * u128::from(sum_q),
            peak,
            peak_at: Pixel { x: peak_x, y },
            anchor: Pixel { x: x0, y },
        }
    }

    /// Adds the pixels of `other` (a disjoint set) to these statistics.
    pub(crate) fn merge(&mut self, other: &Stats) {
        self.pixels += other.pixels;
        self.sum_q += other.sum_q;
        self.sum_xq += other.sum_xq;
        self.sum_yq += other.sum_yq;
        if other.peak > self.peak || (other.peak == self.peak && other.peak_at < self.peak_at) {
            (self.peak, self.peak_at) = (other.peak, other.peak_at);
        }
        self.anchor = self.anchor.min(other.anchor);
    }

    /// Mean probability of the pixels (from the quantised sum), in 0..=1.
    pub(crate) fn mean(&self) -> f64 {
        self.sum_q as f64 / (255.0 * self.pixels as f64)
    }

    /// The probability-weighted centre of the pixels in pixel coordinates (pixel `(x, y)`
    /// covers `x..x+1`, `y..y+1`); the centre of the peak pixel when every weight is zero.
    pub(crate) fn weighted_centre(&self) -> (f64, f64) {
        if self.sum_q == 0 {
            return (
                f64::from(self.peak_at.x) + 0.5,
                f64::from(self.peak_at.y) + 0.5,
            );
        }
        let sum = self.sum_q as f64;
        (
            self.sum_xq as f64 / sum + 0.5,
            self.sum_yq as f64 / sum + 0.5,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantisation_covers_the_unit_interval_and_clamps() {
        assert_eq!(
            [-0.5, 0.0, 0.5, 1.0, 7.0].map(quantise),
            [0, 0, 128, 255, 255]
        );
    }

    #[test]
    fn merged_runs_equal_one_run_in_any_order() {
        let probs = [0.2, 0.9, 0.4, 0.9, 0.6];
        let whole = Stats::of_run(10, 3, &probs);
        let (left, right) = (
            Stats::of_run(10, 3, &probs[..2]),
            Stats::of_run(12, 3, &probs[2..]),
        );
        let mut a = left;
        a.merge(&right);
        let mut b = right;
        b.merge(&left);
        assert_eq!(a, whole);
        assert_eq!(b, whole);
        assert_eq!(
            whole.peak_at,
            Pixel { x: 11, y: 3 },
            "ties go to the first pixel"
        );
        assert_eq!(whole.anchor, Pixel { x: 10, y: 3 });
    }

    #[test]
    fn weighted_centre_leans_towards_the_heavier_pixel() {
        let stats = Stats::of_run(0, 0, &[1.0, 0.0, 0.0, 1.0 / 3.0]);
        let (x, y) = stats.weighted_centre();
        assert!((x - (3.0 * 85.0 / 340.0 + 0.5)).abs() < 1e-12, "{x}");
        assert_eq!(y, 0.5);
    }
}
