//! The look-alikes of discharge outlets: a tributary bringing turbid water through riparian
//! trees, bridge piers and their wakes, boats, sandbars, and bank trees shading the water.

use std::f64::consts::PI;

use rand::Rng as _;

use crate::buildings::{self, Building, Roof};
use crate::canvas::{Canvas, Cover};
use crate::grain::Grain;

use crate::geom::{self, Corridor, EdgeField, PixelBox, Pt};
use crate::layout::Layout;
use crate::plume::{self, Plume};
use crate::river::River;
use crate::rng::Rng;
use crate::roads::{self, Road, RoadKind};
use crate::setting::Setting;
use crate::spectra::{self, Reflectance};
use crate::targets::outlet::find_bank_spot;
use crate::trees;
use crate::truth::{Truth, TruthClass};

/// Paints the river's confusers and records them.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    river: &River,
    roads: &mut Vec<Road>,
) {
    let mut rng = setting.rng("river-confusers");
    let Some((u0, u1)) = river.u_span_inside(setting.width, setting.height, 0.0) else {
        return;
    };

    if rng.random_bool(if setting.is_uav() { 0.35 } else { 0.5 }) {
        tributary(setting, canvas, layout, truth, river, &mut rng, u0, u1);
    }
    if rng.random_bool(if setting.is_uav() { 0.3 } else { 0.5 }) {
        bridge(
            setting, canvas, layout, truth, river, &mut rng, u0, u1, roads,
        );
    }
    for _ in 0..rng.random_range(0..if setting.is_uav() { 3 } else { 4 }) {
        boat(setting, canvas, truth, river, &mut rng, u0, u1);
    }
    for _ in 0..rng.random_range(0..3) {
        sandbar(setting, canvas, truth, river, &mut rng, u0, u1);
    }
    bank_trees(setting, canvas, layout, truth, river, &mut rng, u0, u1);
}

/// A natural stream joining the river: meandering, with riparian trees, carrying turbid water
/// that spreads downstream like a plume.
#[allow(clippy::too_many_arguments)]
fn tributary(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    river: &River,
    rng: &mut Rng,
    u0: f64,
    u1: f64,
) {
    let Some((u, side, mouth)) = find_bank_spot(setting, rng, river, layout, u0, u1) else {
        return;
    };
    let inland = river.landward(u, side);
    let down = river.downstream(u);
    // Streams join at an angle, pointing downstream.
    let dir = [inland[0] - 0.6 * down[0], inland[1] - 0.6 * down[1]];
    let len = (setting.width + setting.height) as f64;
    let far = [mouth[0] + dir[0] * len, mouth[1] + dir[1] * len];
    let hw = river.channel.half_width * rng.random_range(0.15..0.4);
    // Start inside the river so the stream meets the water.
    let start = [
        mouth[0] - inland[0] * hw * 2.0,
        mouth[1] - inland[1] * hw * 2.0,
    ];
    let stream = Corridor::between(
        start,
        far,
        hw,
        setting.px(rng.random_range(0.05..0.4) * setting.short_side_m().min(100.0)),
        len * 0.3,
        0.2,
        rng,
    );
    let water = spectra::mix(spectra::TURBID_WATER.sample(rng), river.water, 0.15);
    let bank = spectra::mix(
        spectra::DRY_GRASS.sample(rng),
        spectra::VEGETATION.sample(rng),
        setting.greenness,
    );
    let bank_px = setting.px(rng.random_range(3.0..10.0));
    canvas.paint_corridor(&stream, bank_px + 1.0, |x, y, px| {
        if px.cover == Cover::Water {
            return;
        }
        let (su, d) = stream.locate([x as f64 + 0.5, y as f64 + 0.5]);
        let w = stream.half_width_at(su);
        if !stream.covers(su) || d.abs() > w + bank_px {
            return;
        }
        if d.abs() < w {
            px.refl = water;
            px.cover = Cover::Water;
            px.grain = Grain::Smooth;
            px.surface -= 1.0;
        } else {
            px.refl = bank;
            px.cover = Cover::Ground;
            px.grain = Grain::Grass;
        }
    });
    let leaf = trees::leaf_colour(setting, rng);
    for _ in 0..(len * setting.gsd / 15.0).min(200.0) as usize {
        let su = rng.random_range(0.0..len);
        let c = stream.centre(su);
        let n = stream.normal(su);
        let off = (stream.half_width_at(su) + rng.random_range(0.2..1.0) * bank_px)
            * if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        let p = [c[0] + off * n[0], c[1] + off * n[1]];
        if !canvas.is_water(p) && layout.is_free_on_bank(p, 0.0) {
            trees::paint_tree(setting, canvas, &trees::random_tree(setting, rng, p), leaf);
        }
    }
    let plume = Plume {
        u,
        side,
        length: setting.px(if setting.is_uav() {
            rng.random_range(15.0..60.0)
        } else {
            rng.random_range(60.0..300.0)
        }),
        width: (hw * 2.0, hw * rng.random_range(4.0..8.0)),
        colour: water,
        strength: rng.random_range(0.6..0.9),
        offset: 0.0,
    };
    plume::paint(setting, canvas, river, &plume, setting.noise("tributary"));
    truth.point(
        TruthClass::Confuser("tributary_confluence"),
        mouth,
        None,
        Some(water),
    );
    layout.take_line(&stream, bank_px);
    layout.take(mouth, hw * 4.0);
}

