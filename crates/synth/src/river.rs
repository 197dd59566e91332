//! A river crossing the scene: water (clear or turbid, darker in the deep channel), wet mud,
//! sand and gravel bars, riparian grass and shrubs, sloping banks.

use rand::Rng as _;

use crate::canvas::{Canvas, Cover};
use crate::grain::Grain;

use crate::geom::{Corridor, Pt};
use crate::rng::Rng;
use crate::setting::{Season, Setting};
use crate::spectra::{self, Reflectance};

/// The river of a scene, for the painters that put things on and by it.
pub(crate) struct River {
    /// The water channel; its direction is downstream.
    pub channel: Corridor,
    /// The water's reflectance away from the banks.
    pub water: Reflectance,
    /// Whether the water is turbid (plumes then need another colour to stand out).
    pub turbid: bool,
    /// Width in pixels of the bare bank (mud, sand, gravel) outside the water.
    pub beach_px: f64,
}

impl River {
    /// Position along the river and signed distance from its centre line, in pixels.
    pub(crate) fn locate(&self, p: Pt) -> (f64, f64) {
        self.channel.locate(p)
    }

    /// The water's edge at `u` on `side` (+1 or -1 along the channel's normal).
    pub(crate) fn bank_point(&self, u: f64, side: f64) -> Pt {
        let (c, n, hw) = (
            self.channel.centre(u),
            self.channel.normal(u),
            self.channel.half_width_at(u),
        );
        [c[0] + side * hw * n[0], c[1] + side * hw * n[1]]
    }

    /// A random place on the water between `u0` and `u1` along the river, at most `reach`
    /// half-widths off the centre line: its position along the river, the point, and the
    /// channel's half-width there.
    pub(crate) fn random_spot(
        &self,
        rng: &mut Rng,
        u0: f64,
        u1: f64,
        reach: f64,
    ) -> (f64, Pt, f64) {
        let u = rng.random_range(u0..u1.max(u0 + 1.0));
        let across = rng.random_range(-reach..reach);
        (u, self.bank_point(u, across), self.channel.half_width_at(u))
    }

    /// The unit vector downstream at `u`.
    pub(crate) fn downstream(&self, u: f64) -> Pt {
        let n = self.channel.normal(u);
        [n[1], -n[0]]
    }

    /// The unit vector from the water towards the land on `side` at `u`.
    pub(crate) fn landward(&self, u: f64, side: f64) -> Pt {
        let n = self.channel.normal(u);
        [side * n[0], side * n[1]]
    }

    /// The stretch of `u` for which the river's centre lies inside the scene, if any.
    pub(crate) fn u_span_inside(
        &self,
        width: usize,
        height: usize,
        margin: f64,
    ) -> Option<(f64, f64)> {
        let reach = (width + height) as f64;
        let inside = |u: f64| {
            let c = self.channel.centre(u);
            c[0] >= margin
                && c[1] >= margin
                && c[0] <= width as f64 - margin
                && c[1] <= height as f64 - margin
        };
        let us: Vec<f64> = (0..=400)
            .map(|i| -reach + 2.0 * reach * i as f64 / 400.0)
            .filter(|&u| inside(u))
            .collect();
        Some((*us.first()?, *us.last()?))
    }
}

