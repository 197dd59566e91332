//! Surface reflectance (0..1) in four bands (blue, green, red, near-infrared) and the ranges of
//! `targets.md` for every material a scene is painted with.

use rand::Rng as _;

use crate::rng::Rng;

/// Reflectance in blue, green, red and near-infrared, in that order.
pub type Reflectance = [f32; 4];

/// A band-wise range of reflectance that a material's spectra are drawn from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpectralRange {
    /// The lowest reflectance per band.
    pub lo: Reflectance,
    /// The highest reflectance per band.
    pub hi: Reflectance,
}

impl SpectralRange {
    const fn new(lo: Reflectance, hi: Reflectance) -> SpectralRange {
        SpectralRange { lo, hi }
    }

    /// A spectrum from the range: one overall brightness with a little band-wise variation,
    /// so that the spectrum keeps the material's shape.
    pub(crate) fn sample(&self, rng: &mut Rng) -> Reflectance {
        let overall: f32 = rng.random();
        std::array::from_fn(|b| {
            let t = (overall + rng.random_range(-0.2f32..0.2)).clamp(0.0, 1.0);
            self.lo[b] + t * (self.hi[b] - self.lo[b])
        })
    }

    /// A spectrum from the range chosen by the bits of `hash`, for per-parcel choices made
    /// inside parallel loops.
    pub(crate) fn pick(&self, hash: u64) -> Reflectance {
        let unit = |shift: u32| ((hash >> shift) & 0xff) as f32 / 255.0;
        let overall = unit(0);
        std::array::from_fn(|b| {
            let t = (overall + (unit(8 + 8 * b as u32) - 0.5) * 0.4).clamp(0.0, 1.0);
            self.lo[b] + t * (self.hi[b] - self.lo[b])
        })
    }

    /// Whether every band of `r` lies in the range.
    pub fn contains(&self, r: &Reflectance) -> bool {
        (0..4).all(|b| r[b] >= self.lo[b] - 1e-6 && r[b] <= self.hi[b] + 1e-6)
    }
}

/// Linear mix of two spectra: `t` = 0 gives `a`, 1 gives `b`.
pub(crate) fn mix(a: Reflectance, b: Reflectance, t: f32) -> Reflectance {
    std::array::from_fn(|i| a[i] + (b[i] - a[i]) * t)
}

/// Every band times `k`.
pub(crate) fn scale(a: Reflectance, k: f32) -> Reflectance {
    a.map(|v| v * k)
}

/// Vegetation and crops at full growth (NDVI 0.6-0.85).
pub const VEGETATION: SpectralRange =
    SpectralRange::new([0.03, 0.06, 0.03, 0.30], [0.05, 0.10, 0.06, 0.50]);
/// Fallow field and loess.
pub const FALLOW: SpectralRange =
    SpectralRange::new([0.08, 0.11, 0.14, 0.20], [0.12, 0.16, 0.22, 0.30]);
/// Dormant winter fields: soil-like, NIR 0.20-0.28.
pub const DORMANT: SpectralRange =
    SpectralRange::new([0.08, 0.11, 0.14, 0.20], [0.11, 0.15, 0.20, 0.28]);
/// Concrete roofs and plazas: a flat spectrum.
pub const CONCRETE: SpectralRange =
    SpectralRange::new([0.15, 0.15, 0.15, 0.15], [0.30, 0.30, 0.30, 0.30]);
/// Dark roofs.
pub const DARK_ROOF: SpectralRange =
    SpectralRange::new([0.05, 0.05, 0.05, 0.06], [0.08, 0.08, 0.08, 0.09]);
/// Asphalt roads and car parks.
pub const ASPHALT: SpectralRange =
    SpectralRange::new([0.05, 0.06, 0.06, 0.07], [0.09, 0.10, 0.10, 0.11]);
/// Clear river water (NDWI > 0.4).
pub const CLEAR_WATER: SpectralRange =
    SpectralRange::new([0.05, 0.06, 0.03, 0.01], [0.07, 0.08, 0.05, 0.02]);
/// Turbid water.
pub const TURBID_WATER: SpectralRange =
    SpectralRange::new([0.07, 0.10, 0.10, 0.03], [0.09, 0.13, 0.13, 0.05]);
/// Deep clear water (reservoirs, flooded pits): darker than the river.
pub const DEEP_WATER: SpectralRange =
    SpectralRange::new([0.03, 0.03, 0.015, 0.005], [0.05, 0.05, 0.03, 0.012]);
/// Coal gangue: grey-black rock waste (NDVI about 0.1).
pub const GANGUE: SpectralRange =
    SpectralRange::new([0.06, 0.07, 0.08, 0.10], [0.10, 0.11, 0.12, 0.14]);
/// Burning spots on a gangue pile: reddish.
pub const GANGUE_BURNING: SpectralRange =
    SpectralRange::new([0.07, 0.08, 0.15, 0.16], [0.10, 0.11, 0.20, 0.22]);
/// Uncovered bare earth, sand, gravel or spoil of a dust source.
pub const DUST: SpectralRange =
    SpectralRange::new([0.15, 0.20, 0.25, 0.30], [0.20, 0.25, 0.30, 0.35]);
/// Green dust net (防尘网) over yards and heaps.
pub const DUST_NET: SpectralRange =
    SpectralRange::new([0.05, 0.10, 0.06, 0.13], [0.07, 0.14, 0.08, 0.18]);
