//! Coal gangue piles (煤矸石堆) and the mine yards they lie by: coal-dusted yards, open coal
//! stockpiles, coal sheds, offices and haul roads.

use std::f64::consts::{PI, TAU};

use geoscout_core::Class;
use rand::Rng as _;

use super::{heap_height, on_seam_if_room};
use crate::buildings::{self, Building, Roof};
use crate::canvas::{Canvas, Cover};
use crate::geom::{self, Corridor, EdgeField, Pt};
use crate::grain::Grain;
use crate::layout::Layout;
use crate::rng::Rng;
use crate::roads::{self, Road, RoadKind};
use crate::setting::Setting;
use crate::spectra::{self, Reflectance};
use crate::truth::{Truth, TruthClass};

/// Places one or two mine yards with their gangue piles.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    roads: &[Road],
) {
    let mut rng = setting.rng("piles");
    let (w, h) = (setting.width as f64, setting.height as f64);
    let piles = if setting.is_uav() {
        usize::from(rng.random_bool(0.6))
    } else {
        1 + (setting.area_km2() * rng.random_range(0.4..1.2)) as usize
    };
    if piles == 0 {
        return;
    }
    // The yard may lie outside a small scene; its haul road then still leads to the piles.
    let yard_r = setting.px(rng.random_range(50.0..140.0));
    let yard = if setting.is_uav() {
        None
    } else {
        layout.find_dry_spot(
            &mut rng,
            canvas,
            yard_r,
            [-yard_r * 0.5, -yard_r * 0.5],
            [w + yard_r * 0.5, h + yard_r * 0.5],
        )
    };
    if let Some(c) = yard {
        mine_yard(setting, canvas, truth, &mut rng, c, yard_r, roads);
        layout.take(c, yard_r);
    }
    for _ in 0..piles {
        let diameter_m = (rng.random_range(40f64.ln()..400f64.ln())).exp();
        let diameter = if setting.is_uav() {
            setting.px(diameter_m)
        } else {
            setting.px(diameter_m).min(w.min(h) * 0.6)
        };
        let r = diameter / 2.0;
        // Drone scenes see parts of piles: their centres may lie beyond the edge.
        // and those that do not fit between the river and the rest are smaller ones.
        let reach = if setting.is_uav() {
            (r * 0.8).min(w.min(h) * 0.4)
        } else {
            r * 0.3
        };
        let least = if setting.is_uav() { setting.px(5.0) } else { r };
        let Some((c, r)) = layout.find_room(
            &mut rng,
            canvas,
            r,
            least,
            [-reach, -reach],
            [w + reach, h + reach],
        ) else {
            continue;
        };
        let c = on_seam_if_room(&mut rng, setting, layout, canvas, c, r);
        if let Some(y) = yard {
            haul_road(setting, canvas, &mut rng, y, c);
        }
        pile(setting, canvas, truth, &mut rng, c, r);
        layout.take(c, r);
    }
}

