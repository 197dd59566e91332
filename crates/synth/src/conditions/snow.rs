//! Snow in patches on winter scenes: on fields, waste ground, roofs and piles; not on open
//! water, and thinner on roads.

use rand::Rng as _;

use crate::canvas::{Canvas, Cover};
use crate::setting::{Season, Setting};
use crate::spectra;

/// Lays snow patches; returns the share of the scene they cover (0 when none).
pub(crate) fn paint(setting: &Setting, canvas: &mut Canvas) -> f32 {
    let mut rng = setting.rng("snow");
    let chance = match (setting.season, setting.acquired.month) {
        (Season::Winter, _) => 0.6,
        (_, 3 | 11) => 0.25,
        _ => 0.0,
    };
    if !rng.random_bool(chance) {
        return 0.0;
    }
    let cover: f32 = rng.random_range(0.05..0.6);
    let snow = spectra::SNOW.sample(&mut rng);
    let patches = setting.noise("snow");
    let scale = rng.random_range(15.0..120.0);
    // Noise values are roughly -0.6..0.6: a threshold that leaves about `cover` under snow.
    let threshold = 0.55 - 1.1 * cover;
    let gsd = setting.gsd;
    canvas.paint_box(canvas.full(), |x, y, px| {
        let weight = match px.cover {
            Cover::Water => return,
            Cover::Paved => 0.3,
            Cover::Trees => 0.4,
            Cover::Ground | Cover::Roof => 1.0,
        };
        let (mx, my) = setting.metres(x, y);
        let n = patches.fbm_to(mx, my, scale, gsd);
        let t = ((n - threshold) * 8.0).clamp(0.0, 1.0) * weight;
        if t > 0.0 {
            px.refl = spectra::mix(px.refl, snow, t);
        }
    });
    let (mut count, mut snowy) = (0usize, 0usize);
    for y in (0..setting.height).step_by(8) {
        for x in (0..setting.width).step_by(8) {
            let (mx, my) = setting.metres(x, y);
            count += 1;
            snowy += usize::from(patches.fbm_to(mx, my, scale, gsd) > threshold);
        }
    }
    snowy as f32 / count.max(1) as f32
}