/// A bridge across the river on piers; each pier leaves a pale, turbulent wake downstream.
#[allow(clippy::too_many_arguments)]
fn bridge(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    river: &River,
    rng: &mut Rng,
    u0: f64,
    u1: f64,
    roads: &mut Vec<Road>,
) {
    let u = rng.random_range(u0 + (u1 - u0) * 0.15..u1 - (u1 - u0) * 0.15 + 1.0);
    let c = river.channel.centre(u);
    if !layout.is_free_on_bank(c, river.channel.half_width_at(u) * 0.5) {
        return;
    }
    let n = river.channel.normal(u);
    let angle = n[1].atan2(n[0]) + rng.random_range(-0.25..0.25);
    let deck_m = if setting.is_uav() {
        rng.random_range(5.0..12.0)
    } else {
        rng.random_range(8.0..25.0)
    };
    let road = Corridor::across(c, angle, setting.px(deck_m / 2.0), 0.0, 1000.0, 0.0, rng);
    // Piers at regular spans across the water.
    let hw = river.channel.half_width_at(u);
    let spacing = setting.px(if setting.is_uav() {
        rng.random_range(8.0..20.0)
    } else {
        rng.random_range(20.0..40.0)
    });
    let pier_r = setting.px(rng.random_range(0.6..1.5));
    let dir = [angle.cos(), angle.sin()];
    let reach = hw / (dir[0] * n[0] + dir[1] * n[1]).abs().max(0.5);
    let piers: Vec<Pt> = (0..)
        .map(|i| -reach + spacing * (i as f64 + 0.5))
        .take_while(|&t| t < reach)
        .map(|t| [c[0] + dir[0] * t, c[1] + dir[1] * t])
        .filter(|&p| canvas.is_water(p))
        .collect();
    let kind = RoadKind::Country;
    let surface = spectra::scale(spectra::CONCRETE.sample(rng), 0.85);
    roads::paint_road(setting, canvas, &road, kind, surface);
    // The deck over the water, high enough to shade it.
    let span = reach * 2.0 + river.beach_px * 2.0 + setting.px(10.0);
    let deck = Building {
        centre: c,
        length: span,
        depth: setting.px(deck_m),
        angle,
        height_m: rng.random_range(5.0..12.0),
        roof: Roof::Flat,
        colour: surface,
    };
    buildings::paint(setting, canvas, &deck);
    // Each pier leaves a wake downstream of the deck.
    let down = river.downstream(u);
    let foam: Reflectance = [0.2, 0.21, 0.2, 0.12];
    let clear = setting.px(deck_m / 2.0) + pier_r;
    for p in piers {
        let edge = [p[0] + down[0] * clear, p[1] + down[1] * clear];
        wake(
            setting,
            canvas,
            edge,
            down,
            pier_r,
            setting.px(if setting.is_uav() { 15.0 } else { 60.0 }),
            foam,
            0.0,
        );
        truth.point(TruthClass::Confuser("bridge_pier"), edge, None, None);
    }
    layout.take(c, hw + setting.px(deck_m));
    roads.push(Road { line: road, kind });
}

