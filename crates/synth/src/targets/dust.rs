//! Dust sources (扬尘源): uncovered bare earth, sand, gravel or spoil at construction sites,
//! earthworks and material yards in or next to built-up land, with tyre tracks, pits and
//! heaps; and beside them the same kind of yard covered with green dust net (a confuser).

use std::f64::consts::{PI, TAU};

use geoscout_core::Class;
use rand::Rng as _;

use super::{edge_distance, heap_height, on_seam_if_room};
use crate::buildings::{self, Building, Roof};
use crate::canvas::{Canvas, Cover};
use crate::grain::Grain;

use crate::geom::{self, Corridor, EdgeField, Pt, Ring};
use crate::layout::Layout;
use crate::rng::Rng;
use crate::setting::Setting;
use crate::settlement::BuiltUp;
use crate::spectra::{self, Reflectance};
use crate::truth::{Truth, TruthClass};

/// Places dust sources by the built-up areas (or anywhere on a drone scene) and dust-net
/// covered yards beside some of them.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &mut Layout,
    truth: &mut Truth,
    built: &[BuiltUp],
) {
    let mut rng = setting.rng("dust");
    let (w, h) = (setting.width as f64, setting.height as f64);
    let count = if setting.is_uav() {
        usize::from(rng.random_bool(0.7))
    } else {
        1 + (setting.area_km2() * rng.random_range(0.8..2.0)) as usize
    };
    for i in 0..count {
        let size_m = (rng.random_range(20f64.ln()..300f64.ln())).exp();
        let size = if setting.is_uav() {
            setting.px(size_m)
        } else {
            setting.px(size_m).min(w.min(h) * 0.5)
        };
        let r = size / 2.0;
        let near = built
            .get(i % built.len().max(1))
            .filter(|_| !built.is_empty());
        let (lo, hi) = match near {
            Some(b) => {
                let reach = b.radius + r * 1.5;
                (
                    [b.centre[0] - reach, b.centre[1] - reach],
                    [b.centre[0] + reach, b.centre[1] + reach],
                )
            }
            None => {
                // Large sites reach into a drone scene from beyond its edge.
                let reach = if setting.is_uav() {
                    (r * 0.7).min(w.min(h) * 0.4)
                } else {
                    0.0
                };
                ([-reach, -reach], [w + reach, h + reach])
            }
        };
        let beyond = (r * 0.7).min(w.min(h) * 0.4);
        let lo = [lo[0].max(-beyond), lo[1].max(-beyond)];
        let hi = [hi[0].min(w + beyond), hi[1].min(h + beyond)];
        let least = if setting.is_uav() { setting.px(4.0) } else { r };
        let Some((c, r)) = layout.find_room(&mut rng, canvas, r, least, lo, hi) else {
            continue;
        };
        let c = on_seam_if_room(&mut rng, setting, layout, canvas, c, r);
        let size = r * 2.0;
        let angle = rng.random_range(0.0..PI);
        let outline = site_outline(c, size, size * rng.random_range(0.5..1.0), angle, &mut rng);
        let variant = ["construction_site", "earthworks", "material_yard"][rng.random_range(0..3)];
        let surface = spectra::DUST.sample(&mut rng);
        bare_ground(setting, canvas, &mut rng, &outline, surface, variant);
        truth.polygon(
            TruthClass::Target(Class::DustSource),
            &outline,
            Some(variant),
            Some(surface),
        );
        layout.take(c, r);
        if variant == "construction_site" {
            cabins(setting, canvas, &mut rng, c, size, angle);
        }
        // Half the sites have a covered neighbour: a yard under dust net.
        if rng.random_bool(0.5) {
            let net_size = size * rng.random_range(0.4..0.9);
            let a = rng.random_range(0.0..TAU);
            let nc = [
                c[0] + a.cos() * (r + net_size * 0.6),
                c[1] + a.sin() * (r + net_size * 0.6),
            ];
            if layout.is_free(nc, net_size / 2.0) && !canvas.is_water(nc) {
                let ring = site_outline(
                    nc,
                    net_size,
                    net_size * rng.random_range(0.5..1.0),
                    angle,
                    &mut rng,
                );
                covered_yard(setting, canvas, &mut rng, &ring);
                truth.confuser("covered_yard_dust_net", &ring);
                layout.take(nc, net_size / 2.0);
            }
        }
    }
    // Covered yards also stand alone.
    if !setting.is_uav() || rng.random_bool(0.3) {
        let size = setting
            .px(rng.random_range(20.0..120.0))
            .min(w.min(h) * 0.4);
        if let Some(c) = layout.find_dry_spot(&mut rng, canvas, size / 2.0, [0.0, 0.0], [w, h]) {
            let ring = site_outline(
                c,
                size,
                size * rng.random_range(0.5..1.0),
                rng.random_range(0.0..PI),
                &mut rng,
            );
            covered_yard(setting, canvas, &mut rng, &ring);
            truth.confuser("covered_yard_dust_net", &ring);
            layout.take(c, size / 2.0);
        }
    }
}