/// One gangue pile: a cone, a ridge or a terraced dump of grey-black rock, some partly grown
/// over, some with reddish burning spots, shaded by its slopes.
fn pile(setting: &Setting, canvas: &mut Canvas, truth: &mut Truth, rng: &mut Rng, c: Pt, r: f64) {
    let (shape, aspect) = match rng.random_range(0..3) {
        0 => ("cone", rng.random_range(0.75..1.0)),
        1 => ("ridge", rng.random_range(0.3..0.55)),
        _ => ("terraced", rng.random_range(0.6..1.0)),
    };
    let angle = rng.random_range(0.0..PI);
    let ring = geom::blob(
        c,
        r,
        r * aspect,
        angle,
        if shape == "terraced" { 0.15 } else { 0.1 },
        rng,
    );
    let base = spectra::GANGUE.sample(rng);
    let burning = spectra::GANGUE_BURNING.sample(rng);
    let is_burning = rng.random_bool(0.25);
    let vegetated = if rng.random_bool(0.3) {
        rng.random_range(0.15..0.6)
    } else {
        0.0
    };
    let leaf = spectra::mix(
        spectra::DRY_GRASS.sample(rng),
        spectra::VEGETATION.sample(rng),
        setting.greenness,
    );
    let slope = rng.random_range(25f64..36.0).to_radians().tan();
    let top_m = (r * setting.gsd * aspect * slope * rng.random_range(0.5..0.9))
        .min(rng.random_range(15.0..70.0));
    let (lift_m, bench_m) = if shape == "terraced" {
        (rng.random_range(6.0..12.0), rng.random_range(5.0..12.0))
    } else {
        (0.0, 0.0)
    };
    let texture = setting.noise("pile").derive(rng.random());
    let gsd = setting.gsd;
    let edge = EdgeField::new(&ring, canvas.width, canvas.height);
    canvas.paint_ring(&ring, |x, y, px| {
        let p = [x as f64 + 0.5, y as f64 + 0.5];
        let d_m = edge.at(x, y) * gsd;
        px.surface += heap_height(d_m, slope, top_m, lift_m, bench_m) as f32;
        let (mx, my) = setting.metres(x, y);
        // Tipped rock runs down the slope in streaks: noise stretched along the fall line.
        let (dx, dy) = (p[0] - c[0], p[1] - c[1]);
        let theta = dy.atan2(dx);
        let streak = texture.fbm(theta * r * gsd / 3.0, d_m / 25.0, 1.0, 3);
        let mottle = texture.derive(1).fbm_to(mx, my, 12.0, gsd * 1.5);
        let mut refl = spectra::scale(base, 1.0 + 0.10 * streak + 0.10 * mottle);
        px.grain = Grain::Rock;
        if vegetated > 0.0 {
            let g = texture.derive(3).fbm(mx, my, 15.0, 4);
            if g > 1.0 - 2.0 * vegetated as f32 {
                refl = spectra::mix(
                    refl,
                    leaf,
                    ((g - (1.0 - 2.0 * vegetated as f32)) * 3.0).min(0.8),
                );
                px.grain = Grain::Grass;
            }
        }
        if is_burning {
            let b = texture.derive(4).fbm(mx, my, 18.0, 4);
            if b > 0.35 {
                refl = spectra::mix(refl, burning, ((b - 0.35) * 5.0).min(1.0));
            }
        }
        px.refl = refl;
        px.cover = Cover::Ground;
    });
    let variant = match (is_burning, vegetated > 0.0) {
        (true, _) => shape_variant(shape, "burning"),
        (false, true) => shape_variant(shape, "vegetated"),
        (false, false) => shape,
    };
    truth.polygon(
        TruthClass::Target(Class::CoalGanguePile),
        &ring,
        Some(variant),
        Some(base),
    );
}

fn shape_variant(shape: &'static str, state: &'static str) -> &'static str {
    match (shape, state) {
        ("cone", "burning") => "cone_burning",
        ("ridge", "burning") => "ridge_burning",
        ("terraced", "burning") => "terraced_burning",
        ("cone", _) => "cone_vegetated",
        ("ridge", _) => "ridge_vegetated",
        _ => "terraced_vegetated",
    }
}

