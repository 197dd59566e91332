//! The run record, `run.json`: what was run, on what, with which model, and what came of it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

/// Everything needed to trace a run's leads back to their inputs and settings.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunRecord {
    /// geoscout's version.
    pub tool_version: String,
    /// The command line, as given.
    pub command_line: Vec<String>,
    /// When the run started and finished (RFC 3339, UTC).
    pub started: String,
    /// See `started`.
    pub finished: String,
    /// The settings that shape the leads.
    pub parameters: Parameters,
    /// The models used, by name.
    pub models: BTreeMap<String, ModelRecord>,
    /// One entry per input raster, in input order.
    pub inputs: Vec<InputRecord>,
    /// Leads per class over all inputs.
    pub counts: BTreeMap<String, usize>,
    /// Tiles over all inputs.
    pub tiles: TileCounts,
    /// Seconds spent per stage over all inputs (stages overlap, so they add up to more than
    /// `seconds_total`).
    pub seconds: BTreeMap<String, f64>,
    /// Wall-clock seconds for the whole run.
    pub seconds_total: f64,
    /// The inputs that failed, with the reason.
    pub failures: Vec<Failure>,
}

/// The settings of a run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Parameters {
    /// `--model`, when given.
    pub model: Option<String>,
    /// `cpu` or `cuda:N`.
    pub device: String,
    /// Tiles per forward pass.
    pub batch: usize,
    /// Worker threads.
    pub threads: usize,
    /// `--tile-size`, when given (otherwise each model's card decides).
    pub tile_size: Option<usize>,
    /// Thresholds given on the command line, by class (the cards' apply to the others).
    pub thresholds: BTreeMap<String, f32>,
    /// Peak thresholds given on the command line, by class.
    pub peak_thresholds: BTreeMap<String, f32>,
    /// Smallest lead scores given on the command line, by class.
    pub min_scores: BTreeMap<String, f32>,
    /// `--min-area`, when given (otherwise each model's card decides).
    pub min_area_m2: Option<f64>,
    /// EPSG code of the GeoPackage's CRS.
    pub gpkg_epsg: Option<u32>,
}

/// A model as used in a run.
#[derive(Clone, Debug, Serialize)]
pub struct ModelRecord {
    /// Its card.
    pub card: PathBuf,
    /// SHA-256 of its weights.
    pub sha256: String,
    /// Its profile.
    pub profile: String,
    /// Tile size and halo used with it.
    pub tile_size: usize,
    /// See `tile_size`.
    pub halo: usize,
    /// The thresholds applied, by class.
    pub thresholds: BTreeMap<String, f32>,
    /// The peak thresholds applied, by class (classes without one keep every object).
    pub peak_thresholds: BTreeMap<String, f32>,
    /// The smallest lead scores applied, by class (classes without one keep every object).
    pub min_scores: BTreeMap<String, f32>,
    /// The smallest polygon area kept, by class, in square metres.
    pub min_area_m2: BTreeMap<String, f64>,
}

/// One input raster and what became of it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InputRecord {
    /// The path, as given or found.
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: Option<u64>,
    /// A fast content fingerprint (see `fingerprint`).
    pub fingerprint: Option<String>,
    /// Width and height in pixels.
    pub width: Option<usize>,
    /// See `width`.
    pub height: Option<usize>,
    /// The model that scanned it.
    pub model: Option<String>,
    /// The ground sample distance it was scanned at, in metres, when that was coarser than its
    /// own (the model card's `geoscout:scan_gsd_m`); `None` when read at its own.
    pub scan_gsd_m: Option<f64>,
    /// `ok` or `failed`.
    pub status: String,
    /// Why it failed.
    pub error: Option<String>,
    /// Leads found, by class.
    pub counts: BTreeMap<String, usize>,
    /// Tiles planned, read and skipped.
    pub tiles: TileCounts,
    /// Seconds per stage.
    pub seconds: BTreeMap<String, f64>,
}

/// Tile counts.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct TileCounts {
    /// Tiles in the plan.
    pub planned: usize,
    /// Tiles read and run through the model.
    pub read: usize,
    /// Tiles skipped because their window held no valid pixel.
    pub skipped_nodata: usize,
}

impl TileCounts {
    /// Adds another input's counts to these.
    pub fn add(&mut self, other: TileCounts) {
        self.planned += other.planned;
        self.read += other.read;
        self.skipped_nodata += other.skipped_nodata;
    }
}

/// An input that failed.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// The input.
    pub path: PathBuf,
    /// Why, in one line.
    pub reason: String,
}
