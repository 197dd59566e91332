//! A whole scene: the order in which its parts are painted, and the result.

use geoscout_core::Profile;
use rand::Rng as _;

use crate::canvas::Canvas;
use crate::conditions::sensor::{self, Pixels, Sensor};
use crate::conditions::{Conditions, cloud, snow};
use crate::confusers;
use crate::error::Result;
use crate::grain;
use crate::landcover;
use crate::layout::Layout;
use crate::lighting;
use crate::river;
use crate::roads;
use crate::setting::{Acquired, SceneSpec, Season, Setting, Sun};
use crate::settlement;
use crate::targets;
use crate::trees;
use crate::truth::{Truth, TruthObject};

/// EPSG code of the scenes' projected CRS: WGS 84 / UTM zone 49N.
pub const EPSG_UTM_49N: u32 = 32649;

/// A generated scene: its pixels, georeferencing, acquisition facts and truth.
#[derive(Clone, Debug)]
pub struct Scene {
    /// The imagery profile.
    pub profile: Profile,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Ground sample distance in metres.
    pub gsd_m: f64,
    /// Easting and northing (EPSG:32649) of the upper-left corner.
    pub origin: [f64; 2],
    /// Seed it was made from.
    pub seed: u64,
    /// When it was (notionally) acquired.
    pub acquired: Acquired,
    /// The season.
    pub season: Season,
    /// The sun at acquisition.
    pub sun: Sun,
    /// Snow, cloud, haze and sensor settings.
    pub conditions: Conditions,
    /// Targets and confusers.
    pub objects: Vec<TruthObject>,
    /// The stored pixels.
    pub pixels: Pixels,
}

impl Scene {
    /// The GDAL geotransform: origin, pixel size, north up.
    pub fn geo_transform(&self) -> [f64; 6] {
        [
            self.origin[0],
            self.gsd_m,
            0.0,
            self.origin[1],
            0.0,
            -self.gsd_m,
        ]
    }

    /// Pixel coordinates to EPSG:32649 easting and northing.
    pub fn to_map(&self, p: [f64; 2]) -> [f64; 2] {
        [
            self.origin[0] + p[0] * self.gsd_m,
            self.origin[1] - p[1] * self.gsd_m,
        ]
    }
}