/// A mine yard: coal-dusted ground, open coal stockpiles, a coal shed, an office, and a haul
/// road to the nearest road.
fn mine_yard(
    setting: &Setting,
    canvas: &mut Canvas,
    truth: &mut Truth,
    rng: &mut Rng,
    c: Pt,
    r: f64,
    roads: &[Road],
) {
    let ground = spectra::COAL_YARD.sample(rng);
    let outline = geom::random_blob(c, r, 0.6..0.9, 0.2, rng);
    let texture = setting.noise("yard");
    let gsd = setting.gsd;
    canvas.paint_ring(&outline, |x, y, px| {
        let (mx, my) = setting.metres(x, y);
        px.refl = spectra::scale(ground, 1.0 + 0.12 * texture.fbm_to(mx, my, 20.0, gsd * 1.5));
        px.grain = Grain::Soil;
        px.cover = Cover::Ground;
    });
    if let Some(road) = roads.iter().find(|r| r.kind != RoadKind::Track) {
        let target = nearest_on(&road.line, c);
        haul_road(setting, canvas, rng, c, target);
    }
    // Open coal stockpiles: blacker and smoother than gangue.
    for _ in 0..rng.random_range(1..4) {
        let a = rng.random_range(0.0..TAU);
        let pc = [c[0] + 0.45 * r * a.cos(), c[1] + 0.45 * r * a.sin()];
        let pr = setting.px(rng.random_range(10.0..30.0));
        let ring = geom::random_blob(pc, pr, 0.5..1.0, 0.1, rng);
        let coal = spectra::COAL.sample(rng);
        let slope = 35f64.to_radians().tan();
        let top = rng.random_range(4.0..12.0);
        let edge = EdgeField::new(&ring, canvas.width, canvas.height);
        canvas.paint_ring(&ring, |x, y, px| {
            let d_m = edge.at(x, y) * gsd;
            px.surface += heap_height(d_m, slope, top, 0.0, 0.0) as f32;
            px.refl = coal;
            px.grain = Grain::Gravel;
        });
        truth.confuser("coal_stockpile", &ring);
    }
    // A long shed over more coal, one end open.
    let shed = Building {
        centre: [
            c[0] + rng.random_range(-0.3..0.3) * r,
            c[1] + rng.random_range(-0.3..0.3) * r,
        ],
        length: setting.px(rng.random_range(60.0..160.0)).min(r * 1.4),
        depth: setting.px(rng.random_range(25.0..60.0)),
        angle: rng.random_range(0.0..PI),
        height_m: rng.random_range(12.0..25.0),
        roof: Roof::Vault(rng.random_range(4.0..10.0)),
        colour: if rng.random_bool(0.6) {
            spectra::SHED_ROOF.sample(rng)
        } else {
            spectra::BLUE_ROOF.sample(rng)
        },
    };
    let (s, co) = shed.angle.sin_cos();
    let spill_c = [
        shed.centre[0] + co * shed.length * 0.55,
        shed.centre[1] + s * shed.length * 0.55,
    ];
    let spill = geom::rect(spill_c, shed.length * 0.15, shed.depth * 0.8, shed.angle);
    let coal = spectra::COAL.sample(rng);
    canvas.paint_ring(&spill, |_, _, px| px.refl = coal);
    buildings::paint(setting, canvas, &shed);
    truth.confuser("coal_shed", &shed.ring());
    // The office.
    let office = Building {
        centre: [c[0] - co * r * 0.6, c[1] - s * r * 0.6],
        length: setting.px(rng.random_range(20.0..40.0)),
        depth: setting.px(rng.random_range(8.0..14.0)),
        angle: shed.angle,
        height_m: rng.random_range(4.0..10.0),
        roof: Roof::Flat,
        colour: spectra::BLUE_ROOF.sample(rng),
    };
    buildings::paint(setting, canvas, &office);
}

/// A haul road of coal-dusted earth between two points.
fn haul_road(setting: &Setting, canvas: &mut Canvas, rng: &mut Rng, from: Pt, to: Pt) {
    let line = Corridor::between(
        from,
        to,
        setting.px(rng.random_range(4.0..7.5)),
        setting.px(30.0),
        setting.px(400.0),
        0.1,
        rng,
    );
    let surface: Reflectance = spectra::mix(
        spectra::COAL_YARD.sample(rng),
        spectra::DIRT.sample(rng),
        rng.random_range(0.0..0.4),
    );
    roads::paint_road(setting, canvas, &line, RoadKind::Track, surface);
}

/// The point of a corridor's centre line nearest to `p` (sampled).
fn nearest_on(line: &Corridor, p: Pt) -> Pt {
    let (u0, _) = line.locate(p);
    (-200..=200)
        .map(|i| line.centre(u0 + i as f64 * 2.0))
        .min_by(|a, b| dist2(*a, p).total_cmp(&dist2(*b, p)))
        .unwrap_or(p)
}

fn dist2(a: Pt, b: Pt) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}
