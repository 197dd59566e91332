//! Buildings: a rectangular footprint, a wall height that casts a shadow, and a flat, gabled or
//! vaulted roof whose slopes catch the sun.

use crate::canvas::{Canvas, Cover};
use crate::geom::{self, Pt, Ring};
use crate::setting::Setting;
use crate::spectra::{self, Reflectance};

/// The shape of a roof.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Roof {
    /// Flat, with a parapet.
    Flat,
    /// Two slopes meeting at a ridge along the long side; the ridge rises this many metres.
    Gable(f64),
    /// A barrel vault along the long side (sheds, halls) rising this many metres.
    Vault(f64),
}

/// A rectangular building.
#[derive(Clone, Debug)]
pub(crate) struct Building {
    pub centre: Pt,
    /// Length along the ridge, in pixels.
    pub length: f64,
    /// Depth across the ridge, in pixels.
    pub depth: f64,
    /// Direction of the ridge, radians.
    pub angle: f64,
    /// Wall height in metres.
    pub height_m: f64,
    pub roof: Roof,
    pub colour: Reflectance,
}

impl Building {
    /// The footprint.
    pub(crate) fn ring(&self) -> Ring {
        geom::rect(self.centre, self.length, self.depth, self.angle)
    }

    /// The footprint together with its shadow on flat ground (the convex hull of both).
    pub(crate) fn shadow_ring(&self, setting: &Setting) -> Ring {
        let ring = self.ring();
        let len = setting.px(self.height_m / setting.sun.elevation_deg.to_radians().tan());
        let shifted = geom::translate(
            &ring,
            [setting.shadow_dir[0] * len, setting.shadow_dir[1] * len],
        );
        geom::convex_hull(&[ring, shifted].concat())
    }
}

/// Paints a building: roof colour with a little texture, its height for shadows, and its roof
/// slopes for shading.
pub(crate) fn paint(setting: &Setting, canvas: &mut Canvas, b: &Building) {
    let (s, c) = b.angle.sin_cos();
    let texture = setting.noise("roofs");
    let gsd = setting.gsd;
    let parapet = setting.px(0.4);
    canvas.paint_ring(&b.ring(), |x, y, px| {
        let (dx, dy) = (x as f64 + 0.5 - b.centre[0], y as f64 + 0.5 - b.centre[1]);
        let (along, across) = (dx * c + dy * s, -dx * s + dy * c);
        let t = (across.abs() / (b.depth / 2.0)).min(1.0);
        let (ridge, mut k) = match b.roof {
            Roof::Flat => {
                let edge = (b.length / 2.0 - along.abs()).min(b.depth / 2.0 - across.abs());
                (0.0, if edge < parapet { 1.12 } else { 1.0 })
            }
            Roof::Gable(rise) => {
                // Tiles and corrugations run down the slope.
                let tiles = ((along * gsd / 0.25).fract() - 0.5).abs() as f32;
                (
                    rise * (1.0 - t),
                    1.0 - 0.08 * tiles * ((0.25 / gsd).min(1.0) as f32),
                )
            }
            Roof::Vault(rise) => (rise * (1.0 - t * t).sqrt(), 1.0),
        };
        let (mx, my) = setting.metres(x, y);
        k += 0.05 * texture.fbm_to(mx, my, 10.0, gsd * 1.5);
        px.refl = spectra::scale(b.colour, k);
        px.blocks = b.height_m as f32;
        px.surface += ridge as f32;
        px.cover = Cover::Roof;
    });
}
