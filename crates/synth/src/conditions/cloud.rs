//! Thin cloud on satellite scenes: a bright, smooth veil, and its shadow, a dark smooth patch
//! offset from it along the sun's direction (over dark ground, the classic false gangue pile).

use rand::Rng as _;

use crate::canvas::Canvas;
use crate::geom::{self, Pt, Ring};
use crate::noise::Noise;
use crate::setting::Setting;
use crate::spectra::{self, Reflectance};
use crate::truth::Truth;

/// One cloud puff: an outline (the core, for the truth) and its soft density.
struct Puff {
    ring: Ring,
    centre: Pt,
    radius: f64,
}

/// Adds thin cloud and its shadow to some satellite scenes, after lighting; returns whether
/// it did.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    truth: &mut Truth,
    ambient: f32,
) -> bool {
    let mut rng = setting.rng("cloud");
    if setting.is_uav() || !rng.random_bool(0.3) {
        return false;
    }
    let height_m = rng.random_range(400.0..2500.0);
    let offset_px = setting.px(height_m / setting.sun.elevation_deg.to_radians().tan());
    let offset = [
        setting.shadow_dir[0] * offset_px,
        setting.shadow_dir[1] * offset_px,
    ];
    let opacity: f32 = rng.random_range(0.25..0.7);
    let veil: Reflectance = spectra::CLOUD.sample(&mut rng);
    let puffs: Vec<Puff> = (0..rng.random_range(1..4))
        .map(|_| {
            let radius = setting.px(rng.random_range(80.0..500.0));
            // Half the time the shadow, not the cloud, is put in the scene.
            let mut centre = setting.random_point(&mut rng, 0.0);
            if rng.random_bool(0.5) {
                centre = [centre[0] - offset[0], centre[1] - offset[1]];
            }
            let ring = geom::random_blob(centre, radius, 0.4..1.0, 0.3, &mut rng);
            Puff {
                ring,
                centre,
                radius,
            }
        })
        .collect();
    let texture = setting.noise("cloud");
    let puff_scale = setting.px(250.0);
    let density = |p: Pt, texture: Noise| -> f32 {
        let mut d = 0.0f32;
        for puff in &puffs {
            let r = ((p[0] - puff.centre[0]).powi(2) + (p[1] - puff.centre[1]).powi(2)).sqrt()
                / (puff.radius * 1.3);
            if r >= 1.0 {
                continue;
            }
            // Dense inside the outline, thinning out smoothly beyond it.
            let core = if geom::contains(&puff.ring, p) {
                1.0
            } else {
                0.0
            };
            let soft = ((1.0 - r) / 0.45).clamp(0.0, 1.0) as f32;
            d = d.max(0.5 * core + 0.5 * soft * soft);
        }
        if d <= 0.0 {
            return 0.0;
        }
        // Wisps and holes: the veil is never uniform.
        let wisps = (0.5 + 1.6 * texture.fbm(p[0], p[1], puff_scale, 5)).clamp(0.0, 1.2);
        (d * wisps).clamp(0.0, 1.0)
    };
    let shadow_strength = rng.random_range(0.5..0.9f32) * (1.0 - ambient);
    canvas.paint_box(canvas.full(), |x, y, px| {
        let p = [x as f64 + 0.5, y as f64 + 0.5];
        let cloud = density(p, texture) * opacity;
        let shade = density([p[0] - offset[0], p[1] - offset[1]], texture) * opacity.sqrt();
        if shade > 0.0 {
            px.refl = spectra::scale(px.refl, 1.0 - shadow_strength * shade);
        }
        if cloud > 0.0 {
            px.refl = spectra::mix(px.refl, veil, cloud);
        }
    });
    for puff in &puffs {
        truth.confuser("thin_cloud", &puff.ring);
        truth.confuser("cloud_shadow", &geom::translate(&puff.ring, offset));
    }
    true
}