/// Dark discharge plume.
pub const PLUME_DARK: SpectralRange =
    SpectralRange::new([0.02, 0.02, 0.02, 0.02], [0.04, 0.04, 0.04, 0.04]);
/// Milky or foamy discharge plume.
pub const PLUME_MILKY: SpectralRange =
    SpectralRange::new([0.12, 0.12, 0.12, 0.10], [0.20, 0.20, 0.20, 0.16]);
/// Reddish or yellowish discharge plume (red above green).
pub const PLUME_REDDISH: SpectralRange =
    SpectralRange::new([0.05, 0.08, 0.13, 0.04], [0.08, 0.11, 0.19, 0.07]);
/// Strongly turbid discharge plume (muddy water).
pub const PLUME_TURBID: SpectralRange =
    SpectralRange::new([0.09, 0.13, 0.14, 0.05], [0.11, 0.16, 0.18, 0.08]);
/// Snow.
pub const SNOW: SpectralRange =
    SpectralRange::new([0.60, 0.60, 0.60, 0.50], [0.85, 0.85, 0.85, 0.70]);
/// Product coal in stockpiles: blacker and flatter than gangue.
pub const COAL: SpectralRange =
    SpectralRange::new([0.03, 0.03, 0.03, 0.035], [0.05, 0.05, 0.05, 0.055]);
/// Coal-dusted ground of a mine yard and its haul roads.
pub const COAL_YARD: SpectralRange =
    SpectralRange::new([0.05, 0.055, 0.06, 0.07], [0.08, 0.085, 0.09, 0.10]);
/// Grey tile roofs of village courtyard houses.
pub const TILE_ROOF: SpectralRange =
    SpectralRange::new([0.08, 0.08, 0.09, 0.10], [0.13, 0.13, 0.14, 0.16]);
/// Red brick and red tile roofs.
pub const RED_ROOF: SpectralRange =
    SpectralRange::new([0.06, 0.07, 0.14, 0.20], [0.09, 0.10, 0.22, 0.28]);
/// Blue painted steel roofs of sheds, factories and site cabins.
pub const BLUE_ROOF: SpectralRange =
    SpectralRange::new([0.18, 0.14, 0.08, 0.12], [0.30, 0.22, 0.13, 0.18]);
/// Light steel or membrane roofs of coal sheds.
pub const SHED_ROOF: SpectralRange =
    SpectralRange::new([0.25, 0.26, 0.26, 0.26], [0.40, 0.41, 0.41, 0.40]);
/// Burnt field: charred straw and ash.
pub const BURNT: SpectralRange =
    SpectralRange::new([0.025, 0.03, 0.035, 0.05], [0.045, 0.05, 0.055, 0.08]);
/// Red rubber running track.
pub const TRACK: SpectralRange =
    SpectralRange::new([0.06, 0.07, 0.18, 0.22], [0.09, 0.10, 0.26, 0.30]);
/// Artificial turf: green but with little near-infrared.
pub const TURF: SpectralRange =
    SpectralRange::new([0.04, 0.08, 0.05, 0.09], [0.06, 0.12, 0.07, 0.14]);
/// Sand and gravel of river bars and beds.
pub const SAND: SpectralRange =
    SpectralRange::new([0.13, 0.16, 0.19, 0.22], [0.18, 0.21, 0.25, 0.28]);
/// Wet mud on banks and in ditches.
pub const WET_MUD: SpectralRange =
    SpectralRange::new([0.04, 0.05, 0.06, 0.08], [0.07, 0.08, 0.09, 0.13]);
/// Dry grass and weeds.
pub const DRY_GRASS: SpectralRange =
    SpectralRange::new([0.07, 0.10, 0.12, 0.22], [0.10, 0.14, 0.17, 0.30]);
/// Unpaved earth roads and tracks (compacted loess).
pub const DIRT: SpectralRange =
    SpectralRange::new([0.10, 0.13, 0.16, 0.20], [0.14, 0.17, 0.21, 0.26]);
/// Thin cloud veil.
pub const CLOUD: SpectralRange =
    SpectralRange::new([0.45, 0.45, 0.45, 0.45], [0.60, 0.60, 0.58, 0.55]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::component_rng;

    #[test]
    fn samples_stay_in_range() {
        let mut rng = component_rng(1, "test");
        for range in [
            VEGETATION,
            GANGUE,
            DUST,
            DUST_NET,
            PLUME_REDDISH,
            SNOW,
            CLEAR_WATER,
        ] {
            for i in 0..200 {
                assert!(range.contains(&range.sample(&mut rng)));
                assert!(range.contains(&range.pick(crate::rng::mix(i, 9))));
            }
        }
    }

    #[test]
    fn ranges_keep_the_physics_of_targets_md() {
        let ndvi = |r: Reflectance| (r[3] - r[2]) / (r[3] + r[2]);
        let ndwi = |r: Reflectance| (r[1] - r[3]) / (r[1] + r[3]);
        assert!(ndvi(VEGETATION.lo) > 0.6 && ndvi(VEGETATION.hi) < 0.9);
        assert!(ndwi(CLEAR_WATER.lo) > 0.4 && ndwi(CLEAR_WATER.hi) > 0.4);
        const { assert!(PLUME_REDDISH.lo[2] > PLUME_REDDISH.hi[1]) };
    }
}
