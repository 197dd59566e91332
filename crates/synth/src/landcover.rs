//! The background: rolling loess terrain, farmland in long parcels with furrows, waste ground
//! with dry grass, and the fallow and burnt fields that resemble dust sources and gangue.

use std::f64::consts::PI;

use rand::Rng as _;

use crate::canvas::{Canvas, Cover};
use crate::geom::{Pt, Ring};
use crate::grain::Grain;
use crate::noise::{Coarse, Noise};
use crate::rng::mix;
use crate::setting::{Season, Setting};
use crate::spectra::{self, Reflectance};
use crate::truth::Truth;

/// What a parcel of land is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    Crop,
    Fallow,
    Grass,
    Burnt,
}

/// The farmland layout: blocks of long parallel strips on a grid turned by an angle.
struct FieldGrid {
    /// Unit vector along the strips' width (metres frame axis a).
    across: Pt,
    /// Block length in metres (along the strips).
    block_len: f64,
    /// Typical strip width in metres.
    strip_w: f64,
    seed: u64,
    burnt: Option<(i64, i64)>,
}

impl FieldGrid {
    /// Frame coordinates (a across strips, b along strips) of a point in metres.
    fn frame(&self, x: f64, y: f64) -> (f64, f64) {
        let [c, s] = self.across;
        (x * c + y * s, -x * s + y * c)
    }

    /// The strip width of block `bi` and its offset.
    fn block(&self, bi: i64) -> (f64, f64) {
        let h = mix(self.seed, bi as u64);
        let w = self.strip_w * (0.55 + 0.9 * (h & 0xff) as f64 / 255.0);
        (w, w * ((h >> 8) & 0xff) as f64 / 255.0)
    }

    /// Parcel id (block, strip) and distances (metres) from the parcel's edges across and along.
    fn parcel(&self, a: f64, b: f64) -> ((i64, i64), f64, f64) {
        let bi = (b / self.block_len).floor() as i64;
        let (w, off) = self.block(bi);
        let si = ((a + off) / w).floor() as i64;
        let fa = (a + off) - si as f64 * w;
        let fb = b - bi as f64 * self.block_len;
        ((bi, si), fa.min(w - fa), fb.min(self.block_len - fb))
    }

    fn parcel_use(&self, id: (i64, i64), greenness: f32) -> Use {
        if Some(id) == self.burnt {
            return Use::Burnt;
        }
        let h = mix(self.seed ^ 0x5eed, mix(id.0 as u64, id.1 as u64));
        match h % 100 {
            // In the growing season more of the land is sown.
            n if n < 55 + (greenness * 15.0) as u64 => Use::Crop,
            n if n < 88 => Use::Fallow,
            _ => Use::Grass,
        }
    }

    /// The four corners (pixels) of parcel `id`.
    fn parcel_ring(&self, id: (i64, i64), gsd: f64) -> Ring {
        let (w, off) = self.block(id.0);
        let (a0, a1) = (id.1 as f64 * w - off, (id.1 + 1) as f64 * w - off);
        let (b0, b1) = (
            id.0 as f64 * self.block_len,
            (id.0 + 1) as f64 * self.block_len,
        );
        let [c, s] = self.across;
        [(a0, b0), (a1, b0), (a1, b1), (a0, b1)]
            .iter()
            .map(|&(a, b)| [(a * c - b * s) / gsd, (a * s + b * c) / gsd])
            .collect()
    }
}

/// Paints terrain and land cover over the whole canvas and records fallow and burnt fields.
pub(crate) fn paint(setting: &Setting, canvas: &mut Canvas, truth: &mut Truth) {
    let mut rng = setting.rng("landcover");
    let angle = rng.random_range(-0.35..0.35) + if rng.random_bool(0.5) { PI / 2.0 } else { 0.0 };
    let mut grid = FieldGrid {
        across: [f64::cos(angle), f64::sin(angle)],
        block_len: rng.random_range(150.0..400.0),
        strip_w: rng.random_range(20.0..70.0),
        seed: rng.random(),
        burnt: None,
    };
    let relief_m = if setting.is_uav() {
        rng.random_range(0.3..2.0)
    } else {
        rng.random_range(4.0..30.0)
    };
    let waste_share: f32 = rng.random_range(-0.6..0.3);
    let furrow_m: f64 = rng.random_range(0.6..1.2) * if setting.is_uav() { 1.0 } else { 4.0 };
    let terrain_noise = setting.noise("terrain");
    let region_noise = setting.noise("region");
    let texture = setting.noise("texture");
    let (w, h) = (setting.width, setting.height);
    let terrain = Coarse::new(w, h, 8, |x, y| {
        let (mx, my) = setting.metres(x, y);
        relief_m as f32 * terrain_noise.fbm(mx, my, 700.0, 4)
    });
    let region = Coarse::new(w, h, 8, |x, y| {
        let (mx, my) = setting.metres(x, y);
        region_noise.fbm(mx, my, 900.0, 3)
    });
    let is_waste = |x: usize, y: usize| region.at(x, y) < waste_share - 0.25;

    // Straw is burnt after the harvest and before sowing.
    let centre = setting.random_point(&mut rng, 0.0);
    let (cx, cy) = (centre[0] * setting.gsd, centre[1] * setting.gsd);
    let (ca, cb) = grid.frame(cx, cy);
    if setting.season != Season::Summer
        && rng.random_bool(0.5)
        && !is_waste(centre[0] as usize, centre[1] as usize)
    {
        grid.burnt = Some(grid.parcel(ca, cb).0);
    }
    let greenness = setting.greenness;
    let gsd = setting.gsd;
    let uav = setting.is_uav();
    canvas.paint_box(canvas.full(), |x, y, px| {
        let (mx, my) = setting.metres(x, y);
        px.surface = terrain.at(x, y);
        let fine = texture.fbm_to(mx, my, 30.0, gsd * 2.0);
        let (refl, grain) = if is_waste(x, y) {
            waste(texture, mx, my, greenness, gsd)
        } else {
            let (a, b) = grid.frame(mx, my);
            let (id, edge_a, edge_b) = grid.parcel(a, b);
            let h = mix(grid.seed, mix(id.0 as u64, id.1 as u64 ^ 0xa5a5));
            let usage = grid.parcel_use(id, greenness);
            // Earth tracks between blocks, ridges between strips.
            if edge_b < 2.0 {
                (spectra::DIRT.pick(h ^ 1), Grain::Soil)
            } else if uav && edge_a < 0.35 {
                (
                    spectra::mix(
                        spectra::DRY_GRASS.pick(h),
                        spectra::VEGETATION.pick(h),
                        greenness * 0.6,
                    ),
                    Grain::Grass,
                )
            } else {
                parcel_surface(usage, h, a, furrow_m, greenness, gsd)
            }
        };
        let k = 1.0 + 0.10 * fine;
        px.refl = refl.map(|v| v * k);
        px.cover = Cover::Ground;
        px.grain = grain;
    });

    record_parcels(setting, &grid, truth, &mut rng, &is_waste);
}

