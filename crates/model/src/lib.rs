//! The model stage of geoscout, and the only crate that links libtorch (through `tch`).
//!
//! - [`ModelCard`]: a model's card (`card.json`, a STAC Item with the MLM extension and
//!   geoscout's own fields), found by name or path with [`resolve`].
//! - [`Model`]: the card's TorchScript weights, checked against the card's sha256 and loaded on a
//!   [`Device`]; [`Model::predict`] runs a [`Batch`] of windows and returns per-class
//!   probability tiles; [`Model::predict_tiles`] runs a whole raster, reading tiles in parallel
//!   while the forward passes run.
//! - [`ModelCard::check_raster`] refuses a raster that does not fit the model before any work,
//!   and [`ModelCard::read_options`] reads it as the model needs.
//!
//! ```no_run
//! # fn main() -> geoscout_model::Result<()> {
//! use geoscout_model::{Device, Model, ModelCard, resolve};
//!
//! let card = ModelCard::from_path(&resolve("satellite")?)?;
//! let model = Model::load(card, Device::Cpu, Some(2))?;
//! let mut batch = model.batch(model.card().tile_size, 4);
//! batch.push(ndarray::Array3::zeros((4, 576, 576)).view());
//! let probabilities = model.predict(&batch)?; // one (classes, 576, 576) array per window
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod batch;
mod card;
mod check;
mod device;
mod error;
mod infer;
mod model;
mod resolve;
#[cfg(test)]
mod test_fixtures;

pub use batch::Batch;
pub use card::{ClassSpec, ModelCard};
pub use check::{GSD_TOLERANCE, Mismatch};
pub use device::{Device, set_threads, threads};
pub use error::{Error, Result};
pub use infer::{RunStats, TileOutput};
pub use model::{Model, sha256_file};
pub use resolve::{MODELS_ENV, fitting_model, models_dir, resolve, shipped_models};
