//! Everything about a scene that all painters share: size, ground sample distance, place,
//! date, season and sun.

use std::f64::consts::PI;

use geoscout_core::Profile;
use rand::Rng as _;

use crate::error::{Error, Result};
use crate::geom::Pt;
use crate::noise::Noise;
use crate::rng::{Rng, component_hash, component_rng};

/// What a scene should be: the one input of [`generate`](crate::generate).
#[derive(Clone, Debug, PartialEq)]
pub struct SceneSpec {
    /// The imagery profile: bands, data type, scaling and ground sample distance range.
    pub profile: Profile,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// The seed; the same spec gives the same scene.
    pub seed: u64,
    /// A fixed ground sample distance in metres; drawn from the profile's range when `None`.
    pub gsd_m: Option<f64>,
}

impl SceneSpec {
    /// A square scene of `size` pixels with a ground sample distance chosen by the seed.
    pub fn new(profile: Profile, size: usize, seed: u64) -> SceneSpec {
        SceneSpec {
            profile,
            width: size,
            height: size,
            seed,
            gsd_m: None,
        }
    }

    /// The smallest and largest accepted scene side in pixels.
    pub const SIZE_RANGE: (usize, usize) = (64, 16_384);
}

/// The sun's position at acquisition time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sun {
    /// Degrees clockwise from north.
    pub azimuth_deg: f64,
    /// Degrees above the horizon.
    pub elevation_deg: f64,
}

/// The season, which decides how green the fields are and whether snow may lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Season {
    /// December to February: dormant fields, snow patches likely.
    Winter,
    /// March to May: fields bare or just sprouting.
    Spring,
    /// June to August: full growth.
    Summer,
    /// September to November: ripening, harvest, stubble.
    Autumn,
}

impl Season {
    /// The season's name in lower case.
    pub fn name(self) -> &'static str {
        match self {
            Season::Winter => "winter",
            Season::Spring => "spring",
            Season::Summer => "summer",
            Season::Autumn => "autumn",
        }
    }
}

/// Local date and time of acquisition (Beijing time, UTC+8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acquired {
    /// Year.
    pub year: u32,
    /// Month, 1..12.
    pub month: u32,
    /// Day of the month, 1..28.
    pub day: u32,
    /// Hour, 0..23.
    pub hour: u32,
    /// Minute, 0..59.
    pub minute: u32,
}

impl Acquired {
    /// As TIFFTAG_DATETIME wants it: `YYYY:MM:DD HH:MM:SS`.
    pub fn tiff_datetime(&self) -> String {
        format!(
            "{:04}:{:02}:{:02} {:02}:{:02}:00",
            self.year, self.month, self.day, self.hour, self.minute
        )
    }

    /// ISO 8601 with the time zone: `YYYY-MM-DDTHH:MM:00+08:00`.
    pub fn iso8601(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:00+08:00",
            self.year, self.month, self.day, self.hour, self.minute
        )
    }

    fn day_of_year(&self) -> u32 {
        const START: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        START[self.month as usize - 1] + self.day
    }
}

/// The scene-wide facts every painter reads.
pub(crate) struct Setting {
    pub profile: Profile,
    pub width: usize,
    pub height: usize,
    /// Metres per pixel.
    pub gsd: f64,
    pub seed: u64,
    /// UTM 49N easting and northing of the upper-left corner.
    pub origin: Pt,
    pub acquired: Acquired,
    pub season: Season,
    /// How green growing vegetation is: 0 dormant .. 1 full growth.
    pub greenness: f32,
    pub sun: Sun,
    /// Unit vector (pixels) in the direction shadows fall.
    pub shadow_dir: Pt,
    /// Scene-wide noise from which painters derive their own fields.
    pub noise: Noise,
}

/// Latitude (degrees) and longitude range the scenes are placed in: around Datong, Shanxi.
const LAT_RANGE: (f64, f64) = (39.75, 40.35);
/// UTM 49N eastings and northings that cover the area around Datong.
const EASTING_RANGE: (f64, f64) = (640_000.0, 720_000.0);
const NORTHING_RANGE: (f64, f64) = (4_400_000.0, 4_470_000.0);

