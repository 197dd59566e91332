//! The lead: geoscout's finding, its properties and its file formats.
//!
//! A [`Lead`] is one object of a target class found in a raster, with its geometry in WGS 84
//! longitude/latitude, its score and its provenance. Its properties are written in a fixed
//! order ([`PROPERTY_ORDER`], then [`Lead::extra`]).
//!
//! - [`write_geojson`] / [`read_geojson`]: RFC 7946 FeatureCollection (`leads.geojson`).
//! - [`write_flatgeobuf`]: FlatGeobuf with its spatial index (`leads.fgb`), one layer of mixed
//!   geometry type, WGS 84.
//! - [`write_geopackage`]: GeoPackage (`leads.gpkg`) in a projected CRS with R-tree indexes, one
//!   layer per geometry type ([`GPKG_POLYGON_LAYER`], [`GPKG_POINT_LAYER`]).
//! - [`write_qml`]: the QGIS style that QGIS loads by itself for those three files (`leads.qml`).
//!
//! Every writer checks the leads first and writes to a temporary name in the same folder, then
//! renames it, so a reader never sees a half-written file.
#![deny(missing_docs)]

mod error;
mod flatgeobuf;
mod geojson;
mod gpkg;
mod lead;
mod qml;
mod schema;

pub use error::{Error, Result};
pub use flatgeobuf::write_flatgeobuf;
pub use geojson::{read_geojson, write_geojson};
pub use gpkg::{GPKG_POINT_LAYER, GPKG_POLYGON_LAYER, write_geopackage};
pub use lead::{Lead, PROPERTY_ORDER};
pub use qml::write_qml;
