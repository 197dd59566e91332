//! The scan pipeline: rasters in, leads out.
//!
//! [`scan`] takes raster paths (see [`expand_inputs`] for folders and list files), picks or
//! checks a model per raster, and runs each raster through the stages of design.md, which
//! overlap in time: windowed reads on rayon workers, batched forward passes, vectorizing and
//! seam-free merging, the lead filters (area, score, one outlet per mouth), then enrichment
//! (WGS 84, area, id, provenance) and lead pictures. Outputs are staged in the output folder
//! and published together by [`ScanRun::publish`]; a raster that fails is reported and skipped
//! while the others finish.
#![deny(missing_docs)]

mod chip;
mod enrich;
mod error;
mod fingerprint;
mod inputs;
mod mouths;
mod pipeline;
mod progress;
mod record;
mod scan;
mod staging;

pub use error::{Error, Result};
pub use inputs::{RASTER_EXTENSIONS, expand_inputs};
pub use record::{Failure, InputRecord, ModelRecord, Parameters, RunRecord, TileCounts};
pub use scan::{ScanOptions, ScanRun, scan};
