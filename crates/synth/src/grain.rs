//! Fine texture that only drone imagery resolves: clods of soil, grass blades, gravel, rock
//! fragments, leaf clusters, the speckle of paving. Each painter says which grain a pixel has;
//! one pass then adds it, fading out features smaller than a pixel.

use crate::canvas::Canvas;
use crate::setting::Setting;

/// The fine texture of a surface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Grain {
    /// No texture of its own (water, roofs, nets, snow).
    #[default]
    Smooth,
    /// Soil clods and crumbs.
    Soil,
    /// Grass blades and crop leaves with dark gaps.
    Grass,
    /// Pebbles.
    Gravel,
    /// Rock fragments of gangue, riprap and spoil.
    Rock,
    /// Leaf clusters of tree crowns.
    Leaves,
    /// Speckle of asphalt and concrete.
    Paved,
}

impl Grain {
    /// Typical feature size in metres and contrast (relative brightness change).
    fn scale(self) -> (f64, f32) {
        match self {
            Grain::Smooth => (0.0, 0.0),
            Grain::Soil => (0.12, 0.22),
            Grain::Grass => (0.10, 0.40),
            Grain::Gravel => (0.07, 0.35),
            Grain::Rock => (0.25, 0.45),
            Grain::Leaves => (0.25, 0.50),
            Grain::Paved => (0.04, 0.10),
        }
    }
}

/// Adds every pixel's grain.
pub(crate) fn apply(setting: &Setting, canvas: &mut Canvas) {
    let noise = setting.noise("grain");
    let gsd = setting.gsd;
    canvas.paint_box(canvas.full(), |x, y, px| {
        let (size, contrast) = px.grain.scale();
        // Features under about a pixel average away.
        let visible = ((size / gsd - 0.25) / 0.75).clamp(0.0, 1.0) as f32;
        if visible <= 0.0 {
            return;
        }
        let (mx, my) = setting.metres(x, y);
        let (u, v) = (mx / size, my / size);
        let k = match px.grain {
            Grain::Smooth => return,
            Grain::Soil => {
                let (f1, f2, id) = noise.cells(u, v);
                let crack = ((f2 - f1) * 4.0).min(1.0);
                (id - 0.5) * 0.8 - (1.0 - crack) * 0.5 + 0.3 * noise.value(u * 0.25, v * 0.25)
            }
            Grain::Grass => {
                // Blades: fine noise stretched in a direction that changes from clump to clump.
                let turn = noise.derive(1).value(u * 0.05, v * 0.05) as f64 * 3.0;
                let (s, c) = turn.sin_cos();
                let (a, b) = (u * c + v * s, -u * s + v * c);
                let blades = noise.derive(2).value(a * 0.35, b * 2.5);
                let clumps = noise.derive(3).value(u * 0.1, v * 0.1);
                blades + 0.5 * clumps - if blades < -0.35 { 0.6 } else { 0.0 }
            }
            Grain::Gravel | Grain::Rock => {
                let (f1, f2, id) = noise.derive(4).cells(u, v);
                let gap = 1.0 - ((f2 - f1) * 3.0).min(1.0);
                (id - 0.5) * 1.2 - gap * gap * 0.9 - 0.2 * f1
            }
            Grain::Leaves => {
                let (f1, _, id) = noise.derive(5).cells(u, v);
                (id - 0.5) * 0.8 - if f1 > 0.55 { 0.9 } else { f1 * 0.6 }
            }
            Grain::Paved => noise.white(x as i64, y as i64) - 0.5,
        };
        // Coarser clumps and patches of the same material, a few times the grain size.
        let patches = noise.derive(9).fbm(u, v, 12.0, 3);
        let factor = (1.0 + contrast * visible * (k + 0.6 * patches)).max(0.2);
        px.refl = px.refl.map(|r| r * factor);
    });
}
