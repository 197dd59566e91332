//! Trees: rows of poplars along roads, willows along rivers, trees in villages. Crowns are
//! domes that catch the sun on one side and cast shadows on the other; in winter they are
//! bare branches.

use rand::Rng as _;

use crate::canvas::{Canvas, Cover};
use crate::geom::{PixelBox, Pt};
use crate::layout::Layout;
use crate::river::River;
use crate::rng::Rng;
use crate::roads::{Road, RoadKind};
use crate::setting::{Season, Setting};
use crate::settlement::BuiltUp;
use crate::spectra::{self, Reflectance};

/// One tree.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tree {
    pub centre: Pt,
    /// Crown radius in pixels.
    pub radius: f64,
    /// Height in metres.
    pub height_m: f64,
}

/// Paints rows of trees along roads, by the river and in villages.
pub(crate) fn paint(
    setting: &Setting,
    canvas: &mut Canvas,
    layout: &Layout,
    roads: &[Road],
    river: Option<&River>,
    built: &[BuiltUp],
) {
    let mut rng = setting.rng("trees");
    let mut trees = Vec::new();
    for road in roads {
        let chance = if road.kind == RoadKind::Track {
            0.2
        } else {
            0.7
        };
        if !rng.random_bool(chance) {
            continue;
        }
        let spacing = setting.px(rng.random_range(4.0..7.0));
        let (radius, height) = (
            setting.px(rng.random_range(1.5..3.0)),
            rng.random_range(10.0..20.0),
        );
        let reach = (setting.width + setting.height) as f64;
        let mut u = -reach;
        while u < reach {
            let c = road.line.centre(u);
            let n = road.line.normal(u);
            let off = road.line.half_width + setting.px(2.5) + radius;
            for side in [-1.0, 1.0] {
                let p = [c[0] + side * off * n[0], c[1] + side * off * n[1]];
                if inside(setting, p, radius) && rng.random_bool(0.85) {
                    trees.push(Tree {
                        centre: p,
                        radius: radius * rng.random_range(0.8..1.2),
                        height_m: height * rng.random_range(0.85..1.15),
                    });
                }
            }
            u += spacing;
        }
    }
    if let Some(river) = river {
        let count = (setting.area_km2() * 400.0).clamp(5.0, 400.0) as usize;
        let band = river.beach_px + setting.px(15.0);
        for _ in 0..count {
            let p = setting.random_point(&mut rng, 0.0);
            let (u, d) = river.locate(p);
            let e = d.abs() - river.channel.half_width_at(u) - river.beach_px;
            if e > 0.0 && e < band && !canvas.is_water(p) {
                trees.push(random_tree(setting, &mut rng, p));
            }
        }
    }
    for b in built {
        for _ in 0..(b.radius * b.radius * setting.gsd * setting.gsd / 400.0).min(300.0) as usize {
            let a = rng.random_range(0.0..std::f64::consts::TAU);
            let r = b.radius * rng.random::<f64>().sqrt();
            trees.push(random_tree(
                setting,
                &mut rng,
                [b.centre[0] + r * a.cos(), b.centre[1] + r * a.sin()],
            ));
        }
    }
    let leaf = leaf_colour(setting, &mut rng);
    for tree in trees {
        if layout.is_free(tree.centre, 0.0)
            || built
                .iter()
                .any(|b| within(tree.centre, b.centre, b.radius))
        {
            paint_tree(setting, canvas, &tree, leaf);
        }
    }
}

fn within(p: Pt, c: Pt, r: f64) -> bool {
    (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2) < r * r
}

fn inside(setting: &Setting, p: Pt, margin: f64) -> bool {
    p[0] > -margin
        && p[1] > -margin
        && p[0] < setting.width as f64 + margin
        && p[1] < setting.height as f64 + margin
}

/// A tree of ordinary size at `p`.
pub(crate) fn random_tree(setting: &Setting, rng: &mut Rng, p: Pt) -> Tree {
    Tree {
        centre: p,
        radius: setting.px(rng.random_range(1.5..4.5)),
        height_m: rng.random_range(6.0..16.0),
    }
}

/// Crown colour for the season: foliage, or grey-brown branches in winter.
pub(crate) fn leaf_colour(setting: &Setting, rng: &mut Rng) -> Reflectance {
    let foliage = spectra::scale(spectra::VEGETATION.sample(rng), 0.85);
    let branches = [0.07, 0.08, 0.09, 0.15];
    let green = match setting.season {
        Season::Winter => 0.0,
        _ => (setting.greenness * 0.8 + 0.2).min(1.0),
    };
    spectra::mix(branches, foliage, green)
}

/// Paints one crown: a dome of foliage with clumps, its height in the surface so that it is
/// shaded and casts a shadow.
pub(crate) fn paint_tree(setting: &Setting, canvas: &mut Canvas, tree: &Tree, leaf: Reflectance) {
    let r = tree.radius.max(0.6);
    let c = tree.centre;
    let area = PixelBox::around(
        [c[0] - r, c[1] - r],
        [c[0] + r, c[1] + r],
        canvas.width,
        canvas.height,
    );
    let clumps = setting.noise("crowns");
    let gsd = setting.gsd;
    let bare = setting.season == Season::Winter;
    canvas.paint_box(area, |x, y, px| {
        let (dx, dy) = (x as f64 + 0.5 - c[0], y as f64 + 0.5 - c[1]);
        let t = (dx * dx + dy * dy).sqrt() / r;
        if t >= 1.0 {
            return;
        }
        let (mx, my) = setting.metres(x, y);
        let clump = clumps.fbm_to(mx, my, 1.2, gsd * 1.5);
        let dome = (1.0 - t * t).sqrt();
        let top = px.surface + (tree.height_m * dome) as f32;
        if px.surface < top {
            px.surface = top;
        }
        // Bare crowns let the ground show through.
        let density = if bare { 0.45 } else { 1.0 };
        px.refl = spectra::mix(px.refl, spectra::scale(leaf, 1.0 + 0.25 * clump), density);
        if px.cover != Cover::Water {
            px.cover = Cover::Trees;
        }
    });
}