impl Setting {
    /// Checks the spec and draws the scene-wide facts from its seed.
    pub(crate) fn new(spec: &SceneSpec) -> Result<Setting> {
        let (min, max) = SceneSpec::SIZE_RANGE;
        for (name, n) in [("width", spec.width), ("height", spec.height)] {
            if !(min..=max).contains(&n) {
                return Err(Error::InvalidSpec(format!(
                    "{name} {n} px is outside {min}..={max}"
                )));
            }
        }
        let (lo, hi) = spec.profile.gsd_range_m();
        let mut rng = component_rng(spec.seed, "setting");
        let gsd = match spec.gsd_m {
            Some(g) if g.is_finite() && g > 0.0 && g >= lo * 0.5 && g <= hi * 2.0 => g,
            Some(g) => {
                return Err(Error::InvalidSpec(format!(
                    "ground sample distance {g} m does not suit the {} profile ({lo} to {hi} m)",
                    spec.profile
                )));
            }
            // Steps of 5 cm (satellite) or 1 cm (uav), as real products come in round numbers.
            None => {
                let step = if spec.profile == Profile::Satellite {
                    0.05
                } else {
                    0.01
                };
                ((rng.random_range(lo..=hi) / step).round() * step * 1e6).round() / 1e6
            }
        };
        let origin = [
            (rng.random_range(EASTING_RANGE.0..EASTING_RANGE.1) / 10.0).round() * 10.0,
            (rng.random_range(NORTHING_RANGE.0..NORTHING_RANGE.1) / 10.0).round() * 10.0,
        ];
        let acquired = draw_date(&mut rng, spec.profile);
        let season = match acquired.month {
            12 | 1 | 2 => Season::Winter,
            3..=5 => Season::Spring,
            6..=8 => Season::Summer,
            _ => Season::Autumn,
        };
        const GREENNESS: [f32; 12] = [
            0.0, 0.0, 0.02, 0.15, 0.4, 0.8, 1.0, 1.0, 0.75, 0.3, 0.05, 0.0,
        ];
        let greenness = GREENNESS[acquired.month as usize - 1];
        let latitude = LAT_RANGE.0
            + (origin[1] - NORTHING_RANGE.0) / (NORTHING_RANGE.1 - NORTHING_RANGE.0)
                * (LAT_RANGE.1 - LAT_RANGE.0);
        let sun = sun_position(&acquired, latitude);
        let az = sun.azimuth_deg.to_radians();
        // Shadows point away from the sun; pixel y grows southwards.
        let shadow_dir = [-az.sin(), az.cos()];
        Ok(Setting {
            profile: spec.profile,
            width: spec.width,
            height: spec.height,
            gsd,
            seed: spec.seed,
            origin,
            acquired,
            season,
            greenness,
            sun,
            shadow_dir,
            noise: Noise::new(component_hash("noise") ^ spec.seed),
        })
    }

    /// The random stream of one component.
    pub(crate) fn rng(&self, component: &str) -> Rng {
        component_rng(self.seed, component)
    }

    /// A noise field of one component.
    pub(crate) fn noise(&self, component: &str) -> Noise {
        self.noise.derive(component_hash(component))
    }

    /// Metres to pixels.
    pub(crate) fn px(&self, metres: f64) -> f64 {
        metres / self.gsd
    }

    /// The scene's area in square kilometres.
    pub(crate) fn area_km2(&self) -> f64 {
        self.width as f64 * self.height as f64 * self.gsd * self.gsd / 1e6
    }

    /// The scene's shorter side in metres.
    pub(crate) fn short_side_m(&self) -> f64 {
        self.width.min(self.height) as f64 * self.gsd
    }

    /// Whether this is a drone scene.
    pub(crate) fn is_uav(&self) -> bool {
        self.profile == Profile::Uav
    }

    /// Centre of pixel (x, y) in metres from the upper-left corner (for texture).
    pub(crate) fn metres(&self, x: usize, y: usize) -> (f64, f64) {
        ((x as f64 + 0.5) * self.gsd, (y as f64 + 0.5) * self.gsd)
    }

