//! Built-up land: villages of courtyard houses, and town quarters with apartment slabs, halls,
//! car parks, plazas and sports fields (several of which resemble targets).

use std::f64::consts::FRAC_PI_2;

use rand::Rng as _;

use crate::buildings::{self, Building, Roof};
use crate::canvas::{Canvas, Cover};
use crate::grain::Grain;

use crate::geom::{self, Pt};
use crate::layout::Layout;
use crate::rng::Rng;
use crate::setting::Setting;
use crate::spectra::{self, Reflectance};
use crate::truth::Truth;

/// A built-up area: where dust sources and town confusers go.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BuiltUp {
    pub centre: Pt,
    /// Radius in pixels.
    pub radius: f64,
}

/// Paints villages and town quarters and records the confusers among them.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
) -> Vec<BuiltUp> {
    let mut rng = setting.rng("settlement");
    let mut built = Vec::new();
    let villages = if setting.is_uav() {
        usize::from(rng.random_bool(0.3))
    } else {
        1 + (setting.area_km2() / 3.0) as usize
    };
    for _ in 0..villages {
        if let Some(v) = village(setting, canvas, layout, &mut rng) {
            built.push(v);
        }
    }
    if !setting.is_uav() && rng.random_bool(0.7) {
        if let Some(t) = town(setting, canvas, layout, truth, &mut rng) {
            built.push(t);
        }
    }
    built
}

/// A village: courtyard plots in rows, each with a main house on its north side facing south.
fn village(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    rng: &mut Rng,
) -> Option<BuiltUp> {
    let radius = setting
        .px(rng.random_range(60.0..220.0))
        .min(setting.width.min(setting.height) as f64 * 0.35);
    let (w, h) = (setting.width as f64, setting.height as f64);
    let centre = layout.find_dry_spot(rng, canvas, radius * 0.8, [0.0, 0.0], [w, h])?;
    let outline = geom::random_blob(centre, radius, 0.6..1.0, 0.25, rng);
    let ground = spectra::mix(
        spectra::DIRT.sample(rng),
        spectra::CONCRETE.sample(rng),
        0.4,
    );
    let yard_ground = spectra::scale(spectra::CONCRETE.sample(rng), 0.75);
    canvas.paint_ring(&outline, |_, _, px| {
        if px.cover != Cover::Water {
            px.refl = ground;
            px.cover = Cover::Ground;
            px.grain = Grain::Soil;
        }
    });
    let angle: f64 = rng.random_range(-0.15..0.15);
    let (plot_w, plot_d) = (
        setting.px(rng.random_range(14.0..20.0)),
        setting.px(rng.random_range(18.0..26.0)),
    );
    let lane = setting.px(rng.random_range(4.0..7.0));
    let roof_style: f64 = rng.random();
    let (s, c) = angle.sin_cos();
    let (cols, rows) = (
        (2.0 * radius / plot_w) as i64 + 1,
        (2.0 * radius / (plot_d + lane)) as i64 + 1,
    );
    for row in -rows / 2..=rows / 2 {
        for col in -cols / 2..=cols / 2 {
            let (a, b) = (col as f64 * plot_w, row as f64 * (plot_d + lane));
            let plot_c = [centre[0] + a * c - b * s, centre[1] + a * s + b * c];
            if !geom::contains(&outline, plot_c) || canvas.is_water(plot_c) || rng.random_bool(0.12)
            {
                continue;
            }
            let yard = geom::rect(plot_c, plot_w - setting.px(0.6), plot_d, angle);
            canvas.paint_ring(&yard, |_, _, px| {
                px.refl = yard_ground;
                px.grain = Grain::Paved;
            });
            let colour = match rng.random::<f64>() {
                t if t < roof_style * 0.6 => spectra::RED_ROOF.sample(rng),
                t if t > 0.9 => spectra::BLUE_ROOF.sample(rng),
                _ => spectra::TILE_ROOF.sample(rng),
            };
            let house_d = setting.px(rng.random_range(6.0..8.5));
            // North is up (smaller y): the main house lines the north side of the plot.
            let offset = (plot_d - house_d) / 2.0;
            let house = Building {
                centre: [plot_c[0] + offset * s, plot_c[1] - offset * c],
                length: plot_w - setting.px(1.5),
                depth: house_d,
                angle,
                height_m: rng.random_range(3.2..4.5),
                roof: Roof::Gable(rng.random_range(0.8..1.8)),
                colour,
            };
            buildings::paint(setting, canvas, &house);
            if rng.random_bool(0.5) {
                let side = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
                let shed_w = setting.px(rng.random_range(3.0..4.5));
                let along = side * (plot_w - shed_w) / 2.0;
                let shed = Building {
                    centre: [plot_c[0] + along * c, plot_c[1] + along * s + house_d * 0.3],
                    length: plot_d * 0.45,
                    depth: shed_w,
                    angle: angle + FRAC_PI_2,
                    height_m: rng.random_range(2.6..3.4),
                    roof: Roof::Flat,
                    colour,
                };
                buildings::paint(setting, canvas, &shed);
            }
        }
    }
    layout.take(centre, radius);
    Some(BuiltUp { centre, radius })
}

