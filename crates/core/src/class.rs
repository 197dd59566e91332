//! Target classes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A kind of environmental violation that geoscout detects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Open coal gangue pile (煤矸石堆): a polygon of the pile's footprint.
    CoalGanguePile,
    /// Unauthorized discharge outlet on a river bank (入河排污口): a point at the outlet's mouth.
    DischargeOutlet,
    /// Dust source (扬尘源): a polygon of uncovered bare earth or material.
    DustSource,
}

/// Whether a class is reported as an area or as a location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeometryKind {
    /// The lead is the outline of the object.
    Polygon,
    /// The lead is one location (an outlet's mouth).
    Point,
}

impl Class {
    /// All classes in the order of their ids.
    pub const ALL: [Class; 3] = [
        Class::CoalGanguePile,
        Class::DischargeOutlet,
        Class::DustSource,
    ];

    /// The numeric id used in label rasters and model outputs (1, 2, 3; 0 is background).
    pub fn id(self) -> u8 {
        match self {
            Class::CoalGanguePile => 1,
            Class::DischargeOutlet => 2,
            Class::DustSource => 3,
        }
    }

    /// The class with the given numeric id.
    pub fn from_id(id: u8) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The machine name, as written in GeoJSON properties (`coal_gangue_pile`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Class::CoalGanguePile => "coal_gangue_pile",
            Class::DischargeOutlet => "discharge_outlet",
            Class::DustSource => "dust_source",
        }
    }

    /// The Chinese name inspectors use (煤矸石堆, 入河排污口, 扬尘源).
    pub fn name_zh(self) -> &'static str {
        match self {
            Class::CoalGanguePile => "煤矸石堆",
            Class::DischargeOutlet => "入河排污口",
            Class::DustSource => "扬尘源",
        }
    }

    /// Whether leads of this class are polygons or points.
    pub fn geometry_kind(self) -> GeometryKind {
        match self {
            Class::DischargeOutlet => GeometryKind::Point,
            Class::CoalGanguePile | Class::DustSource => GeometryKind::Polygon,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a class name that is not one of the three.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown class '{0}' (expected coal_gangue_pile, discharge_outlet or dust_source)")]
pub struct UnknownClass(pub String);

impl FromStr for Class {
    type Err = UnknownClass;

    fn from_str(s: &str) -> Result<Class, UnknownClass> {
        Class::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| UnknownClass(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_round_trip() {
        for class in Class::ALL {
            assert_eq!(Class::from_id(class.id()), Some(class));
            assert_eq!(class.name().parse::<Class>(), Ok(class));
            assert_eq!(
                serde_json::to_string(&class).unwrap(),
                format!("\"{}\"", class.name())
            );
        }
        assert_eq!(Class::from_id(0), None);
    }

    #[test]
    fn unknown_name_is_an_error_that_lists_the_choices() {
        let err = "river".parse::<Class>().unwrap_err();
        assert!(err.to_string().contains("discharge_outlet"), "{err}");
    }
}