    /// A random point in the scene, at least `margin` pixels inside (or outside, if negative).
    pub(crate) fn random_point(&self, rng: &mut Rng, margin: f64) -> Pt {
        let mut span = |n: usize| {
            let (a, b) = (margin, n as f64 - margin);
            if a < b {
                rng.random_range(a..b)
            } else {
                n as f64 / 2.0
            }
        };
        [span(self.width), span(self.height)]
    }

    /// The unit vector pointing towards the sun (pixel x east, y south, z up).
    pub(crate) fn sun_vector(&self) -> [f64; 3] {
        let (az, el) = (
            self.sun.azimuth_deg.to_radians(),
            self.sun.elevation_deg.to_radians(),
        );
        [az.sin() * el.cos(), -az.cos() * el.cos(), el.sin()]
    }
}

/// A date across the year and a time of day typical of the platform.
fn draw_date(rng: &mut Rng, profile: Profile) -> Acquired {
    // Sun-synchronous satellites cross at about 10:30-11:30 local time; drones fly 9:00-16:00.
    let (h0, h1) = if profile == Profile::Satellite {
        (10.6, 11.9)
    } else {
        (9.0, 16.0)
    };
    let minutes = (rng.random_range(h0..h1) * 60.0) as u32;
    Acquired {
        year: rng.random_range(2019..=2025),
        month: rng.random_range(1..=12),
        day: rng.random_range(1..=28),
        hour: minutes / 60,
        minute: minutes % 60,
    }
}

/// Sun azimuth and elevation at Datong's longitude for a Beijing-time date.
fn sun_position(when: &Acquired, latitude_deg: f64) -> Sun {
    const LONGITUDE: f64 = 113.3;
    let doy = f64::from(when.day_of_year());
    let declination = (23.44f64).to_radians() * (2.0 * PI * (284.0 + doy) / 365.0).sin();
    let solar_hours =
        f64::from(when.hour) + f64::from(when.minute) / 60.0 + (LONGITUDE - 120.0) / 15.0;
    let hour_angle = ((solar_hours - 12.0) * 15.0).to_radians();
    let lat = latitude_deg.to_radians();
    let sin_el = lat.sin() * declination.sin() + lat.cos() * declination.cos() * hour_angle.cos();
    let el = sin_el.asin();
    let cos_az = (declination.sin() - sin_el * lat.sin()) / (el.cos() * lat.cos());
    let mut az = cos_az.clamp(-1.0, 1.0).acos().to_degrees();
    if hour_angle > 0.0 {
        az = 360.0 - az;
    }
    Sun {
        azimuth_deg: az,
        elevation_deg: el.to_degrees(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datong_sun_is_low_in_winter_and_high_in_summer() {
        let noon = |month| {
            sun_position(
                &Acquired {
                    year: 2024,
                    month,
                    day: 21,
                    hour: 12,
                    minute: 30,
                },
                40.0,
            )
        };
        let (winter, summer) = (noon(12), noon(6));
        assert!((24.0..29.0).contains(&winter.elevation_deg), "{winter:?}");
        assert!((70.0..75.0).contains(&summer.elevation_deg), "{summer:?}");
        assert!((160.0..200.0).contains(&winter.azimuth_deg), "{winter:?}");
        let morning = sun_position(
            &Acquired {
                year: 2024,
                month: 3,
                day: 21,
                hour: 10,
                minute: 30,
            },
            40.0,
        );
        assert!(morning.azimuth_deg < 160.0, "{morning:?}");
    }

    #[test]
    fn bad_sizes_and_gsds_are_refused() {
        let mut spec = SceneSpec::new(Profile::Satellite, 10, 1);
        assert!(matches!(Setting::new(&spec), Err(Error::InvalidSpec(_))));
        spec.gsd_m = Some(f64::NAN);
        assert!(Setting::new(&spec).is_err());
        spec.width = 300;
        spec.height = 300;
        spec.gsd_m = Some(0.1);
        let err = Setting::new(&spec).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("satellite")));
        spec.gsd_m = None;
        let s = Setting::new(&spec).unwrap();
        assert!((1.0..=2.0).contains(&s.gsd));
    }
}