/// A town quarter: apartment slabs, a hall, a car park, a plaza and a sports field.
fn town(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    rng: &mut Rng,
) -> Option<BuiltUp> {
    let radius = setting
        .px(rng.random_range(150.0..350.0))
        .min(setting.width.min(setting.height) as f64 * 0.4);
    let (w, h) = (setting.width as f64, setting.height as f64);
    let centre = layout.find_dry_spot(rng, canvas, radius * 0.7, [0.0, 0.0], [w, h])?;
    let outline = geom::random_blob(centre, radius, 0.7..1.0, 0.15, rng);
    let paving = spectra::scale(spectra::CONCRETE.sample(rng), 0.65);
    let street = spectra::ASPHALT.sample(rng);
    let (block_m, street_m) = (rng.random_range(90.0..160.0), rng.random_range(8.0..16.0));
    let lawn = spectra::mix(
        spectra::DRY_GRASS.sample(rng),
        spectra::VEGETATION.sample(rng),
        setting.greenness,
    );
    let lawns = setting.noise("town-lawns");
    canvas.paint_ring(&outline, |x, y, px| {
        if px.cover == Cover::Water {
            return;
        }
        let (mx, my) = setting.metres(x, y);
        // Streets on a grid between compounds; lawns and paving inside them.
        let (sa, sb) = (mx.rem_euclid(block_m), my.rem_euclid(block_m * 0.8));
        if sa < street_m || sb < street_m {
            px.refl = street;
            px.cover = Cover::Paved;
            px.grain = Grain::Paved;
            return;
        }
        let green = lawns.fbm(mx, my, 18.0, 3) > 0.2;
        let k = 1.0 + 0.12 * lawns.derive(1).fbm(mx, my, 60.0, 2);
        px.refl = spectra::scale(if green { lawn } else { paving }, k);
        px.cover = if green { Cover::Ground } else { Cover::Paved };
        px.grain = if green { Grain::Grass } else { Grain::Paved };
    });
    let mut local = Layout::default();
    let (lo, hi) = (
        [centre[0] - radius * 0.8, centre[1] - radius * 0.8],
        [centre[0] + radius * 0.8, centre[1] + radius * 0.8],
    );
    let spot = |rng: &mut Rng, local: &Layout, canvas: &Canvas, r: f64| {
        local.find_dry_spot(rng, canvas, r, lo, hi)
    };

    // Apartment slabs face south in rows, spaced for winter sun.
    let slab_h = rng.random_range(18.0..75.0);
    let (slab_l, slab_d) = (
        setting.px(rng.random_range(40.0..80.0)),
        setting.px(rng.random_range(11.0..16.0)),
    );
    let row_gap = slab_d + setting.px(slab_h * rng.random_range(0.8..1.3));
    let roof = spectra::CONCRETE.sample(rng);
    let mut placed = Vec::new();
    if let Some(c0) = spot(rng, &local, canvas, slab_l) {
        for i in 0..rng.random_range(2..5) {
            for j in 0..2 {
                let c = [
                    c0[0] + (j as f64 - 0.5) * (slab_l + setting.px(15.0)),
                    c0[1] + (i as f64 - 1.0) * row_gap,
                ];
                if canvas.is_water(c) || !geom::contains(&outline, c) {
                    continue;
                }
                let slab = Building {
                    centre: c,
                    length: slab_l,
                    depth: slab_d,
                    angle: 0.0,
                    height_m: slab_h,
                    roof: Roof::Flat,
                    colour: roof,
                };
                truth.confuser("building_shadow", &slab.shadow_ring(setting));
                placed.push(slab);
            }
        }
        local.take(c0, slab_l * 1.5);
    }
    // A hall with a dark roof.
    let (hall_l, hall_d) = (
        setting.px(rng.random_range(40.0..120.0)),
        setting.px(rng.random_range(25.0..60.0)),
    );
    if let Some(c) = spot(rng, &local, canvas, hall_l * 0.6) {
        let dark = rng.random_bool(0.7);
        let colour = if dark {
            spectra::DARK_ROOF.sample(rng)
        } else {
            spectra::BLUE_ROOF.sample(rng)
        };
        let hall = Building {
            centre: c,
            length: hall_l,
            depth: hall_d,
            angle: rng.random_range(-0.2..0.2),
            height_m: rng.random_range(8.0..15.0),
            roof: Roof::Vault(1.5),
            colour,
        };
        if dark {
            truth.confuser("dark_roof", &hall.ring());
        }
        placed.push(hall);
        local.take(c, hall_l * 0.6);
    }
    // A car park, a plaza, a sports field.
    let car_park = setting.px(rng.random_range(30.0..80.0));
    if let Some(c) = spot(rng, &local, canvas, car_park * 0.6) {
        let ring = geom::rect(c, car_park, car_park * 0.7, rng.random_range(-0.2..0.2));
        paint_car_park(setting, canvas, &ring, rng);
        truth.confuser("asphalt_car_park", &ring);
        local.take(c, car_park * 0.6);
    }
    let plaza = setting.px(rng.random_range(40.0..110.0));
    if let Some(c) = spot(rng, &local, canvas, plaza * 0.6) {
        let ring = geom::rect(
            c,
            plaza,
            plaza * rng.random_range(0.6..1.0),
            rng.random_range(-0.2..0.2),
        );
        paint_plaza(setting, canvas, &ring, spectra::CONCRETE.sample(rng), c);
        truth.confuser("concrete_plaza", &ring);
        local.take(c, plaza * 0.6);
    }
    let track_l = setting.px(if rng.random_bool(0.6) { 176.0 } else { 120.0 });
    if let Some(c) = spot(rng, &local, canvas, track_l * 0.5) {
        let ring = paint_sports_field(setting, canvas, c, track_l, rng);
        truth.confuser("sports_field", &ring);
    }
    for b in &placed {
        buildings::paint(setting, canvas, b);
    }
    layout.take(centre, radius);
    Some(BuiltUp { centre, radius })
}

