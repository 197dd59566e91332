//! Checking a raster against a model card before any work is done.

use std::fmt;

/// Tolerance on the ground sample distance range, relative: a 2.05 m raster still fits a
/// 1 to 2 m model, a 2.2 m raster does not.
pub const GSD_TOLERANCE: f64 = 0.05;

/// One way in which a raster does not fit a model. Displayed as a phrase about the raster
/// ("has 3 bands (red, green, blue) but the model needs 4 (blue, green, red, nir)").
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Mismatch {
    /// Not as many image bands (alpha excluded) as the model takes.
    BandCount {
        /// The raster's band names (colour interpretation or description).
        found: Vec<String>,
        /// The model's band names.
        needed: Vec<String>,
    },
    /// A band is labelled as a colour the model expects elsewhere (e.g. a BGR file for an RGB model).
    BandOrder {
        /// The 1-based band number.
        band: usize,
        /// The raster's label for it.
        found: String,
        /// What the model expects there.
        needed: String,
    },
    /// The bands' data type is not the model's.
    DataType {
        /// The raster's GDAL data type name(s).
        found: String,
        /// The model's.
        needed: String,
    },
    /// The ground sample distance is outside the model's range.
    Gsd {
        /// The raster's ground sample distance in metres.
        found: f64,
        /// The model's range in metres.
        range: [f64; 2],
    },
    /// The raster has no georeferencing (no geotransform or no CRS), so no ground sample
    /// distance and no map position.
    NotGeoreferenced,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::BandCount { found, needed } => write!(
                f,
                "it has {} band{} ({}) but the model needs {} ({})",
                found.len(),
                if found.len() == 1 { "" } else { "s" },
                found.join(", "),
                needed.len(),
                needed.join(", ")
            ),
            Mismatch::BandOrder { band, found, needed } => {
                write!(f, "its band {band} is {found} but the model needs {needed} there")
            }
            Mismatch::DataType { found, needed } => {
                write!(f, "its data type is {found} but the model needs {needed}")
            }
            Mismatch::Gsd { found, range } => write!(
                f,
                "its ground sample distance is {} m but the model takes {} to {} m",
                round3(*found),
                range[0],
                range[1]
            ),
            Mismatch::NotGeoreferenced => {
                f.write_str("it has no georeferencing (geotransform and CRS), so its ground sample distance is unknown")
            }
        }
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
