//! Training chips: labelled rasters become image chips and per-class targets, and predictions
//! are scored against labels pixel by pixel.
//!
//! Any raster GDAL reads works, with labels in any vector format and CRS GDAL reads. Labels are
//! reprojected to the raster's CRS, polygons are rasterised (pixel centres inside) and outlet
//! points become Gaussian heat maps. A chip folder holds:
//!
//! - `images/NAME_rROW_cCOL.npy`: `float32 [bands, size, size]`, stored value x scale + offset
//!   (the model card's input convention), 0 in every band where the raster has no data;
//! - `targets/NAME_rROW_cCOL.npy`: `uint8 [classes, size, size]`, target probability x 255, one
//!   channel per class in [`geoscout_core::Class::ALL`] order;
//! - `index.jsonl`: one [`IndexEntry`] per line;
//! - `chips.json`: the [`Manifest`] (bands, scaling, classes, split sizes, rasters).
#![deny(missing_docs)]

mod chipper;
mod class_map;
mod error;
mod grid;
mod labels;
mod npy;
mod score;
mod source;
mod targets;

pub use chipper::{
    ChipOptions, ClassEntry, DEFAULT_OUTLET_SIGMA_PX, INDEX_FILE, IndexEntry, LabelSource,
    MANIFEST_FILE, Manifest, RasterReport, Split, write_chips,
};
pub use class_map::{ClassMap, LabelRole};
pub use error::{Error, Result};
pub use grid::{PixelGrid, Window};
pub use labels::{Label, LabelOptions, Labels};
pub use score::{
    CardClass, CardSummary, PeakCounts, PixelCounts, Quality, ScoreOptions, probs_for,
    read_card_summary, score_scene,
};
pub use source::{BandLayout, SourceRaster};
pub use targets::{TARGET_FULL, TargetRenderer, channel};
