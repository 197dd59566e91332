//! Discharge outlets (入河排污口): a ditch or pipe reaching the bank from the land side, a dark
//! pipe or culvert mouth at drone scale, and a plume of dark, milky, reddish or turbid water
//! leaving the bank and drifting downstream.

use geoscout_core::Class;
use rand::Rng as _;

use crate::buildings::{self, Building, Roof};
use crate::canvas::{Canvas, Cover};
use crate::geom::{self, Corridor, Pt};
use crate::grain::Grain;
use crate::layout::Layout;
use crate::plume::{self, Plume};
use crate::river::River;
use crate::rng::Rng;
use crate::setting::Setting;
use crate::spectra::{self, Reflectance, SpectralRange};
use crate::truth::{Truth, TruthClass};

/// Places outlets along the river's banks.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    river: &River,
) {
    let mut rng = setting.rng("outlets");
    let Some((u0, u1)) = river.u_span_inside(setting.width, setting.height, 0.0) else {
        return;
    };
    let length_m = (u1 - u0) * setting.gsd;
    let count = if setting.is_uav() {
        rng.random_range(1..4)
    } else {
        1 + (length_m / 1000.0 * rng.random_range(0.5..2.0)) as usize
    };
    for _ in 0..count {
        let Some((u, side, mouth)) = find_bank_spot(setting, &mut rng, river, layout, u0, u1)
        else {
            continue;
        };
        let (variant, range): (&'static str, SpectralRange) = match rng.random_range(0..4) {
            0 => ("dark", spectra::PLUME_DARK),
            1 => ("milky", spectra::PLUME_MILKY),
            2 => ("reddish", spectra::PLUME_REDDISH),
            _ if !river.turbid => ("turbid", spectra::PLUME_TURBID),
            _ => ("dark", spectra::PLUME_DARK),
        };
        let colour = range.sample(&mut rng);
        let (length_m, w0_m, w1_m) = if setting.is_uav() {
            (
                rng.random_range(5.0..60.0),
                rng.random_range(0.4..2.0),
                rng.random_range(3.0..12.0),
            )
        } else {
            (
                rng.random_range(30.0..200.0),
                rng.random_range(4.0..10.0),
                rng.random_range(12.0..50.0),
            )
        };
        let inland = river.landward(u, side);
        feeder(setting, canvas, &mut rng, mouth, inland, colour);
        let plume = Plume {
            u,
            side,
            length: setting.px(length_m),
            width: (setting.px(w0_m), setting.px(w1_m)),
            colour,
            strength: rng.random_range(0.7..0.95),
            offset: 0.0,
        };
        plume::paint(
            setting,
            canvas,
            river,
            &plume,
            setting.noise("plume").derive(rng.random()),
        );
        truth.point(
            TruthClass::Target(Class::DischargeOutlet),
            mouth,
            Some(variant),
            Some(colour),
        );
        layout.take(mouth, setting.px(if setting.is_uav() { 4.0 } else { 30.0 }));
    }
}

/// A place on a bank away from other things: (u, side, mouth point).
pub(crate) fn find_bank_spot(
    setting: &Setting,
    rng: &mut Rng,
    river: &River,
    layout: &Layout,
    u0: f64,
    u1: f64,
) -> Option<(f64, f64, Pt)> {
    let clearance = setting.px(if setting.is_uav() { 3.0 } else { 25.0 });
    (0..100).find_map(|_| {
        let u = rng.random_range(u0..u1.max(u0 + 1.0));
        let side = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        let mouth = river.bank_point(u, side);
        let inside = mouth[0] >= 2.0
            && mouth[1] >= 2.0
            && mouth[0] <= setting.width as f64 - 2.0
            && mouth[1] <= setting.height as f64 - 2.0;
        (inside && layout.is_free_on_bank(mouth, clearance)).then_some((u, side, mouth))
    })
}

/// What brings the discharge to the bank: an open ditch of dark wet ground, or (at drone scale)
/// a pipe or culvert whose dark mouth sits in a concrete headwall on the bank.
fn feeder(
    setting: &Setting,
    canvas: &mut Canvas,
    rng: &mut Rng,
    mouth: Pt,
    inland: Pt,
    colour: Reflectance,
) {
    let ditch_len = setting.px(if setting.is_uav() {
        rng.random_range(5.0..60.0)
    } else {
        rng.random_range(20.0..150.0)
    });
    let far = [
        mouth[0] + inland[0] * ditch_len,
        mouth[1] + inland[1] * ditch_len,
    ];
    let piped = setting.is_uav() && rng.random_bool(0.6);
    if !piped {
        let width_m = if setting.is_uav() {
            rng.random_range(0.5..2.0)
        } else {
            rng.random_range(1.5..4.0)
        };
        let ditch = Corridor::between(
            mouth,
            far,
            setting.px(width_m / 2.0),
            ditch_len * 0.05,
            ditch_len,
            0.2,
            rng,
        );
        let mud = spectra::WET_MUD.sample(rng);
        let water = spectra::mix(mud, colour, 0.5);
        canvas.paint_corridor(&ditch, 2.0, |x, y, px| {
            if px.cover == Cover::Water {
                return;
            }
            let (u, d) = ditch.locate([x as f64 + 0.5, y as f64 + 0.5]);
            let hw = ditch.half_width_at(u);
            if ditch.covers(u) && d.abs() < hw {
                px.refl = if d.abs() < hw * 0.6 { water } else { mud };
                px.grain = Grain::Soil;
                px.surface -= 0.5;
            }
        });
    } else {
        let diameter_m = rng.random_range(0.3..3.0);
        let d = setting.px(diameter_m);
        let angle = inland[1].atan2(inland[0]);
        // The buried pipe shows as a strip of disturbed ground inland.
        let scar = geom::rect(
            [
                mouth[0] + inland[0] * ditch_len / 2.0,
                mouth[1] + inland[1] * ditch_len / 2.0,
            ],
            ditch_len,
            d * 1.6,
            angle,
        );
        let fill = spectra::DIRT.sample(rng);
        canvas.paint_ring(&scar, |_, _, px| {
            if px.cover != Cover::Water {
                px.refl = spectra::mix(px.refl, fill, 0.6);
            }
        });
        let wall = Building {
            centre: [
                mouth[0] + inland[0] * d * 0.6,
                mouth[1] + inland[1] * d * 0.6,
            ],
            length: d * 1.2,
            depth: d * 2.2,
            angle,
            height_m: diameter_m + 0.3,
            roof: Roof::Flat,
            colour: spectra::CONCRETE.sample(rng),
        };
        buildings::paint(setting, canvas, &wall);
        let hole = geom::rect(mouth, d * 0.5, d, angle);
        canvas.paint_ring(&hole, |_, _, px| px.refl = [0.02, 0.02, 0.02, 0.02]);
        // Discharge stains the bank below the mouth.
        let stain = geom::rect(
            [
                mouth[0] - inland[0] * d * 0.3,
                mouth[1] - inland[1] * d * 0.3,
            ],
            d * 0.8,
            d * 1.1,
            angle,
        );
        canvas.paint_ring(&stain, |_, _, px| {
            px.refl = spectra::mix(px.refl, colour, 0.7)
        });
    }
}