/// A roughly rectangular outline with a few corners moved, as sites are fenced.
fn site_outline(c: Pt, length: f64, width: f64, angle: f64, rng: &mut Rng) -> Ring {
    let base = geom::rect(c, length, width, angle);
    let mut ring = Vec::new();
    for i in 0..4 {
        let (a, b) = (base[i], base[(i + 1) % 4]);
        ring.push([
            a[0] + rng.random_range(-0.06..0.06) * length,
            a[1] + rng.random_range(-0.06..0.06) * width,
        ]);
        if rng.random_bool(0.4) {
            let t = rng.random_range(0.3..0.7);
            let inward = rng.random_range(0.0..0.12);
            ring.push([
                a[0] + (b[0] - a[0]) * t + (c[0] - a[0]) * inward,
                a[1] + (b[1] - a[1]) * t + (c[1] - a[1]) * inward,
            ]);
        }
    }
    ring
}

/// Bare earth with tyre tracks, an excavation pit and spoil heaps.
fn bare_ground(
    setting: &Setting,
    canvas: &mut Canvas,
    rng: &mut Rng,
    outline: &[Pt],
    surface: Reflectance,
    variant: &str,
) {
    let (lo, hi) = geom::bounds(outline);
    let span = ((hi[0] - lo[0]).powi(2) + (hi[1] - lo[1]).powi(2)).sqrt();
    let inside = |rng: &mut Rng| -> Pt {
        loop {
            let p = [
                rng.random_range(lo[0]..hi[0]),
                rng.random_range(lo[1]..hi[1]),
            ];
            if geom::contains(outline, p) {
                return p;
            }
        }
    };
    let tracks: Vec<Corridor> = (0..rng.random_range(2..6))
        .map(|_| {
            let (a, b) = (inside(rng), inside(rng));
            Corridor::between(
                a,
                b,
                setting.px(rng.random_range(1.2..2.5)),
                span * 0.1,
                span * 0.8,
                0.0,
                rng,
            )
        })
        .collect();
    let pits: Vec<(Ring, f64)> = if variant != "material_yard" {
        (0..rng.random_range(0..3))
            .map(|_| {
                let pr = span * rng.random_range(0.06..0.18);
                let pc = inside(rng);
                (
                    geom::random_blob(pc, pr, 0.5..1.0, 0.15, rng),
                    rng.random_range(2.0..8.0),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let heaps: Vec<(Ring, f64, Reflectance)> =
        (0..rng.random_range(if variant == "material_yard" {
            3..9
        } else {
            0..4
        }))
            .map(|_| {
                let hr = setting.px(rng.random_range(3.0..15.0)).min(span * 0.15);
                let hc = inside(rng);
                let tint = spectra::DUST.sample(rng);
                (
                    geom::random_blob(hc, hr, 0.5..1.0, 0.15, rng),
                    rng.random_range(1.5..6.0),
                    tint,
                )
            })
            .collect();
    let texture = setting.noise("dust").derive(rng.random());
    let gsd = setting.gsd;
    let slope = 33f64.to_radians().tan();
    canvas.paint_ring(outline, |x, y, px| {
        let p = [x as f64 + 0.5, y as f64 + 0.5];
        let (mx, my) = setting.metres(x, y);
        let mut k = 1.0 + 0.08 * texture.fbm_to(mx, my, 15.0, gsd * 1.5);
        let mut refl = surface;
        for track in &tracks {
            let (u, d) = track.locate(p);
            if track.covers(u) {
                // Two ruts either side of the centre of a track.
                let hw = track.half_width_at(u);
                let rut = ((d.abs() - hw * 0.6).abs() / (hw * 0.25 + 0.5)).min(1.0);
                k *= 1.0 - 0.10 * (1.0 - rut) as f32;
            }
        }
        let mut dz = 0.0;
        for (ring, depth) in &pits {
            if in_box(ring, p) && geom::contains(ring, p) {
                dz -= heap_height(edge_distance(ring, p) * gsd, slope, *depth, 0.0, 0.0);
                k *= 0.95;
            }
        }
        for (ring, top, tint) in &heaps {
            if in_box(ring, p) && geom::contains(ring, p) {
                dz += heap_height(edge_distance(ring, p) * gsd, slope, *top, 0.0, 0.0);
                refl = *tint;
            }
        }
        px.surface += dz as f32;
        px.refl = spectra::scale(refl, k);
        px.cover = Cover::Ground;
        px.grain = if dz > 0.0 { Grain::Gravel } else { Grain::Soil };
    });
}

/// Whether `p` lies in the bounding box of `ring` (a quick test before `contains`).
fn in_box(ring: &[Pt], p: Pt) -> bool {
    let (lo, hi) = geom::bounds(ring);
    p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1]
}

/// Rows of blue-roofed site cabins beside a construction site.
fn cabins(setting: &Setting, canvas: &mut Canvas, rng: &mut Rng, c: Pt, size: f64, angle: f64) {
    let (s, co) = angle.sin_cos();
    let colour = spectra::BLUE_ROOF.sample(rng);
    let (len, dep) = (
        setting.px(rng.random_range(12.0..24.0)),
        setting.px(rng.random_range(5.0..7.0)),
    );
    let off = size * 0.5 + dep * 2.0;
    for i in 0..rng.random_range(1..4) {
        let along = (i as f64 - 1.0) * (dep * 2.2);
        let centre = [c[0] - s * off + co * along, c[1] + co * off + s * along];
        if canvas.is_water(centre) {
            continue;
        }
        let cabin = Building {
            centre,
            length: len,
            depth: dep,
            angle,
            height_m: rng.random_range(2.8..6.0),
            roof: Roof::Flat,
            colour,
        };
        buildings::paint(setting, canvas, &cabin);
    }
}

/// Heaps under green dust net: the net's spectrum, sheet seams and ropes, and at drone scale
/// the weave.
pub(crate) fn covered_yard(setting: &Setting, canvas: &mut Canvas, rng: &mut Rng, outline: &[Pt]) {
    let net = spectra::DUST_NET.sample(rng);
    let sheet = setting.px(rng.random_range(4.0..8.0));
    let weave = setting.px(rng.random_range(0.02..0.05)).max(2.0);
    let weave_share = ((setting.px(0.05) - 1.0) / 3.0).clamp(0.0, 1.0) as f32;
    let seam_share = (0.3 / setting.gsd).min(1.0) as f32;
    let top = rng.random_range(1.0..5.0);
    let slope = 30f64.to_radians().tan();
    let gsd = setting.gsd;
    let texture = setting.noise("net");
    let edge = EdgeField::new(outline, canvas.width, canvas.height);
    canvas.paint_ring(outline, |x, y, px| {
        let (mx, my) = setting.metres(x, y);
        px.surface += (heap_height(edge.at(x, y) * gsd, slope, top, 0.0, 0.0)
            * (1.0 + 0.3 * texture.fbm(mx, my, 8.0, 3) as f64)) as f32;
        let seam = ((x as f64 / sheet).fract() < 0.08) || ((y as f64 / sheet).fract() < 0.08);
        let woven = ((x as f64 / weave).floor() + (y as f64 / weave).floor()).rem_euclid(2.0) < 1.0;
        let mut k = 1.0 + 0.06 * texture.fbm_to(mx, my, 6.0, gsd * 1.5);
        if seam {
            k *= 1.0 - 0.15 * seam_share;
        }
        if woven {
            k *= 1.0 - 0.15 * weave_share;
        }
        px.refl = spectra::scale(net, k);
        px.cover = Cover::Ground;
    });
}
