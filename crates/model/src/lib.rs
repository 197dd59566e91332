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

/// jemalloc serves every allocation of a process that links this crate, libtorch's included
/// (its `malloc` replaces the C library's), and keeps the pages it frees for reuse
/// (`JEMALLOC_SYS_WITH_MALLOC_CONF` in `.cargo/config.toml`). libtorch frees and reallocates
/// the same large activation buffers on every forward pass; with glibc's allocator (or
/// jemalloc's default decay) each pass page-faulted them in again, and `cargo bench --bench
/// model` measured the satellite model at batch 4 at 2.0-2.2 core MP/s instead of 5.5. The
/// price is memory that is kept once used: set `MALLOC_CONF=dirty_decay_ms:10000,muzzy_decay_ms:0`
/// to trade the speed back for it.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

pub use batch::Batch;
pub use card::{ClassSpec, ModelCard};
pub use check::{GSD_TOLERANCE, Mismatch};
pub use device::{Device, set_threads, threads};
pub use error::{Error, Result};
pub use infer::{RunStats, TileOutput};
pub use model::{Model, sha256_file};
pub use resolve::{MODELS_ENV, fitting_model, models_dir, resolve, shipped_models};
