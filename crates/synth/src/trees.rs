//! Trees: rows of poplars along roads, willows along rivers, trees in villages. Crowns are
//! domes that catch the sun on one side and cast shadows on the other; in winter they are
//! bare branches.

use rand::Rng as _;

use crate::canvas::{Canvas, Cover};
use crate::grain::Grain;

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

/// Paints one crown: a dome of foliage with a ragged outline and clumps, its height in the
/// surface so that it is shaded and casts a shadow. In winter the crown is bare: branches
/// radiate from the trunk, the ground shows between them, and they cast a dappled shadow.
pub(crate) fn paint_tree(setting: &Setting, canvas: &mut Canvas, tree: &Tree, leaf: Reflectance) {
    let crown = Crown::new(setting, tree);
    if setting.season == Season::Winter {
        crown.paint_bare_shadow(setting, canvas);
    }
    crown.paint(setting, canvas, leaf);
}

/// The shape of one crown: a ragged disc, and in winter the pattern of its branches.
struct Crown {
    centre: Pt,
    radius: f64,
    height_m: f64,
    noise: crate::noise::Noise,
    branches: f64,
    bare: bool,
}

impl Crown {
    fn new(setting: &Setting, tree: &Tree) -> Crown {
        let noise = setting
            .noise("crowns")
            .derive((tree.centre[0] * 7919.0 + tree.centre[1]) as u64);
        Crown {
            centre: tree.centre,
            radius: tree.radius.max(0.6),
            height_m: tree.height_m,
            noise,
            branches: 7.0 + (noise.white(0, 0) * 6.0).floor() as f64,
            bare: setting.season == Season::Winter,
        }
    }

    /// Relative distance from the trunk (0..1 inside the ragged outline) and angle of a point
    /// given relative to the trunk.
    fn locate(&self, dx: f64, dy: f64) -> (f64, f64) {
        let theta = dy.atan2(dx);
        let lobes = 1.0
            + 0.18
                * self
                    .noise
                    .value(theta.cos() * 2.0 + 5.0, theta.sin() * 2.0 + 5.0)
                    as f64;
        ((dx * dx + dy * dy).sqrt() / (self.radius * lobes), theta)
    }

    /// How much of a bare crown's pixel its branches cover (0 between them).
    fn branch_cover(&self, t: f64, theta: f64, twig: f32) -> f32 {
        let wiggle = self.noise.value(t * 4.0, theta * 2.0) as f64 * 0.6;
        let along = (self.branches * theta + wiggle).sin().abs();
        // Twigs fill the crown with a haze, denser towards the trunk.
        let haze = 0.45 * (1.0 - t as f32).sqrt() * (0.7 + 0.3 * twig);
        if along < 0.12 * (1.0 - t) + 0.02 {
            1.0
        } else if twig > 0.45 && t > 0.3 {
            0.7
        } else {
            haze
        }
    }

    fn area(&self, canvas: &Canvas, centre: Pt, reach: Pt) -> PixelBox {
        PixelBox::around(
            [centre[0] - reach[0], centre[1] - reach[1]],
            [centre[0] + reach[0], centre[1] + reach[1]],
            canvas.width,
            canvas.height,
        )
    }

    fn paint(&self, setting: &Setting, canvas: &mut Canvas, leaf: Reflectance) {
        let c = self.centre;
        let area = self.area(canvas, c, [self.radius * 1.25; 2]);
        let gsd = setting.gsd;
        // Branches thinner than a pixel still darken it a little.
        let branch_share = (0.08 / gsd).min(1.0) as f32;
        canvas.paint_box(area, |x, y, px| {
            let (t, theta) = self.locate(x as f64 + 0.5 - c[0], y as f64 + 0.5 - c[1]);
            if t >= 1.0 {
                return;
            }
            let (mx, my) = setting.metres(x, y);
            let coverage = if self.bare {
                let twig = self.noise.derive(1).value(mx / 0.15, my / 0.15);
                branch_share * self.branch_cover(t, theta, twig)
            } else {
                let dome = (1.0 - t * t).sqrt();
                px.surface += (self.height_m * dome) as f32;
                px.grain = Grain::Leaves;
                1.0
            };
            if coverage <= 0.0 {
                return;
            }
            let clump = self.noise.fbm_to(mx, my, 1.2, gsd * 1.5);
            px.refl = spectra::mix(px.refl, spectra::scale(leaf, 1.0 + 0.25 * clump), coverage);
            if px.cover != Cover::Water {
                px.cover = Cover::Trees;
            }
        });
    }

    /// The shadow of bare branches and trunk: the crown's pattern thrown along the shadow
    /// direction and stretched by the spread of heights in the crown.
    fn paint_bare_shadow(&self, setting: &Setting, canvas: &mut Canvas) {
        let reach =
            self.height_m / setting.sun.elevation_deg.to_radians().tan().max(0.1) / setting.gsd;
        let [sx, sy] = setting.shadow_dir;
        // Crown heights run from about a third of the tree's height to its top.
        let (near, far) = (reach * 0.35, reach);
        let mid = [
            self.centre[0] + sx * (near + far) / 2.0,
            self.centre[1] + sy * (near + far) / 2.0,
        ];
        let stretch = 1.0 + (far - near) / (2.0 * self.radius);
        let area = self.area(canvas, mid, [self.radius * stretch * 1.3 + 2.0; 2]);
        let trunk_w = setting.px(0.15).max(0.5);
        canvas.paint_box(area, |x, y, px| {
            let (dx, dy) = (x as f64 + 0.5 - mid[0], y as f64 + 0.5 - mid[1]);
            // Undo the stretch along the shadow to find the crown point that casts it.
            let (along, across) = (dx * sx + dy * sy, -dx * sy + dy * sx);
            let (ax, ay) = (along / stretch, across);
            let (cx, cy) = (ax * sx - ay * sy, ax * sy + ay * sx);
            let (t, theta) = self.locate(cx, cy);
            let (tx, ty) = (
                x as f64 + 0.5 - self.centre[0],
                y as f64 + 0.5 - self.centre[1],
            );
            let on_trunk = (tx * sx + ty * sy) > 0.0
                && (tx * sx + ty * sy) < near
                && (-tx * sy + ty * sx).abs() < trunk_w;
            let (mx, my) = setting.metres(x, y);
            let cover = if on_trunk {
                1.0
            } else if t < 1.0 {
                self.branch_cover(t, theta, self.noise.derive(1).value(mx / 0.2, my / 0.2)) * 0.8
            } else {
                0.0
            };
            if cover > 0.0 {
                px.refl = spectra::scale(px.refl, 1.0 - 0.55 * cover);
            }
        });
    }
}
