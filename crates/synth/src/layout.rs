//! Where things have been put, so that new things go where there is room.

use rand::Rng as _;

use crate::canvas::Canvas;
use crate::geom::{Corridor, Pt};
use crate::rng::Rng;

/// Discs of the scene already taken by objects.
#[derive(Default)]
pub(crate) struct Layout {
    taken: Vec<(Pt, f64)>,
    lines: Vec<(Corridor, f64)>,
    river: Option<(Corridor, f64)>,
}

impl Layout {
    /// Whether a disc of radius `r` at `c` overlaps nothing taken, the river included.
    pub(crate) fn is_free(&self, c: Pt, r: f64) -> bool {
        self.is_free_on_bank(c, r)
            && self
                .river
                .iter()
                .all(|(line, margin)| clear_of(line, *margin, c, r))
    }

    /// Whether a disc of radius `r` at `c` overlaps nothing taken but the river and its banks
    /// (for things that belong on a bank).
    pub(crate) fn is_free_on_bank(&self, c: Pt, r: f64) -> bool {
        self.taken
            .iter()
            .all(|(p, q)| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2) >= (r + q).powi(2))
            && self
                .lines
                .iter()
                .all(|(line, margin)| clear_of(line, *margin, c, r))
    }

    /// The radius of the largest free disc centred on `c` (negative inside something taken).
    pub(crate) fn room(&self, c: Pt) -> f64 {
        let discs = self
            .taken
            .iter()
            .map(|(p, q)| ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt() - q);
        let lines = self
            .lines
            .iter()
            .chain(self.river.iter())
            .map(|(line, margin)| {
                let (u, d) = line.locate(c);
                if line.covers(u) {
                    d.abs() - line.half_width_at(u) - margin
                } else {
                    f64::MAX
                }
            });
        discs.chain(lines).fold(f64::MAX, f64::min)
    }

    /// A spot on dry land in the box `lo`..`hi` for a disc of radius `wanted`, or failing
    /// that of at least `least`, that reaches at least a third of its radius into the scene:
    /// the centre and the radius that fits.
    pub(crate) fn find_room(
        &self,
        rng: &mut Rng,
        canvas: &Canvas,
        wanted: f64,
        least: f64,
        lo: Pt,
        hi: Pt,
    ) -> Option<(Pt, f64)> {
        let (w, h) = (canvas.width as f64, canvas.height as f64);
        (0..300).find_map(|_| {
            let c = [
                rng.random_range(lo[0]..hi[0].max(lo[0] + 1.0)),
                rng.random_range(lo[1]..hi[1].max(lo[1] + 1.0)),
            ];
            let r = wanted.min(self.room(c));
            let reaches_in =
                c[0] > -r * 0.67 && c[1] > -r * 0.67 && c[0] < w + r * 0.67 && c[1] < h + r * 0.67;
            (r >= least && reaches_in && !canvas.is_water(c)).then_some((c, r))
        })
    }

    /// Marks a corridor (and `margin` pixels either side) as taken.
    pub(crate) fn take_line(&mut self, line: &Corridor, margin: f64) {
        self.lines.push((line.clone(), margin));
    }

    /// Marks the river channel (and `margin` pixels of bank either side) as taken.
    pub(crate) fn take_river(&mut self, channel: &Corridor, margin: f64) {
        self.river = Some((channel.clone(), margin));
    }

    /// Marks a disc as taken.
    pub(crate) fn take(&mut self, c: Pt, r: f64) {
        self.taken.push((c, r));
    }

    /// A free spot for a disc of radius `r` on dry land, its centre within the box `lo`..`hi`
    /// (pixels), or `None` after a number of tries.
    pub(crate) fn find_dry_spot(
        &self,
        rng: &mut Rng,
        canvas: &Canvas,
        r: f64,
        lo: Pt,
        hi: Pt,
    ) -> Option<Pt> {
        (0..200).find_map(|_| {
            let c = [
                rng.random_range(lo[0]..hi[0].max(lo[0] + 1.0)),
                rng.random_range(lo[1]..hi[1].max(lo[1] + 1.0)),
            ];
            let dry = (0..12).all(|k| {
                let a = k as f64 * std::f64::consts::TAU / 12.0;
                let p = [c[0] + r * a.cos(), c[1] + r * a.sin()];
                !canvas.is_water(p)
            }) && !canvas.is_water(c);
            (dry && self.is_free(c, r)).then_some(c)
        })
    }
}

/// Whether a disc keeps `margin` pixels away from a corridor's edge.
fn clear_of(line: &Corridor, margin: f64, c: Pt, r: f64) -> bool {
    let (u, d) = line.locate(c);
    !line.covers(u) || d.abs() >= r + line.half_width_at(u) + margin
}
