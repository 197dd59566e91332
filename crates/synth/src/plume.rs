//! Plumes of off-colour water drifting downstream from a point on a bank: from discharge
//! outlets, and from tributaries and bridge piers (which are not outlets).

use crate::canvas::{Canvas, Cover};
use crate::geom::{PixelBox, Pt};
use crate::noise::Noise;
use crate::river::River;
use crate::setting::Setting;
use crate::spectra::{self, Reflectance};

/// A plume leaving the bank at `u` on `side` of the river.
pub(crate) struct Plume {
    /// Position along the river of the source, pixels.
    pub u: f64,
    /// +1 or -1: which bank.
    pub side: f64,
    /// Length in pixels over which it fades.
    pub length: f64,
    /// Width in pixels at the source and at the far end.
    pub width: (f64, f64),
    /// Its colour.
    pub colour: Reflectance,
    /// How strongly it colours the water at the source, 0..1.
    pub strength: f32,
    /// How far from the bank its axis starts, in pixels (0 for a bank outlet).
    pub offset: f64,
}

/// Mixes the plume into the water; returns nothing, paints only water pixels.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    river: &River,
    plume: &Plume,
    texture: Noise,
) {
    let src = river.bank_point(plume.u, plume.side);
    let reach = plume.length * 1.3 + plume.width.1 * 2.0;
    let area = PixelBox::around(
        [src[0] - reach, src[1] - reach],
        [src[0] + reach, src[1] + reach],
        canvas.width,
        canvas.height,
    );
    let gsd = setting.gsd;
    canvas.paint_box(area, |x, y, px| {
        if px.cover != Cover::Water {
            return;
        }
        let p: Pt = [x as f64 + 0.5, y as f64 + 0.5];
        let (u, d) = river.locate(p);
        let along = u - plume.u;
        // Distance inwards from this bank.
        let q = river.channel.half_width_at(u) - plume.side * d;
        let c = concentration(plume, along, q);
        if c <= 0.003 {
            return;
        }
        let (mx, my) = setting.metres(x, y);
        let swirl = 1.0 + 0.45 * texture.fbm_to(mx, my, plume.width.1 * gsd * 0.8, gsd * 1.5);
        let t = (c * swirl).clamp(0.0, 1.0);
        px.refl = spectra::mix(px.refl, plume.colour, t);
    });
}

/// The plume's share of the water at `along` pixels downstream and `q` pixels out from the
/// bank: strongest at the source, fading and widening downstream, hugging the bank.
pub(crate) fn concentration(plume: &Plume, along: f64, q: f64) -> f32 {
    let (w0, w1) = plume.width;
    if along < -w0 * 1.5 || along > plume.length * 1.3 || q < -w0 {
        return 0.0;
    }
    let s = (along / plume.length).max(0.0);
    let width = w0 + (w1 - w0) * s.sqrt();
    let axis = plume.offset + width * 0.45;
    // A flat core with a fairly sharp edge, as plumes have near their source.
    let lateral = (-((q - axis) / width).powi(4) * 6.0).exp();
    let longitudinal = if along >= 0.0 {
        (-1.6 * s).exp()
    } else {
        (-(along / w0).powi(2) * 2.0).exp()
    };
    plume.strength * (lateral * longitudinal) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plumes_fade_and_widen_downstream() {
        let plume = Plume {
            u: 0.0,
            side: 1.0,
            length: 100.0,
            width: (4.0, 30.0),
            colour: [0.03; 4],
            strength: 0.9,
            offset: 0.0,
        };
        let near = concentration(&plume, 5.0, 2.0);
        let far = concentration(&plume, 90.0, 12.0);
        assert!(near > 0.5 && far > 0.0 && far < near * 0.3, "{near} {far}");
        // Downstream, the plume reaches further out from the bank than at the source.
        assert!(concentration(&plume, 90.0, 25.0) > concentration(&plume, 5.0, 25.0));
        assert_eq!(concentration(&plume, -50.0, 2.0), 0.0);
    }
}
