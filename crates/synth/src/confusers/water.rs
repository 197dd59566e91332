//! Deep clear water away from the river: flooded pits and ponds, dark like gangue.

use rand::Rng as _;

use crate::canvas::{Canvas, Cover};
use crate::grain::Grain;

use crate::geom;
use crate::layout::Layout;
use crate::setting::Setting;
use crate::spectra;
use crate::truth::Truth;

/// Paints a pond or flooded pit in some scenes.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
) {
    let mut rng = setting.rng("ponds");
    if !rng.random_bool(if setting.is_uav() { 0.15 } else { 0.6 }) {
        return;
    }
    let r = setting
        .px(rng.random_range(15.0..90.0))
        .min(setting.width.min(setting.height) as f64 * 0.25);
    let (w, h) = (setting.width as f64, setting.height as f64);
    let Some(c) = layout.find_dry_spot(&mut rng, canvas, r * 1.2, [0.0, 0.0], [w, h]) else {
        return;
    };
    let ring = geom::random_blob(c, r, 0.5..1.0, 0.2, &mut rng);
    let water = spectra::DEEP_WATER.sample(&mut rng);
    let shore = spectra::WET_MUD.sample(&mut rng);
    let ring_px = setting.px(1.5);
    let texture = setting.noise("pond");
    let gsd = setting.gsd;
    canvas.paint_ring(&ring, |x, y, px| {
        let near_edge =
            crate::targets::edge_distance(&ring, [x as f64 + 0.5, y as f64 + 0.5]) < ring_px;
        let (mx, my) = setting.metres(x, y);
        px.refl = if near_edge {
            shore
        } else {
            spectra::scale(water, 1.0 + 0.05 * texture.fbm_to(mx, my, 5.0, gsd))
        };
        px.cover = if near_edge {
            Cover::Ground
        } else {
            Cover::Water
        };
        px.grain = if near_edge {
            Grain::Soil
        } else {
            Grain::Smooth
        };
        px.surface -= 1.0;
    });
    truth.confuser("deep_water", &ring);
    layout.take(c, r * 1.2);
}