/// Generates the scene described by `spec`, entirely in memory.
///
/// The same spec always gives the same scene. Each component draws from its own random
/// stream, so that changing one component leaves the others where they were.
pub fn generate(spec: &SceneSpec) -> Result<Scene> {
    let setting = Setting::new(spec)?;
    let mut canvas = Canvas::new(setting.width, setting.height, setting.gsd);
    let mut truth = Truth::new(setting.width, setting.height);
    let mut layout = Layout::default();

    landcover::paint(&setting, &mut canvas, &mut truth);
    let river = river::paint(&setting, &mut canvas);
    if let Some(river) = &river {
        layout.take_river(&river.channel, river.beach_px + setting.px(2.0));
    }
    let mut roads = roads::paint(&setting, &mut canvas, &mut layout);
    let built = settlement::paint(&setting, &mut canvas, &mut layout, &mut truth);
    confusers::water::paint(&setting, &mut canvas, &mut layout, &mut truth);
    targets::pile::paint(&setting, &mut canvas, &mut layout, &mut truth, &roads);
    targets::dust::paint(&setting, &mut canvas, &mut layout, &mut truth, &built);
    if let Some(river) = &river {
        confusers::river::paint(
            &setting,
            &mut canvas,
            &mut layout,
            &mut truth,
            river,
            &mut roads,
        );
        targets::outlet::paint(&setting, &mut canvas, &mut layout, &mut truth, river);
    }
    trees::paint(
        &setting,
        &mut canvas,
        &layout,
        &roads,
        river.as_ref(),
        &built,
    );

    grain::apply(&setting, &mut canvas);
    let mut rng = setting.rng("conditions");
    let snow_cover = snow::paint(&setting, &mut canvas);
    let ambient = rng.random_range(0.3..0.45);
    lighting::apply(&setting, &mut canvas, ambient);
    let cloud = cloud::paint(&setting, &mut canvas, &mut truth, ambient);
    let uav = setting.is_uav();
    let sensor = Sensor {
        haze: if uav {
            rng.random_range(0.0..0.08)
        } else {
            rng.random_range(0.0..0.25)
        },
        gain: rng.random_range(0.85..1.15),
        blur_px: rng.random_range(0.3..0.9),
        noise: if uav {
            rng.random_range(0.002..0.006)
        } else {
            rng.random_range(0.001..0.004)
        },
        exposure: rng.random_range(3.0..5.0),
    };
    let pixels = sensor::encode(&setting, &canvas, &sensor);
    drop(canvas);

    Ok(Scene {
        profile: setting.profile,
        width: setting.width,
        height: setting.height,
        gsd_m: setting.gsd,
        origin: setting.origin,
        seed: setting.seed,
        acquired: setting.acquired,
        season: setting.season,
        sun: setting.sun,
        conditions: Conditions {
            snow_cover,
            cloud,
            haze: sensor.haze,
            gain: sensor.gain,
            ambient,
            blur_px: sensor.blur_px,
            noise: sensor.noise,
        },
        objects: truth.objects,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use geoscout_core::Class;

    use super::*;
    use crate::spectra;
    use crate::truth::{TruthClass, TruthGeometry};

    fn scene(profile: Profile, size: usize, seed: u64) -> Scene {
        generate(&SceneSpec::new(profile, size, seed)).unwrap()
    }

    fn classes(scene: &Scene) -> BTreeSet<&'static str> {
        scene.objects.iter().map(|o| o.class.name()).collect()
    }

    #[test]
    fn the_same_spec_gives_the_same_scene() {
        let a = scene(Profile::Satellite, 256, 11);
        let b = scene(Profile::Satellite, 256, 11);
        assert_eq!(a.pixels, b.pixels);
        assert_eq!(a.objects, b.objects);
        let c = scene(Profile::Satellite, 256, 12);
        assert_ne!(a.pixels, c.pixels);
    }

    #[test]
    fn truth_lies_inside_the_scene() {
        for (profile, seed) in [
            (Profile::Satellite, 3),
            (Profile::Uav, 4),
            (Profile::Satellite, 5),
        ] {
            let s = generate(&SceneSpec {
                profile,
                width: 300,
                height: 200,
                seed,
                gsd_m: None,
            })
            .unwrap();
            assert!(!s.objects.is_empty());
            for object in &s.objects {
                let points: Vec<[f64; 2]> = match &object.geometry {
                    TruthGeometry::Polygons(rings) => rings.iter().flatten().copied().collect(),
                    TruthGeometry::Point(p) => vec![*p],
                };
                for p in points {
                    assert!(
                        (0.0..=300.0).contains(&p[0]) && (0.0..=200.0).contains(&p[1]),
                        "{object:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn satellite_scenes_hold_all_three_targets() {
        let mut seen = BTreeSet::new();
        for seed in 1..=4 {
            let s = scene(Profile::Satellite, 768, seed);
            let found = classes(&s);
            assert!(
                found.contains("coal_gangue_pile") && found.contains("dust_source"),
                "seed {seed}: {found:?}"
            );
            seen.extend(found);
        }
        assert!(seen.contains("discharge_outlet"), "{seen:?}");
    }

    #[test]
    fn uav_scenes_show_outlets_on_a_river() {
        for seed in 1..=3 {
            let s = scene(Profile::Uav, 512, seed);
            assert!(classes(&s).contains("discharge_outlet"), "seed {seed}");
            assert!((0.05..=0.2).contains(&s.gsd_m));
        }
    }

    #[test]
    fn target_spectra_follow_targets_md() {
        let plumes = [
            spectra::PLUME_DARK,
            spectra::PLUME_MILKY,
            spectra::PLUME_REDDISH,
            spectra::PLUME_TURBID,
        ];
        for seed in 1..=3 {
            for object in &scene(Profile::Satellite, 512, seed).objects {
                let r = object.reflectance;
                match object.class {
                    TruthClass::Target(Class::CoalGanguePile) => {
                        assert!(spectra::GANGUE.contains(&r.unwrap()))
                    }
                    TruthClass::Target(Class::DustSource) => {
                        assert!(spectra::DUST.contains(&r.unwrap()))
                    }
                    TruthClass::Target(Class::DischargeOutlet) => {
                        assert!(plumes.iter().any(|p| p.contains(&r.unwrap())))
                    }
                    TruthClass::Confuser(_) => {}
                }
            }
        }
    }

    #[test]
    fn every_confuser_of_targets_md_appears() {
        let wanted = [
            "covered_yard_dust_net",
            "coal_shed",
            "dark_roof",
            "asphalt_car_park",
            "building_shadow",
            "burnt_field",
            "deep_water",
            "tributary_confluence",
            "bridge_pier",
            "boat",
            "sandbar",
            "tree_shadow_on_water",
            "fallow_field",
            "sports_field",
            "concrete_plaza",
            "cloud_shadow",
        ];
        let mut seen = BTreeSet::new();
        for seed in 1..=10 {
            for object in scene(Profile::Satellite, 512, seed).objects {
                if let TruthClass::Confuser(kind) = object.class {
                    seen.insert(kind);
                }
            }
        }
        let missing: Vec<_> = wanted.iter().filter(|k| !seen.contains(*k)).collect();
        assert!(missing.is_empty(), "missing {missing:?}");
    }

    #[test]
    fn some_targets_cross_tile_seams() {
        let crosses =
            |lo: f64, hi: f64| (1..=4).any(|k| lo < (k * 256) as f64 && hi > (k * 256) as f64);
        let mut crossing = 0;
        for seed in 1..=4 {
            for object in scene(Profile::Satellite, 1024, seed).objects {
                if let (TruthClass::Target(_), TruthGeometry::Polygons(rings)) =
                    (object.class, &object.geometry)
                {
                    let (lo, hi) = crate::geom::bounds(&rings.concat());
                    crossing += usize::from(crosses(lo[0], hi[0]) || crosses(lo[1], hi[1]));
                }
            }
        }
        assert!(crossing >= 3, "{crossing}");
    }

    #[test]
    fn seasons_sun_and_gsd_vary_with_the_seed() {
        let scenes: Vec<Scene> = (1..=8)
            .map(|seed| scene(Profile::Satellite, 128, seed))
            .collect();
        let seasons: BTreeSet<&str> = scenes.iter().map(|s| s.season.name()).collect();
        let gsds: BTreeSet<u64> = scenes.iter().map(|s| (s.gsd_m * 100.0) as u64).collect();
        assert!(
            seasons.len() >= 3 && gsds.len() >= 4,
            "{seasons:?} {gsds:?}"
        );
        assert!(
            scenes
                .iter()
                .all(|s| (1.0..=2.0).contains(&s.gsd_m) && s.sun.elevation_deg > 10.0)
        );
        let fixed = generate(&SceneSpec {
            gsd_m: Some(1.5),
            ..SceneSpec::new(Profile::Satellite, 128, 1)
        })
        .unwrap();
        assert_eq!(fixed.gsd_m, 1.5);
    }

    #[test]
    fn satellite_values_never_hit_nodata() {
        let s = scene(Profile::Satellite, 256, 9);
        let Pixels::UInt16(values) = &s.pixels else {
            panic!("satellite scenes are UInt16")
        };
        assert_eq!(values.len(), 256 * 256 * 4);
        assert!(values.iter().all(|&v| v >= 1));
    }
}
