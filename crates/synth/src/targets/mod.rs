//! The three targets: coal gangue piles, discharge outlets and dust sources, each with the
//! context it is found in.

pub(crate) mod dust;
pub(crate) mod outlet;
pub(crate) mod pile;

use rand::Rng as _;

use crate::canvas::Canvas;
use crate::geom::{self, Pt};
use crate::layout::Layout;
use crate::rng::Rng;
use crate::setting::Setting;

/// Distance in pixels from `p` to the nearest edge of `ring`.
pub(crate) fn edge_distance(ring: &[Pt], p: Pt) -> f64 {
    (0..ring.len())
        .map(|i| geom::segment_distance(p, ring[i], ring[(i + 1) % ring.len()]).0)
        .fold(f64::MAX, f64::min)
}

/// Height of a heap `d_m` metres inside its footprint edge: slopes at `slope` (rise per metre)
/// up to `top_m`, in benches of `bench_m` metres every `lift_m` metres of height when
/// `lift_m` > 0 (terraced dumps).
pub(crate) fn heap_height(d_m: f64, slope: f64, top_m: f64, lift_m: f64, bench_m: f64) -> f64 {
    let h = if lift_m > 0.0 {
        let period = lift_m / slope + bench_m;
        let k = (d_m / period).floor();
        k * lift_m + ((d_m - k * period) * slope).min(lift_m)
    } else {
        d_m * slope
    };
    h.min(top_m)
}

/// Moves a disc of radius `r` at `c` onto a tile seam when there is room for it there (see
/// [`maybe_on_seam`]).
pub(crate) fn on_seam_if_room(
    rng: &mut Rng,
    setting: &Setting,
    layout: &Layout,
    canvas: &Canvas,
    c: Pt,
    r: f64,
) -> Pt {
    let moved = maybe_on_seam(rng, setting, c);
    if moved != c && layout.room(moved) >= r && !canvas.is_water(moved) {
        moved
    } else {
        c
    }
}

/// Moves `c` so that it sits on a tile seam (a row or column that is a multiple of 256, 512 or
/// 1024 pixels) about one time in three, so that objects cross the tiles a scanner reads.
fn maybe_on_seam(rng: &mut Rng, setting: &Setting, c: Pt) -> Pt {
    if !rng.random_bool(0.35) {
        return c;
    }
    let step = [256.0, 512.0, 1024.0][rng.random_range(0..3)];
    let axis = rng.random_range(0..2);
    let limit = if axis == 0 {
        setting.width
    } else {
        setting.height
    } as f64;
    let seams = (limit / step).floor() as i64;
    if seams < 1 {
        return c;
    }
    let mut out = c;
    let seam = ((c[axis] / step).round() as i64).clamp(1, seams) as f64 * step;
    if seam < limit {
        out[axis] = seam + rng.random_range(-0.2..0.2) * 16.0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heaps_rise_at_their_slope_up_to_their_top() {
        assert_eq!(heap_height(10.0, 0.5, 100.0, 0.0, 0.0), 5.0);
        assert_eq!(heap_height(1000.0, 0.5, 30.0, 0.0, 0.0), 30.0);
        // Lifts of 10 m with benches of 8 m: 20 m of slope, then a bench, then more slope.
        assert_eq!(heap_height(24.0, 0.5, 100.0, 10.0, 8.0), 10.0);
        assert_eq!(heap_height(30.0, 0.5, 100.0, 10.0, 8.0), 11.0);
        assert_eq!(
            edge_distance(&geom::rect([0.0, 0.0], 10.0, 10.0, 0.0), [1.0, 0.0]),
            4.0
        );
    }
}