/// Whether the scene has a river: always on drone scenes (they are flown along rivers), in
/// three satellite scenes out of four.
pub(crate) fn paint(setting: &Setting, canvas: &mut Canvas) -> Option<River> {
    let mut rng = setting.rng("river");
    if !setting.is_uav() && rng.random_bool(0.25) {
        return None;
    }
    let (w, h) = (setting.width as f64, setting.height as f64);
    let side = w.min(h);
    let (half_width_m, beach_m, meander) = if setting.is_uav() {
        let hw = rng.random_range(4.0..(setting.short_side_m() * 0.2).max(5.0));
        (
            hw,
            rng.random_range(0.5..4.0),
            side * rng.random_range(0.0..0.06),
        )
    } else {
        (
            rng.random_range(8.0..45.0),
            rng.random_range(3.0..40.0),
            side * rng.random_range(0.05..0.25),
        )
    };
    let through = [
        w * rng.random_range(0.3..0.7),
        h * rng.random_range(0.3..0.7),
    ];
    let channel = Corridor::across(
        through,
        rng.random_range(0.0..std::f64::consts::TAU),
        setting.px(half_width_m),
        meander,
        // Over the hundred metres of a drone scene a river bends little.
        side * if setting.is_uav() {
            rng.random_range(2.0..5.0)
        } else {
            rng.random_range(0.8..2.0)
        },
        0.25,
        &mut rng,
    );
    let turbid = rng.random_bool(0.35);
    let clear = spectra::CLEAR_WATER.sample(&mut rng);
    let water = if turbid {
        spectra::mix(
            clear,
            spectra::TURBID_WATER.sample(&mut rng),
            rng.random_range(0.7..1.0),
        )
    } else {
        clear
    };
    let river = River {
        channel,
        water,
        turbid,
        beach_px: setting.px(beach_m),
    };

    let mud = spectra::WET_MUD.sample(&mut rng);
    let sand = spectra::SAND.sample(&mut rng);
    let riparian = spectra::mix(
        spectra::DRY_GRASS.sample(&mut rng),
        spectra::VEGETATION.sample(&mut rng),
        setting.greenness * 0.8 + 0.1,
    );
    let bank_drop_m = if setting.is_uav() {
        rng.random_range(0.5..2.5)
    } else {
        rng.random_range(1.0..5.0)
    };
    let riparian_px = setting.px(rng.random_range(3.0..25.0));
    let texture = setting.noise("river");
    let gsd = setting.gsd;
    let wet_px = setting.px(rng.random_range(0.4..2.0));
    let slope_px = setting.px(bank_drop_m * 2.0) + wet_px;
    let winter = setting.season == Season::Winter;
    let glints = setting.is_uav();
    // Texture of the banks: patches a few tens of metres across, smaller at drone scale.
    let patch_m = if setting.is_uav() { 6.0 } else { 40.0 };
    let margin = river.beach_px * 2.0 + riparian_px + slope_px;
    canvas.paint_corridor(&river.channel, margin, |x, y, px| {
        let p = [x as f64 + 0.5, y as f64 + 0.5];
        let (u, d) = river.channel.locate(p);
        let hw = river.channel.half_width_at(u);
        let e = d.abs() - hw;
        if e > margin {
            return;
        }
        let (mx, my) = setting.metres(x, y);
        let n = texture.fbm_to(mx, my, patch_m, gsd * 2.0);
        // How far the bare bank reaches here: bars come and go along the river.
        let beach = river.beach_px
            * (1.0 + 0.9 * texture.derive(1).fbm(mx, my, patch_m * 4.0, 4) as f64).max(0.0);
        if e < 0.0 {
            let depth = (-e / hw).min(1.0) as f32;
            // Ripples: streaks drawn out along the flow, and at drone scale glints of sun.
            let streaks = texture.derive(2).fbm(u * gsd / 3.0, d * gsd / 0.6, 1.0, 3);
            let glint =
                glints && texture.derive(3).white(x as i64, y as i64) > 0.9985 && streaks > 0.2;
            let ripple = 1.0 + 0.06 * streaks + if glint { 2.5 } else { 0.0 };
            // Shallow water near the edge shows some of the bed.
            let shallow = (1.0 - depth * 4.0).clamp(0.0, 1.0) * 0.35;
            let deep = 1.0 - 0.15 * depth;
            px.refl = spectra::scale(spectra::mix(river.water, sand, shallow), deep * ripple);
            px.cover = Cover::Water;
            px.grain = Grain::Smooth;
            px.surface = px.surface.min(0.0) - bank_drop_m as f32;
            return;
        }
        let lowered = (1.0 - (e / slope_px).min(1.0)) as f32;
        // Wet ground darkens towards the water's edge.
        let wetness = (1.0 - e / (wet_px * (1.0 + 0.6 * n as f64))).clamp(0.0, 1.0) as f32;
        px.surface -= bank_drop_m as f32 * lowered * lowered;
        let (surface, grain) = if e < wet_px + beach {
            (
                spectra::mix(
                    spectra::mix(sand, mud, (0.3 * n).clamp(0.0, 1.0)),
                    mud,
                    wetness,
                ),
                Grain::Gravel,
            )
        } else if e < wet_px + beach + riparian_px * (1.0 + 0.5 * n as f64) {
            (
                if winter {
                    spectra::DRY_GRASS.pick(0x77)
                } else {
                    riparian
                },
                Grain::Grass,
            )
        } else {
            return;
        };
        px.refl = spectra::scale(surface, 1.0 + 0.12 * n);
        px.grain = grain;
        px.cover = Cover::Ground;
    });
    Some(river)
}