/// A V-shaped pale, churned streak of water behind `from`, heading along `dir`.
#[allow(clippy::too_many_arguments)]
fn wake(
    setting: &Setting,
    canvas: &mut Canvas,
    from: Pt,
    dir: Pt,
    r: f64,
    length: f64,
    colour: Reflectance,
    spread: f64,
) {
    let area = PixelBox::around(
        [from[0] - length, from[1] - length],
        [from[0] + length, from[1] + length],
        canvas.width,
        canvas.height,
    );
    let texture = setting.noise("wake");
    let gsd = setting.gsd;
    canvas.paint_box(area, |x, y, px| {
        if px.cover != Cover::Water {
            return;
        }
        let (dx, dy) = (x as f64 + 0.5 - from[0], y as f64 + 0.5 - from[1]);
        let along = dx * dir[0] + dy * dir[1];
        let across = (-dx * dir[1] + dy * dir[0]).abs();
        if along < 0.0 || along > length {
            return;
        }
        let half = r + along * (0.12 + spread);
        if across > half * 1.5 {
            return;
        }
        let (mx, my) = setting.metres(x, y);
        let churn = 0.5 + 0.5 * texture.fbm_to(mx, my, 2.0, gsd);
        let fade = (1.0 - along / length) as f32;
        let edge = (-(across / half).powi(2) * 1.5).exp() as f32;
        px.refl = spectra::mix(px.refl, colour, (0.7 * fade * edge * churn).clamp(0.0, 1.0));
    });
}

/// A boat on the water: a pointed hull, and a wake if it is under way.
fn boat(
    setting: &Setting,
    canvas: &mut Canvas,
    truth: &mut Truth,
    river: &River,
    rng: &mut Rng,
    u0: f64,
    u1: f64,
) {
    let (u, c, hw) = river.random_spot(rng, u0, u1, 0.7);
    let length_m = if setting.is_uav() {
        rng.random_range(3.0..8.0)
    } else {
        rng.random_range(5.0..25.0)
    };
    let (len, beam) = (
        setting.px(length_m),
        setting.px(length_m * rng.random_range(0.25..0.4)),
    );
    if beam * 2.0 > hw {
        return;
    }
    let down = river.downstream(u);
    let heading = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
    let dir = [down[0] * heading, down[1] * heading];
    let angle = dir[1].atan2(dir[0]);
    let (s, co) = angle.sin_cos();
    let hull: Vec<Pt> = (0..24)
        .map(|i| {
            let t = i as f64 / 24.0 * 2.0 * PI;
            let (x, y) = (
                t.cos() * len / 2.0,
                t.sin() * beam / 2.0
                    * if t.cos() > 0.3 {
                        1.0 - (t.cos() - 0.3)
                    } else {
                        1.0
                    },
            );
            [c[0] + x * co - y * s, c[1] + x * s + y * co]
        })
        .collect();
    let colour = match rng.random_range(0..4) {
        0 => [0.5, 0.5, 0.5, 0.45],
        1 => [0.2, 0.12, 0.06, 0.2],
        2 => [0.06, 0.1, 0.22, 0.25],
        _ => [0.12, 0.1, 0.08, 0.12],
    };
    if rng.random_bool(0.6) {
        let stern = [c[0] - dir[0] * len / 2.0, c[1] - dir[1] * len / 2.0];
        wake(
            setting,
            canvas,
            stern,
            [-dir[0], -dir[1]],
            beam / 2.0,
            len * 4.0,
            [0.16, 0.17, 0.16, 0.1],
            0.1,
        );
    }
    let texture = setting.noise("boat");
    canvas.paint_ring(&hull, |x, y, px| {
        let (mx, my) = setting.metres(x, y);
        px.refl = spectra::scale(colour, 1.0 + 0.1 * texture.fbm(mx, my, 1.0, 2));
        px.blocks = 1.5;
    });
    truth.confuser("boat", &hull);
}