/// Reflectance of a parcel at frame position `a` (across the strips): crops in rows or
/// dormant stubble, fallow soil with furrows, grass, or a burnt field.
fn parcel_surface(
    usage: Use,
    h: u64,
    a: f64,
    furrow_m: f64,
    greenness: f32,
    gsd: f64,
) -> (Reflectance, Grain) {
    // Furrows and crop rows finer than two pixels blur into the parcel's mean.
    let visible = ((furrow_m / gsd - 2.0) / 2.0).clamp(0.0, 1.0) as f32;
    let wave = (a * 2.0 * PI / furrow_m).sin() as f32 * visible;
    let vigour = 0.6 + 0.4 * ((h >> 40) & 0xff) as f32 / 255.0;
    match usage {
        Use::Crop => {
            let soil = spectra::DORMANT.pick(h);
            let leaf = spectra::VEGETATION.pick(h >> 3);
            let cover = (greenness * vigour * (1.0 - 0.35 * visible + 0.35 * wave)).clamp(0.0, 1.0);
            let grain = if cover > 0.3 {
                Grain::Grass
            } else {
                Grain::Soil
            };
            (spectra::mix(soil, leaf, cover), grain)
        }
        Use::Fallow => (
            spectra::scale(spectra::FALLOW.pick(h), 1.0 + 0.06 * wave),
            Grain::Soil,
        ),
        Use::Grass => (
            spectra::mix(
                spectra::DRY_GRASS.pick(h),
                spectra::VEGETATION.pick(h >> 5),
                greenness * 0.7 * vigour,
            ),
            Grain::Grass,
        ),
        Use::Burnt => (spectra::BURNT.pick(h), Grain::Soil),
    }
}

/// Waste ground: loess with patches of dry grass and shrubs.
fn waste(texture: Noise, x: f64, y: f64, greenness: f32, gsd: f64) -> (Reflectance, Grain) {
    let patch = texture.derive(7).fbm_to(x, y, 25.0, gsd * 2.0);
    let loess = spectra::FALLOW.pick(0x3c_2b_1a_77);
    let grass = spectra::mix(
        spectra::DRY_GRASS.pick(0x1234_5678),
        spectra::VEGETATION.pick(0x9abc_def0),
        greenness * 0.5,
    );
    let share = ((patch + 0.2) * 1.5).clamp(0.0, 1.0);
    let grain = if share > 0.5 {
        Grain::Grass
    } else {
        Grain::Soil
    };
    (spectra::mix(loess, grass, share), grain)
}

/// Lists a few fallow parcels and the burnt one as confusers.
fn record_parcels(
    setting: &Setting,
    grid: &FieldGrid,
    truth: &mut Truth,
    rng: &mut crate::rng::Rng,
    is_waste: &dyn Fn(usize, usize) -> bool,
) {
    if let Some(id) = grid.burnt {
        truth.confuser("burnt_field", &grid.parcel_ring(id, setting.gsd));
    }
    let mut seen = Vec::new();
    for _ in 0..40 {
        let p = setting.random_point(rng, 0.0);
        let (mx, my) = (p[0] * setting.gsd, p[1] * setting.gsd);
        let (a, b) = grid.frame(mx, my);
        let id = grid.parcel(a, b).0;
        if !is_waste(p[0] as usize, p[1] as usize)
            && grid.parcel_use(id, setting.greenness) == Use::Fallow
            && !seen.contains(&id)
        {
            seen.push(id);
            truth.confuser("fallow_field", &grid.parcel_ring(id, setting.gsd));
            if seen.len() == 3 {
                break;
            }
        }
    }
}