/// Asphalt with white bay lines and parked cars.
fn paint_car_park(setting: &Setting, canvas: &mut Canvas, ring: &[Pt], rng: &mut Rng) {
    let asphalt = spectra::ASPHALT.sample(rng);
    let bay = setting.px(2.5);
    let row = setting.px(5.5);
    let occupancy = rng.random_range(0.2..0.9);
    let cars = setting.noise("cars");
    let line_share = (0.12 / setting.gsd).min(1.0) as f32;
    canvas.paint_ring(ring, |x, y, px| {
        let (fx, fy) = (x as f64 / bay, y as f64 / row);
        let in_bay_row = (fy.rem_euclid(2.0)) < 1.0;
        let mut refl = asphalt;
        if in_bay_row && fx.fract() < 0.12f64.max(1.0 / bay) {
            refl = spectra::mix(refl, [0.4, 0.4, 0.4, 0.38], line_share);
        }
        let car = cars.white(fx.floor() as i64, fy.floor() as i64);
        if in_bay_row
            && (car as f64) < occupancy
            && (0.2..0.85).contains(&fx.fract())
            && (0.1..0.9).contains(&fy.fract())
        {
            let paint = cars.derive(1).white(fx.floor() as i64, fy.floor() as i64);
            refl = match (paint * 5.0) as u32 {
                0 => [0.55, 0.55, 0.55, 0.5],
                1 => [0.04, 0.04, 0.04, 0.05],
                2 => [0.25, 0.25, 0.26, 0.25],
                3 => [0.05, 0.06, 0.25, 0.3],
                _ => [0.2, 0.12, 0.06, 0.15],
            };
            px.blocks = 1.5;
        }
        px.refl = refl;
        px.grain = Grain::Paved;
        px.cover = Cover::Paved;
    });
}

/// Bright concrete in large tiles.
fn paint_plaza(setting: &Setting, canvas: &mut Canvas, ring: &[Pt], concrete: Reflectance, c: Pt) {
    let tile = setting.px(6.0);
    let joints = (0.1 / setting.gsd).min(1.0) as f32;
    canvas.paint_ring(ring, |x, y, px| {
        let (fx, fy) = (
            ((x as f64 - c[0]) / tile).fract().abs(),
            ((y as f64 - c[1]) / tile).fract().abs(),
        );
        let joint = fx < 0.05 || fy < 0.05;
        px.refl = if joint {
            spectra::scale(concrete, 1.0 - 0.3 * joints)
        } else {
            concrete
        };
        px.grain = Grain::Paved;
        px.cover = Cover::Paved;
    });
}

/// A red running track around a green pitch; returns its outline.
fn paint_sports_field(
    setting: &Setting,
    canvas: &mut Canvas,
    c: Pt,
    length: f64,
    rng: &mut Rng,
) -> Vec<Pt> {
    let track = spectra::TRACK.sample(rng);
    let pitch = if rng.random_bool(0.6) {
        spectra::TURF.sample(rng)
    } else {
        spectra::mix(
            spectra::DRY_GRASS.sample(rng),
            spectra::VEGETATION.sample(rng),
            setting.greenness,
        )
    };
    let width = length * 0.52;
    let lane = setting.px(7.5);
    let r = width / 2.0;
    let straight = (length - width) / 2.0;
    // Distance from the centre line segment of the stadium shape.
    let dist =
        move |p: Pt| geom::segment_distance(p, [c[0] - straight, c[1]], [c[0] + straight, c[1]]).0;
    let outline = geom::rect(c, length, width, 0.0);
    canvas.paint_ring(&outline, |x, y, px| {
        let d = dist([x as f64 + 0.5, y as f64 + 0.5]);
        if d < r - lane {
            px.refl = pitch;
            px.grain = Grain::Grass;
        } else if d < r {
            px.refl = track;
            px.grain = Grain::Paved;
        } else {
            return;
        }
        px.cover = Cover::Paved;
    });
    outline
}