/// A bar of sand and gravel in the channel, long along the flow.
fn sandbar(
    setting: &Setting,
    canvas: &mut Canvas,
    truth: &mut Truth,
    river: &River,
    rng: &mut Rng,
    u0: f64,
    u1: f64,
) {
    let (u, c, hw) = river.random_spot(rng, u0, u1, 0.6);
    let w = hw * rng.random_range(0.2..0.5);
    let l = w * rng.random_range(2.5..6.0);
    let down = river.downstream(u);
    let ring = geom::blob(c, l, w, down[1].atan2(down[0]), 0.15, rng);
    let sand = spectra::SAND.sample(rng);
    let wet = spectra::WET_MUD.sample(rng);
    let texture = setting.noise("sandbar");
    let gsd = setting.gsd;
    let wet_px = setting.px(2.0);
    let edges = EdgeField::new(&ring, canvas.width, canvas.height);
    canvas.paint_ring(&ring, |x, y, px| {
        let (mx, my) = setting.metres(x, y);
        // Wet at the water's edge, drying towards the crest.
        let dry = (edges.at(x, y) / wet_px).clamp(0.0, 1.0) as f32;
        let base = spectra::mix(wet, sand, dry * dry);
        px.refl = spectra::scale(base, 1.0 + 0.1 * texture.fbm_to(mx, my, 8.0, gsd * 1.5));
        px.cover = Cover::Ground;
        px.grain = Grain::Gravel;
        px.surface += 0.3;
    });
    truth.confuser("sandbar", &ring);
}

/// Trees on the bank whose shadows fall on the water.
#[allow(clippy::too_many_arguments)]
fn bank_trees(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    river: &River,
    rng: &mut Rng,
    u0: f64,
    u1: f64,
) {
    let leaf = trees::leaf_colour(setting, rng);
    let shadow_len = 1.0 / setting.sun.elevation_deg.to_radians().tan();
    for _ in 0..rng.random_range(1..5) {
        let u = rng.random_range(u0..u1.max(u0 + 1.0));
        // The bank from which shadows point into the water.
        let side = if river.landward(u, 1.0)[0] * setting.shadow_dir[0]
            + river.landward(u, 1.0)[1] * setting.shadow_dir[1]
            < 0.0
        {
            1.0
        } else {
            -1.0
        };
        let bank = river.bank_point(u, side);
        let inland = river.landward(u, side);
        let mut tree = trees::random_tree(setting, rng, bank);
        tree.height_m = rng.random_range(8.0..18.0);
        let set_back = tree.radius * rng.random_range(0.3..1.0);
        tree.centre = [
            bank[0] + inland[0] * set_back,
            bank[1] + inland[1] * set_back,
        ];
        if !layout.is_free_on_bank(tree.centre, tree.radius) {
            continue;
        }
        trees::paint_tree(setting, canvas, &tree, leaf);
        let len = setting.px(tree.height_m * shadow_len);
        let crown = geom::rect(tree.centre, tree.radius * 2.0, tree.radius * 2.0, 0.0);
        let far = geom::translate(
            &crown,
            [setting.shadow_dir[0] * len, setting.shadow_dir[1] * len],
        );
        truth.confuser(
            "tree_shadow_on_water",
            &geom::convex_hull(&[crown, far].concat()),
        );
        layout.take(tree.centre, tree.radius);
    }
}
