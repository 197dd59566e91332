//! The lead: geoscout's finding, its properties and its file formats.
//!
//! A [`Lead`] is one object of a target class found in a raster, with its geometry in WGS 84
//! longitude/latitude, its score and its provenance. Its properties are written in a fixed
//! order ([`PROPERTY_ORDER`], then [`Lead::extra`]).
//!
//! - [`write_geojson`] / [`read_geojson`]: RFC 7946 FeatureCollection (`leads.geojson`).
//!
//! Every writer checks the leads first and writes to a temporary name in the same folder, then
//! renames it, so a reader never sees a half-written file.
#![deny(missing_docs)]

mod atomic;
mod error;
mod geojson;
mod lead;

pub use error::{Error, Result};
pub use geojson::{read_geojson, write_geojson};
pub use lead::{Lead, PROPERTY_ORDER};
