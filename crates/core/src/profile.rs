//! Imagery profiles: what a satellite scene and a drone orthophoto look like on disk.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the two kinds of imagery geoscout's models are built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Pan-sharpened multispectral satellite imagery: blue, green, red, NIR; UInt16 reflectance
    /// x 10000 with nodata 0; 1 to 2 m ground sample distance.
    Satellite,
    /// Drone orthophotos: red, green, blue; Byte; 0.05 to 0.2 m ground sample distance.
    Uav,
}

impl Profile {
    /// Both profiles.
    pub const ALL: [Profile; 2] = [Profile::Satellite, Profile::Uav];

    /// The profile's name (`satellite`, `uav`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::Satellite => "satellite",
            Profile::Uav => "uav",
        }
    }

    /// Band names in file order.
    pub fn bands(self) -> &'static [&'static str] {
        match self {
            Profile::Satellite => &["blue", "green", "red", "nir"],
            Profile::Uav => &["red", "green", "blue"],
        }
    }

    /// The GDAL data type name of the imagery (`UInt16` or `Byte`).
    pub fn data_type(self) -> &'static str {
        match self {
            Profile::Satellite => "UInt16",
            Profile::Uav => "Byte",
        }
    }

    /// The stored value of reflectance 1.0 (10000 for satellite, 255 for uav).
    pub fn full_scale(self) -> f64 {
        match self {
            Profile::Satellite => 10_000.0,
            Profile::Uav => 255.0,
        }
    }

    /// The nodata value, where the profile has one.
    pub fn nodata(self) -> Option<f64> {
        match self {
            Profile::Satellite => Some(0.0),
            Profile::Uav => None,
        }
    }

    /// The range of ground sample distances in metres, smallest first.
    pub fn gsd_range_m(self) -> (f64, f64) {
        match self {
            Profile::Satellite => (1.0, 2.0),
            Profile::Uav => (0.05, 0.2),
        }
    }

    /// The usual ground sample distance in metres.
    pub fn default_gsd_m(self) -> f64 {
        match self {
            Profile::Satellite => 2.0,
            Profile::Uav => 0.1,
        }
    }

    /// The radius in metres within which a point lead matches a true outlet.
    pub fn point_match_radius_m(self) -> f64 {
        match self {
            Profile::Satellite => 20.0,
            Profile::Uav => 2.0,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a profile name that is not `satellite` or `uav`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile '{0}' (expected satellite or uav)")]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Profile, UnknownProfile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| UnknownProfile(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for profile in Profile::ALL {
            assert_eq!(profile.name().parse::<Profile>(), Ok(profile));
            assert_eq!(
                profile.bands().len(),
                if profile == Profile::Satellite { 4 } else { 3 }
            );
        }
        assert!("lidar".parse::<Profile>().is_err());
    }
}
